"""The findings screen: every open term finding of the project in one list (kind, term,
link, the text around it), filtered by kind and term; Enter goes to the link, "Apply
fix" applies a variant finding's fix as one store edit, "Dismiss finding" keeps in the
project that this finding is fine as it is (both undone with Alt+Z).

The model is the application layer's :class:`~workbench.app.findings.ProjectFindings`,
computed in a thread worker when the screen opens (a project of a thousand links takes
a moment) and recomputed after a fix.
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

from workbench.app.findings import KINDS
from workbench.tui.bindings import bindings
from workbench.tui.guard import EXPECTED, describe
from workbench.tui.messages import Back, WorkFailed
from workbench.tui.widgets.kwic import arabic_line, english_line

__all__ = ["FindingsScreen", "Computed", "KIND_STYLES"]

KIND_STYLES = {"forbidden": "bold red", "missing": "red", "variant": "yellow",
               "unsourced": "magenta", "number": "cyan", "check": "dim"}


class Computed(Message):
    def __init__(self, findings: Any) -> None:
        super().__init__()
        self.findings = findings


class FindingsScreen(Screen[Back]):
    BINDINGS = bindings("findings", also=("undo", "redo")) + [
        Binding("escape", "close", "back", show=True)]

    def __init__(self, session: Any, *, mode: str = "app", link: Any = None,
                 selection: str = "", **_kw: Any) -> None:
        super().__init__(name="findings")
        self.session = session
        self.mode = mode
        self.findings: Any = None
        self.shown: list = []
        self.changed = False
        self.start = link.id if link is not None else None

    def compose(self) -> ComposeResult:
        with Horizontal(id="find-bar"):
            yield Input(placeholder="filter by term (id or spelling)", id="find-term")
            yield Select([("every kind", "all")] + [(k, k) for k in KINDS], value="all",
                         allow_blank=False, id="find-kind")
        yield Static(Text("checking the project…", style="dim"), id="find-status")
        yield OptionList(id="find-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#find-list", OptionList).focus()
        self.compute()

    @work(thread=True, exclusive=True, group="findings", exit_on_error=False)
    def compute(self) -> None:
        from workbench.app.findings import ProjectFindings

        try:
            found = ProjectFindings(self.session.project, self.session.glossary,
                                    dismissed=self.session.dismissals)
        except EXPECTED as exc:
            self.post_message(WorkFailed("findings", describe(exc)))
            return
        self.post_message(Computed(found))

    def on_computed(self, message: Computed) -> None:
        self.findings = message.findings
        self.show()
        if self.start is not None:     # the first finding of the link we came from
            k = next((n for n, it in enumerate(self.shown) if it.link_id == self.start), None)
            if k is not None:
                self.query_one("#find-list", OptionList).highlighted = k

    def on_work_failed(self, message: WorkFailed) -> None:
        self.notify(f"{message.what}: {message.error}", severity="error")

    @on(Input.Changed, "#find-term")
    @on(Select.Changed, "#find-kind")
    def filter_changed(self) -> None:
        self.show()

    def show(self, keep: int | None = None) -> None:
        if self.findings is None:
            return
        kind = str(self.query_one("#find-kind", Select).value)
        term = self.query_one("#find-term", Input).value
        self.shown = self.findings.filter(None if kind == "all" else kind, term)
        box = self.query_one("#find-list", OptionList)
        box.clear_options()
        width = max(30, (self.size.width - 50))
        for k, it in enumerate(self.shown):
            t = Text(f"{it.kind:<10}", style=KIND_STYLES.get(it.kind, ""))
            t.append(f"{(it.term or '-'):<22} ", style="bold")
            t.append(f"link {it.number:>4}  ", style="dim")
            t.append(it.describe())
            if it.fixable:
                t.append("   [f: apply fix]", style="green")
            t.append("\n" + " " * 10)
            if it.side == "source":
                t.append_text(arabic_line(it.text, [it.span] if it.span else [], width,
                                          self.mode))
            else:
                t.append_text(english_line(it.text, [it.span] if it.span else [], width))
            box.add_option(Option(t, id=f"finding-{k}"))
        counts = self.findings.counts()
        status = Text(f"{len(self.findings)} open findings", style="bold")
        status.append("   " + "  ".join(f"{k} {v}" for k, v in counts.items() if v))
        if len(self.shown) != len(self.findings):
            status.append(f"   shown {len(self.shown)}", style="yellow")
        self.query_one("#find-status", Static).update(status)
        if self.shown:
            box.highlighted = min(keep or 0, len(self.shown) - 1)

    def _current(self) -> Any:
        k = self.query_one("#find-list", OptionList).highlighted
        return self.shown[k] if k is not None and 0 <= k < len(self.shown) else None

    @on(OptionList.OptionSelected, "#find-list")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Back(link_id=self.shown[event.option_index].link_id,
                          changed=self.changed))

    def action_apply_fix(self) -> None:
        it = self._current()
        if it is None:
            return
        if not it.fixable:
            self.notify(f"a {it.kind} finding has no automatic fix: edit the link "
                        "(Enter goes there)", severity="warning")
            return
        k = self.query_one("#find-list", OptionList).highlighted
        try:
            changed = self.findings.apply_fixes([it])
        except EXPECTED as exc:
            self.notify(describe(exc), severity="error")
            self.show(k)
            return
        self.changed = self.changed or bool(changed)
        self.notify(f"fixed: {it.finding.found} -> {it.finding.fix} in link {it.number}",
                    timeout=3)
        self.show(k)

    def action_dismiss_finding(self) -> None:
        it = self._current()
        if it is None:
            return
        k = self.query_one("#find-list", OptionList).highlighted
        try:
            done = self.findings.dismiss(it)
        except EXPECTED as exc:
            self.notify(describe(exc), severity="error")
            self.show(k)
            return
        self.changed = True
        self.notify(f"dismissed the {done.describe()} in link {it.number} (Alt+Z undoes)",
                    timeout=3)
        self.show(k)

    def _history(self, undo: bool) -> None:
        try:
            said = self.session.undo() if undo else self.session.redo()
        except EXPECTED as exc:
            self.notify(describe(exc), severity="warning")
            return
        self.notify(said or "nothing to undo or redo", timeout=3)
        self.changed = True
        if self.findings is not None:
            self.findings.reload()
            self.show(self.query_one("#find-list", OptionList).highlighted)

    def action_store_undo(self) -> None:
        self._history(True)

    def action_store_redo(self) -> None:
        self._history(False)

    def action_close(self) -> None:
        self.dismiss(Back(changed=self.changed))
