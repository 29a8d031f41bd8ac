"""The glossary screen: search as you type (Arabic or English, normalised and fuzzy), the
selected entry in full with where it occurs in the project, and the maintainer's edits:
add a term, add a variant, mine new terms from the project's texts, and undo or redo
any of this session's glossary writes (Alt+Z / Alt+Y, as for the store's edits).

The model is the application layer's :class:`~workbench.app.terms.Terms`; every write
goes through the glossary's comment-preserving writer under the file's lock, with lint
first.  After a write the session takes the reloaded glossary and the project's findings
are recomputed in a worker; the translation screen reloads when this screen closes.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from workbench.app.terms import AddForm, Terms
from workbench.progress import CancelToken
from workbench.tui.bindings import bindings
from workbench.tui.guard import EXPECTED, describe
from workbench.tui.messages import Back, WorkDone, WorkFailed
from workbench.tui.screens.term_forms import AddTermDialog, AddVariantDialog
from workbench.tui.widgets.entry import entry_text, occurrence_option
from workbench.tui.widgets.kwic import arabic_inline

__all__ = ["GlossaryScreen", "Mined"]


class Mined(Message):
    def __init__(self, proposals: list) -> None:
        super().__init__()
        self.proposals = proposals


class GlossaryScreen(Screen[Back]):
    BINDINGS = bindings("glossary", also=("add_term", "undo", "redo")) + [
        Binding("escape", "close", "back", show=True),
        Binding("ctrl+down", "focus_occurrences", "occurrences", show=False),
    ]

    def __init__(self, session: Any, *, mode: str = "app", link: Any = None,
                 selection: str = "", add: bool = False, **_kw: Any) -> None:
        super().__init__(name="glossary")
        self.session = session
        self.mode = mode
        self.link = link
        self.selection = (selection or "").strip()
        self.add_first = add
        self.terms = Terms(session.glossary_paths, project=session.project,
                           glossary=session.glossary)
        self.changed = False
        self.entry_id: str | None = None
        self.proposals: list | None = None   # the mining candidates, when shown
        self.cancel = CancelToken()
        self._options: dict[tuple, Option] = {}     # the hit rows made so far

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search the glossary: Arabic or English (fuzzy)", id="query")
        with Horizontal(id="glossary-main"):
            yield OptionList(id="hits")
            with Vertical(id="glossary-right"):
                with VerticalScroll(id="entry-scroll"):
                    yield Static(id="entry")
                yield Label("Where it occurs (Enter: go to the link)", classes="pane-title")
                yield OptionList(id="occurrences")
        yield Footer()

    def on_mount(self) -> None:
        query = self.query_one("#query", Input)
        if self.selection and not self.add_first:
            query.value = self.selection
        else:
            self.show_hits(self.link_entries())
        query.focus()
        self.warm()
        if self.add_first:
            self.call_after_refresh(self.action_add_term)

    def on_unmount(self) -> None:
        self.cancel.cancel()

    # ---- searching

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False)
    def warm(self) -> None:
        """Build the search indexes before the first key (a second on 10,000 entries)."""
        try:
            self.terms.search("a")
            self.terms.search("ا")
            self.terms.occurrences()
        except EXPECTED:
            pass

    def link_entries(self) -> list:
        """With no query: the entries of the current link's terms."""
        if self.link is None:
            return []
        seen: dict[str, Any] = {}
        for h in self.session.terms(self.link):
            if h.entry_id not in seen and h.entry_id in self.terms.glossary.entries:
                seen[h.entry_id] = self.terms.glossary.entries[h.entry_id]
        return list(seen.values())

    @on(Input.Changed, "#query")
    def search(self, event: Input.Changed) -> None:
        self.proposals = None
        query = event.value.strip()
        try:
            hits = self.terms.search(query) if query else []
        except EXPECTED as exc:
            self.notify(describe(exc), severity="error")
            return
        self.show_hits([h.entry for h in hits] if query else self.link_entries(),
                       {h.entry.id: h for h in hits})

    def show_hits(self, entries: list, hits: dict | None = None) -> None:
        hits = hits or {}
        box = self.query_one("#hits", OptionList)
        options = []
        for e in entries:
            h = hits.get(e.id)
            also = None      # the form that matched, unless it is the entry's name
            if h is not None and h.field not in ("en", "id") and \
                    h.form.casefold() != e.en.casefold():
                also = (h.field, arabic_inline(h.form, self.mode) if h.field == "ar"
                        else h.form)
            key = (e.id, e.en, tuple(e.ar[:2]), e.type, also, self.mode)
            option = self._options.get(key)     # kept: Textual keeps its layout of the row
            if option is None:
                t = Text(e.en, style="bold")
                t.append(f"  {' · '.join(arabic_inline(a, self.mode) for a in e.ar[:2])}")
                if also:
                    t.append(f"  ({also[0]}: {also[1]})", style="dim")
                t.append(f"  {e.type}", style="dim")
                if len(self._options) > 5000:
                    self._options.clear()
                option = self._options[key] = Option(t, id=e.id)
            options.append(option)
        box.set_options(options)          # one update of the list, not one per row
        if entries:
            box.highlighted = 0
            self.show_entry(entries[0].id)
        else:
            self.show_entry(None)

    @on(OptionList.OptionHighlighted, "#hits")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        box = event.option_list
        k = event.option_index
        if k >= box.option_count or box.get_option_at_index(k).id != event.option.id:
            return          # a highlight of an earlier list (typing is faster than events)
        if self.proposals is not None:
            self.show_proposal(k)
        elif event.option.id and event.option.id != self.entry_id:
            self.show_entry(event.option.id)      # (show_hits has shown the first one)

    def show_entry(self, entry_id: str | None) -> None:
        self.entry_id = entry_id
        pane = self.query_one("#entry", Static)
        occ = self.query_one("#occurrences", OptionList)
        occ.clear_options()
        if entry_id is None:
            pane.update(Text("no entry: type to search, Alt+N adds a term", style="dim italic"))
            return
        try:
            detail = self.terms.detail(entry_id)
        except EXPECTED as exc:
            pane.update(Text(describe(exc), style="red"))
            return
        pane.update(entry_text(detail, self.mode))
        width = max(30, int(self.size.width * 0.55) - 6)   # the right column's width
        occ.add_options([occurrence_option(o, width, self.mode)
                         for o in detail.occurrences[:500]])

    @on(OptionList.OptionSelected, "#hits")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if self.proposals is not None:
            self.accept_proposal(event.option_index)
        else:
            self.action_focus_occurrences()

    @on(OptionList.OptionSelected, "#occurrences")
    def go_to_link(self, event: OptionList.OptionSelected) -> None:
        link_id = int(str(event.option.id).split("-")[1])
        self.dismiss(Back(link_id=link_id, changed=self.changed))

    def action_focus_occurrences(self) -> None:
        occ = self.query_one("#occurrences", OptionList)
        if occ.option_count:
            occ.focus()
            occ.highlighted = 0

    # ---- writing

    def _wrote(self, what: str) -> None:
        self.changed = True
        self.notify(what, timeout=4)
        self.recheck(self.terms.glossary)

    @work(thread=True, exclusive=True, group="recheck", exit_on_error=False)
    def recheck(self, glossary: Any) -> None:
        """The project's findings with the new glossary (the session recomputes them)."""
        try:
            self.session.set_glossary(glossary)
            n = self.session.summary()["findings"]
        except EXPECTED as exc:
            self.post_message(WorkFailed("findings", describe(exc)))
            return
        self.post_message(WorkDone("findings", f"findings recomputed: {n} open"))

    def on_work_done(self, message: WorkDone) -> None:
        self.notify(message.message, timeout=3)

    def on_work_failed(self, message: WorkFailed) -> None:
        self.notify(f"{message.what}: {message.error}", severity="error")

    def _save_term(self, form: AddForm) -> str | None:
        try:
            path, entry = self.terms.add_term(form)
        except EXPECTED as exc:
            return describe(exc)
        self._wrote(f"added {entry.en} [{entry.id}] to {path.name}")
        return None

    def _target_file(self, entry_type: str) -> str:
        try:
            return str(self.terms.default_file(entry_type))
        except EXPECTED as exc:
            return describe(exc)

    def open_add(self, form: AddForm) -> None:
        context = self.link.source_text if self.link is not None else ""

        def added(entry_id: str | None) -> None:
            if entry_id:
                self.query_one("#query", Input).value = ""
                self.proposals = None
                self.show_hits([self.terms.glossary.entries[entry_id]])

        self.app.push_screen(AddTermDialog(form, self._save_term, context, self._target_file),
                             added)

    def action_add_term(self) -> None:
        self.open_add(AddForm(en=self.selection, type="other"))

    def action_add_variant(self) -> None:
        if self.entry_id is None or self.proposals is not None:
            self.notify("choose an entry first (search for it)", severity="warning")
            return
        entry = self.terms.entry(self.entry_id)

        def save(form: str, kind: str) -> str | None:
            try:
                path = self.terms.add_form(entry.id, form, kind)
            except EXPECTED as exc:
                return describe(exc)
            self._wrote(f"added {form!r} as {kind} of {entry.en} in {path.name}")
            return None

        def added(kind: str | None) -> None:
            if kind:
                self.show_entry(entry.id)

        self.app.push_screen(AddVariantDialog(entry, self.selection, save), added)

    def _history(self, undo: bool) -> None:
        try:
            said = self.terms.undo() if undo else self.terms.redo()
        except EXPECTED as exc:
            self.notify(describe(exc), severity="error")
            return
        if said is None:
            self.notify("no glossary change of this session to " + ("undo" if undo else "redo"),
                        timeout=3)
            return
        self._wrote(said)
        query = self.query_one("#query", Input).value.strip()
        self.show_hits([h.entry for h in self.terms.search(query)] if query
                       else self.link_entries())

    def action_store_undo(self) -> None:
        self._history(True)

    def action_store_redo(self) -> None:
        self._history(False)

    # ---- mining

    def action_mine_terms(self) -> None:
        self.notify("mining the project's texts…", timeout=3)
        self.mine_worker()

    @work(thread=True, exclusive=True, group="mine", exit_on_error=False)
    def mine_worker(self) -> None:
        try:
            proposals = self.terms.mine(cancel=self.cancel)
        except EXPECTED as exc:
            self.post_message(WorkFailed("mining", describe(exc)))
            return
        self.post_message(Mined(proposals))

    def on_mined(self, message: Mined) -> None:
        self.proposals = list(message.proposals)
        box = self.query_one("#hits", OptionList)
        box.clear_options()
        for p in self.proposals:
            t = Text(p.text, style="bold")
            t.append(f"  {p.kind}", style="yellow" if p.kind == "variant" else "cyan")
            if p.entry_id:
                t.append(f" of {p.entry_id}", style="dim")
            t.append(f"  ×{p.count}", style="dim")
            box.add_option(Option(t))
        self.notify(f"{len(self.proposals)} candidates (Enter: add one)", timeout=4)
        if self.proposals:
            box.highlighted = 0
            box.focus()
            self.show_proposal(0)
        else:
            self.show_entry(None)

    def show_proposal(self, k: int | None) -> None:
        if self.proposals is None or k is None or not 0 <= k < len(self.proposals):
            return
        p = self.proposals[k]
        t = Text(p.text, style="bold")
        t.append(f"   {p.kind}" + (f" of {p.entry_id} (closest form {p.form!r})"
                                    if p.entry_id else "") + f"   seen {p.count}×",
                 style="dim")
        for ev in p.evidence[:5]:
            t.append(f"\n\n{ev.document}: ", style="dim")
            t.append(" ".join(ev.sentence.split()))
        self.query_one("#entry", Static).update(t)
        self.query_one("#occurrences", OptionList).clear_options()

    def accept_proposal(self, k: int | None) -> None:
        if self.proposals is None or k is None or not 0 <= k < len(self.proposals):
            return
        p = self.proposals[k]
        form = self.terms.prefill(p)
        if p.kind == "variant" and p.entry_id in self.terms.glossary.entries:
            entry = self.terms.entry(p.entry_id)

            def save(text: str, kind: str) -> str | None:
                try:
                    self.terms.add_form(entry.id, text, kind)
                except EXPECTED as exc:
                    return describe(exc)
                self._wrote(f"added {text!r} as {kind} of {entry.en}")
                return None

            self.app.push_screen(AddVariantDialog(entry, p.text, save))
            return
        self.open_add(form)

    def action_close(self) -> None:
        if self.proposals is not None:
            self.proposals = None
            self.query_one("#query", Input).value = ""
            self.show_hits(self.link_entries())
            return
        self.dismiss(Back(changed=self.changed))
