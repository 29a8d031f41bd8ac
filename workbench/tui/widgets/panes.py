"""The panes beside the editor: the Arabic source, the aligned rewrite, the proposals,
the editor's findings and the status bar.  Display only; the screen feeds them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from workbench.tui.display.rtl import layout

__all__ = [
    "FindingsView",
    "ProposalsPane",
    "RewritePane",
    "SourcePane",
    "StatusBar",
    "finding_line",
]

TERM_STYLE = "bold underline #5fafff"


class SourcePane(Widget):
    """The Arabic of the current link, right-aligned, laid out for the screen (shaped and
    reordered by the app, or logical for a reordering terminal), glossary terms
    highlighted.  Re-wraps on resize; the text itself stays logical."""

    DEFAULT_CSS = "SourcePane { height: auto; min-height: 3; padding: 0 1; }"

    def __init__(self, *, mode: str = "app", id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.spans: list[tuple[int, int]] = []
        self.mode = mode
        self.note = ""

    def show(self, text: str, spans: Sequence[tuple[int, int]] = (), note: str = "") -> None:
        self.text, self.spans, self.note = text, list(spans), note
        self.refresh(layout=True)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.refresh(layout=True)

    def _lines(self, width: int):
        return layout(self.text, max(8, width), self.mode) if self.text.strip() else ()

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return max(1, len(self._lines(width)))

    def render(self) -> Text:
        width = max(8, self.content_size.width)
        if not self.text.strip():
            return Text(self.note or "(no Arabic in this link)", style="dim italic")
        marks = [False] * (len(self.text) + 1)
        for a, b in self.spans:
            for i in range(max(0, a), min(len(self.text), b)):
                marks[i] = True
        out = Text(no_wrap=True, overflow="crop")
        for k, line in enumerate(self._lines(width)):
            if k:
                out.append("\n")
            for chunk, term in line.runs(lambda i: bool(i < len(marks) and marks[i])):
                out.append(chunk, style=TERM_STYLE if term else None)
        return out


class RewritePane(Static):
    """The English the outlet published for this link, deprecated or forbidden
    spellings marked; for a deletion, says so."""

    DEFAULT_CSS = "RewritePane { height: auto; max-height: 12; padding: 0 1; }"

    def show(self, link: Any, marks: Sequence[Any] = ()) -> None:
        if link is None:
            self.update("")
            return
        if link.is_deletion:
            self.update(Text("deleted in the rewrite: the English has nothing for this "
                             "Arabic", style="dim italic"))
            return
        text = Text(link.reference_text)
        for f in marks:
            if f.target_span is None:
                continue
            a, b = f.target_span
            style = "bold red strike" if f.kind == "forbidden" else "bold yellow underline"
            text.stylize(style, a, b)
        self.update(text)


class ProposalsPane(Static):
    """Numbered proposals, best first: memory matches with their percentage and the
    source differences, MT n-best with their term checks, the rewrite with its fixes."""

    DEFAULT_CSS = "ProposalsPane { height: auto; max-height: 16; padding: 0 1; }"

    def show(self, candidates: Sequence[Any], notice: str = "", pending: bool = False) -> None:
        out = Text()
        for n, c in enumerate(candidates, 1):
            if n > 1:
                out.append("\n")
            colour = {"tm": "magenta", "mt": "cyan", "rewrite": "green"}.get(c.kind, "white")
            out.append(f"{n} ", style="bold")
            out.append(f"{c.label:<8}", style=f"bold {colour}")
            out.append(c.text)
            if c.findings:
                out.append(f"  [{len(c.findings)} term finding"
                           f"{'s' if len(c.findings) > 1 else ''}]", style="red")
            changed = [(k, t) for k, t in c.diff if k != "equal"]
            if changed:
                out.append("\n          source differs: ", style="dim")
                for k, t in changed[:6]:
                    out.append(("+" if k == "added" else "−") + t.strip() + " ",
                               style="green" if k == "added" else "red strike")
        if pending:
            out.append(("\n" if candidates else "") + "machine translation running…",
                       style="dim italic")
        if notice:
            out.append(("\n" if len(out) else "") + notice, style="dim")
        if not len(out):
            out = Text("no proposals", style="dim italic")
        self.update(out)


def finding_line(f: Any) -> Text:
    sev = {"error": "bold red", "warning": "yellow", "info": "dim"}.get(f.severity, "")
    t = Text()
    t.append(f"{f.kind:<10}", style=sev)
    if f.kind == "variant" and f.fix:
        t.append(f"{f.found!r} → {f.fix!r}")
    elif f.kind == "missing":
        t.append(f"{f.expected} expected" + (f" ({f.term})" if f.term else ""))
    elif f.kind == "forbidden":
        t.append(f"{f.found!r} is forbidden" + (f": use {f.fix!r}" if f.fix else ""))
    elif f.kind == "unsourced":
        t.append(f"{f.found!r} has no source term in the Arabic")
    else:
        t.append(" ".join(str(x) for x in (f.found, f.expected) if x) or (f.note or ""))
    if f.note and f.kind in ("number", "check"):
        t.append(f"  {f.note}", style="dim")
    return t


class FindingsView(Static):
    """The editor text's term findings, as the translator types."""

    DEFAULT_CSS = "FindingsView { height: auto; max-height: 8; padding: 0 1; }"

    def show(self, findings: Sequence[Any], empty: str = "") -> None:
        if not findings:
            self.update(Text(empty or "no term findings", style="green"))
            return
        out = Text()
        for n, f in enumerate(findings):
            if n:
                out.append("\n")
            out.append_text(finding_line(f))
        self.update(out)


class StatusBar(Static):
    DEFAULT_CSS = "StatusBar { dock: top; height: 1; background: $panel; padding: 0 1; }"

    def show(self, summary: dict, *, mode: str, filter_name: str, extra: str = "") -> None:
        t = Text()
        t.append(f" {summary['label']} ", style="bold reverse")
        t.append(f"  {summary['translated']}/{summary['total']} translated")
        n = summary["findings"]
        t.append(f"  {n} open finding{'s' if n != 1 else ''}", style="red" if n else "green")
        t.append(f"  MT: {summary['model']}")
        t.append(f"  Arabic: {mode}  filter: {filter_name}")
        if extra:
            t.append(f"  {extra}", style="dim")
        self.update(t)
