"""The runner's interface: :func:`run_batch` and the in-process executor.

An executor runs ``fn(item)`` for every item and calls ``on_result(result)`` in this
thread as each result arrives, calling ``check()`` (which raises
:class:`~workbench.errors.CancelledError` once cancelled) at least every quarter of
a second while it waits; any exception, including a cancel, stops it and ends its
workers before it propagates.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Hashable, Iterable, Protocol, Sequence, TypeVar

from workbench.progress import CancelToken, ProgressEvent, Reporter

__all__ = ["Executor", "InProcess", "available_cores", "local_executor", "run_batch"]

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Where the tasks run (see the module docstring)."""

    #: how the run is described in reports: ``local`` or ``dask tcp://...``
    name: str

    def run(self, fn: Callable[[Any], Any], items: Sequence[Any],
            on_result: Callable[[Any], None], check: Callable[[], None]) -> None: ...


class InProcess:
    """Every item in this thread, in order (``fn`` may be a closure: nothing is pickled)."""

    name = "local"

    def run(self, fn: Callable[[T], R], items: Sequence[T], on_result: Callable[[R], None],
            check: Callable[[], None]) -> None:
        for item in items:
            check()
            on_result(fn(item))


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def local_executor(workers: int, n_items: int, *, initializer: Callable[..., None] | None = None,
                   initargs: tuple = (), in_process: Callable[[], Executor] | None = None
                   ) -> Executor:
    """A pool of ``workers`` processes (no more than there are items), or this process
    when that is one: ``in_process()`` if given (e.g. with a model already loaded here),
    else :class:`InProcess`."""
    from workbench.runner.pool import LocalPool

    n = min(max(1, workers), max(1, n_items))
    if n == 1:
        return in_process() if in_process is not None else InProcess()
    return LocalPool(n, initializer=initializer, initargs=initargs)


def run_batch(items: Iterable[T], fn: Callable[[T], R], *,
              executor: Executor | Callable[[int], Executor],
              finish: Callable[[R], str], task: str,
              reuse: Callable[[T], Any] | None = None,
              reused: Callable[[int], str] = lambda n: f"{n} reused",
              progress: Callable[[ProgressEvent], None] | None = None,
              cancel: CancelToken | None = None,
              key: Callable[[T], Hashable] = lambda item: item) -> dict[Hashable, Any]:
    """Run ``fn`` on every item not done yet; returns the resumed results
    (``{key(item): result}``).

    ``executor`` is an :data:`Executor` or a function of the number of items left to
    run that makes one (e.g. no pool for a single document).
    ``reuse(item)`` is the resume hook: a stored result (the item is skipped) or None
    (it is run).  ``finish(result)`` takes each new result as it arrives (in this thread;
    it stores it atomically, so that an interrupted run resumes) and returns the detail
    shown with its progress event (the item's name).  Progress: one event of ``task``
    before the first result (``reused(n)`` says how many were resumed) and one per
    result.  ``cancel`` stops the run between results with
    :class:`~workbench.errors.CancelledError`; what was finished before stays stored.
    """
    items = list(items)
    done: dict[Hashable, Any] = {}
    todo: list[T] = []
    for item in items:
        if cancel is not None:
            cancel.raise_if_cancelled()
        got = reuse(item) if reuse is not None else None
        if got is not None:
            done[key(item)] = got
        else:
            todo.append(item)
    reporter = Reporter(task, total=len(items), progress=progress, cancel=cancel)
    reporter.done = len(done)
    reporter.start(reused(len(done)) if done else "")
    if todo:
        if not hasattr(executor, "run"):
            executor = executor(len(todo))
        executor.run(fn, todo, lambda result: reporter.advance(1, finish(result)),
                     reporter.check)
    return done
