"""The local executor: a pool of spawned worker processes that never outlives its command.

:class:`LocalPool` keeps a few items in flight per worker (the rest wait here, so that
a cancel does not have to drain hundreds of submitted futures).  Every worker ignores
Ctrl-C (the parent decides when to stop), runs the caller's initializer once (a model
loaded once per process) and watches its parent (:func:`watch_parent`): it exits by
itself when the parent is gone, even after SIGKILL.  In the parent, SIGTERM raises
``SystemExit(143)`` while the pool runs (:func:`sigterm_raises`), so that SIGTERM,
Ctrl-C, an error and a cancel all take the same abort path (:func:`abort_pool`) and
end the workers at once.  Workers are spawned: they start clean (no threads or locks
copied from a TUI or a progress bar) and see this process's current environment.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

__all__ = ["LocalPool", "abort_pool", "close_pool", "sigterm_raises", "watch_parent"]

#: Items in flight per worker.
IN_FLIGHT = 2
#: Seconds between checks (cancel, signals) while results are awaited.
POLL = 0.2


def _start_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """Pool initializer: no Ctrl-C (the parent decides when to stop), a watchdog on the
    parent, then the caller's initializer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)
    if initializer is not None:
        initializer(*initargs)


class LocalPool:
    """``workers`` spawned processes, each set up once by ``initializer(*initargs)``;
    ``fn``, the items and the results are pickled."""

    name = "local"

    def __init__(self, workers: int, *, initializer: Callable[..., None] | None = None,
                 initargs: tuple = ()) -> None:
        self.workers = max(1, workers)
        self.initializer = initializer
        self.initargs = tuple(initargs)

    def run(self, fn: Callable[[Any], Any], items: Sequence[Any],
            on_result: Callable[[Any], None], check: Callable[[], None]) -> None:
        ctx = multiprocessing.get_context("spawn")
        queue = list(reversed(items))
        pending: set[Future] = set()
        clean = False
        with sigterm_raises():
            pool = ProcessPoolExecutor(max_workers=min(self.workers, len(items)) or 1,
                                       mp_context=ctx, initializer=_start_worker,
                                       initargs=(os.getpid(), self.initializer, self.initargs))
            try:
                while queue or pending:
                    while queue and len(pending) < IN_FLIGHT * self.workers:
                        pending.add(pool.submit(fn, queue.pop()))
                    finished, pending = wait(pending, timeout=POLL,
                                             return_when=FIRST_COMPLETED)
                    for fut in finished:
                        on_result(fut.result())
                    check()
                clean = True
            finally:
                close_pool(pool, clean)


def close_pool(pool: ProcessPoolExecutor, clean: bool) -> None:
    """Wait for the workers after a clean run; otherwise (an error, Ctrl-C, SIGTERM, a
    cancel) end them at once with :func:`abort_pool`."""
    if clean:
        try:
            pool.shutdown(wait=True)
            return
        except BaseException:
            abort_pool(pool)
            raise
    abort_pool(pool)


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While a process pool runs: SIGTERM raises ``SystemExit(143)`` in this (main) thread,
    so that the pool's abort path runs and ends the workers (SIGTERM's default action
    ends this process alone and leaves them running).  A second SIGTERM during the abort
    is ignored.  Outside the main thread (the TUI's workers) nothing changes: signals
    reach the main thread only, and the parent watchdog of :func:`watch_parent` remains."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # pragma: no cover - not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def watch_parent(parent: int, interval: float = 0.5) -> None:
    """In a worker process: a daemon thread that ends the process at once when ``parent``
    is no longer its parent (the parent died, even by SIGKILL, and the worker was handed
    to init or a subreaper), so that no worker outlives the command that started it."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="workbench-parent-watchdog", daemon=True).start()


def abort_pool(pool: ProcessPoolExecutor) -> None:
    """Stop at once: drop queued items and end the workers (their results are dropped)."""
    # (shutdown forgets the processes: take them first)
    processes = dict(getattr(pool, "_processes", None) or {})
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    processes.update(getattr(pool, "_processes", None) or {})
    for proc in list(processes.values()):
        try:
            proc.terminate()
        except (OSError, AttributeError):  # pragma: no cover - already gone
            pass
    for proc in list(processes.values()):
        try:
            proc.join(timeout=5)
            if proc.is_alive():  # a busy machine: SIGTERM not handled yet
                proc.kill()
                proc.join(timeout=5)
        except (OSError, AttributeError, AssertionError, ValueError):  # pragma: no cover
            pass
    if manager is not None:  # it reaps the workers too: let it finish before returning
        manager.join(timeout=5)
