"""Measure the moderation pipeline and its models (``make eval-moderation``).

For the default pipeline: where civil and abusive comments land among the
bands (publish, flag, reconsider, hold, reject), the share of civil
comments held or rejected overall and per civil style, what share of each
abusive style gets no flag at all, and the time per comment by length.
For every candidate model: ROC-AUC overall and per style (each style's
comments against all comments of the other label).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from dateline.moderation.scoring import APPROVE, FLAG, HOLD, RECONSIDER, REJECT
from dateline.moderation.training import Example

BANDS = (APPROVE, FLAG, RECONSIDER, HOLD, REJECT)
LENGTHS = ((0, 60), (60, 300), (300, 10_000))


def roc_auc(
    scores: Sequence[float] | np.ndarray, labels: Sequence[int] | np.ndarray
) -> float:
    """Probability that an abusive comment outscores a civil one (ties count half)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels)
    positives, negatives = s[y == 1], s[y == 0]
    if not len(positives) or not len(negatives):
        raise ValueError("ROC-AUC needs both abusive and civil examples")
    greater = (positives[:, None] > negatives[None, :]).sum()
    ties = (positives[:, None] == negatives[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(positives) * len(negatives)))


def auc_by_style(scores: np.ndarray, rows: Sequence[Example]) -> dict[str, float]:
    """Each style's comments against every comment of the other label."""
    labels = np.array([r.label for r in rows])
    kinds = np.array([r.kind for r in rows])
    out = {}
    for kind in sorted(set(kinds)):
        mine = kinds == kind
        label = labels[mine][0]
        other = labels != label
        pick = mine | other
        out[kind] = roc_auc(scores[pick], labels[pick])
    return out


@dataclass(frozen=True)
class BandResult:
    """Where each comment landed, and how long the pipeline took on it."""

    name: str
    bands: list[str]
    scores: np.ndarray
    ms: np.ndarray
    rows: Sequence[Example]

    def lines(self) -> list[str]:
        key = self.name
        labels = np.array([r.label for r in self.rows])
        kinds = np.array([r.kind for r in self.rows])
        bands = np.array(self.bands)
        out = [f"{key}_roc_auc={roc_auc(self.scores, labels):.3f}"]
        for label, word in ((0, "civil"), (1, "abusive")):
            mine = bands[labels == label]
            for band in BANDS:
                out.append(f"{key}_{word}_in_{band}={(mine == band).mean():.3f}")
        stopped = np.isin(bands, (HOLD, REJECT))
        civil = labels == 0
        out.append(f"{key}_civil_held_or_rejected={stopped[civil].mean():.3f}")
        out.append(
            f"{key}_civil_asked_to_reconsider={(bands[civil] == RECONSIDER).mean():.3f}"
        )
        for kind in sorted(set(kinds[civil])):
            share = stopped[kinds == kind].mean()
            out.append(f"{key}_civil_held_or_rejected_{kind}={share:.3f}")
        unflagged = bands == APPROVE
        out.append(
            f"{key}_abusive_published_unflagged={unflagged[labels == 1].mean():.3f}"
        )
        for kind in sorted(set(kinds[labels == 1])):
            share = unflagged[kinds == kind].mean()
            out.append(f"{key}_abusive_published_unflagged_{kind}={share:.3f}")
        for kind, auc in auc_by_style(self.scores, self.rows).items():
            out.append(f"{key}_roc_auc_{kind}={auc:.3f}")
        return out


def run_bands(
    name: str,
    decide: Callable[[str], tuple[str, float]],
    rows: Sequence[Example],
) -> BandResult:
    """``decide`` gives a text's band and score; each call is timed."""
    decide(rows[0].text)  # warm-up: loading a model is not scoring
    bands, scores, ms = [], [], []
    for row in rows:
        started = time.perf_counter()
        band, score = decide(row.text)
        ms.append((time.perf_counter() - started) * 1000)
        bands.append(band)
        scores.append(score)
    return BandResult(name, bands, np.array(scores), np.array(ms), rows)


def timing_lines(name: str, texts: Sequence[str], ms: Sequence[float]) -> list[str]:
    """p50 and p95 milliseconds for comments of each length."""
    words = np.array([len(t.split()) for t in texts])
    times = np.asarray(ms)
    out = []
    for low, high in LENGTHS:
        pick = (words >= low) & (words < high)
        if not pick.any():
            continue
        label = f"{low}_{high}_words" if high < 10_000 else f"{low}plus_words"
        p50, p95 = np.percentile(times[pick], [50, 95])
        out.append(
            f"{name}_ms_{label}_p50={p50:.2f} {name}_ms_{label}_p95={p95:.2f} "
            f"({int(pick.sum())} comments)"
        )
    return out


# Comments shaped to make a scorer work hard, each at the longest a comment
# may be (5,000 characters): quoting, nesting, one word repeated, no spaces,
# only punctuation, emoji, links, capitals, sentences of one word.
PATHOLOGICAL: dict[str, str] = {
    "quote_lines": "> a\n" * 1250,
    "nested_quotes": ">" * 2000 + " a\n" + ("> " * 100 + "b\n") * 20,
    "one_word_sentences": "Idiot. " * 715,
    "repeated_insult": "you idiot " * 500,
    "one_long_word": "a" * 5000,
    "letters_and_newlines": "a\n" * 2500,
    "punctuation": "!?.,;:-" * 714,
    "emoji": "\U0001f621" * 2500,
    "links": "[x](https://example.org/a) " * 178,
    "shouting": "YOU ARE ALL LIARS AND THIEVES " * 166,
    "spaced_letters": "i d i o t " * 500,
}


def pathological_lines(decide: Callable[[str], tuple[str, float]]) -> list[str]:
    """The slowest of three runs on each shape, and the worst of them."""
    out = []
    worst = 0.0
    for name, text in PATHOLOGICAL.items():
        text = text[:5000]
        times = []
        for _ in range(3):
            started = time.perf_counter()
            decide(text)
            times.append((time.perf_counter() - started) * 1000)
        worst = max(worst, max(times))
        out.append(f"pathological_{name}_ms={max(times):.1f}")
    out.append(f"pathological_worst_ms={worst:.1f} (target <= 100)")
    return out


def candidate_lines(
    name: str, score: Callable[[str], float], rows: Sequence[Example]
) -> list[str]:
    """ROC-AUC overall and per style for one model, and its time."""
    score(rows[0].text)
    started = time.perf_counter()
    scores = np.array([score(r.text) for r in rows])
    ms = (time.perf_counter() - started) * 1000 / len(rows)
    labels = np.array([r.label for r in rows])
    out = [f"{name}_roc_auc={roc_auc(scores, labels):.3f}"]
    out += [
        f"{name}_roc_auc_{kind}={auc:.3f}"
        for kind, auc in auc_by_style(scores, rows).items()
    ]
    out.append(f"{name}_ms_per_comment={ms:.2f}")
    return out
