"""Keeping the glossary from inside a project: search, entry detail, add term, add variant,
mining.

:class:`Terms` holds the merged glossary of the configured files and, optionally, an
open project:

* :meth:`~Terms.search` is ``workbench glossary find`` (normalised, clitic-aware,
  fuzzy: :func:`workbench.glossary.search.find_entries`), fast enough to run on every
  keystroke;
* :meth:`~Terms.detail` gives an entry with its related entries and where it occurs in
  the project (links, the Arabic or English span);
* :meth:`~Terms.add_term` appends a new entry through the comment-preserving writer
  (:func:`workbench.glossary.edit.add_entry`, under the file's lock, lint first: a
  refused entry raises :class:`~workbench.glossary.GlossaryError` with the lint
  message and writes nothing), :meth:`~Terms.add_form` adds a variant, deprecated or
  forbidden spelling (or an Arabic form) to an entry
  (:func:`workbench.glossary.edit.add_forms`); both reload the glossary;
* :meth:`~Terms.undo` / :meth:`~Terms.redo` take back (and put back) this session's
  glossary writes, file by file, under the file's lock, and refuse a file changed
  since by anyone else (its hash), so an edit from outside is never lost;
* :meth:`~Terms.mine` runs the miner (:func:`workbench.glossary.mine.mine_documents`) on
  the project's English (the target document and the translator's texts), and
  :meth:`~Terms.prefill` turns a proposal into the add form's fields.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from workbench.errors import WorkbenchError
from workbench.glossary import GlossaryError, load_glossary
from workbench.glossary.edit import add_entry, add_forms, default_file_for
from workbench.glossary.model import TYPES, Entry, Glossary
from workbench.glossary.search import SearchHit, find_entries

__all__ = ["Terms", "EntryDetail", "Occurrence", "AddForm", "suggest_id", "TYPES"]


@dataclass(frozen=True)
class Occurrence:
    link_id: int
    number: int            # 1-based position of the link in source order
    side: str              # source | target
    span: tuple[int, int]
    text: str              # the side's text
    status: str = "source"  # the English match status (preferred, variant...) or source


@dataclass(frozen=True)
class EntryDetail:
    entry: Entry
    related: list[tuple[str, str, str]]   # (id, relation as seen from this entry, en)
    occurrences: list[Occurrence]

    @property
    def links(self) -> list[int]:
        return list(dict.fromkeys(o.link_id for o in self.occurrences))


@dataclass
class AddForm:
    """The fields of the add-term form (prefilled from a selection or a proposal)."""

    en: str = ""
    ar: list[str] = field(default_factory=list)
    type: str = "other"
    id: str = ""
    note: str = ""
    variants: list[str] = field(default_factory=list)
    hint: str = ""          # where it came from (a proposal's evidence), for the form


@dataclass(frozen=True)
class _Write:
    """One glossary write of this session: the file's text before and after."""

    what: str
    path: Path
    before: str | None      # None: the write created the file
    after: str


def _read(path: Path) -> str | None:
    from workbench.textio import read_text

    return read_text(path, what="glossary file", allow_empty=True) if path.exists() else None


def suggest_id(en: str) -> str:
    """An entry id from the English form: ``Jaish al-Izza`` -> ``jaish-al-izza``."""
    import unicodedata

    base = unicodedata.normalize("NFKD", en)
    base = "".join(c for c in base if not unicodedata.combining(c)).lower()
    base = re.sub(r"['’‘`]", "", base)
    return re.sub(r"[^a-z0-9]+", "-", base).strip("-")


