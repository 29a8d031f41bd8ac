"""The workbench's terminal UI: the app shell.  Screens do the work (frogmouth's rule:
keep this file small): this opens the session in a worker, pushes the translation
screen and owns the global actions (help, quit) and the palette's commands."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import Any

from textual import on, work
from textual.app import App, SystemCommand

from workbench.tui.bindings import bindings, effective_keys
from workbench.tui.commands import workbench_commands
from workbench.tui.display.rtl import bidi_switch
from workbench.tui.guard import EXPECTED, describe
from workbench.tui.messages import SessionReady, WorkFailed
from workbench.tui.screens.dialogs import HelpScreen, LoadingScreen
from workbench.tui.screens.translate import TranslateScreen

__all__ = ["WorkbenchApp"]


class WorkbenchApp(App[int]):
    CSS_PATH = "workbench.tcss"
    TITLE = "workbench"
    BINDINGS = bindings("app")

    def __init__(self, open_session: Callable[[], Any], *, label: str = "", mode: str = "app",
                 prefill: str = "empty", keymap: dict[str, str] | None = None,
                 theme: str = "textual-dark") -> None:
        super().__init__()
        self.open_session, self.label = open_session, label
        self.mode, self.prefill, self.wb_theme = mode, prefill, theme
        self.user_keymap = dict(keymap or {})
        self.effective_keys = effective_keys(self.user_keymap)  # checked: raises on a bad one
        self.session: Any = None
        self.error: str | None = None

    def on_mount(self) -> None:
        self.theme = self.wb_theme
        self.set_keymap(self.user_keymap)
        on_start, _ = bidi_switch(self.mode)
        if on_start and self._driver is not None:
            self._driver.write(on_start)
        self.push_screen(LoadingScreen(self.label))
        self._open()

    @work(thread=True, exit_on_error=False)
    def _open(self) -> None:
        try:
            session = self.open_session()
        except EXPECTED as exc:
            self.post_message(WorkFailed("open", describe(exc)))
            return
        self.post_message(SessionReady(session))

    @on(SessionReady)
    def _session_ready(self, m: SessionReady) -> None:
        self.session = m.session
        self.switch_screen(TranslateScreen(m.session, mode=self.mode, prefill=self.prefill))
        self.call_after_refresh(gc.freeze)  # the loaded project and glossary: out of GC scans

    @on(WorkFailed)
    def _failed(self, m: WorkFailed) -> None:
        self.error = m.error
        self.exit(2)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.user_keymap))

    def get_system_commands(self, screen: Any) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from workbench_commands(self, screen)

    def on_unmount(self) -> None:
        _, on_exit = bidi_switch(self.mode)
        if on_exit and self._driver is not None:
            self._driver.write(on_exit)
        if self.session is not None:
            for screen in self.screen_stack:
                if isinstance(screen, TranslateScreen):
                    screen.flush(ui=False)
            self.session.close()
