"""The translator's editor: a TextArea whose term findings are highlighted.

Highlights go through TextArea's highlight map, which takes UTF-8 *byte* columns per
line (a private API, hence Textual is pinned exactly); the map is cleared on every
edit and set again when the debounced findings for the new text arrive."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from rich.style import Style
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

__all__ = ["Editor", "line_spans"]

_STYLES = {
    "wb.error": Style(color="red", bold=True, underline=True),
    "wb.warning": Style(color="yellow", underline=True),
    "wb.info": Style(underline=True, dim=True),
}


def line_spans(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """Character range ``[start, end)`` of ``text`` as (row, start byte, end byte) per line."""
    out = []
    pos = 0
    for row, line in enumerate(text.split("\n")):
        a, b = max(start, pos), min(end, pos + len(line))
        if a < b:
            out.append((row, len(line[:a - pos].encode()), len(line[:b - pos].encode())))
        pos += len(line) + 1
        if pos > end:
            break
    return out


class Editor(TextArea):
    DEFAULT_CSS = "Editor { height: 1fr; min-height: 5; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, soft_wrap=True, tab_behavior="focus",
                         show_line_numbers=False)
        self.link_id: int | None = None
        self.base_version = 0

    def on_mount(self) -> None:
        base = TextAreaTheme.get_builtin_theme("css") or TextAreaTheme(name="css")
        theme = dataclasses.replace(base, name="workbench",
                                    syntax_styles={**base.syntax_styles, **_STYLES})
        self.register_theme(theme)
        self.theme = "workbench"

    async def _on_key(self, event: Any) -> None:
        # A terminal sends Alt+X as the character "x" with the alt modifier: TextArea would
        # insert the "x"; it is a key binding (Export TMX and the like), not text.
        if event.key.startswith(("alt+", "ctrl+")) and len(event.key) > 4:
            event.prevent_default()     # not TextArea's insert (Textual calls each class's)

    def load(self, link_id: int | None, text: str, version: int) -> None:
        """Show ``text`` for a link (the text's undo history starts here)."""
        self.link_id, self.base_version = link_id, version
        self.load_text(text)
        self.move_cursor(self.document.end)

    def replace_all(self, text: str) -> None:
        """Replace the whole text as one undoable edit (Ctrl+Z brings the old back)."""
        self.replace(text, self.document.start, self.document.end)
        self.move_cursor(self.document.end)

    def mark(self, findings: Sequence[Any]) -> None:
        highlights = self._highlights
        highlights.clear()
        text = self.text
        for f in findings:
            if f.target_span is None:
                continue
            name = f"wb.{f.severity}" if f"wb.{f.severity}" in _STYLES else "wb.warning"
            for row, a, b in line_spans(text, *f.target_span):
                highlights[row].append((a, b, name))
        self._line_cache.clear()
        self.refresh()
