"""Modal screens: help (the keys in effect), the export path, a link's glossary terms,
a choice among a few options (where to split a link, which segment to unlink...), and
the loading screen shown while a new pair is aligned."""

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
from textual.widgets import Button, Checkbox, Input, Label, LoadingIndicator, OptionList, Static

from workbench.tui.bindings import keys_table
from workbench.tui.widgets.entry import terms_text

__all__ = ["ChoiceDialog", "ExportDialog", "HelpScreen", "LoadingScreen", "TermsScreen"]


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


class ChoiceDialog(ModalScreen[int | None]):
    """Pick one of ``options`` (Enter, or its number key); Esc cancels.  Dismisses with
    the option's index."""

    BINDINGS = [Binding("escape", "dismiss(None)", "cancel")]

    def __init__(self, title: str, options: Sequence[str | Text]) -> None:
        super().__init__()
        self.title_text, self.options = title, list(options)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="choice-title")
            yield OptionList(*(self._numbered(n, o) for n, o in enumerate(self.options, 1)),
                             id="choices")

    @staticmethod
    def _numbered(n: int, option: str | Text) -> str | Text:
        """The first nine options show the digit that picks them."""
        if n > 9:
            return option
        if isinstance(option, Text):
            return Text.assemble((f"{n} ", "bold"), option)
        return f"{n} {option}"

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def on_key(self, event: Any) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            n = int(event.character) - 1
            if n < len(self.options):
                event.stop()
                self.dismiss(n)


class TermsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f3,q", "dismiss", "close")]

    def __init__(self, source: str, hits: Sequence[Any], mode: str = "app") -> None:
        super().__init__()
        self.source, self.hits, self.mode = source, hits, mode

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(terms_text(self.source, self.hits, self.mode))


class LoadingScreen(Screen[None]):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def compose(self) -> ComposeResult:
        yield Label(f"Opening {self.label}…  (a new pair is aligned first; this happens "
                    "once)", id="loading-label")
        yield LoadingIndicator()
