"""Progress reporting and cancellation for long core operations.

Long operations (aligning, batch scoring, translating) take an optional
``progress`` callback and an optional :class:`CancelToken`.  They are plain
functions, safe to call from a worker thread: the TUI passes a callback that
posts a message to the app, the CLI passes one that advances a ``rich``
progress bar, and tests pass nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Protocol

from workbench.errors import CancelledError


@dataclass(frozen=True)
class ProgressEvent:
    """``done`` of ``total`` units of ``task`` are finished (``total`` may be None if unknown)."""

    task: str
    done: int
    total: int | None = None
    detail: str = ""

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


class ProgressCallback(Protocol):
    def __call__(self, event: ProgressEvent) -> None: ...


def null_progress(event: ProgressEvent) -> None:  # noqa: ARG001 - deliberately ignores
    """The default callback: report nothing."""


class CancelToken:
    """A thread-safe flag that a caller sets to ask a long operation to stop.

    Operations call :meth:`raise_if_cancelled` between units of work; it raises
    :class:`~workbench.errors.CancelledError`.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError("operation cancelled")


class Reporter:
    """Bundles a callback and a token so operations can report and check in one call."""

    def __init__(self, task: str, total: int | None = None,
                 progress: Callable[[ProgressEvent], None] | None = None,
                 cancel: CancelToken | None = None) -> None:
        self.task = task
        self.total = total
        self.done = 0
        self._progress = progress or null_progress
        self._cancel = cancel

    def check(self) -> None:
        if self._cancel is not None:
            self._cancel.raise_if_cancelled()

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.check()
        self.done += n
        self._progress(ProgressEvent(self.task, self.done, self.total, detail))

    def start(self, detail: str = "") -> None:
        self.check()
        self._progress(ProgressEvent(self.task, self.done, self.total, detail))
