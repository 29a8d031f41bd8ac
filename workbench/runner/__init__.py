"""One batch runner for every command that works on many documents (``batch align``,
``batch score``): the same tasks run in this process, in a local pool of worker
processes or on a Dask cluster, behind one interface, with cancel, resume and progress.

* :func:`run_batch` (:mod:`.core`) skips the items a caller says are done already
  (resume), runs the rest on an executor, hands each result to the caller as it
  arrives (to write it at once) and reports one :class:`~workbench.progress.ProgressEvent`
  per item; a :class:`~workbench.progress.CancelToken` stops it between results.
* Executors: :class:`InProcess` (this thread), :class:`LocalPool` (spawned worker
  processes, models loaded once per worker by an initializer; SIGTERM, Ctrl-C, an
  error or a cancel end the workers at once and each worker exits by itself when its
  parent dies, :mod:`.pool`) and :class:`DaskCluster` (a running scheduler, checked
  first so that a bad address fails fast in one line, :mod:`.dask`,
  :mod:`.scheduler`).  :func:`local_executor` picks this process or a pool.

The package sits low in the layers (it imports only ``errors`` and ``progress``) so
that both ``align`` and ``scoring`` use it; what a task does stays with its caller.
"""

from __future__ import annotations

from workbench.runner.core import (
    Executor,
    InProcess,
    available_cores,
    local_executor,
    run_batch,
)
from workbench.runner.dask import DaskCluster
from workbench.runner.pool import LocalPool, abort_pool, close_pool, sigterm_raises, watch_parent

__all__ = ["DaskCluster", "Executor", "InProcess", "LocalPool", "abort_pool",
           "available_cores", "close_pool", "local_executor", "run_batch", "sigterm_raises",
           "watch_parent"]
