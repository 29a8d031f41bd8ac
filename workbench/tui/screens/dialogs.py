"""Modal screens: help (the keys in effect), the export path, a link's glossary terms,
and the loading screen shown while a new pair is aligned."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Input, Label, LoadingIndicator, Static

from workbench.tui.bindings import keys_table

__all__ = ["ExportDialog", "HelpScreen", "LoadingScreen", "TermsScreen"]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q,question_mark", "dismiss", "close")]

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        table = Table(title="workbench keys (remap any by its id in the config's tui.keymap)",
                      expand=True, show_lines=False)
        for col in ("action (palette name)", "keys", "id", "what it does"):
            table.add_column(col, overflow="fold")
        for name, keys, binding_id, help_text in keys_table(self.keymap):
            table.add_row(name, keys, binding_id, help_text)
        with VerticalScroll(id="help"):
            yield Static(table)
            yield Static(Text("Ctrl+P opens the command palette (every action by name); "
                              "Ctrl+Z/Ctrl+Y undo typing in the editor.  Esc closes.",
                              style="dim"))


class ExportDialog(ModalScreen[tuple[str, bool] | None]):
    """Ask where to write an export (default beside the project); overwriting an
    existing file needs the box ticked."""

    BINDINGS = [Binding("escape", "dismiss(None)", "cancel")]

    def __init__(self, what: str, default: Path) -> None:
        super().__init__()
        self.what, self.default = what, default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Export {self.what} to:")
            yield Input(str(self.default), id="path")
            yield Checkbox("overwrite the file if it exists", id="force")
            yield Button("Export", variant="primary", id="ok")

    def on_input_submitted(self) -> None:
        self._done()

    def on_button_pressed(self) -> None:
        self._done()

    def _done(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if path:
            self.dismiss((path, self.query_one("#force", Checkbox).value))


class TermsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f3,q", "dismiss", "close")]

    def __init__(self, source: str, hits: Sequence[Any]) -> None:
        super().__init__()
        self.source, self.hits = source, hits

    def compose(self) -> ComposeResult:
        out = Text()
        if not self.hits:
            out.append("no glossary terms in this link's Arabic", style="dim italic")
        seen = set()
        for h in self.hits:
            if h.entry_id in seen:
                continue
            seen.add(h.entry_id)
            if len(out):
                out.append("\n\n")
            out.append(self.source[h.start:h.end], style="bold")
            out.append(f"  →  {h.en}", style="bold green")
            out.append(f"   [{h.entry_id}]", style="dim")
            for label, items, style in (("variants", h.variants, "yellow"),
                                        ("deprecated", h.deprecated, "yellow"),
                                        ("forbidden", h.forbidden, "red")):
                if items:
                    out.append(f"\n  {label}: ", style="dim")
                    out.append(", ".join(items), style=style)
            if h.note:
                out.append(f"\n  note: {h.note}", style="italic")
        with VerticalScroll(id="dialog"):
            yield Static(out)


class LoadingScreen(Screen[None]):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def compose(self) -> ComposeResult:
        yield Label(f"Opening {self.label}…  (a new pair is aligned first; this happens "
                    "once)", id="loading-label")
        yield LoadingIndicator()
