"""A second toxicity model, trained on real comments: ToxBlock, run in numpy.

The ``tox-block`` package (MIT) ships a small bidirectional LSTM trained on
the Jigsaw toxic-comment data (CC0: some 160,000 real Wikipedia talk-page
comments labelled by people), as a Keras HDF5 file and a pickled Keras
tokenizer. It is installed without its TensorFlow dependency (see the
Makefile): h5py reads the weights, which are put into an ONNX graph with
onnxruntime's own LSTM (about 0.3 ms a comment); the forward pass is also
written out in numpy (``predict_reference``), which the tests hold the
graph to. The tokenizer's vocabulary is read from the pickle by an
unpickler that builds nothing but plain data. Its mistakes differ from the MiniLM heads'
(it knows real readers' slang and swearing, and is not thrown by
second-person civil text), which is why ``toxicity.py`` combines the two.

The files are checked against the hashes below before use, so a different
release of the package cannot slip in unnoticed.
"""

from __future__ import annotations

import collections
import hashlib
import pickle
import threading
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from dateline.moderation import minilm

CLASSES = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
MAX_FEATURES = 20_000
SEQUENCE = 100  # Keras pads (at the front) or cuts (keeping the end) to this
UNITS = 50
MANY_TEXTS = 8  # a call with this many texts may use more threads
WEIGHTS = "lstm_model_0.1.2.h5"
VOCABULARY = "encoder_0.1.2.pkl"
SHA256 = {
    WEIGHTS: "587d40726f1250341a3661fac099e46582cf34cdd5136eb88a726bf6d62ec24e",
    VOCABULARY: "f73db76ce4138c0a566cf91a84077ab66db1f5da40d795d2f751b5a157d91ce7",
}


def model_dir() -> Path:
    import tox_block  # the packaged weights

    return Path(tox_block.__file__).parent / "trained_models"


def _checked(path: Path) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256[path.name]:
        raise RuntimeError(
            f"{path} is not the ToxBlock file Dateline was built for "
            f"(sha256 {digest}); install tox-block==0.1.2"
        )
    return path


class _Record:
    """Whatever class the pickle names: only its attributes are kept."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


class _DataOnly(pickle.Unpickler):
    """Reads the tokenizer's attributes without importing or running its code."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return dict
        if (module, name) == ("collections", "defaultdict"):
            return collections.defaultdict
        if (module, name) == ("builtins", "int"):
            return int
        return type(name, (_Record,), {})


def _hard_sigmoid(x: np.ndarray) -> np.ndarray:
    # Keras 2's hard_sigmoid, the LSTM's recurrent activation here.
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)


