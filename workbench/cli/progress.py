"""The command line's one progress-bar adapter: rich bars on stderr fed by
:class:`~workbench.progress.ProgressEvent` callbacks.

``with progress_bar() as callback:`` yields the callback to hand to any operation (None
when stderr is not a terminal, or ``enabled`` is false): each event's ``task`` gets
its own bar, started at the event's ``done`` (documents resumed by a batch start the
bar, so they do not skew the ETA), with the event's ``detail`` beside it.  Nothing is
drawn before the first event.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(label: str | None = None, *, enabled: bool | None = None,
                 transient: bool = True) -> Iterator[Callable[[Any], None] | None]:
    """A progress bar per task (``label`` instead of the task names, when given); kept on
    screen at the end unless ``transient``."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    tasks: dict[str, Any] = {}
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), TextColumn("ETA"),
                   TimeRemainingColumn(), console=Console(stderr=True), transient=transient)

    def callback(event: Any) -> None:
        task = tasks.get(event.task)
        if task is None:
            if not tasks:
                bar.start()  # on the first event: nothing drawn while, e.g., stdin is read
            tasks[event.task] = bar.add_task(label or event.task, total=event.total,
                                             completed=event.done, detail=event.detail)
        else:
            bar.update(task, total=event.total, completed=event.done, detail=event.detail)

    try:
        yield callback
    finally:
        if tasks:
            bar.stop()
