"""The glossary's forms: add a term (Arabic, English, type, id, note, file) and add a
variant (or a deprecated, forbidden or Arabic form) to an entry.

Each form is given a ``save`` callable of the application layer
(:meth:`workbench.app.terms.Terms.add_term` / ``add_form`` behind it): it returns None
when the entry was written, or the lint message of a refused entry, which the form
shows in red while it stays open, so nothing typed is lost.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from workbench.app.terms import TYPES, AddForm, suggest_id

__all__ = ["AddTermDialog", "AddVariantDialog", "FORM_KINDS"]

FORM_KINDS = (("variant (allowed)", "variants"), ("deprecated (fix it)", "deprecated"),
              ("forbidden (an error)", "forbidden"), ("Arabic form", "ar"))


class AddTermDialog(ModalScreen[str | None]):
    """Dismisses with the new entry's id once ``save(form)`` accepted it."""

    BINDINGS = [Binding("escape", "dismiss(None)", "cancel"),
                Binding("ctrl+s", "save", "save", show=True)]

    def __init__(self, form: AddForm, save: Callable[[AddForm], str | None],
                 context: str = "", target: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self.form, self.save, self.context, self.target = form, save, context, target
        self._id_touched = bool(form.id)

    def compose(self) -> ComposeResult:
        f = self.form
        with Vertical(id="dialog"):
            yield Label("Add a glossary term", classes="pane-title")
            if self.context or f.hint:
                yield Static(Text("Arabic of the link: ", style="dim")
                             + Text(" ".join((self.context or f.hint).split())[:300]),
                             id="term-context")
            yield Label("Arabic form(s), separated by ';'")
            yield Input(" ; ".join(f.ar), id="term-ar", placeholder="جيش العزة")
            yield Label("English (the preferred form)")
            yield Input(f.en, id="term-en", placeholder="Jaish al-Izza")
            with Horizontal(classes="form-row"):
                yield Select([(t, t) for t in TYPES], value=f.type if f.type in TYPES
                             else "other", allow_blank=False, id="term-type")
                yield Input(f.id or suggest_id(f.en), id="term-id", placeholder="entry id")
            yield Label("Variants (allowed spellings), separated by ';'")
            yield Input(" ; ".join(f.variants), id="term-variants")
            yield Label("Note")
            yield Input(f.note, id="term-note")
            yield Static("", id="term-file")
            yield Static("", id="term-error")
            yield Button("Add to the glossary  (Ctrl+S)", variant="primary", id="term-save")

    def on_mount(self) -> None:
        self._show_file()
        self.query_one("#term-ar" if not self.form.ar else "#term-en", Input).focus()

    def _show_file(self) -> None:
        if self.target is not None:
            kind = self.query_one("#term-type", Select).value
            self.query_one("#term-file", Static).update(
                Text(f"file: {self.target(str(kind))}", style="dim"))

    def on_select_changed(self) -> None:
        self._show_file()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "term-id":
            self._id_touched = self._id_touched or event.input.has_focus
        elif event.input.id == "term-en" and not self._id_touched:
            self.query_one("#term-id", Input).value = suggest_id(event.value)

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self) -> None:
        self.action_save()

    def collect(self) -> AddForm:
        def value(name: str) -> str:
            return self.query_one(f"#term-{name}", Input).value

        def listed(name: str) -> list[str]:
            return [p.strip() for p in value(name).split(";") if p.strip()]

        return AddForm(en=value("en").strip(), ar=listed("ar"),
                       type=str(self.query_one("#term-type", Select).value),
                       id=value("id").strip(), note=value("note").strip(),
                       variants=listed("variants"), hint=self.form.hint)

    def action_save(self) -> None:
        form = self.collect()
        error = self.save(form)
        if error:
            self.query_one("#term-error", Static).update(Text(error, style="bold red"))
            return
        self.dismiss(form.id or suggest_id(form.en))


class AddVariantDialog(ModalScreen[str | None]):
    """Record a spelling of entry ``entry_id``; dismisses with the kind written."""

    BINDINGS = [Binding("escape", "dismiss(None)", "cancel"),
                Binding("ctrl+s", "save", "save", show=True)]

    def __init__(self, entry: Any, form: str, save: Callable[[str, str], str | None]) -> None:
        super().__init__()
        self.entry, self.form, self.save = entry, form, save

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Add a spelling to {self.entry.en}  [{self.entry.id}]",
                        classes="pane-title")
            yield Input(self.form, id="variant-form", placeholder="the spelling")
            yield Select(list(FORM_KINDS), value="deprecated" if self.form else "variants",
                         allow_blank=False, id="variant-kind")
            yield Static("", id="variant-error")
            yield Button("Add  (Ctrl+S)", variant="primary", id="variant-save")

    def on_mount(self) -> None:
        self.query_one("#variant-form", Input).focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        form = self.query_one("#variant-form", Input).value.strip()
        kind = str(self.query_one("#variant-kind", Select).value)
        error = self.save(form, kind)
        if error:
            self.query_one("#variant-error", Static).update(Text(error, style="bold red"))
            return
        self.dismiss(kind)
