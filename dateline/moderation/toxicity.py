"""How likely a comment is abusive: a small classifier on MiniLM embeddings.

Offline and on the CPU: the encoder's weights ship in a package
(``minilm.py``) and the classifier heads in ``data/heads.json``, trained by
``manage.py train_moderation`` on ``data/train.jsonl`` only (never on the
evaluation set, ``data/eval.jsonl``).

Two heads work as a cascade. The first reads the mean of the comment's word
vectors before any encoder layer: about 0.1 ms, and good at insults and
swearing. A comment it finds clearly civil (below ``GATE``) is done; any other
goes through the full six-layer encoder and its head (several milliseconds),
which reads context: threats and insults phrased politely, insults aimed at
a group. On the evaluation set the cascade scores as well as the full model
while most civil comments take the fast path (``make eval-moderation``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from dateline.moderation import minilm

DATA = Path(__file__).parent / "data"
HEADS_FILE = DATA / "heads.json"
FAST, FULL = 0, minilm.LAYERS
# Below this on the fast head, a comment is not sent through the encoder.
# Chosen on the training set: no abusive training example scores below it.
GATE = 0.15


@dataclass(frozen=True)
class Head:
    """Logistic regression on the embedding after ``layers`` encoder layers."""

    layers: int
    weights: np.ndarray
    bias: float

    def probability(self, embedding: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(embedding @ self.weights + self.bias))))

    def score(self, text: str) -> float:
        return self.probability(minilm.encoder().embed(text, self.layers))


@cache
def heads() -> dict[int, Head]:
    saved = json.loads(HEADS_FILE.read_text())
    return {
        int(layers): Head(
            int(layers), np.array(head["weights"], dtype=np.float32), head["bias"]
        )
        for layers, head in saved["heads"].items()
    }


def cascade_score(text: str) -> float:
    """Probability that ``text`` is abusive (0 to 1)."""
    fast = heads()[FAST].score(text)
    if fast < GATE:
        return fast
    return heads()[FULL].score(text)


def warm_up() -> None:
    """Load the model in the background, so the first post does not wait.

    A web process calls this at start when the toxicity scorer is in use.
    """
    import threading

    from dateline.moderation import scoring

    if "dateline.moderation.scorers.ToxicityScorer" not in scoring.scorer_paths():
        return

    def load() -> None:
        heads()
        minilm.encoder().embed("warm up")

    threading.Thread(target=load, name="toxicity-warm-up", daemon=True).start()
