"""The segment list: every link of the project in source order, one line each.

A line-API :class:`~textual.scroll_view.ScrollView` with its own row cache (as toolong's
log view does): only the visible lines are rendered, and a rendered line is kept until
its link, the width, the cursor or the display mode changes, so a project of thousands
of links scrolls and repaints in constant time.  Columns: number, status glyph, kind,
confidence, open findings, the start of the Arabic (laid out for the screen).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.tui.display.rtl import preview

__all__ = ["STATUS_GLYPHS", "SegmentList"]

STATUS_GLYPHS = {"new": ("·", "dim"), "draft": ("✎", "yellow"), "translated": ("✓", "green"),
                 "reviewed": ("★", "cyan")}
_NUMBER = 5
_FIXED = _NUMBER + 1 + 2 + 2 + 5 + 3 + 1


class SegmentList(ScrollView, can_focus=True):
    """Rows are :class:`workbench.app.session.Row`; posts :class:`Selected`."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "up", show=False),
        Binding("down,j", "move(1)", "down", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "edge(0)", show=False),
        Binding("end", "edge(1)", show=False),
        Binding("enter", "choose", "edit", show=False),
    ]
    DEFAULT_CSS = """
    SegmentList { width: 46; border-right: vkey $foreground 20%; }
    """

    class Selected(Message):
        def __init__(self, link_id: int, focus_editor: bool = False) -> None:
            super().__init__()
            self.link_id = link_id
            self.focus_editor = focus_editor

    def __init__(self, *, mode: str = "app", id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Any] = []
        self.cursor = 0
        self.mode = mode
        self._cache: OrderedDict[tuple, Strip] = OrderedDict()
        self._index: dict[int, int] = {}

    # ---- data

    def set_rows(self, rows: list[Any], keep: int | None = None) -> None:
        """Replace the rows (one call per change, however many rows changed)."""
        current = keep if keep is not None else self.current_id
        self.rows = rows
        self._index = {r.id: n for n, r in enumerate(rows)}
        self.cursor = self._index.get(current, min(self.cursor, max(0, len(rows) - 1)))
        self.virtual_size = Size(self._width(), len(rows))
        self._scroll_cursor_visible()
        self.refresh()

    def replace_row(self, row: Any) -> bool:
        """Put ``row`` in place of the row with its id (False when it is not listed)."""
        n = self._index.get(row.id)
        if n is None:
            return False
        self.rows[n] = row
        self.refresh_lines(n, 1)
        return True

    @property
    def current_id(self) -> int | None:
        return self.rows[self.cursor].id if 0 <= self.cursor < len(self.rows) else None

    def select(self, link_id: int, *, notify: bool = False) -> bool:
        n = self._index.get(link_id)
        if n is None:
            return False
        self._move_cursor(n)
        if notify:
            self.post_message(self.Selected(link_id))
        return True

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._cache.clear()
        self.refresh()

    # ---- actions

    def action_move(self, step: int) -> None:
        self._go(self.cursor + step)

    def action_page(self, step: int) -> None:
        self._go(self.cursor + step * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, end: int) -> None:
        self._go(len(self.rows) - 1 if end else 0)

    def action_choose(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Selected(self.current_id, focus_editor=True))

    def _go(self, n: int) -> None:
        if not self.rows:
            return
        n = max(0, min(len(self.rows) - 1, n))
        if n != self.cursor:
            self._move_cursor(n)
            self.post_message(self.Selected(self.rows[n].id))

    def on_click(self, event: Click) -> None:
        n = event.y + int(self.scroll_offset.y)
        if 0 <= n < len(self.rows):
            self._go(n)
            if event.chain >= 2:
                self.action_choose()

    def _move_cursor(self, n: int) -> None:
        """Move the cursor; repaint only its old and new lines unless the view scrolls."""
        old, top = self.cursor, int(self.scroll_offset.y)
        self.cursor = n
        self._scroll_cursor_visible()
        if int(self.scroll_offset.y) != top:
            self.refresh()
        else:
            self.refresh_lines(old, 1)
            self.refresh_lines(n, 1)

    def _scroll_cursor_visible(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    # ---- rendering

    def _width(self) -> int:
        return max(_FIXED + 4, self.scrollable_content_region.width)

    def on_resize(self) -> None:
        self.virtual_size = Size(self._width(), len(self.rows))
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        n = y + int(self.scroll_offset.y)
        width = self._width()
        if not 0 <= n < len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[n]
        selected = n == self.cursor
        key = (row.id, row.link.version, row.link.status, row.findings, row.link.score, width,
               selected, self.has_focus and selected, self.mode)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(row, width, selected)
            self._cache[key] = strip
            if len(self._cache) > 4000:
                self._cache.popitem(last=False)
        return strip

    def _render_row(self, row: Any, width: int, selected: bool) -> Strip:
        lk = row.link
        base = self.rich_style
        if selected:
            base = base + Style(reverse=not self.has_focus, bgcolor=None if not self.has_focus
                                else "#2a4d7a", bold=self.has_focus)
        glyph, colour = STATUS_GLYPHS.get(lk.status, ("?", "red"))
        kind = "+" if lk.is_insertion else "−" if lk.is_deletion else (
            "×" if len(lk.src) > 1 or len(lk.tgt) > 1 else " ")
        conf = "  -- " if lk.score is None else f"{lk.score:5.2f}"
        conf_style = "dim" if lk.score is None else (
            "green" if lk.score >= 0.8 else "yellow" if lk.score >= 0.5 else "bold red")
        found = f"{row.findings:>2} " if row.findings else "   "
        rest = width - _FIXED
        if lk.is_insertion:
            text, text_style = "(English only: " + lk.reference_text, Style(dim=True, italic=True)
            text = text[:rest].ljust(rest)
        else:
            text, text_style = preview(lk.source_text, rest, self.mode).text, Style()
        segs = [Segment(f"{row.number:>{_NUMBER}} ", base),
                Segment(glyph + " ", base + Style.parse(colour)),
                Segment(kind + " ", base + Style(dim=True)),
                Segment(conf, base + Style.parse(conf_style)),
                Segment(found, base + Style(color="red", bold=True)),
                Segment(" ", base),
                Segment(text, base + text_style)]
        return Strip(segs).adjust_cell_length(width, base)
