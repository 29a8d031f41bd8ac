"""Messages the workers post to the screen.  Each names the link (and, where it
matters, the text or version) it was computed for, so a stale result is dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

__all__ = [
    "Back",
    "FindingsReady",
    "LinkLoaded",
    "ProposalsReady",
    "SessionReady",
    "WorkDone",
    "WorkFailed",
]


@dataclass(frozen=True)
class Back:
    """What a screen pushed from the translation screen hands back when it closes:
    a link to go to, English to put into the editor, whether the project changed
    (alignment edits, a new glossary term: the translation screen reloads)."""

    link_id: int | None = None
    insert: str | None = None
    changed: bool = False


class SessionReady(Message):
    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session


class LinkLoaded(Message):
    """What the panes show for a link: proposals (TM, cached MT, rewrite), terms,
    rewrite marks."""

    def __init__(self, link_id: int, candidates: list, terms: list, marks: list) -> None:
        super().__init__()
        self.link_id = link_id
        self.candidates = candidates
        self.terms = terms
        self.marks = marks


class ProposalsReady(Message):
    """MT proposals from the model for a link (after the cache had none)."""

    def __init__(self, link_id: int, mt: list) -> None:
        super().__init__()
        self.link_id = link_id
        self.mt = mt


class FindingsReady(Message):
    """Live term findings of the editor text ``text`` for a link."""

    def __init__(self, link_id: int, text: str, findings: list) -> None:
        super().__init__()
        self.link_id = link_id
        self.text = text
        self.findings = findings


class WorkFailed(Message):
    def __init__(self, what: str, error: str) -> None:
        super().__init__()
        self.what = what
        self.error = error


class WorkDone(Message):
    def __init__(self, what: str, message: str) -> None:
        super().__init__()
        self.what = what
        self.message = message
