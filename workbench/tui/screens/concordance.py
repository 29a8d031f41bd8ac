"""The concordance: a word or phrase across the project's links, its translation memory
and the corpora collections, each hit a bilingual pair with the hit highlighted (as
OmegaT's and memoQ's concordance show it).  Enter puts the hit's English into the
translation screen's editor.

The model is the application layer's :class:`~workbench.app.concordance.Concordance`;
the corpora are indexed once a process in a thread worker when the screen opens, and a
query is searched on each keystroke.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from workbench.tui.bindings import bindings
from workbench.tui.guard import EXPECTED, describe
from workbench.tui.messages import Back, WorkFailed
from workbench.tui.widgets.kwic import arabic_line, english_line

__all__ = ["ConcordanceScreen", "Indexed", "ORIGIN_CHOICES"]

ORIGIN_CHOICES = (("everywhere", "all"), ("this project", "project"),
                  ("translation memory", "memory"), ("corpora", "corpus"))
ORIGIN_STYLE = {"project": "cyan", "memory": "green", "corpus": "magenta"}


class Indexed(Message):
    def __init__(self, concordance: Any) -> None:
        super().__init__()
        self.concordance = concordance


class ConcordanceScreen(Screen[Back]):
    BINDINGS = bindings("concordance") + [Binding("escape", "close", "back", show=True)]

    def __init__(self, session: Any, *, mode: str = "app", link: Any = None,
                 selection: str = "", **_kw: Any) -> None:
        super().__init__(name="concordance")
        self.session = session
        self.mode = mode
        self.selection = " ".join((selection or "").split())
        self.concordance: Any = None
        self.hits: list = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="conc-bar"):
            yield Input(self.selection, placeholder="a word or phrase, Arabic or English",
                        id="conc-query")
            yield Select(list(ORIGIN_CHOICES), value="all", allow_blank=False,
                         id="conc-origin")
        yield Static(Text("indexing the corpora…", style="dim"), id="conc-status")
        yield OptionList(id="conc-hits")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#conc-query", Input).focus()
        self.build()

    @work(thread=True, exclusive=True, group="concordance", exit_on_error=False)
    def build(self) -> None:
        from workbench.app.concordance import Concordance

        try:
            concordance = Concordance(self.session.project, roots=self.session.corpus_roots)
            concordance.search("x")         # index the project now, not on the first key
        except EXPECTED as exc:
            self.post_message(WorkFailed("concordance", describe(exc)))
            return
        self.post_message(Indexed(concordance))

    def on_indexed(self, message: Indexed) -> None:
        self.concordance = message.concordance
        self.run_search()

    def on_work_failed(self, message: WorkFailed) -> None:
        self.notify(f"{message.what}: {message.error}", severity="error")

    @on(Input.Changed, "#conc-query")
    @on(Select.Changed, "#conc-origin")
    def changed(self) -> None:
        self.run_search()

    def run_search(self) -> None:
        if self.concordance is None:
            return
        query = self.query_one("#conc-query", Input).value.strip()
        origin = str(self.query_one("#conc-origin", Select).value)
        origins = ("project", "memory", "corpus") if origin == "all" else (origin,)
        try:
            self.hits = self.concordance.search(query, origins=origins) if query else []
        except EXPECTED as exc:
            self.notify(describe(exc), severity="error")
            return
        self.show_hits(query)

    FIRST = 40      # hits drawn before the first repaint; the rest follow right after

    def show_hits(self, query: str) -> None:
        box = self.query_one("#conc-hits", OptionList)
        box.clear_options()
        self._generation = getattr(self, "_generation", 0) + 1
        self.add_hits(self._generation, 0, self.FIRST)
        if len(self.hits) > self.FIRST:
            self.call_after_refresh(self.add_hits, self._generation, self.FIRST, None)
        self.show_status(query)
        if self.hits:
            box.highlighted = 0

    def add_hits(self, generation: int, start: int, stop: int | None) -> None:
        if generation != self._generation:
            return          # a newer query replaced these hits
        box = self.query_one("#conc-hits", OptionList)
        width = max(40, self.size.width - 4)
        options = []
        for k, h in enumerate(self.hits[start:stop], start):
            t = Text(f"{h.unit.ref}", style=ORIGIN_STYLE.get(h.origin, ""))
            t.append(f"  ({h.origin})", style="dim")
            src_spans = list(h.spans) if h.side == "source" else []
            tgt_spans = list(h.spans) if h.side == "target" else []
            t.append("\n")
            t.append_text(arabic_line(h.source, src_spans, width, self.mode) if h.source.strip()
                          else Text("(no Arabic)", style="dim italic"))
            t.append("\n")
            t.append_text(english_line(h.target, tgt_spans, width) if h.target.strip()
                          else Text("(no English)", style="dim italic"))
            options.append(Option(t, id=f"hit-{k}"))
        box.add_options(options)

    def show_status(self, query: str) -> None:
        status = self.query_one("#conc-status", Static)
        if not query:
            status.update(Text("type a word or phrase (Arabic is normalised as the glossary "
                               "matcher does); Enter puts the hit's English into the editor",
                               style="dim"))
        else:
            by: dict[str, int] = {}
            for h in self.hits:
                by[h.origin] = by.get(h.origin, 0) + 1
            status.update(Text(f"{len(self.hits)} hits" + (": " + ", ".join(
                f"{v} in {k}" for k, v in by.items()) if by else ""), style="bold"))

    @on(OptionList.OptionSelected, "#conc-hits")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        h = self.hits[event.option_index]
        if not h.target.strip():
            self.notify("this hit has no English to insert", severity="warning")
            return
        self.dismiss(Back(insert=" ".join(h.target.split())))

    def on_key(self, event: Any) -> None:
        # Down from the query goes to the hits, as in a search box
        if event.key == "down" and isinstance(self.focused, Input) and self.hits:
            event.stop()
            self.query_one("#conc-hits", OptionList).focus()

    def action_close(self) -> None:
        self.dismiss(Back())
