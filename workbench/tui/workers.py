"""The screen's long work, in thread workers that only post messages.

A mixin for :class:`~workbench.tui.screens.translate.TranslateScreen`: loading a link's
proposals, MT from the model, live term checks and exports.  Thread workers cannot be
cancelled by Textual, so each result names the link (and text) it was made for and the
screen drops stale ones; MT also gets the screen's cancel token, set on unmount."""

from __future__ import annotations

from typing import Any

from textual import work

from workbench.tui.guard import EXPECTED, describe
from workbench.tui.messages import FindingsReady, LinkLoaded, ProposalsReady, WorkDone, WorkFailed

__all__ = ["Workers"]


class Workers:
    session: Any
    cancel: Any

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_link(self, link: Any) -> None:
        try:
            candidates = self.session.candidates(link, mt=True, cached_only=True)
            terms = self.session.terms(link)
            marks = self.session.rewrite_marks(link)
        except EXPECTED as exc:
            self.post_message(WorkFailed("proposals", describe(exc)))
            return
        self.post_message(LinkLoaded(link.id, candidates, terms, marks))

    @work(thread=True, exclusive=True, group="mt", exit_on_error=False)
    def translate_link(self, link: Any) -> None:
        try:
            mt = self.session.mt_candidates(link, cancel=self.cancel)
        except EXPECTED as exc:
            self.post_message(WorkFailed("machine translation", describe(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - a model failing is the user's to know
            if self.cancel.cancelled:
                return
            self.post_message(WorkFailed("machine translation", describe(exc)))
            return
        self.post_message(ProposalsReady(link.id, mt))

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def check_text(self, link: Any, text: str) -> None:
        try:
            findings = self.session.check(link, text)
        except EXPECTED as exc:
            self.post_message(WorkFailed("term check", describe(exc)))
            return
        self.post_message(FindingsReady(link.id, text, findings))

    @work(thread=True, group="export", exit_on_error=False)
    def export_project(self, fmt: str, path: str, force: bool) -> None:
        try:
            done = self.session.export(fmt, path, force=force)
        except EXPECTED as exc:
            self.post_message(WorkFailed(f"export {fmt}", describe(exc)))
            return
        self.post_message(WorkDone(f"export {fmt}", done))
