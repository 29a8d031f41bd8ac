"""The command palette: every action of the registry by its palette name, next to
Textual's own commands (theme, keys, quit)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand

from workbench.tui.bindings import ACTIONS

__all__ = ["workbench_commands"]


def workbench_commands(app: Any, screen: Any) -> Iterable[SystemCommand]:
    keys = getattr(app, "effective_keys", {})
    for a in ACTIONS:
        if a.id == "quit":
            continue      # Textual's own Quit stays
        if a.scope == "translate" and getattr(screen, "name", "") != "translate":
            continue
        action = a.action.removeprefix("app.")
        target = app if a.action.startswith("app.") else screen
        hint = f"  [{keys.get(a.id)}]" if keys.get(a.id) else ""
        yield SystemCommand(a.name, a.help + hint,
                            lambda act=action, t=target: app.call_later(t.run_action, act))
