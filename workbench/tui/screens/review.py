"""The alignment review screen: every link of the project as a row band (English on the
left, Arabic on the right), its kind and confidence, and the edits a reviewer makes.

The model is the application layer's :class:`~workbench.app.review.AlignmentReview`;
each edit is one store transaction, undone and redone with the same store history (and
the same keys) as the translation screen.  Realigning runs the aligner in a thread
worker that posts :class:`Realigned`; the other edits take milliseconds and run in the
key handler.  Esc goes back to the translation screen where it was, Enter goes back to
the current link.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from workbench.app.review import AlignmentReview, EditResult
from workbench.progress import CancelToken
from workbench.tui.bindings import bindings
from workbench.tui.guard import EXPECTED, describe
from workbench.tui.messages import Back, WorkFailed
from workbench.tui.screens.dialogs import ChoiceDialog
from workbench.tui.widgets.kwic import arabic_inline
from workbench.tui.widgets.link_list import LinkList
from workbench.tui.widgets.panes import SourcePane
from workbench.tui.widgets.segment_list import SegmentList

__all__ = ["ReviewScreen", "Realigned"]

POLL_EVERY = 1.0


class Realigned(Message):
    def __init__(self, result: EditResult) -> None:
        super().__init__()
        self.result = result


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class ReviewScreen(Screen[Back]):
    BINDINGS = bindings("review", also=("undo", "redo")) + [
        Binding("escape", "close", "back", show=True),
    ]

    def __init__(self, session: Any, *, mode: str = "app", link: Any = None,
                 selection: str = "", **_kw: Any) -> None:
        super().__init__(name="review")
        self.session = session
        self.mode = mode
        self.start = link.id if link is not None else None
        self.review = AlignmentReview(session.project)
        self.changed = False
        self.busy = False
        self.by_confidence = False
        self.sentences = False
        self.last_doubtful: int | None = None
        self.cancel = CancelToken()

    def compose(self) -> ComposeResult:
        yield Static(id="review-status")
        yield LinkList(mode=self.mode, id="links")
        with Horizontal(id="review-detail"):
            with VerticalScroll(id="detail-en"):
                yield Static(id="detail-english")
            with VerticalScroll(id="detail-ar"):
                yield SourcePane(mode=self.mode, id="detail-arabic")
        yield Footer()

    def on_mount(self) -> None:
        self.links = self.query_one(LinkList)
        self.show_rows(self.start)
        self.links.focus()
        self.set_interval(POLL_EVERY, self.poll)

    def on_unmount(self) -> None:
        self.cancel.cancel()

    # ---- showing

    @property
    def current(self) -> int | None:
        return self.links.current_id

    def show_rows(self, focus: int | None = None) -> None:
        rows = self.review.by_confidence() if self.by_confidence else list(self.review.rows)
        self.links.set_rows(rows, keep=focus)
        self.show_detail()
        self.update_status()

    def update_status(self, extra: str = "") -> None:
        counts = self.review.counts()
        confirmed = sum(1 for r in self.review.rows if r.confirmed)
        t = Text()
        t.append(" Review alignment ", style="bold reverse")
        t.append(f"  {len(self.review)} links: ")
        t.append(", ".join(f"{k} {v}" for k, v in counts.items() if v))
        t.append(f"   confirmed {confirmed}/{len(self.review)}",
                 style="green" if confirmed == len(self.review) else "")
        t.append(f"   by {self.session.project.unit}"
                 f"{' (detail in sentences)' if self.sentences else ''}")
        t.append("   sorted by confidence" if self.by_confidence else "   source order")
        if self.busy:
            t.append("   realigning…", style="bold yellow")
        if extra:
            t.append(f"   {extra}", style="dim")
        self.query_one("#review-status", Static).update(t)

    def _pieces(self, texts: list[str], lang: str) -> list[str]:
        if not self.sentences:
            return texts
        from workbench.text.segment import segment

        out = []
        for text in texts:
            out.extend(s.text for s in segment(text, "sentences", lang))
        return out

    def show_detail(self) -> None:
        link_id = self.current
        english = self.query_one("#detail-english", Static)
        arabic = self.query_one("#detail-arabic", SourcePane)
        if link_id is None:
            english.update("")
            arabic.show("")
            return
        row = self.review.row(link_id)
        ar, en = self.review.segment_texts(row)
        kind = "" if row.kind == row.shape else f" {row.kind}"     # "1:1", not "1:1 1:1"
        head = Text(f"link {row.number}  {row.shape}{kind}", style="bold")
        head.append("  confidence --" if row.confidence is None
                    else f"  confidence {row.confidence:.2f}")
        head.append("  confirmed" if row.confirmed else "  not confirmed",
                    style="green" if row.confirmed else "dim")
        label = "sentence" if self.sentences else self.session.project.unit.rstrip("s")
        if en:
            for n, (j, text) in enumerate(zip(row.tgt, en)):
                for k, piece in enumerate(self._pieces([text], "en")):
                    head.append(f"\n\nEnglish {label} {j + 1}" + (f".{k + 1}" if
                                                                 self.sentences else ""),
                                style="bold dim")
                    head.append("\n" + piece)
        else:
            head.append("\n\n(no English: the rewrite dropped this)", style="dim italic")
        english.update(head)
        if ar:
            parts = []
            for i, text in zip(row.src, ar):
                for k, piece in enumerate(self._pieces([text], "ar")):
                    parts.append(f"[{i + 1}{'.' + str(k + 1) if self.sentences else ''}] "
                                 f"{piece}")
            arabic.show("\n\n".join(parts))
        else:
            arabic.show("", note="(no Arabic: the rewrite added this)")

    @on(SegmentList.Selected)
    def selected(self, event: SegmentList.Selected) -> None:
        event.stop()
        if event.focus_editor:
            self.dismiss(Back(link_id=event.link_id, changed=self.changed))
            return
        self.show_detail()

    def poll(self) -> None:
        if self.busy:
            return
        try:
            if self.review.refresh_if_changed():
                self.show_rows(self.current)
        except EXPECTED as exc:
            self.notify(describe(exc), severity="warning")

    # ---- edits

    def _edit(self, run: Any, *args: Any) -> EditResult | None:
        if self.busy:
            self.notify("the aligner is still running: wait for it", severity="warning")
            return None
        if self.current is None:
            return None
        try:
            result = run(*args)
        except EXPECTED as exc:
            self.notify(describe(exc), severity="error")
            self.review.reload()
            self.show_rows(self.current)
            return None
        self.done(result)
        return result

    def done(self, result: EditResult, said: str = "") -> None:
        self.changed = True
        focus = result.focus if result.focus is not None else self.current
        self.show_rows(focus)
        if not (result.link_ids or said):
            return
        if not said:
            try:
                said = f"{result.kind}: link {self.review.row(focus).number}"
            except (EXPECTED + (TypeError,)):
                said = result.kind
        self.notify(said, timeout=3)

    def action_next_doubtful(self) -> None:
        # the first press goes to the least confident link; the next ones walk on from it
        walking = self.last_doubtful is not None and self.last_doubtful == self.current
        row = self.review.next_doubtful(after=self.current if walking else None)
        if row is None:
            self.notify("every link is confirmed", timeout=3)
            return
        self.last_doubtful = row.id
        self.links.select(row.id)
        self.show_detail()

    def action_confirm(self) -> None:
        self._edit(self.review.toggle_confirmed, self.current)

    def action_merge_next(self) -> None:
        self._edit(self.review.merge_with_next, self.current)

    def _choose(self, title: str, options: list[str], then: Any) -> None:
        if self.busy:
            self.notify("the aligner is still running: wait for it", severity="warning")
            return
        if not options:
            return

        def chosen(k: int | None) -> None:
            if k is not None:
                then(k)

        self.app.push_screen(ChoiceDialog(title, options), chosen)

    def action_split(self) -> None:
        link_id = self.current
        if link_id is None:
            return
        row = self.review.row(link_id)
        points = self.review.split_points(link_id)
        if not points:
            self.notify(f"link {row.number} has one segment: nothing to split",
                        severity="warning")
            return

        def label(a: int, b: int) -> str:
            ar = f"Arabic {'+'.join(str(i + 1) for i in row.src[:a]) or '-'} | " \
                 f"{'+'.join(str(i + 1) for i in row.src[a:]) or '-'}"
            en = f"English {'+'.join(str(j + 1) for j in row.tgt[:b]) or '-'} | " \
                 f"{'+'.join(str(j + 1) for j in row.tgt[b:]) or '-'}"
            return f"{ar}    {en}"

        self._choose(f"Split link {row.number} where?", [label(a, b) for a, b in points],
                     lambda k: self._edit(self.review.split, link_id, *points[k]))

    MOVES = (("target", 1, "end", "English: take the next segment into this link"),
             ("target", -1, "end", "English: give this link's last segment to the next link"),
             ("source", 1, "end", "Arabic: take the next segment into this link"),
             ("source", -1, "end", "Arabic: give this link's last segment to the next link"),
             ("target", -1, "start", "English: take the segment before into this link"),
             ("target", 1, "start", "English: give this link's first segment to the link "
                                    "before"),
             ("source", -1, "start", "Arabic: take the segment before into this link"),
             ("source", 1, "start", "Arabic: give this link's first segment to the link before"))

    def action_move_boundary(self) -> None:
        link_id = self.current
        if link_id is None:
            return
        row = self.review.row(link_id)
        self._choose(f"Move a boundary of link {row.number}", [m[3] for m in self.MOVES],
                     lambda k: self._edit(lambda: self.review.move_boundary(
                         link_id, self.MOVES[k][0], self.MOVES[k][1], edge=self.MOVES[k][2])))

    def action_unlink(self) -> None:
        link_id = self.current
        if link_id is None:
            return
        row = self.review.row(link_id)
        ar, en = self.review.segment_texts(row)
        options = [("source", i, f"Arabic {i + 1}: {arabic_inline(_short(t), self.mode)}")
                   for i, t in zip(row.src, ar)]
        options += [("target", j, f"English {j + 1}: {_short(t)}") for j, t in zip(row.tgt, en)]
        if len(options) < 2:
            self.notify(f"link {row.number} is already a {row.kind}", severity="warning")
            return
        self._choose(f"Unlink which segment of link {row.number}? (an Arabic one becomes a "
                     "deletion, an English one an insertion)", [o[2] for o in options],
                     lambda k: self._edit(self.review.unlink, link_id, options[k][0],
                                          options[k][1]))

    def action_link_to(self) -> None:
        link_id = self.current
        if link_id is None:
            return
        row = self.review.row(link_id)
        candidates = self.review.link_candidates(link_id)
        if not candidates:
            self.notify("Link to... joins a deletion with an insertion: "
                        + ("there is none to join" if row.kind in ("deletion", "insertion")
                           else f"link {row.number} is a {row.kind}"), severity="warning")
            return

        def label(r: Any) -> str:
            text = _short(r.link.source_text) if r.kind == "deletion" else _short(
                r.link.reference_text)
            if r.kind == "deletion":
                text = arabic_inline(text, self.mode)
            return f"link {r.number} ({r.kind}): {text}"

        self._choose(f"Link {row.number} ({row.kind}) to:", [label(r) for r in candidates],
                     lambda k: self._edit(self.review.link_to, link_id, candidates[k].id))

    def action_realign(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.update_status()
        self.notify("realigning the links not confirmed…", timeout=3)
        self.realign_worker()

    @work(thread=True, exclusive=True, group="realign", exit_on_error=False)
    def realign_worker(self) -> None:
        try:
            result = self.review.realign_unconfirmed(glossary=self.session.glossary,
                                                     cancel=self.cancel)
        except EXPECTED as exc:
            self.post_message(WorkFailed("realign", describe(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - the aligner failing is the user's to know
            if not self.cancel.cancelled:
                self.post_message(WorkFailed("realign", describe(exc)))
            return
        self.post_message(Realigned(result))

    def on_realigned(self, message: Realigned) -> None:
        self.busy = False
        if message.result.link_ids:
            self.done(message.result, f"realigned: {len(message.result.link_ids)} links "
                                      "made, confirmed links kept")
        else:
            self.update_status()
            self.notify("realigned: the aligner agrees with the links as they are", timeout=3)

    def on_work_failed(self, message: WorkFailed) -> None:
        self.busy = False
        self.review.reload()
        self.show_rows(self.current)
        self.notify(f"{message.what}: {message.error}", severity="error")

    def _history(self, undo: bool) -> None:
        if self.busy:
            self.notify("the aligner is still running: wait for it", severity="warning")
            return
        try:
            entry = self.review.undo() if undo else self.review.redo()
        except EXPECTED as exc:
            self.notify(describe(exc), severity="warning")
            return
        if entry is None:
            self.notify("nothing to undo" if undo else "nothing to redo", timeout=3)
            return
        self.changed = True
        self.show_rows(self.current)
        self.notify(f"{'undone' if undo else 'redone'}: {entry.kind}", timeout=3)

    def action_store_undo(self) -> None:
        self._history(True)

    def action_store_redo(self) -> None:
        self._history(False)

    # ---- view

    def action_toggle_unit(self) -> None:
        self.sentences = not self.sentences
        self.show_detail()
        self.update_status()

    def action_toggle_sort(self) -> None:
        self.by_confidence = not self.by_confidence
        self.show_rows(self.current)

    def action_close(self) -> None:
        self.dismiss(Back(changed=self.changed))