class ToxBlock:
    """Text in, six probabilities out (``CLASSES``)."""

    def __init__(self, directory: Path | None = None) -> None:
        import h5py

        directory = directory or model_dir()
        with _checked(directory / VOCABULARY).open("rb") as f:
            tokenizer = _DataOnly(f).load().tokenizer
        self.vocabulary: dict[str, int] = {
            word: index
            for word, index in tokenizer.word_index.items()
            if index < MAX_FEATURES
        }
        self.filters = str.maketrans({c: " " for c in tokenizer.filters})
        with h5py.File(_checked(directory / WEIGHTS), "r") as f:
            w = f["model_weights"]

            def get(name: str) -> np.ndarray:
                return np.array(w[name], dtype=np.float32)

            self.embeddings = get("embedding/embedding/embeddings:0")
            self.lstm = {
                way: tuple(
                    get(f"bidirectional/bidirectional/{way}_lstm/{part}:0")
                    for part in ("kernel", "recurrent_kernel", "bias")
                )
                for way in ("forward", "backward")
            }
            self.hidden = (get("dense/dense/kernel:0"), get("dense/dense/bias:0"))
            self.out = (get("dense_1/dense_1/kernel:0"), get("dense_1/dense_1/bias:0"))
        self._sessions: dict[int, Any] = {}
        self._session_lock = threading.Lock()

    def ids(self, text: str) -> list[int]:
        """Keras' ``texts_to_sequences``: lower case, split on punctuation,
        words outside the vocabulary dropped, the last ``SEQUENCE`` kept."""
        words = text.lower().translate(self.filters).split(" ")
        found = [self.vocabulary.get(word) for word in words if word]
        return [i for i in found if i is not None][-SEQUENCE:]

    def _lstm(self, x: np.ndarray, way: str) -> np.ndarray:
        """The LSTM over a batch ``x`` (texts, steps, 50): every step's h."""
        kernel, recurrent, bias = self.lstm[way]
        z = x @ kernel + bias
        batch, steps = x.shape[:2]
        h = np.zeros((batch, UNITS), np.float32)
        c = np.zeros((batch, UNITS), np.float32)
        out = np.empty((batch, steps, UNITS), np.float32)
        for t in range(steps):
            a = z[:, t] + h @ recurrent
            i = _hard_sigmoid(a[:, :UNITS])
            f = _hard_sigmoid(a[:, UNITS : 2 * UNITS])
            o = _hard_sigmoid(a[:, 3 * UNITS :])
            c = f * c + i * np.tanh(a[:, 2 * UNITS : 3 * UNITS])
            h = o * np.tanh(c)
            out[:, t] = h
        return out

    def _padded(self, texts: list[str]) -> np.ndarray:
        ids = np.zeros((len(texts), SEQUENCE), np.int64)  # padded at the front
        for row, text in enumerate(texts):
            found = self.ids(text)
            if found:
                ids[row, SEQUENCE - len(found) :] = found
        return ids

    def predict(self, texts: list[str]) -> np.ndarray:
        """The six probabilities for each text (rows), as Keras gives them.

        Several texts cost little more than one: they go through together.
        """
        threads = minilm.model_threads() if len(texts) >= MANY_TEXTS else 1
        (found,) = self.session(threads).run(None, {"ids": self._padded(texts)})
        result: np.ndarray = found
        return result

    def session(self, threads: int = 1) -> Any:
        """An onnxruntime session of the model, one per thread count.

        Each text costs about 0.3 ms, so the sentences of a long comment
        (read one by one for its highlight) may share the cores, as the
        encoder's long calls do (``minilm.model_threads``).
        """
        from dateline.moderation import onnxgraph

        with self._session_lock:
            if threads not in self._sessions:
                self._sessions[threads] = onnxgraph.session(self.graph(), threads)
            return self._sessions[threads]

    def graph(self) -> bytes:
        """The model as an ONNX graph: ids (batch, 100) in, probabilities out.

        ONNX's LSTM takes its gates in the order i, o, f, c (Keras: i, f, c,
        o) and its HardSigmoid defaults to Keras' 0.2x + 0.5.
        """
        import onnx
        from onnx import TensorProto, helper, numpy_helper

        def gates(a: np.ndarray) -> np.ndarray:
            i, f, c, o = np.split(a, 4, axis=-1)
            return np.concatenate([i, o, f, c], axis=-1)

        ways = [self.lstm["forward"], self.lstm["backward"]]
        values = {
            "embeddings": self.embeddings,
            "W": np.stack([gates(k).T for k, _r, _b in ways]),
            "R": np.stack([gates(r).T for _k, r, _b in ways]),
            "B": np.stack(
                [np.concatenate([gates(b), np.zeros_like(b)]) for _k, _r, b in ways]
            ),
            "hidden_w": self.hidden[0],
            "hidden_b": self.hidden[1],
            "out_w": self.out[0],
            "out_b": self.out[1],
            "steps_axis": np.array([0], np.int64),
            "flat": np.array([0, 2 * UNITS], np.int64),
        }
        node = helper.make_node
        nodes = [
            node("Gather", ["embeddings", "ids"], ["x"]),
            node("Transpose", ["x"], ["steps"], perm=[1, 0, 2]),
            node(
                "LSTM",
                ["steps", "W", "R", "B"],
                ["h"],
                direction="bidirectional",
                hidden_size=UNITS,
                activations=["HardSigmoid", "Tanh", "Tanh"] * 2,
            ),
            # Global max over the steps, forward then backward (Keras' concat).
            node("ReduceMax", ["h", "steps_axis"], ["pooled"], keepdims=0),
            node("Transpose", ["pooled"], ["by_text"], perm=[1, 0, 2]),
            node("Reshape", ["by_text", "flat"], ["features"]),
            node("MatMul", ["features", "hidden_w"], ["h1"]),
            node("Add", ["h1", "hidden_b"], ["h2"]),
            node("Relu", ["h2"], ["h3"]),
            node("MatMul", ["h3", "out_w"], ["o1"]),
            node("Add", ["o1", "out_b"], ["o2"]),
            node("Sigmoid", ["o2"], ["probabilities"]),
        ]
        graph = helper.make_graph(
            nodes,
            "toxblock",
            [
                helper.make_tensor_value_info(
                    "ids", TensorProto.INT64, ["batch", SEQUENCE]
                )
            ],
            [
                helper.make_tensor_value_info(
                    "probabilities", TensorProto.FLOAT, ["batch", 6]
                )
            ],
            [numpy_helper.from_array(v, n) for n, v in values.items()],
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        serialised: bytes = model.SerializeToString()
        return serialised

    def predict_reference(self, texts: list[str]) -> np.ndarray:
        """:meth:`predict` in numpy, step by step (slow; for the tests)."""
        x = self.embeddings[self._padded(texts)]
        forward = self._lstm(x, "forward")
        backward = self._lstm(x[:, ::-1], "backward")
        pooled = np.concatenate([forward.max(1), backward.max(1)], axis=1)
        hidden = np.maximum(pooled @ self.hidden[0] + self.hidden[1], 0.0)
        logits = hidden @ self.out[0] + self.out[1]
        result: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return result


_lock = threading.Lock()


@cache
def _shared() -> ToxBlock:
    return ToxBlock()


def model() -> ToxBlock:
    """One model per process (about 5 MB of weights), loaded on first use."""
    with _lock:
        return _shared()
