"""A translation session on one project: what the terminal UI does, without a screen.

:func:`locate` says which project a command line names (a project file, a corpus
pair's default project in the user data folder, or a default project for two text
files) and :meth:`Session.open` opens it, creating and aligning it first when it does
not exist yet.  A :class:`Session` then holds the project, the glossary and, when a
model is configured, the MT backend (loaded on first use), and offers what a
translator does with a link: its proposals (translation memory, MT n-best from the
project's cache or the model, the aligned rewrite with the glossary's fixes), live
term findings for the editor's text, drafts, accepting, review, undo/redo, exports,
and cheap polling of the store's revision for changes made by other windows.

Every method is safe to call from a worker thread (the store gives each thread its
own connection); the session's own tables are guarded by a lock.  Nothing here
prints or imports the UI.  A stale write is the store's :class:`ConflictError`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.app.findings import Dismissals
from workbench.app.proposals import Candidate, Proposals, TermHit, backend_for
from workbench.app.targets import DEFAULT_PAIR, Target, locate, open_target
from workbench.errors import WorkbenchError
from workbench.glossary.qa import Finding
from workbench.store.project import ConflictError, Project, ProjectLink
from workbench.store.records import ACCEPTED

# Target/locate (workbench.app.targets) and Candidate/TermHit (workbench.app.proposals) are
# re-exported: the TUI imports them from here
__all__ = [
    "DEFAULT_PAIR",
    "EXPORT_SUFFIXES",
    "FILTERS",
    "LOW_CONFIDENCE",
    "Candidate",
    "ConflictError",
    "Row",
    "Session",
    "Target",
    "TermHit",
    "locate",
    "open_target",
]

LOW_CONFIDENCE = 0.5
FILTERS = ("all", "untranslated", "findings", "low")
EXPORT_SUFFIXES = {"tmx": ".tmx", "xliff": ".xlf", "txt": ".en.txt"}


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Row:
    """One link as the segment list shows it."""

    number: int              # 1-based position in source order
    link: ProjectLink
    findings: int            # open term findings

    @property
    def id(self) -> int:
        return self.link.id


# --------------------------------------------------------------------------- the session


@dataclass
class _State:
    links: list[ProjectLink] = field(default_factory=list)
    findings: dict[int, list[Finding]] = field(default_factory=dict)
    position: dict[int, int] = field(default_factory=dict)
    revision: int = 0


class Session(Proposals):
    """An open project with the glossary and (optionally) an MT model."""

    def __init__(self, project: Project, *, glossary: Any = None, model: str | Path | None = None,
                 models_dir: Path | None = None, n_best: int = 4, tm_threshold: int = 70,
                 backend: Any = None, label: str = "",
                 glossary_paths: Iterable[Path] | None = None,
                 corpus_roots: Iterable[Path] | None = None) -> None:
        self.project = project
        self.glossary = glossary
        #: the glossary's files or folders (for the glossary screen's search and writes)
        self.glossary_paths = [Path(p) for p in glossary_paths] if glossary_paths else []
        #: the corpus folders the concordance searches (None: the bundled corpora)
        self.corpus_roots = [Path(p) for p in corpus_roots] if corpus_roots is not None else None
        self.n_best = n_best
        self.tm_threshold = tm_threshold
        self.label = label or project.pair_id or project.path.stem
        self._lock = threading.RLock()
        self._state = _State()
        self._finding_cache: dict[tuple[str, str], list[Finding]] = {}
        self.dismissals = Dismissals(project)       # findings dismissed are left out
        self.backend = backend
        self.mt_notice = ""
        if backend is None:
            self.backend, self.mt_notice = backend_for(model, models_dir)
        self.refresh()

    # ---- opening

    @classmethod
    def open(cls, target: Target, *, glossary: Any = None, links: Any = None,
             aligner: Any = None, progress: Callable[[Any], None] | None = None, cancel: Any = None,
             **kwargs: Any) -> Session:
        """Open ``target``'s project, creating it (aligning the pair unless ``links``
        are given) when it does not exist yet."""
        project = open_target(target, glossary=glossary, links=links, aligner=aligner,
                              progress=progress, cancel=cancel)
        try:
            return cls(project, glossary=glossary, label=target.label, **kwargs)
        except BaseException:
            project.close()
            raise

    def close(self) -> None:
        self.project.close()

    def set_glossary(self, glossary: Any) -> None:
        """Use a reloaded glossary (after a term was added): findings are recomputed."""
        with self._lock:
            self.glossary = glossary
            self._finding_cache.clear()
        self.refresh()

    # ---- the links

    def refresh(self, changed: Iterable[int] | None = None) -> None:
        """Reload the links (and the findings of the changed ones, or all)."""
        self.dismissals.reload()
        links = self.project.links()
        revision = self.project.revision
        findings = {lk.id: self._findings_of(lk) for lk in links if not lk.is_insertion}
        with self._lock:
            self._state = _State(links, findings, {lk.id: n for n, lk in enumerate(links)},
                                 revision)

    @property
    def links(self) -> list[ProjectLink]:
        return self._state.links

    def link(self, link_id: int) -> ProjectLink:
        st = self._state
        return st.links[st.position[link_id]]

    def position(self, link_id: int) -> int:
        return self._state.position[link_id]

    def rows(self, kind: str = "all") -> list[Row]:
        """The segment list under filter ``kind`` (all, untranslated, findings, low)."""
        if kind not in FILTERS:
            raise WorkbenchError(f"unknown filter {kind!r} ({', '.join(FILTERS)})")
        st = self._state
        out = []
        for n, lk in enumerate(st.links):
            count = len(st.findings.get(lk.id, ()))
            if self._keep(kind, lk, count):
                out.append(Row(n + 1, lk, count))
        return out

    @staticmethod
    def _keep(kind: str, lk: ProjectLink, count: int) -> bool:
        if kind == "untranslated":
            return not lk.is_insertion and not lk.accepted
        if kind == "findings":
            return count > 0
        if kind == "low":
            return lk.score is not None and lk.score < LOW_CONFIDENCE
        return True

    def row(self, link_id: int) -> Row:
        """One link's row as :meth:`rows` makes it (for updating a list in place)."""
        st = self._state
        n = st.position[link_id]
        lk = st.links[n]
        return Row(n + 1, lk, len(st.findings.get(lk.id, ())))

    def findings(self, link_id: int) -> list[Finding]:
        return list(self._state.findings.get(link_id, ()))

    def next_link(self, link_id: int | None, kind: str, *, step: int = 1) -> int | None:
        """The next (``step`` 1) or previous (-1) link after ``link_id`` that is
        ``untranslated`` or has ``findings``; None when there is none (wrapping)."""
        st = self._state
        n = len(st.links)
        if not n:
            return None
        start = st.position.get(link_id, -1 if step > 0 else n) if link_id is not None else (
            -1 if step > 0 else n)
        for k in range(1, n + 1):
            lk = st.links[(start + step * k) % n]
            if lk.id == link_id:
                continue
            if self._keep(kind, lk, len(st.findings.get(lk.id, ()))):
                return lk.id
        return None

    def summary(self) -> dict[str, Any]:
        """Progress and open findings for the status bar."""
        st = self._state
        total = done = 0
        for lk in st.links:
            if lk.src:
                total += 1
                done += lk.status in ACCEPTED
        return {"label": self.label, "translated": done, "total": total,
                "findings": sum(map(len, st.findings.values())), "model": self.model_name}

    @property
    def model_name(self) -> str:
        if self.backend is None:
            return "no model"
        return str(getattr(self.backend, "model_id", None) or "model")

    # ---- writing (each a committed store transaction)

    def save_draft(self, link_id: int, text: str, *, base_version: int) -> ProjectLink | None:
        """Store ``text`` as the link's draft; None when there is nothing to store (the
        same text, or an empty editor on a new link).  ConflictError when stale."""
        link = self.project.link(link_id)
        if link.status == "new" and not text.strip():
            return None
        if text == link.target_text and link.status != "new":
            return None
        if link.status == "new" and text == link.target_text:
            new = self.project.edit(link_id, status="draft", base_version=base_version)
        else:
            new = self.project.edit(link_id, text, base_version=base_version)
        self._updated(new)
        return new

    def accept(self, link_id: int, text: str, *, base_version: int,
               status: str = "translated") -> ProjectLink:
        """Store ``text`` as ``translated`` (or ``reviewed``): it goes into the memory."""
        if not text.strip():
            raise WorkbenchError("nothing to accept: the editor is empty")
        new = self.project.accept(link_id, text, base_version=base_version, status=status)
        self._updated(new)
        return new

    def review(self, link_id: int, text: str, *, base_version: int) -> ProjectLink:
        return self.accept(link_id, text, base_version=base_version, status="reviewed")

    def dismiss(self, link_id: int, finding: Finding) -> str:
        """Dismiss a finding of the link's stored English (kept in the project)."""
        link = self.project.link(link_id)
        done = self.dismissals.dismiss(finding, link.source_text, link.target_text,
                                       link_id=link_id)
        self._updated(link)
        return f"dismissed the {done.describe()}"

    def undo(self) -> str | None:
        done = self.dismissals.undo()       # a dismissal, when it is the latest change
        if done is not None:
            self.refresh()
            return f"undid dismissing the {done.describe()}"
        entry = self.project.undo()
        self.poll()
        return None if entry is None else f"undid {entry.describe()}"

    def redo(self) -> str | None:
        done = self.dismissals.redo()
        if done is not None:
            self.refresh()
            return f"dismissed again the {done.describe()}"
        entry = self.project.redo()
        self.poll()
        return None if entry is None else f"redid {entry.describe()}"

    def _updated(self, link: ProjectLink) -> None:
        with self._lock:
            st = self._state
            pos = st.position.get(link.id)
            if pos is None:
                return
            links = list(st.links)
            links[pos] = link
            findings = dict(st.findings)
            if not link.is_insertion:
                findings[link.id] = self._findings_of(link)
            self._state = _State(links, findings, st.position, st.revision)

    def reload(self, link_id: int) -> ProjectLink:
        """The link as stored now (after a refused stale write)."""
        link = self.project.link(link_id)
        self._updated(link)
        return link

    # ---- other windows

    def poll(self) -> set[int] | None:
        """Links changed by anyone since the last look (empty: nothing changed; None:
        the alignment changed and every link was reloaded).  One cheap query when idle."""
        revision = self.project.revision
        if revision == self._state.revision:
            return set()
        changed = self.project.changed_links(self._state.revision)
        if changed is None:
            self.refresh()
            return None
        for link_id in changed:
            try:
                link = self.project.link(link_id)
            except ConflictError:
                self.refresh()
                return None
            self._updated(link)
        with self._lock:
            self._state.revision = revision
        return changed

    # ---- exports

    def default_export_path(self, fmt: str) -> Path:
        if fmt not in EXPORT_SUFFIXES:
            raise WorkbenchError(f"unknown export format {fmt!r} ({', '.join(EXPORT_SUFFIXES)})")
        p = self.project.path
        return p.with_name(p.stem + EXPORT_SUFFIXES[fmt])

    def export(self, fmt: str, path: str | Path | None = None, *, force: bool = False) -> str:
        """Write the accepted pairs (tmx), the project (xliff) or the English (txt);
        returns what was written.  Refuses to overwrite the project or a foreign file."""
        from workbench.formats import own_output
        from workbench.store.exchange import export_project
        from workbench.textio import check_output

        out = Path(path) if path is not None else self.default_export_path(fmt)
        check_output(out, inputs=[self.project.path], force=force, what="export",
                     own=own_output(fmt))
        result = export_project(self.project, fmt, out,
                                glossary=self.glossary if fmt == "xliff" else None)
        return result.describe()
