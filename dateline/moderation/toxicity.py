"""How likely a comment is abusive, from two models whose mistakes differ.

Offline and on the CPU:

- **MiniLM heads**: logistic regressions on all-MiniLM-L6-v2 embeddings
  (``minilm.py``), trained by ``manage.py train_moderation`` on
  ``data/train.jsonl`` only (never on ``data/eval.jsonl``). The *fast* head
  reads the mean of the word vectors before any encoder layer (about
  0.1 ms); the *full* head reads the encoder's embedding after four of its
  six layers (one to two ms; ``minilm.ENCODER_LAYERS`` says why four),
  which understands context: threats and insults phrased politely,
  attacks on a group.
- **ToxBlock** (``toxblock.py``): an LSTM trained on real comments (the
  Jigsaw data), about 0.3 ms for a short comment. It knows readers' slang
  and swearing and is not thrown by short, informal or second-person civil
  text, which the MiniLM heads, trained on a few hundred comments, read as
  abuse too often.

An :class:`Assessment` keeps each model's answer and derives the three
measures the decision bands use (``scorers.ToxicityScorer``):

- ``suspicion``: the higher of the full head and ToxBlock's *toxic*, for
  *publish and flag*. Either model's suspicion is worth a moderator's
  glance; nobody is held for it.
- ``score``: the mean of the full head and ToxBlock's attack classes
  (insult, threat, identity hate), for *ask the writer to reconsider*.
- ``agreement``: the lower of the two, for *hold* and *reject*: only when
  both models, trained on different data, independently find an attack.

The cascade: a comment both the fast head and ToxBlock find clearly civil
does not go through the encoder. The encoder may lower the fast head's
verdict (it reads context the fast head cannot), except when ToxBlock
agrees with a clear fast-head insult: then two models trained apart have
found the same thing, and the full head's answer counts no lower than the
fast head's.
"""

from __future__ import annotations

import gc
import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from dateline.moderation import minilm, toxblock

DATA = Path(__file__).parent / "data"
HEADS_FILE = DATA / "heads.json"
FAST, FULL = 0, minilm.ENCODER_LAYERS
# Below this on the fast head and on ToxBlock's toxic class, a comment is not
# sent through the encoder (``training.train`` reports how many abusive
# training examples fall below both).
GATE = 0.15
# A fast-head score this high, with ToxBlock's attack classes at least
# AGREE, is not overruled by the full head.
CLEAR = 0.9
AGREE = 0.5
TOXIC, INSULT, THREAT, IDENTITY_HATE = 0, 4, 3, 5
PIECE_WORDS = 60
# At most this many pieces of one comment go through the encoder (the most
# doubtful ones, by the cheap models): a comment's cost is bounded whatever
# its shape.
MAX_ENCODED = 8
# ... and at most this many tokens in all, but always one piece: the
# encoder's cost grows with them (~16 ms for a 120-token piece on one core).
# With 256, the 5,000-character shapes of ``evaluation.PATHOLOGICAL`` score
# in under 80 ms, and the long comments of ``make eval-moderation`` land in
# the same bands as with no budget.
MAX_ENCODED_TOKENS = 256
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*", re.UNICODE)


@dataclass(frozen=True)
class Head:
    """Logistic regression on the embedding after ``layers`` encoder layers."""

    layers: int
    weights: np.ndarray
    bias: float

    def probability(self, embedding: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(embedding @ self.weights + self.bias))))

    def scores(self, texts: Sequence[str]) -> list[float]:
        """The probability for each text; the full encoder takes them in one batch."""
        return [self.probability(e) for e in embeddings(texts, self.layers)]

    def score(self, text: str) -> float:
        return self.scores([text])[0]


def embeddings(texts: Sequence[str], layers: int) -> np.ndarray:
    """What the head at ``layers`` reads: onnxruntime for the full encoder."""
    encoder = minilm.encoder()
    if layers == FULL:
        return encoder.embed_full(list(texts))
    if layers == FAST:
        return encoder.embed_words(list(texts))
    return np.array([encoder.embed(text, layers) for text in texts])


def pieces(text: str) -> list[str]:
    """``text`` cut at sentence ends into pieces the models read whole.

    The encoder reads 128 tokens and ToxBlock the last 100 words, so a long
    comment is read piece by piece (in one batch) and judged by its worst
    piece: an insult in the middle of a long post is not lost.
    """
    if len(text.split()) <= PIECE_WORDS:
        return [text]
    found: list[str] = []
    current: list[str] = []
    for sentence in SENTENCE.findall(text):
        words = sentence.split()
        while len(words) > PIECE_WORDS:  # one very long sentence
            found.append(" ".join(words[:PIECE_WORDS]))
            words = words[PIECE_WORDS:]
        if current and len(current) + len(words) > PIECE_WORDS:
            found.append(" ".join(current))
            current = []
        current += words
    if current:
        found.append(" ".join(current))
    return found or [text]


@cache
def heads() -> dict[int, Head]:
    saved = json.loads(HEADS_FILE.read_text())
    return {
        int(layers): Head(
            int(layers), np.array(head["weights"], dtype=np.float32), head["bias"]
        )
        for layers, head in saved["heads"].items()
    }


