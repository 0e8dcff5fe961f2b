"""Measure toxicity candidates on the evaluation set (``make eval-moderation``).

For each candidate: ROC-AUC, precision and recall at the default threshold,
the false-positive rate on the civil-but-heated comments (and on sarcasm
and war reporting, the other civil texts a crude filter gets wrong), recall
on threats and on insults aimed at a group (the hard cases), and the mean
time to score one comment.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from dateline.moderation.training import Example

THRESHOLD = 0.5
CIVIL_KINDS = ("heated", "sarcasm", "war")
HARD_KINDS = ("threat", "group")


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


@dataclass(frozen=True)
class Result:
    name: str
    auc: float
    precision: float
    recall: float
    false_positive_rate: dict[str, float]
    hard_recall: dict[str, float]
    ms_per_comment: float

    def lines(self) -> list[str]:
        key = self.name.replace("-", "_")
        out = [
            f"{key}_roc_auc={self.auc:.3f}",
            f"{key}_precision={self.precision:.3f}",
            f"{key}_recall={self.recall:.3f}",
        ]
        out += [f"{key}_fpr_{k}={v:.3f}" for k, v in self.false_positive_rate.items()]
        out += [f"{key}_recall_{k}={v:.3f}" for k, v in self.hard_recall.items()]
        out.append(f"{key}_ms_per_comment={self.ms_per_comment:.2f}")
        return out


def evaluate(
    name: str,
    score: Callable[[str], float],
    rows: Sequence[Example],
    threshold: float = THRESHOLD,
) -> Result:
    score(rows[0].text)  # warm-up: loading a model is not scoring
    started = time.perf_counter()
    scores = np.array([score(r.text) for r in rows])
    ms = (time.perf_counter() - started) * 1000 / len(rows)
    labels = np.array([r.label for r in rows])
    kinds = np.array([r.kind for r in rows])
    flagged = scores >= threshold
    true_pos = int((flagged & (labels == 1)).sum())
    return Result(
        name=name,
        auc=roc_auc(scores, labels),
        precision=true_pos / max(1, int(flagged.sum())),
        recall=true_pos / max(1, int((labels == 1).sum())),
        false_positive_rate={
            k: float(flagged[kinds == k].mean())
            for k in CIVIL_KINDS
            if (kinds == k).any()
        },
        hard_recall={
            k: float(flagged[kinds == k].mean())
            for k in HARD_KINDS
            if (kinds == k).any()
        },
        ms_per_comment=ms,
    )
