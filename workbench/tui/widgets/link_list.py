"""The review screen's link list: one line a link, the English on the left and the Arabic
on the right, with the link's number, shape, kind, confidence and confirmed mark.

The same line-API view as the segment list (:class:`SegmentList`: only the visible
lines render, a rendered line is cached until its link, the width, the cursor or the
Arabic display mode changes), with review rows
(:class:`workbench.app.review.ReviewRow`) instead of translation rows.  A deletion
shows an empty English side, an insertion an empty Arabic side, and a moved link (out
of source order on the English side) a ``↕`` beside its kind.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from workbench.tui.display.rtl import preview
from workbench.tui.widgets.segment_list import SegmentList

__all__ = ["KIND_STYLES", "LinkList"]

KIND_STYLES = {"1:1": ("", "green"), "n:m": ("n:m", "cyan"), "deletion": ("del", "red"),
               "insertion": ("ins", "magenta"), "moved": ("↕mv", "bold yellow")}
_HEAD = 5 + 1 + 2 + 8 + 6 + 1          # number, mark, kind, confidence, gap
_GAP = " │ "


def kind_label(row: Any) -> tuple[str, str]:
    """``("2:1 n:m", "cyan")``: the shape and the kind's short name, with its colour."""
    tag, colour = KIND_STYLES.get(row.kind, ("?", "red"))
    return (f"{row.shape} {tag}".strip(), colour)


class LinkList(SegmentList):
    """Review rows, one line each; posts :class:`SegmentList.Selected`."""

    DEFAULT_CSS = "LinkList { width: 1fr; height: 1fr; border-bottom: hkey $foreground 20%; }"

    def _row_key(self, row: Any) -> tuple:
        lk = row.link
        return (row.id, lk.version, lk.score, row.kind, row.number, row.confirmed, row.shape)

    def _width(self) -> int:
        return max(_HEAD + 20, self.scrollable_content_region.width)

    def _render_row(self, row: Any, width: int, selected: bool) -> Strip:
        base = self._base_style(selected)
        lk = row.link
        label, colour = kind_label(row)
        conf = "  --  " if lk.score is None else f"{lk.score:5.2f} "
        conf_style = "dim" if lk.score is None else (
            "green" if lk.score >= 0.8 else "yellow" if lk.score >= 0.5 else "bold red")
        mark, mark_style = ("✔", "bold green") if row.confirmed else ("·", "dim")
        ar, en = lk.source_text, lk.reference_text
        rest = width - _HEAD - len(_GAP)
        left = rest // 2
        right = rest - left
        en_text = " ".join(en.split())
        en_cell = (en_text[: left - 1] + "…" if len(en_text) > left else en_text.ljust(left)) \
            if en_text else "(no English: deleted in the rewrite)"[:left].ljust(left)
        en_style = Style() if en_text else Style(dim=True, italic=True)
        if ar.strip():
            ar_cell, ar_style = preview(ar, right, self.mode).text, Style()
        else:
            ar_cell = "(no Arabic: added in the rewrite)"[:right].rjust(right)
            ar_style = Style(dim=True, italic=True)
        segs = [Segment(f"{row.number:>5} ", base),
                Segment(mark + " ", base + Style.parse(mark_style)),
                Segment(f"{label:<8}", base + Style.parse(colour)),
                Segment(conf, base + Style.parse(conf_style)),
                Segment(" ", base),
                Segment(en_cell, base + en_style),
                Segment(_GAP, base + Style(dim=True)),
                Segment(ar_cell, base + ar_style)]
        return Strip(segs).adjust_cell_length(width, base)
