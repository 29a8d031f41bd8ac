"""Every open term finding of a project, filtered, with fixes for the variant spellings.

A link's findings are :func:`workbench.glossary.qa.check_pair` of its Arabic and its
English (the translator's text, which starts as the aligned rewrite), as the
translation screen computes them; insertions (no Arabic) have none.
:class:`ProjectFindings` lists them as :class:`ProjectFinding` rows (kind, term, link,
the text around the span), filters them by kind and term, and applies the fixes of
``variant`` findings (:func:`workbench.glossary.qa.apply_fixes`) as one store edit (one
undo step), keeping each link's status.

:class:`Dismissals` is what the application does with the findings a translator dismissed
(issue 18): they are kept in the project (:mod:`workbench.store.dismissals`, keyed by the
finding and the pair's texts, so a dismissal lapses when either text changes), left out of
every list of findings, and this session's dismissals are undone and redone in the same
sequence as the store's edits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from workbench.errors import WorkbenchError
from workbench.glossary.model import Glossary
from workbench.glossary.qa import KINDS, Finding, apply_fixes, check_pair
from workbench.store.dismissals import dismiss, dismissal_key, dismissals, undismiss
from workbench.store.project import Project, ProjectLink

__all__ = ["KINDS", "Dismissals", "Dismissed", "ProjectFinding", "ProjectFindings", "context"]


@dataclass(frozen=True)
class ProjectFinding:
    number: int            # the link's 1-based position in source order
    link_id: int
    version: int           # the link's version the finding was computed on
    finding: Finding
    text: str              # the side the span is in (the English, or the Arabic for missing)
    span: tuple[int, int] | None
    side: str              # target | source

    @property
    def kind(self) -> str:
        return self.finding.kind

    @property
    def term(self) -> str | None:
        return self.finding.term

    @property
    def fixable(self) -> bool:
        return self.finding.kind == "variant" and self.finding.fix is not None

    def context(self, width: int = 30) -> tuple[str, str, str]:
        """(before, the span, after) on one line, ``width`` characters each side at most."""
        return context(self.text, self.span, width)

    def describe(self) -> str:
        f = self.finding
        if f.kind == "variant":
            return f"{f.found!r} -> {f.fix!r} ({f.term})"
        if f.kind == "forbidden":
            return f"{f.found!r} is forbidden ({f.term}: {f.expected!r})"
        if f.kind == "missing":
            return f"{f.term}: no {f.expected!r} in the English"
        if f.kind == "unsourced":
            return f"{f.found!r} ({f.term}) has no Arabic in the source"
        return f.note or f"number {f.expected or f.found}"


def context(text: str, span: tuple[int, int] | None, width: int = 30) -> tuple[str, str, str]:
    if span is None:
        return " ".join(text[: 2 * width].split()), "", ""
    a, b = span
    left = " ".join(text[max(0, a - width):a].split())
    right = " ".join(text[b:b + width].split())
    if a > width:
        left = "…" + left
    if b + width < len(text):
        right += "…"
    if text[max(0, a - 1):a].isspace():
        left += " "
    if text[b:b + 1].isspace():
        right = " " + right
    return left, " ".join(text[a:b].split()), right


@dataclass(frozen=True)
class Dismissed:
    key: str
    finding: Finding
    source: str
    target: str
    link_id: int | None
    at: int                # the store's latest edit (not undone) when it was made or undone

    def describe(self) -> str:
        f = self.finding
        return f"{f.kind} finding of {f.term or f.found or f.expected or 'the link'}"


def _position(project: Project) -> int:
    """The id of the store's latest edit not undone (0: none), the place of a dismissal
    in the sequence of edits that Undo walks back."""
    for entry in project.history(limit=500):
        if entry.state == "done":
            return int(entry.id)
    return 0


class Dismissals:
    """A project's dismissed findings (see the module docstring)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._keys: frozenset[str] | None = None
        self._done: list[Dismissed] = []
        self._undone: list[Dismissed] = []

    def keys(self) -> frozenset[str]:
        if self._keys is None:
            self._keys = frozenset(d.key for d in dismissals(self.project))
        return self._keys

    def reload(self) -> None:
        """Read the project's dismissals again (another window may have made some)."""
        self._keys = None

    def open(self, findings: Iterable[Finding], source: str, target: str) -> list[Finding]:
        """``findings`` of the pair ``source``/``target`` that are not dismissed."""
        keys = self.keys()
        if not keys:
            return list(findings)
        return [f for f in findings if dismissal_key(f, source, target) not in keys]

    def dismiss(self, finding: Finding, source: str, target: str, *,
                link_id: int | None = None, note: str = "") -> Dismissed:
        """Dismiss ``finding`` of the pair (stored at once); Undo takes it back."""
        key = dismiss(self.project, finding, source, target, link_id=link_id, note=note)
        self._keys = None
        done = Dismissed(key, finding, source, target, link_id, _position(self.project))
        self._done.append(done)
        self._undone.clear()
        return done

    def undo(self) -> Dismissed | None:
        """Take back this session's latest dismissal if nothing was stored after it
        (else None: the store's edit comes first)."""
        if not self._done or self._done[-1].at != _position(self.project):
            return None
        d = self._done.pop()
        undismiss(self.project, d.key)
        self._keys = None
        self._undone.append(d)
        return d

    def redo(self) -> Dismissed | None:
        """Dismiss again the latest dismissal undone, if nothing was stored since."""
        if not self._undone or self._undone[-1].at != _position(self.project):
            return None
        d = self._undone.pop()
        dismiss(self.project, d.finding, d.source, d.target, link_id=d.link_id)
        self._keys = None
        self._done.append(d)
        return d


