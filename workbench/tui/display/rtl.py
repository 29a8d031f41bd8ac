"""Arabic on a terminal: shaping, wrapping, reordering and span mapping (no Textual here).

Textual and Rich do no bidi reordering or shaping, and terminals differ (VTE, Konsole,
mlterm and macOS Terminal reorder each line themselves; xterm, alacritty, tmux and
Windows Terminal do not).  Two display modes:

* ``app``: the workbench lays Arabic out itself.  The paragraph is reshaped
  (arabic-reshaper with the harakat kept: its default deletes them), wrapped in
  *logical* order measuring cell widths *after* reshaping (lam-alef takes one cell,
  harakat none), then each wrapped line is reordered (the Unicode bidi algorithm of
  python-bidi, base direction right-to-left) and right-aligned.  A combining mark stays
  after its base letter in the visual string, so the terminal draws it on that letter.
* ``terminal``: logical text, wrapped and right-aligned, for a terminal that shapes and
  reorders each line itself.

Every visual line keeps, for each glyph it shows, the range of logical characters it
comes from, so that highlights computed on the logical text (terms, findings, TM diffs)
land on the right cells (:meth:`VisualLine.cells_for`, :meth:`VisualLine.runs`).
Everything stored, searched and edited stays logical; only the screen sees these lines.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rich.cells import cell_len

__all__ = [
    "MODES",
    "Glyph",
    "VisualLine",
    "bidi_switch",
    "detect_mode",
    "inline",
    "layout",
    "preview",
    "reshape",
    "resolve_mode",
]

MODES = ("app", "terminal")
#: environment variables of terminals that reorder (and shape) RTL lines themselves
_REORDERING_ENV = ("VTE_VERSION", "KONSOLE_VERSION", "MLTERM")
_TOKEN = re.compile(r"\s+|\S+")


# --------------------------------------------------------------------------- modes


def detect_mode(env: Mapping[str, str] | None = None) -> str:
    """``terminal`` where the environment shows a terminal that reorders RTL lines,
    else ``app``.  Inside tmux (or screen) the inner application's lines are not
    reordered by the outer terminal in a usable way, so tmux is ``app``."""
    env = os.environ if env is None else env
    if env.get("TMUX") or env.get("TERM", "").startswith(("tmux", "screen")):
        return "app"
    if any(env.get(name) for name in _REORDERING_ENV):
        return "terminal"
    if env.get("TERM_PROGRAM") == "Apple_Terminal":
        return "terminal"
    return "app"


def resolve_mode(setting: str, env: Mapping[str, str] | None = None) -> str:
    """``auto`` | ``app`` | ``terminal`` (the config's ``tui.arabic_display``) -> a mode."""
    if setting == "auto":
        return detect_mode(env)
    if setting not in MODES:
        raise ValueError(f"unknown Arabic display mode {setting!r} (auto, app or terminal)")
    return setting


def bidi_switch(mode: str, env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Escape sequences (on start, on exit) for a terminal with a documented switch for
    its own reordering: VTE's ``CSI 8 l`` (implicit bidi off) / ``CSI 8 h`` (back on).
    Only in ``app`` mode on VTE; otherwise two empty strings."""
    env = os.environ if env is None else env
    if mode == "app" and env.get("VTE_VERSION") and not env.get("TMUX"):
        return "\x1b[8l", "\x1b[8h"
    return "", ""


# --------------------------------------------------------------------------- shaping


@lru_cache(maxsize=1)
def _reshaper() -> Any:
    from arabic_reshaper import ArabicReshaper

    return ArabicReshaper(configuration={"delete_harakat": False})


def reshape(text: str) -> str:
    """Presentation forms for ``text`` (joined letters, lam-alef ligatures), harakat kept."""
    return _reshaper().reshape(text) if text else text


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _shape_map(logical: str) -> tuple[str, list[tuple[int, int]]]:
    """The reshaped text and, for each of its characters, the logical range it shows."""
    shaped = reshape(logical)
    spans: list[tuple[int, int]] = []
    p, n = 0, len(logical)
    inner: list[int] = []   # marks inside a ligature (lam + fatha + alef): drawn after it
    for ch in shaped:
        hit = next((i for i in inner if logical[i] == ch), None) if _is_mark(ch) else None
        if hit is not None:
            inner.remove(hit)
            spans.append((hit, hit + 1))
            continue
        inner.clear()
        if p >= n:  # should not happen; keep the map total
            spans.append((n, n))
            continue
        if ch == logical[p]:
            spans.append((p, p + 1))
            p += 1
            continue
        want = _nfkc(ch)
        took = 0
        for k in range(1, 12):
            if p + k > n:
                break
            piece = logical[p:p + k]
            if _nfkc(piece) == want:
                took = k
                break
            bare = "".join(c for c in piece if not _is_mark(c))
            if not _is_mark(piece[-1]) and _nfkc(bare) == want:
                took = k
                inner = [p + j for j, c in enumerate(piece) if _is_mark(c)]
                break
        took = took or 1
        spans.append((p, p + took))
        p += took
    if p < n and spans:  # anything left over belongs to the last glyph
        a, _b = spans[-1]
        spans[-1] = (a, n)
    return shaped, spans


# --------------------------------------------------------------------------- bidi


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me") or unicodedata.combining(ch) > 0


def _visual_order(text: str) -> list[tuple[int, str]]:
    """(index into ``text``, character as drawn) in visual order, for one line of a
    right-to-left paragraph (python-bidi's implementation of the Unicode algorithm,
    with mirroring).  Combining marks follow their base character."""
    from bidi import algorithm as uba

    storage = uba.get_empty_storage()
    storage["base_level"] = 1
    storage["base_dir"] = "R"
    uba.get_embedding_levels(text, storage)
    for i, ch in enumerate(storage["chars"]):
        ch["idx"] = i
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage, False)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    uba.reorder_resolved_levels(storage, False)
    uba.apply_mirroring(storage, False)
    order = [(c["idx"], c["ch"]) for c in storage["chars"]]
    # keep each combining mark right after its base (a terminal draws a mark on the cell
    # before it); a mark with no base on this line stays where it is
    marks_of: dict[int, list[tuple[int, str]]] = {}
    is_mark = [_is_mark(text[i]) for i in range(len(text))]
    for i, ch in order:
        if is_mark[i]:
            base = i - 1
            while base >= 0 and is_mark[base]:
                base -= 1
            if base >= 0:
                marks_of.setdefault(base, []).append((i, ch))
    out: list[tuple[int, str]] = []
    for i, ch in order:
        if is_mark[i]:
            base = i - 1
            while base >= 0 and is_mark[base]:
                base -= 1
            if base >= 0:
                continue
            out.append((i, ch))
            continue
        out.append((i, ch))
        out.extend(sorted(marks_of.get(i, ())))
    return out


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Glyph:
    """What one cell group shows: the text drawn (a letter and its marks), its first
    column on the line, its width in cells and the logical range it comes from."""

    text: str
    col: int
    width: int
    start: int
    end: int


@dataclass(frozen=True)
class VisualLine:
    """One screen line of a laid-out paragraph, ``width`` cells wide, right-aligned."""

    glyphs: tuple[Glyph, ...]
    width: int
    start: int          # logical range of the paragraph text on this line
    end: int
    pad: int            # blank cells on the left

    @property
    def text(self) -> str:
        return " " * self.pad + "".join(g.text for g in self.glyphs)

    def cells_for(self, start: int, end: int) -> list[tuple[int, int]]:
        """The column ranges ``[a, b)`` showing logical characters ``[start, end)``,
        merged where adjacent, left to right."""
        cols = sorted((g.col, g.col + g.width) for g in self.glyphs
                      if g.start < end and g.end > start and g.width > 0)
        out: list[tuple[int, int]] = []
        for a, b in cols:
            if out and out[-1][1] == a:
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
        return out

    def runs(self, style_at: Callable[[int], Any]) -> list[tuple[str, Any]]:
        """The line as (text, style) runs, left to right: ``style_at(logical index)``
        gives a glyph's style (the style of its first logical character); the left
        padding has style None."""
        out: list[tuple[str, Any]] = []
        if self.pad:
            out.append((" " * self.pad, None))
        for g in self.glyphs:
            style = style_at(g.start)
            if out and out[-1][1] == style:
                out[-1] = (out[-1][0] + g.text, style)
            else:
                out.append((g.text, style))
        return out


def _wrap(text: str, widths: Sequence[int], width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text`` (character widths in ``widths``) into ranges;
    spaces at a break are dropped; a word wider than the line is cut."""
    lines: list[tuple[int, int]] = []
    start = end = None      # current line's range (end excludes trailing spaces)
    used = 0
    for m in _TOKEN.finditer(text):
        a, b = m.span()
        w = sum(widths[a:b])
        if m.group()[0].isspace():
            if start is not None:
                used += w    # tentative: counted only if a word follows on this line
            continue
        if start is not None and used + w <= width:
            end, used = b, used + w
            continue
        if start is not None:
            lines.append((start, end))
            start = None
        # the word starts a line; cut it if it is wider than the line
        while w > width:
            cut, acc = a, 0
            while cut < b and acc + widths[cut] <= width:
                acc += widths[cut]
                cut += 1
            while cut < b and widths[cut] == 0:   # marks stay with their letter
                cut += 1
            if cut == a:
                cut = a + 1
            lines.append((a, cut))
            a = cut
            w = sum(widths[a:b])
        if a < b:
            start, end, used = a, b, w
    if start is not None:
        lines.append((start, end))
    return lines


def layout(text: str, width: int, mode: str = "app") -> tuple[VisualLine, ...]:
    """``text`` (logical order; newlines are hard breaks) as right-aligned lines of
    ``width`` cells for display ``mode`` (``app`` or ``terminal``).  Cached."""
    if mode not in MODES:
        raise ValueError(f"unknown Arabic display mode {mode!r}")
    return _layout(text, max(1, int(width)), mode)


@lru_cache(maxsize=4096)
def _layout(text: str, width: int, mode: str) -> tuple[VisualLine, ...]:
    out: list[VisualLine] = []
    offset = 0
    for para in text.split("\n"):
        out.extend(_layout_paragraph(para, offset, width, mode))
        offset += len(para) + 1
    return tuple(out)


def _layout_paragraph(logical: str, offset: int, width: int, mode: str) -> list[VisualLine]:
    if not logical.strip():
        return [VisualLine((), width, offset, offset + len(logical), width)]
    if mode == "app":
        shown, spans = _shape_map(logical)
    else:
        shown, spans = logical, [(i, i + 1) for i in range(len(logical))]
    widths = [cell_len(ch) for ch in shown]
    lines = []
    for a, b in _wrap(shown, widths, width):
        piece = shown[a:b]
        if mode == "app":
            order = [(a + i, ch) for i, ch in _visual_order(piece)]
        else:
            order = [(a + i, ch) for i, ch in enumerate(piece)]
        glyphs: list[Glyph] = []
        col = 0
        for i, ch in order:
            w = widths[i]
            s, e = spans[i]
            if w == 0 and glyphs:   # a mark: drawn with the glyph before it
                g = glyphs[-1]
                glyphs[-1] = Glyph(g.text + ch, g.col, g.width, min(g.start, offset + s),
                                   max(g.end, offset + e))
                continue
            glyphs.append(Glyph(ch, col, w, offset + s, offset + e))
            col += w
        pad = max(0, width - col)
        glyphs = [Glyph(g.text, g.col + pad, g.width, g.start, g.end) for g in glyphs]
        lines.append(VisualLine(tuple(glyphs), width, offset + spans[a][0],
                                offset + spans[b - 1][1], pad))
    return lines


def preview(text: str, width: int, mode: str = "app") -> VisualLine:
    """The first words of ``text`` that fit on one line of ``width`` cells (the segment
    list's Arabic column): the top line of its layout, newlines read as spaces."""
    flat = " ".join(text.split())
    lines = layout(flat, width, mode)
    return lines[0] if lines else VisualLine((), max(1, width), 0, 0, max(1, width))


#: a run of Arabic words with the spaces and punctuation between them (not around them)
_AR_LETTER = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_RUN = re.compile(f"[{_AR_LETTER}]+(?:[\\s,.;:!?\u060c\u061b\u061f0-9\u0660-\u0669-]*"
                         f"[{_AR_LETTER}]+)*")


def inline(text: str, mode: str = "app") -> str:
    """A line of mostly Latin text (a note, the other senses of an ambiguous entry) with
    its Arabic laid out where it stands: in ``app`` mode each run of Arabic words (with
    the spaces and punctuation between them) is shaped and put in visual order, as the
    bidi algorithm shows an Arabic run inside a left-to-right line; in ``terminal`` mode
    the text stays logical (the terminal does it).  Whitespace runs become one space."""
    flat = " ".join(text.split())
    if mode != "app" or not _ARABIC_RUN.search(flat):
        return flat

    def visual(m: re.Match) -> str:
        run = m.group()
        lines = layout(run, 2 * len(run) + 2, mode)
        return lines[0].text.strip() if lines else run

    return _ARABIC_RUN.sub(visual, flat)
