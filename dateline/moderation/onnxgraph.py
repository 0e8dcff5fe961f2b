"""The MiniLM encoder as an ONNX graph, built here from the packaged weights.

Nothing is downloaded: the graph is written with ``onnx.helper`` from the
same ``model.safetensors`` that ``minilm.py`` reads, then its weights are
quantized to int8 (``onnxruntime.quantization.quantize_dynamic``), and
onnxruntime runs it several times faster than numpy, on a batch of texts at
once. The built file is cached in the data folder under the hash of the
weights and of this module's graph version, so it is built once (a few
seconds) and rebuilt only when either changes.

The graph is BERT as all-MiniLM-L6-v2 uses it: word, position and token-type
embeddings, the first ``minilm.ENCODER_LAYERS`` of its six encoder layers (12
heads, GELU with erf), then the mean of the token vectors under the attention
mask.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from dateline.moderation.minilm import ENCODER_LAYERS, HEAD_DIM, HEADS, HIDDEN

GRAPH_VERSION = "2"  # change it when the graph or its quantization changes


def _weights(directory: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return {
        name: value.astype(np.float32)
        for name, value in load_file(str(directory / "model.safetensors")).items()
        if value.dtype != np.int64
    }


def build(directory: Path, layers: int = ENCODER_LAYERS) -> bytes:
    """The float32 graph: inputs ``input_ids`` and ``attention_mask`` (batch,
    tokens), output ``pooled`` (batch, 384), not yet normalised."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = _weights(directory)
    nodes: list[Any] = []
    inits: list[Any] = []
    count = [0]

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(value, name))
        return name

    def op(kind: str, inputs: list[str], **attrs: Any) -> str:
        count[0] += 1
        out = f"{kind.lower()}_{count[0]}"
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def dense(x: str, prefix: str) -> str:
        weight = const(f"{prefix}.w", np.ascontiguousarray(w[f"{prefix}.weight"].T))
        return op(
            "Add",
            [op("MatMul", [x, weight]), const(f"{prefix}.b", w[f"{prefix}.bias"])],
        )

    def norm(x: str, prefix: str) -> str:
        return op(
            "LayerNormalization",
            [
                x,
                const(f"{prefix}.g", w[f"{prefix}.weight"]),
                const(f"{prefix}.beta", w[f"{prefix}.bias"]),
            ],
            axis=-1,
            epsilon=1e-12,
        )

    ids, mask = "input_ids", "attention_mask"
    # Positions 0..n-1 for n tokens: a cumulative sum of ones, less one.
    ones = op(
        "ConstantOfShape",
        [op("Shape", [ids])],
        value=helper.make_tensor("one", TensorProto.INT64, [1], [1]),
    )
    positions = op(
        "Sub",
        [
            op("CumSum", [ones, const("axis1", np.array(1, np.int64))]),
            const("one64", np.array(1, np.int64)),
        ],
    )
    x = op(
        "Add",
        [
            op("Gather", [const("word", w["embeddings.word_embeddings.weight"]), ids]),
            op(
                "Gather",
                [
                    const("position", w["embeddings.position_embeddings.weight"]),
                    positions,
                ],
            ),
        ],
    )
    x = op(
        "Add", [x, const("token_type", w["embeddings.token_type_embeddings.weight"][0])]
    )
    x = norm(x, "embeddings.LayerNorm")
    maskf = op("Cast", [mask], to=TensorProto.FLOAT)
    # (batch, 1, 1, tokens): 0 where a token is real, -10000 at padding.
    bias = op(
        "Unsqueeze",
        [
            op(
                "Mul",
                [
                    op("Sub", [const("onef", np.array(1.0, np.float32)), maskf]),
                    const("neg", np.array(-10000.0, np.float32)),
                ],
            ),
            const("axes12", np.array([1, 2], np.int64)),
        ],
    )
    split = const("split_shape", np.array([0, 0, HEADS, HEAD_DIM], np.int64))
    merge = const("merge_shape", np.array([0, 0, HIDDEN], np.int64))
    scale = const("scale", np.array(1 / math.sqrt(HEAD_DIM), np.float32))
    half = const("half", np.array(0.5, np.float32))
    root2 = const("root2", np.array(math.sqrt(2.0), np.float32))
    onef = "onef"
    for i in range(layers):
        p = f"encoder.layer.{i}."
        q = op(
            "Transpose",
            [op("Reshape", [dense(x, p + "attention.self.query"), split])],
            perm=[0, 2, 1, 3],
        )
        k = op(
            "Transpose",
            [op("Reshape", [dense(x, p + "attention.self.key"), split])],
            perm=[0, 2, 3, 1],
        )
        v = op(
            "Transpose",
            [op("Reshape", [dense(x, p + "attention.self.value"), split])],
            perm=[0, 2, 1, 3],
        )
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), bias])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), merge])
        x = norm(
            op("Add", [x, dense(context, p + "attention.output.dense")]),
            p + "attention.output.LayerNorm",
        )
        h = dense(x, p + "intermediate.dense")
        h = op(
            "Mul",
            [
                op("Mul", [h, half]),
                op("Add", [onef, op("Erf", [op("Div", [h, root2])])]),
            ],
        )
        x = norm(op("Add", [x, dense(h, p + "output.dense")]), p + "output.LayerNorm")
    weights = op("Unsqueeze", [maskf, const("axis2", np.array([2], np.int64))])
    summed = op(
        "ReduceSum",
        [op("Mul", [x, weights]), const("axes1", np.array([1], np.int64))],
        keepdims=0,
    )
    counted = op(
        "ReduceSum", [maskf, const("axes1b", np.array([1], np.int64))], keepdims=1
    )
    nodes.append(helper.make_node("Div", [summed, counted], ["pooled"]))
    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info(mask, TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", HIDDEN])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def session(model: bytes | Path, threads: int = 1) -> Any:
    """An onnxruntime session on the CPU for ``model`` (a graph or its file).

    One thread per call by default: a web process serves several requests at
    once, so more threads buy latency on an idle machine at the cost of the
    other requests.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    if threads > 1:  # idle threads wait instead of spinning on a core
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = model if isinstance(model, bytes) else str(model)
    return onnxruntime.InferenceSession(
        source, options, providers=["CPUExecutionProvider"]
    )


def quantized(directory: Path, cache: Path) -> Path:
    """The int8 graph's file, built into ``cache`` on first use."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = hashlib.sha256((directory / "model.safetensors").read_bytes())
    source.update(f"{GRAPH_VERSION}:{ENCODER_LAYERS}".encode())
    target = cache / f"minilm-int8-{source.hexdigest()[:16]}.onnx"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work:
        plain = Path(work) / "plain.onnx"
        plain.write_bytes(build(directory))
        built = Path(work) / "int8.onnx"
        # Per-channel int8 weights for the matrix products only: the
        # embeddings stay float, and the result stays within about 1% of the
        # float model (cosine 0.98 to 0.99), which the heads are trained on.
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # its advice is for images
        try:
            quantize_dynamic(
                plain,
                built,
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul"],
            )
        finally:
            logging.getLogger().setLevel(quiet)
        os.replace(built, target)  # whole or not at all, if two processes race
    return target