class ProjectFindings:
    """The open term findings of a project (see the module docstring)."""

    def __init__(self, project: Project, glossary: Glossary, *, numbers: bool = True,
                 dismissed: Dismissals | None = None) -> None:
        self.project = project
        self.glossary = glossary
        self.numbers = numbers
        self.dismissed = dismissed if dismissed is not None else Dismissals(project)
        self.items: list[ProjectFinding] = []
        self.revision = -1
        self._cache: dict[tuple[str, str], list[Finding]] = {}
        self.reload()

    def _check(self, lk: ProjectLink) -> list[Finding]:
        key = (lk.source_text, lk.target_text)
        got = self._cache.get(key)
        if got is None:
            got = check_pair(self.glossary, 0, lk.source_text, lk.target_text,
                             numbers=self.numbers)
            self._cache[key] = got
        return got

    def reload(self, glossary: Glossary | None = None) -> list[ProjectFinding]:
        """Recompute (after an edit, or with a new ``glossary`` after it changed)."""
        if glossary is not None:
            self.glossary = glossary
            self._cache = {}
        self.revision = self.project.revision
        items = []
        for n, lk in enumerate(self.project.links(), 1):
            if lk.is_insertion:
                continue
            for f in self.dismissed.open(self._check(lk), lk.source_text, lk.target_text):
                if f.target_span is not None:
                    text, span, side = lk.target_text, f.target_span, "target"
                else:
                    text, span, side = lk.source_text, f.source_span, "source"
                items.append(ProjectFinding(n, lk.id, lk.version, f, text, span, side))
        self.items = items
        return items

    def refresh_if_changed(self) -> bool:
        if self.project.revision != self.revision:
            self.reload()
            return True
        return False

    def __len__(self) -> int:
        return len(self.items)

    def filter(self, kind: str | Iterable[str] | None = None, term: str | None = None
               ) -> list[ProjectFinding]:
        """Findings of ``kind`` (one or several) whose term id or expected/found form
        contains ``term`` (case-insensitive)."""
        kinds = None
        if kind is not None:
            kinds = {kind} if isinstance(kind, str) else set(kind)
            bad = kinds - set(KINDS)
            if bad:
                raise WorkbenchError(f"unknown finding kind {sorted(bad)[0]!r} "
                                     f"({', '.join(KINDS)})")
        needle = (term or "").strip().casefold()
        out = []
        for it in self.items:
            if kinds is not None and it.kind not in kinds:
                continue
            if needle:
                f = it.finding
                hay = " ".join(x for x in (f.term, f.expected, f.found) if x).casefold()
                if needle not in hay:
                    continue
            out.append(it)
        return out

    def counts(self) -> dict[str, int]:
        c = Counter(it.kind for it in self.items)
        return {k: c.get(k, 0) for k in KINDS}

    def terms(self) -> list[tuple[str, int]]:
        """Term ids with their number of findings, most first."""
        return Counter(it.term for it in self.items if it.term).most_common()

    def dismiss(self, item: ProjectFinding, note: str = "") -> Dismissed:
        """Dismiss one finding (it is left out from now on, in every window)."""
        lk = self.project.link(item.link_id)
        if lk.version != item.version:
            self.reload()
            raise WorkbenchError(f"link {item.number} changed since its findings were "
                                 "computed; they are recomputed now: dismiss again")
        done = self.dismissed.dismiss(item.finding, lk.source_text, lk.target_text,
                                      link_id=lk.id, note=note)
        self.reload()
        return done

    def apply_fixes(self, items: Sequence[ProjectFinding] | None = None) -> list[int]:
        """Apply the fixes of the given variant findings (default: all fixable) as one store
        edit; returns the ids of the links changed.  Statuses stay as they were."""
        items = [it for it in (self.items if items is None else items) if it.fixable]
        by_link: dict[int, list[ProjectFinding]] = {}
        for it in items:
            by_link.setdefault(it.link_id, []).append(it)
        edits = []
        for link_id, its in by_link.items():
            lk = self.project.link(link_id)
            if lk.version != its[0].version:
                self.reload()
                raise WorkbenchError(f"link {its[0].number} changed since its findings were "
                                     "computed; they are recomputed now: apply again")
            new = apply_fixes(lk.target_text, [it.finding for it in its])
            if new != lk.target_text:
                status = lk.status if lk.status != "new" else None
                edits.append((link_id, new, status, lk.version))
        if edits:
            self.project.apply_edits(edits, kind="edit")
        self.reload()
        return [e[0] for e in edits]
