"""Driving the app in tests: open it on a project and wait until the translation
screen is up; wait for a condition while the app runs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from workbench.app.session import Session, locate
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.translate import TranslateScreen

SIZE = (160, 45)


def app_for(path: Path, glossary: Any, **kwargs: Any) -> WorkbenchApp:
    session_kw = {k: kwargs.pop(k) for k in ("model", "backend") if k in kwargs}
    return WorkbenchApp(lambda: Session.open(locate(str(path)), glossary=glossary,
                                             **session_kw), label=path.stem, **kwargs)


async def wait_for(pilot: Any, cond: Callable[[], bool], timeout: float = 10.0) -> None:
    waited = 0.0
    while not cond():
        if waited >= timeout:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)
        waited += 0.05


@contextlib.asynccontextmanager
async def running(app: WorkbenchApp, size: tuple[int, int] = SIZE) -> AsyncIterator[Any]:
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: ready(app))
        await pilot.pause()
        yield pilot


def ready(app: WorkbenchApp) -> bool:
    """The translation screen is mounted and shows a link."""
    s = app.screen
    return isinstance(s, TranslateScreen) and s.is_mounted and s.ready


def screen(app: WorkbenchApp) -> TranslateScreen:
    assert isinstance(app.screen, TranslateScreen)
    return app.screen
