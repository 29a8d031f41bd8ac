"""The translation screen: segment list, Arabic source, rewrite, proposals, editor,
findings and status bar, laid out as CAT tools do.

State lives here and changes only in message handlers; long work goes to the thread
workers of :mod:`workbench.tui.workers`.  Every store write (draft, accept, review,
undo) is a committed transaction of the application layer's :class:`Session`; text
typed but not accepted is stored as a draft a second after the last key and when
leaving the link, so a killed terminal loses at most that second.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, TextArea

from workbench.app.session import FILTERS, ConflictError
from workbench.errors import WorkbenchError
from workbench.progress import CancelToken
from workbench.tui.bindings import bindings
from workbench.tui.guard import EXPECTED, describe
from workbench.tui.messages import FindingsReady, LinkLoaded, ProposalsReady, WorkDone, WorkFailed
from workbench.tui.screens.elsewhere import Elsewhere
from workbench.tui.widgets.editor import Editor
from workbench.tui.widgets.panes import (
    FindingsView,
    ProposalsPane,
    RewritePane,
    SourcePane,
    StatusBar,
)
from workbench.tui.widgets.segment_list import SegmentList
from workbench.tui.workers import Workers

__all__ = ["TranslateScreen"]

DRAFT_DELAY = 1.0
CHECK_DELAY = 0.25
POLL_EVERY = 1.0


class TranslateScreen(Elsewhere, Workers, Screen[None]):
    BINDINGS = bindings("translate", quiet=("dismiss_finding",))

    def __init__(self, session: Any, *, mode: str = "app", prefill: str = "empty") -> None:
        super().__init__(name="translate")
        self.session = session
        self.mode = mode
        self.prefill = prefill
        self.filter_name = "all"
        self.cancel = CancelToken()
        self.candidates: list[Any] = []
        self.mt_pending = False
        self.saved_text = ""      # the editor text as last stored (or loaded)
        self.kept_text: str | None = None   # the translator's text kept over a conflict
        self._draft_timer: Any = None
        self._check_timer: Any = None
        self.ready = False        # mounted and showing its first link

    # ---- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield SegmentList(mode=self.mode, id="segments")
            with Vertical(id="work"):
                with VerticalScroll(id="panes"):
                    yield Label("Arabic", classes="pane-title", id="source-title")
                    yield SourcePane(mode=self.mode, id="source")
                    yield Label("Rewrite (the outlet's English)", classes="pane-title")
                    yield RewritePane(id="rewrite")
                    yield Label("Proposals", classes="pane-title")
                    yield ProposalsPane(id="proposals")
                yield Label("Your English", classes="pane-title", id="editor-title")
                yield Editor(id="editor")
                yield FindingsView(id="findings")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.segments = self.query_one(SegmentList)
        self.editor = self.query_one(Editor)
        self.segments.set_rows(self.session.rows(self.filter_name))
        first = self.session.next_link(None, "untranslated") or self.segments.current_id
        if first is not None:
            self.segments.select(first)
            self.show_link(first)
        self.editor.focus()
        self.update_status()
        self.set_interval(POLL_EVERY, self.poll)
        self.ready = True

    def on_unmount(self) -> None:
        self.cancel.cancel()
        self.flush(ui=False)

    # ---- the current link

    @property
    def current(self) -> int | None:
        return self.editor.link_id

    def show_link(self, link_id: int) -> None:
        link = self.session.link(link_id)
        self.candidates, self.mt_pending = [], False
        self.saved_text = self.session.initial_text(link, prefill="empty")
        self.kept_text = None
        self.editor.load(link_id, self.saved_text, link.version)
        self.editor.read_only = link.is_insertion
        title = f"Arabic  (link {self.session.position(link_id) + 1}, {link.status}"
        title += ", confidence --)" if link.score is None else f", confidence {link.score:.2f})"
        self.query_one("#source-title", Label).update(title)
        self.query_one(SourcePane).show(
            link.source_text, note="inserted in the rewrite: English with no Arabic, "
                                   "nothing to translate" if link.is_insertion else "")
        self.query_one(RewritePane).show(link, [])
        self.query_one(ProposalsPane).show([], pending=False)
        self.show_findings(self.session.findings(link_id) if link.status != "new" else [],
                           link)
        self.call_after_refresh(self.load_link, link)   # the repaint first, then the work

    def show_findings(self, findings: list, link: Any | None = None) -> None:
        link = link or self.session.link(self.current)
        empty = "nothing to translate" if link.is_insertion else (
            "no term findings" if self.editor.text.strip() else "type the English, or take a "
            "proposal (Alt+1..3, Ctrl+R)")
        self.query_one(FindingsView).show(findings, empty)
        self.editor.mark(findings)

    @on(LinkLoaded)
    def _loaded(self, m: LinkLoaded) -> None:
        if m.link_id != self.current:
            return
        link = self.session.link(m.link_id)
        self.candidates = m.candidates
        self.query_one(SourcePane).show(link.source_text, [(h.start, h.end) for h in m.terms])
        self.query_one(RewritePane).show(link, m.marks)
        need_mt = (self.session.backend is not None and not link.is_insertion
                   and not any(c.kind == "mt" for c in m.candidates))
        self.mt_pending = need_mt
        self.show_proposals()
        if need_mt:
            self.translate_link(link)
        self._prefill(link)

    @on(ProposalsReady)
    def _proposals(self, m: ProposalsReady) -> None:
        if m.link_id != self.current:
            return
        tm = [c for c in self.candidates if c.kind == "tm"]
        rest = [c for c in self.candidates if c.kind not in ("tm", "mt")]
        self.candidates, self.mt_pending = tm + m.mt + rest, False
        self.show_proposals()
        self._prefill(self.session.link(m.link_id))

    def show_proposals(self) -> None:
        notice = "" if self.session.backend is not None else self.session.mt_notice
        self.query_one(ProposalsPane).show(self.candidates[:9], notice, self.mt_pending)

    def _prefill(self, link: Any) -> None:
        if (self.prefill == "best" and link.status == "new" and not self.editor.text
                and self.candidates and self.saved_text == ""):
            self.editor.replace_all(self.candidates[0].text)

    # ---- typing

    @on(TextArea.Changed, "#editor")
    def _typed(self) -> None:
        if self.current is None:
            return
        for name in ("_draft_timer", "_check_timer"):
            timer = getattr(self, name)
            if timer is not None:
                timer.stop()
        if self.editor.text != self.saved_text:
            self._draft_timer = self.set_timer(DRAFT_DELAY, self.flush)
        self._check_timer = self.set_timer(CHECK_DELAY, self._check_now)

    def _check_now(self) -> None:
        if self.current is not None:
            self.check_text(self.session.link(self.current), self.editor.text)

    @on(FindingsReady)
    def _findings(self, m: FindingsReady) -> None:
        if m.link_id == self.current and m.text == self.editor.text:
            self.show_findings(m.findings)

    def flush(self, ui: bool = True) -> None:
        """Store the editor text as a draft if it changed since it was last stored."""
        if not self.ready:
            return
        link_id, text = self.current, self.editor.text
        if link_id is None or text == self.saved_text:
            return
        try:
            new = self.session.save_draft(link_id, text, base_version=self.editor.base_version)
        except ConflictError:
            if ui:
                self._conflict(link_id)
            return
        except EXPECTED as exc:
            if ui:
                self.notify(describe(exc), severity="error", title="draft not saved")
            return
        self.saved_text = text
        if new is not None:
            self.editor.base_version = new.version
            if ui:
                self.refresh_rows(link_id)

    def _conflict(self, link_id: int) -> None:
        link = self.session.reload(link_id)
        self.editor.base_version = link.version
        self.saved_text = self.kept_text = self.editor.text   # for the translator to re-apply
        self.refresh_rows()
        self.notify(f"link {self.session.position(link_id) + 1} was changed in another "
                    "window; it is reloaded and your text is kept in the editor: accept "
                    "again to apply it", severity="warning", title="changed elsewhere",
                    timeout=10)

    # ---- moving

    @on(SegmentList.Selected)
    def _selected(self, m: SegmentList.Selected) -> None:
        if m.link_id != self.current:
            self.flush()
            self.show_link(m.link_id)
        if m.focus_editor:
            self.editor.focus()

    def go_to(self, link_id: int) -> None:
        self.flush()
        if not self.segments.select(link_id):
            self.set_filter("all", keep=link_id)
        self.show_link(link_id)

    def action_goto(self, kind: str, step: int) -> None:
        target = self.session.next_link(self.current, kind, step=step)
        if target is None:
            what = "untranslated link" if kind == "untranslated" else "link with findings"
            self.notify(f"no other {what}", timeout=3)
            return
        self.go_to(target)

    def action_focus_list(self) -> None:
        self.segments.focus()

    def set_filter(self, name: str, keep: int | None = None) -> None:
        self.filter_name = name
        self.segments.set_rows(self.session.rows(name), keep=keep or self.current)
        self.update_status()

    def action_set_filter(self, name: str) -> None:
        self.set_filter(name)
        if self.segments.current_id is not None and self.segments.current_id != self.current:
            self.go_to(self.segments.current_id)

    def action_cycle_filter(self) -> None:
        self.action_set_filter(FILTERS[(FILTERS.index(self.filter_name) + 1) % len(FILTERS)])

    def refresh_rows(self, link_id: int | None = None) -> None:
        """The list after a change: only ``link_id``'s row when the filter keeps every
        row in place (all), else the whole filtered list."""
        if link_id is not None and self.filter_name == "all":
            self.segments.replace_row(self.session.row(link_id))
        else:
            self.segments.set_rows(self.session.rows(self.filter_name), keep=self.current)
        self.update_status()

    def update_status(self) -> None:
        self.query_one(StatusBar).show(self.session.summary(), mode=self.mode,
                                       filter_name=self.filter_name)

    # ---- actions on the text

    def _store(self, status: str) -> bool:
        link_id = self.current
        if link_id is None:
            return False
        link = self.session.link(link_id)
        if link.is_insertion:
            return True
        try:
            new = self.session.accept(link_id, self.editor.text,
                                      base_version=self.editor.base_version, status=status)
        except ConflictError:
            self._conflict(link_id)
            return False
        except EXPECTED as exc:
            self.notify(describe(exc), severity="warning")
            return False
        self.saved_text = self.editor.text
        self.editor.base_version = new.version
        self.refresh_rows(link_id)
        return True

    def action_accept_next(self) -> None:
        if self._store("translated"):
            target = self.session.next_link(self.current, "untranslated")
            if target is None:
                self.show_link(self.current)
                self.notify("every link is translated", title="done", timeout=5)
            else:
                self.go_to(target)

    def action_mark_reviewed(self) -> None:
        if self._store("reviewed"):
            self.notify("marked reviewed", timeout=2)

    def action_insert_proposal(self, n: int) -> None:
        if n > len(self.candidates):
            self.notify(f"there is no proposal {n}", timeout=3)
            return
        self.editor.replace_all(self.candidates[n - 1].text)

    def action_insert_rewrite(self) -> None:
        link = self.session.link(self.current) if self.current is not None else None
        rewrite = self.session.rewrite_candidate(link) if link is not None else None
        if rewrite is None:
            self.notify("this link has no rewrite text", timeout=3)
            return
        self.editor.replace_all(rewrite.text)

    def action_apply_fixes(self) -> None:
        if self.current is None:
            return
        fixed = self.session.fix(self.session.link(self.current), self.editor.text)
        if fixed == self.editor.text:
            self.notify("nothing to fix", timeout=2)
        else:
            self.editor.replace_all(fixed)

    def action_store_undo(self) -> None:
        self._history(self.session.undo)

    def action_store_redo(self) -> None:
        self._history(self.session.redo)

    def _history(self, step: Any) -> None:
        self.flush()
        try:
            said = step()
        except EXPECTED as exc:
            self.notify(describe(exc), severity="warning")
            return
        self.notify(said or "nothing to undo or redo", timeout=3)
        self.refresh_rows()
        if self.current is not None:
            self.show_link(self.current)

    def action_arabic_display(self, mode: str) -> None:
        self.mode = mode
        self.segments.set_mode(mode)
        self.query_one(SourcePane).set_mode(mode)
        self.update_status()

    # ---- workers' reports, other windows

    @on(WorkDone)
    def _done(self, m: WorkDone) -> None:
        self.notify(m.message, title=m.what, timeout=6)

    @on(WorkFailed)
    def _failed(self, m: WorkFailed) -> None:
        if m.what == "machine translation":
            self.mt_pending = False
            self.show_proposals()
        self.notify(m.error, title=f"{m.what} failed", severity="error", timeout=10)

    def poll(self) -> None:
        try:
            changed = self.session.poll()
        except EXPECTED as exc:
            self.notify(describe(exc), severity="error", title="project")
            return
        if changed == set():
            return
        self.refresh_rows()
        current = self.current
        if current is None or (changed is not None and current not in changed):
            return
        try:
            link = self.session.link(current)
        except (KeyError, WorkbenchError):
            first = self.segments.current_id
            if first is not None:
                self.show_link(first)
            return
        if (self.editor.text == self.saved_text != self.kept_text
                and link.target_text != self.saved_text):
            self.show_link(current)
        elif self.editor.text == self.saved_text != self.kept_text:
            self.editor.base_version = link.version
