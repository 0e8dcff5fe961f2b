import time
from collections.abc import Callable

from django.core.management.base import BaseCommand

from dateline.moderation import evaluation, scoring, toxicity, training


def _pipeline(text: str) -> float:
    """The default pipeline's verdict as a number: any scorer's highest score."""
    return max(s.score for s in scoring.score(scoring.Draft(text)).scores)


def _profanity_check() -> Callable[[str], float] | None:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    return lambda text: float(predict_prob([text])[0])


class Command(BaseCommand):
    help = "Score the evaluation set with each toxicity candidate; print the numbers."

    def handle(self, *args: object, **options: object) -> None:
        rows = training.load(training.EVAL)
        heads = toxicity.heads()
        candidates: dict[str, Callable[[str], float] | None] = {
            "pipeline": _pipeline,  # every default scorer, as posting runs them
            "cascade": toxicity.cascade_score,  # the default pipeline's model
            "minilm_6": heads[6].score,
            "minilm_2": heads[2].score,
            "minilm_0": heads[0].score,
            "profanity_check": _profanity_check(),
        }
        abusive = sum(r.label for r in rows)
        self.stdout.write(
            f"eval_rows={len(rows)}\neval_abusive={abusive}\n"
            f"eval_civil={len(rows) - abusive}\nthreshold={evaluation.THRESHOLD}"
        )
        for name, score in candidates.items():
            if score is None:
                self.stdout.write(f"{name}_skipped=not installed")
                continue
            result = evaluation.evaluate(name, score, rows)
            self.stdout.write("\n".join(result.lines()))
        # Real comments are longer than most of the set: time the pipeline on
        # civil comments of about 90 words (six joined together).
        civil = [r.text for r in rows if r.label == 0]
        long = [" ".join(civil[i : i + 6]) for i in range(0, len(civil) - 6, 6)]
        started = time.perf_counter()
        for text in long:
            _pipeline(text)
        ms = (time.perf_counter() - started) * 1000 / len(long)
        self.stdout.write(f"pipeline_ms_per_long_civil_comment={ms:.2f}")
