"""A glossary entry as the screens show it: the glossary screen's detail pane and
occurrence rows, and the translation screen's list of a link's terms (F3), from one set
of helpers.  Arabic (forms, the ambiguous forms, Arabic inside the other senses or a
note) goes through the display layer, :mod:`workbench.tui.display.rtl`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets.option_list import Option

from workbench.tui.display.rtl import inline
from workbench.tui.widgets.kwic import arabic_inline, arabic_line, english_line

__all__ = ["append_forms", "entry_text", "occurrence_option", "terms_text"]


def append_forms(t: Text, variants: Sequence[str], deprecated: Sequence[str],
                 forbidden: Sequence[str], note: str = "", *, indent: str = "",
                 mode: str = "app") -> None:
    """The English spellings an entry accepts, discourages or refuses, and its note."""
    for label, items, style in (("variants", variants, "yellow"),
                                ("deprecated", deprecated, "yellow"),
                                ("forbidden", forbidden, "bold red")):
        if items:
            t.append(f"\n{indent}{label}: ", style="dim")
            t.append(", ".join(items), style=style)
    if note:
        t.append(f"\n{indent}note: {inline(note, mode)}", style="italic")


def entry_text(detail: Any, mode: str = "app") -> Text:
    """An entry in full (:class:`~workbench.app.terms.EntryDetail`), as the glossary
    screen's detail pane shows it."""
    e = detail.entry
    t = Text()
    t.append(e.en, style="bold green")
    t.append(f"   [{e.id}]  {e.type}", style="dim")
    t.append("\nArabic: ", style="dim")
    t.append(" · ".join(arabic_inline(a, mode) for a in e.ar))
    append_forms(t, e.variants, e.deprecated, e.forbidden, mode=mode)
    if getattr(e, "is_ambiguous", False):
        t.append("\nambiguous: ", style="dim")
        t.append(", ".join(inline(a, mode) for a in e.ambiguous) if e.ambiguous
                 else "every Arabic form", style="magenta")
        if e.senses:
            t.append(f"  (other senses: {', '.join(inline(s, mode) for s in e.senses)})",
                     style="italic")
        if e.homonyms:
            t.append(f"  homonyms: {', '.join(e.homonyms)}", style="magenta")
    for rid, rel, en in detail.related:
        t.append(f"\n{rel}: ", style="dim")
        t.append(f"{en} [{rid}]")
    append_forms(t, (), (), (), e.note, mode=mode)
    if e.path is not None:
        where = f"{e.path.parent.name}/{e.path.name}"      # folder and file, not the machine's path
        t.append(f"\nfile: {where}" + (f":{e.line}" if e.line else ""), style="dim")
    n = len(detail.links)
    t.append(f"\n\nin this project: {n} link{'s' if n != 1 else ''}"
             if n else "\n\nnot in this project", style="bold" if n else "dim")
    return t


def occurrence_option(o: Any, width: int, mode: str = "app") -> Option:
    """One place an entry occurs in the project, as a row of the occurrences list."""
    a = o.span[0]
    t = Text(f"link {o.number:>4} {'AR' if o.side == 'source' else 'EN'} ", style="dim")
    status = "" if o.side == "source" or o.status in ("preferred", "source") else \
        f"  ({o.status})"
    room = max(20, width - 12 - len(status))
    t.append_text(arabic_line(o.text, [o.span], room, mode) if o.side == "source"
                  else english_line(o.text, [o.span], room))
    if status:
        t.append(status, style="yellow")
    return Option(t, id=f"occ-{o.link_id}-{o.side}-{a}")


def terms_text(source: str, hits: Sequence[Any], mode: str = "app") -> Text:
    """The glossary terms of a link's Arabic (the session's ``TermHit`` list), one
    entry each, as the translation screen's terms dialog (F3) shows them."""
    out = Text()
    if not hits:
        out.append("no glossary terms in this link's Arabic", style="dim italic")
    seen = set()
    for h in hits:
        if h.entry_id in seen:
            continue
        seen.add(h.entry_id)
        if len(out):
            out.append("\n\n")
        out.append(arabic_inline(source[h.start:h.end], mode), style="bold")
        out.append(f"  →  {h.en}", style="bold green")
        out.append(f"   [{h.entry_id}]", style="dim")
        append_forms(out, h.variants, h.deprecated, h.forbidden, h.note, indent="  ",
                     mode=mode)
    return out