class Terms:
    """The glossary screen's model (see the module docstring)."""

    def __init__(self, glossary_paths: Sequence[Path], *, project: Any = None,
                 glossary: Glossary | None = None) -> None:
        self.paths = [Path(p) for p in glossary_paths]
        self.project = project
        self._lock = threading.Lock()
        self.glossary = glossary if glossary is not None else load_glossary(self.paths)
        self._occ: dict[str, list[Occurrence]] | None = None
        self._occ_revision = -1
        self._done: list[_Write] = []
        self._undone: list[_Write] = []

    # ---- reading

    def reload(self) -> Glossary:
        """Load the glossary files again (after an edit here or elsewhere)."""
        g = load_glossary(self.paths)
        with self._lock:
            self.glossary = g
            self._occ = None
        return g

    def search(self, query: str, *, limit: int = 30, min_score: float = 70.0) -> list[SearchHit]:
        return find_entries(self.glossary, query, limit=limit, min_score=min_score)

    def entry(self, entry_id: str) -> Entry:
        try:
            return self.glossary.entries[entry_id]
        except KeyError:
            raise WorkbenchError(f"no glossary entry {entry_id!r}") from None

    def detail(self, entry_id: str) -> EntryDetail:
        e = self.entry(entry_id)
        related = [(rid, rel, self.glossary.entries[rid].en if rid in self.glossary.entries
                    else "?") for rid, rel in sorted(self.glossary.related_ids(entry_id).items())]
        return EntryDetail(e, related, self.occurrences().get(entry_id, []))

    def occurrences(self) -> dict[str, list[Occurrence]]:
        """Every glossary term in the project's links, by entry id (cached per revision)."""
        if self.project is None:
            return {}
        revision = self.project.revision
        with self._lock:
            if self._occ is not None and self._occ_revision == revision:
                return self._occ
            g = self.glossary
        occ: dict[str, list[Occurrence]] = {}
        for n, lk in enumerate(self.project.links(), 1):
            if lk.source_text.strip():
                for m in g.match_arabic(lk.source_text):
                    occ.setdefault(m.entry_id, []).append(
                        Occurrence(lk.id, n, "source", (m.start, m.end), lk.source_text))
            if lk.target_text.strip():
                for m in g.match_english(lk.target_text):
                    occ.setdefault(m.entry_id, []).append(
                        Occurrence(lk.id, n, "target", (m.start, m.end), lk.target_text,
                                   m.status))
        with self._lock:
            if self.glossary is g:
                self._occ, self._occ_revision = occ, revision
        return occ

    # ---- writing

    def default_file(self, entry_type: str) -> Path:
        return default_file_for(entry_type, self.paths)

    def add_term(self, form: AddForm, *, path: str | Path | None = None,
                 dry_run: bool = False) -> tuple[Path, Entry]:
        """Append a new entry (lint first; :class:`GlossaryError` with the message if it is
        refused, and nothing is written).  Returns the file and the entry."""
        en = " ".join(form.en.split())
        ar = [" ".join(a.split()) for a in form.ar if a.strip()]
        if not en:
            raise GlossaryError("a term needs its English form")
        if not ar:
            raise GlossaryError("a term needs at least one Arabic form")
        if form.type not in TYPES:
            raise GlossaryError(f"unknown type {form.type!r} ({', '.join(TYPES)})")
        entry_id = (form.id or suggest_id(en)).strip()
        if entry_id in self.glossary.entries:
            raise GlossaryError(f"there is already an entry {entry_id!r} "
                                f"({self.glossary.entries[entry_id].en}); add a variant to it "
                                "or choose another id")
        entry = Entry(id=entry_id, type=form.type, en=en, ar=ar,
                      variants=[v for v in form.variants if v.strip()], note=form.note.strip())
        target = Path(path) if path is not None else self.default_file(form.type)
        before = None if dry_run else _read(target)
        add_entry(entry, target, glossary_paths=self.paths, dry_run=dry_run)
        if not dry_run:
            self._record(_Write(f"added {entry.en} [{entry.id}]", target, before,
                                _read(target) or ""))
            if target not in self.paths and not any(
                    p.is_dir() and target.parent.resolve() == p.resolve() for p in self.paths):
                self.paths.append(target)
            self.reload()
        return target, entry

    def add_form(self, entry_id: str, form: str, kind: str = "variants", *,
                 dry_run: bool = False) -> Path:
        """Record ``form`` as a variant (``variants``), ``deprecated`` or ``forbidden``
        spelling, or an Arabic form (``ar``), of an entry, in the entry's own file."""
        e = self.entry(entry_id)
        if e.path is None:
            raise WorkbenchError(f"entry {entry_id!r} has no file to write to")
        form = " ".join(form.split())
        if not form:
            raise GlossaryError("nothing selected to add")
        if kind != "ar" and form == e.en:
            raise GlossaryError(f"{form!r} is already the preferred form of {entry_id!r}")
        path = Path(e.path)
        before = None if dry_run else _read(path)
        add_forms(entry_id, path, {kind: [form]}, glossary_paths=self.paths, dry_run=dry_run)
        if not dry_run:
            self._record(_Write(f"added {form!r} as {kind} of {entry_id}", path, before,
                                _read(path) or ""))
            self.reload()
        return path

    # ---- undo / redo of this session's writes

    def _record(self, write: _Write) -> None:
        self._done.append(write)
        self._undone.clear()

    def can_undo(self) -> bool:
        return bool(self._done)

    def undo(self) -> str | None:
        """Put the file of the last write back as it was; what was undone, or None."""
        return self._step(self._done, self._undone, undo=True)

    def redo(self) -> str | None:
        return self._step(self._undone, self._done, undo=False)

    def _step(self, source: list[_Write], target: list[_Write], *, undo: bool) -> str | None:
        import os

        from workbench.glossary.filelock import FileChangedError, locked_file

        if not source:
            return None
        w = source[-1]
        expected, restore = (w.after, w.before) if undo else (w.before, w.after)
        with locked_file(w.path) as f:
            if (f.text if f.exists else None) != expected:
                raise FileChangedError(f"the glossary file changed since {w.what}; not "
                                       f"{'undone' if undo else 'redone'} (edit it by hand)",
                                       path=w.path)
            if restore is None:
                os.unlink(w.path)
                if w.path in self.paths:
                    self.paths.remove(w.path)
            else:
                f.write(restore)
        source.pop()
        target.append(w)
        self.reload()
        return f"{'undone' if undo else 'redone'}: {w.what}"

    # ---- mining

    def mine(self, *, progress=None, cancel=None, fuzzy_cutoff: float = 85.0) -> list:
        """Proposals (:class:`workbench.glossary.mine.Proposal`) from the project's English."""
        from workbench.glossary.mine import mine_documents

        if self.project is None:
            raise WorkbenchError("open a project to mine its texts")
        docs = [(self.project.document("target").name, self.project.document("target").text)]
        own = "\n\n".join(lk.target_text for lk in self.project.links()
                          if lk.status != "new" and lk.target_text.strip())
        if own:
            docs.append(("translation", own))
        return mine_documents(self.glossary, docs, fuzzy_cutoff=fuzzy_cutoff, progress=progress,
                              cancel=cancel)

    def prefill(self, proposal) -> AddForm:
        """The add form for a mining proposal: its English, and the Arabic of the link its
        first evidence sentence is in as a hint."""
        hint = ""
        if self.project is not None and proposal.evidence:
            sentence = proposal.evidence[0].sentence
            for lk in self.project.links():
                if sentence[:60] and sentence[:60] in lk.reference_text:
                    hint = lk.source_text
                    break
        if proposal.kind == "variant" and proposal.entry_id:
            e = self.glossary.entries.get(proposal.entry_id)
            return AddForm(en=e.en if e else proposal.text, ar=list(e.ar) if e else [],
                           type=e.type if e else "other", id=proposal.entry_id,
                           variants=[proposal.text], hint=hint)
        return AddForm(en=proposal.text, id=suggest_id(proposal.text), hint=hint)
