"""What the translation screen opens elsewhere: the glossary entries of a link, the
export dialog, the choice of a finding to dismiss, and the other screens (review,
glossary, concordance, findings), each pushed with the session and closing with a
:class:`~workbench.tui.messages.Back`."""

from __future__ import annotations

from typing import Any

from workbench.tui.guard import EXPECTED, describe
from workbench.tui.messages import Back
from workbench.tui.screens.dialogs import ChoiceDialog, ExportDialog, TermsScreen
from workbench.tui.widgets.panes import finding_line

__all__ = ["Elsewhere"]


class Elsewhere:
    """A mixin of :class:`~workbench.tui.screens.translate.TranslateScreen`."""

    session: Any
    app: Any
    editor: Any
    segments: Any
    mode: str
    current: int | None

    def action_show_terms(self) -> None:
        if self.current is not None:
            link = self.session.link(self.current)
            self.app.push_screen(TermsScreen(link.source_text, self.session.terms(link),
                                             self.mode))

    def action_export(self, fmt: str) -> None:
        self.flush()
        default = self.session.default_export_path(fmt)

        def chosen(answer: tuple[str, bool] | None) -> None:
            if answer:
                self.export_project(fmt, answer[0], answer[1])

        self.app.push_screen(ExportDialog(fmt.upper() if fmt != "txt" else "text", default),
                             chosen)

    def action_dismiss_finding(self) -> None:
        """Dismiss one of the link's findings (a choice when there are several), kept in
        the project for this English; the draft is stored first, as the key is its text."""
        link_id = self.current
        if link_id is None:
            return
        self.flush()
        link = self.session.link(link_id)
        findings = self.session.findings(link_id) if link.status != "new" else []
        if self.editor.text != link.target_text or not findings:
            self.notify("no stored finding of this link to dismiss", timeout=3)
            return

        def chosen(k: int | None) -> None:
            if k is None:
                return
            try:
                said = self.session.dismiss(link_id, findings[k])
            except EXPECTED as exc:
                self.notify(describe(exc), severity="error")
                return
            self.notify(f"{said} (Alt+Z undoes)", timeout=4)
            self.refresh_rows(link_id)
            if self.current == link_id:
                self.show_findings(self.session.findings(link_id))

        if len(findings) == 1:
            chosen(0)
        else:
            self.app.push_screen(ChoiceDialog("Dismiss which finding?",
                                              [finding_line(f) for f in findings]), chosen)

    # ---- the other screens (each pushed with the session; each hands back a Back)

    SCREENS_BY_NAME = {"review": "review:ReviewScreen", "glossary": "glossary:GlossaryScreen",
                       "concordance": "concordance:ConcordanceScreen",
                       "findings": "findings:FindingsScreen"}

    def action_open_screen(self, name: str, **kwargs: Any) -> None:
        import importlib

        self.flush()
        module, cls = self.SCREENS_BY_NAME[name].split(":")
        try:
            screen_cls = getattr(importlib.import_module(f"workbench.tui.screens.{module}"), cls)
        except (ImportError, AttributeError):
            self.notify(f"the {name} screen is not available yet", severity="warning")
            return
        link = self.session.link(self.current) if self.current is not None else None
        self.app.push_screen(screen_cls(self.session, mode=self.mode, link=link,
                                        selection=self.editor.selected_text, **kwargs),
                             self.came_back)

    def action_add_term(self) -> None:
        self.action_open_screen("glossary", add=True)

    def came_back(self, back: Back | None) -> None:
        if back is None:
            return
        if back.changed:
            self.session.refresh()
            self.refresh_rows()
            if back.link_id is None and self.current is not None:
                try:
                    self.show_link(self.current)
                except KeyError:     # the link went away in an alignment edit
                    first = self.segments.current_id
                    if first is not None:
                        self.show_link(first)
        if back.link_id is not None:
            self.go_to(back.link_id)
        if back.insert is not None:
            self.editor.insert(back.insert)
            self.editor.focus()