@dataclass(frozen=True)
class Assessment:
    """Each model's probability that a text is abusive (0 to 1)."""

    fast: float  # MiniLM head on the word vectors
    full: float  # MiniLM head on the encoder (= fast when the gate skipped it)
    toxic: float  # ToxBlock: toxic (rude, profane) in general
    attack: float  # ToxBlock: the highest of insult, threat, identity hate

    @property
    def suspicion(self) -> float:
        return max(self.full, self.toxic)

    @property
    def score(self) -> float:
        return (self.full + self.attack) / 2

    @property
    def agreement(self) -> float:
        return min(self.full, self.attack)


def _toxblock(texts: Sequence[str]) -> np.ndarray:
    return toxblock.model().predict(list(texts))


def _within_budget(parts: list[str]) -> list[str]:
    """The first of ``parts`` (most doubtful first) that fit the token budget."""
    if len(parts) < 2:
        return parts
    lengths = [len(e.ids) for e in minilm.encoder().tokenizer.encode_batch(parts)]
    kept, used = [parts[0]], lengths[0]
    for part, length in zip(parts[1:], lengths[1:], strict=True):
        if used + length > MAX_ENCODED_TOKENS:
            break
        kept.append(part)
        used += length
    return kept


def assess(text: str) -> Assessment:
    """What the models make of ``text``, through the cascade.

    A long text is read in pieces; each model answers for its worst piece.
    """
    parts = pieces(text)
    fast_by_piece = heads()[FAST].scores(parts)
    by_piece = _toxblock(parts)
    fast = max(fast_by_piece)
    probabilities = by_piece.max(axis=0)
    toxic = float(probabilities[TOXIC])
    attack = float(probabilities[[INSULT, THREAT, IDENTITY_HATE]].max())
    # The gate, piece by piece: only the pieces either model doubts go
    # through the encoder; the others count with their fast-head score.
    ranked = sorted(
        (
            (max(quick_score, float(row[TOXIC])), part)
            for part, quick_score, row in zip(
                parts, fast_by_piece, by_piece, strict=True
            )
            if quick_score >= GATE or row[TOXIC] >= GATE
        ),
        key=lambda pair: -pair[0],
    )
    doubtful = _within_budget([part for _doubt, part in ranked[:MAX_ENCODED]])
    if not doubtful:
        return Assessment(fast, fast, toxic, attack)
    cleared = [s for s in fast_by_piece if s < GATE]
    full = max(heads()[FULL].scores(doubtful) + cleared)
    if fast >= CLEAR and attack >= AGREE:
        full = max(full, fast)
    return Assessment(fast, full, toxic, attack)


def quick(texts: Sequence[str]) -> list[Assessment]:
    """The models without the encoder, for many short texts at once.

    Used to find which sentences of a flagged comment to show: ToxBlock
    reads them side by side in one pass and the fast head costs almost
    nothing, so a long comment costs about what one sentence does.
    """
    if not texts:
        return []
    probabilities = _toxblock(texts)
    found = []
    for score, row in zip(heads()[FAST].scores(texts), probabilities, strict=True):
        attack = float(row[[INSULT, THREAT, IDENTITY_HATE]].max())
        found.append(Assessment(score, score, float(row[TOXIC]), attack))
    return found


_loading = threading.Lock()
_started = False
_loaded = threading.Event()
_failed = ""


def load() -> None:
    """Load the models and open their sessions (about a second)."""
    global _failed
    try:
        _load()
    except Exception as exc:  # told by /readyz; posts would raise it again
        _failed = f"{type(exc).__name__}: {exc}"[:200]
        raise
    _loaded.set()


def _load() -> None:
    heads()
    encoder = minilm.encoder()
    encoder.embed_full(["warm up"])  # builds the graph if need be
    encoder.session(minilm.model_threads())  # a long comment's
    model = toxblock.model()
    model.predict(["warm up"])
    model.session(minilm.model_threads())  # a long comment's sentences


def in_use() -> bool:
    from dateline.moderation import scoring

    return "dateline.moderation.scorers.ToxicityScorer" in scoring.scorer_paths()


def warm_up() -> None:
    """Load the models in the background, so the first post does not wait.

    A web process calls this at start when the toxicity scorer is in use
    (once: later calls do nothing).
    """
    global _started
    if not in_use():
        return
    with _loading:
        if _started:
            return
        _started = True
    _in_background(_warm)


def _warm() -> None:
    load()
    # What a web process has loaded now stays for its life: out of the
    # cyclic collector's sight, a full collection no longer walks the
    # models' and the site's objects (a post's share of collection time
    # went from 0.09 to 0.03 ms).
    gc.freeze()


def _in_background(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="toxicity-warm-up", daemon=True).start()


def readiness() -> tuple[bool, str] | None:
    """For ``/readyz``: whether this process has its models loaded (None when
    the toxicity scorer is off). A process that has not started loading
    them starts now. Until they are in, a post waits for them: seconds."""
    if not in_use():
        return None
    if _loaded.is_set():
        return True, "loaded"
    if _failed:
        return False, f"failed to load: {_failed}"
    warm_up()
    return False, "loading"
