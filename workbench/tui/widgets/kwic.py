"""Key-word-in-context lines for the concordance and the findings list: a window of a
text around its hit, on one screen line, with the hit highlighted.  Arabic is laid out
for the screen (shaped and reordered in ``app`` mode) after the window is cut, so the
highlight lands on the right cells; the stored text is never changed."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from workbench.tui.display.rtl import layout

__all__ = ["HIT_STYLE", "arabic_inline", "arabic_line", "english_line", "window"]

HIT_STYLE = "bold reverse #5fafff"


def window(text: str, spans: Sequence[tuple[int, int]], width: int
           ) -> tuple[str, list[tuple[int, int]], bool, bool]:
    """The part of ``text`` around its first span that fits ``width`` characters, the
    spans moved into it, and whether text was cut on the left / on the right."""
    flat = text.replace("\n", " ")
    if not spans:
        return flat[:width], [], False, len(flat) > width
    a, b = spans[0]
    room = max(0, width - (b - a))
    start = max(0, min(a - room // 2, len(flat) - width))
    end = min(len(flat), start + width)
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans
              if s < end and e > start]
    return flat[start:end], inside, start > 0, end < len(flat)


def english_line(text: str, spans: Sequence[tuple[int, int]], width: int) -> Text:
    piece, inside, left, right = window(text, spans, max(4, width - 2))
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("…" if left else "")
    pos = 0
    for a, b in inside:
        out.append(piece[pos:a])
        out.append(piece[a:b], style=HIT_STYLE)
        pos = b
    out.append(piece[pos:])
    out.append("…" if right else "")
    return out


def arabic_line(text: str, spans: Sequence[tuple[int, int]], width: int,
                mode: str = "app") -> Text:
    """One right-aligned screen line of Arabic around the hit."""
    width = max(8, width)
    piece, inside, left, right = window(text, spans, width - 2)
    marks = [False] * (len(piece) + 1)
    for a, b in inside:
        for i in range(max(0, a), min(len(piece), b)):
            marks[i] = True
    lines = layout(piece, width - 2, mode) if piece.strip() else ()
    out = Text(no_wrap=True, overflow="crop")
    # logical order: the cut on the right of the text (its end) shows on the left
    out.append("…" if right else " ")
    if lines:
        # the line holding the hit (or the first)
        line = lines[0]
        if inside:
            line = next((ln for ln in lines if ln.start <= inside[0][0] < ln.end), lines[0])
        for chunk, hit in line.runs(lambda i: bool(i < len(marks) and marks[i])):
            out.append(chunk, style=HIT_STYLE if hit else None)
    out.append("…" if left else " ")
    return out


def arabic_inline(text: str, mode: str = "app") -> str:
    """A short Arabic form (a glossary term) for a line of Latin text: shaped and in
    visual order in ``app`` mode, logical for a terminal that reorders it."""
    flat = " ".join(text.split())
    if not flat:
        return ""
    lines = layout(flat, len(flat) + 2, mode)
    return lines[0].text.strip() if lines else flat
