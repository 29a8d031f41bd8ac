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

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from workbench.app.findings import Dismissals
from workbench.errors import WorkbenchError
from workbench.glossary.qa import Finding, apply_fixes, check_pair
from workbench.store.project import ConflictError, Project, ProjectLink, default_project_path
from workbench.store.records import ACCEPTED

__all__ = ["Candidate", "ConflictError", "FILTERS", "LOW_CONFIDENCE", "Row", "Session",
           "Target", "TermHit", "locate", "DEFAULT_PAIR", "EXPORT_SUFFIXES"]

DEFAULT_PAIR = "seeds:004-000"
LOW_CONFIDENCE = 0.5
FILTERS = ("all", "untranslated", "findings", "low")
EXPORT_SUFFIXES = {"tmx": ".tmx", "xliff": ".xlf", "txt": ".en.txt"}


# --------------------------------------------------------------------------- what to open


@dataclass(frozen=True)
class Target:
    """A project to open: its path and, when it does not exist yet, how to make it."""

    path: Path
    label: str
    pair: Any = None                 # a workbench.corpus.Pair
    source_text: str | None = None
    target_text: str | None = None
    source_name: str = "source"
    target_name: str = "target"
    unit: str = "paragraphs"

    @property
    def exists(self) -> bool:
        return self.path.exists()


def locate(spec: str | None = None, *, source: str | Path | None = None,
           target: str | Path | None = None, unit: str = "paragraphs",
           corpora: Iterable[Path] | None = None) -> Target:
    """The project for ``PROJECT`` (a ``.wbproj`` file), ``COLLECTION:PAIR`` (its default
    project), or ``source``/``target`` text files (a default project keyed by their
    content); nothing at all is the bundled pair."""
    from workbench.text.segment import check_unit

    check_unit(unit)
    if source is not None or target is not None:
        if spec is not None:
            raise WorkbenchError("give a project or pair, or --source and --target, not both")
        if source is None or target is None:
            raise WorkbenchError("--source and --target go together")
        from workbench.config import data_dir
        from workbench.textio import read_text

        src = read_text(source, what="source file")
        tgt = read_text(target, what="target file")
        digest = hashlib.sha256(f"{unit}\0{src}\0{tgt}".encode()).hexdigest()[:16]
        path = data_dir() / "projects" / f"texts-{Path(source).stem[:40]}-{digest}.wbproj"
        return Target(path, f"{Path(source).name} -> {Path(target).name}", source_text=src,
                      target_text=tgt, source_name=str(source), target_name=str(target),
                      unit=unit)
    spec = spec or DEFAULT_PAIR
    as_path = Path(spec).expanduser()
    if as_path.suffix == ".wbproj" or as_path.is_file():
        return Target(as_path, as_path.stem, unit=unit)
    from workbench.corpus import resolve_pair

    pair = resolve_pair(spec, list(corpora) if corpora is not None else None)
    key = pair.qualified_id if unit == "paragraphs" else f"{pair.qualified_id}:{unit}"
    return Target(default_project_path(key), pair.qualified_id, pair=pair, unit=unit)


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


@dataclass(frozen=True)
class Candidate:
    """A proposal for the editor: from the memory, the model, or the aligned rewrite."""

    kind: str                # tm | mt | rewrite
    text: str
    label: str               # "100%", "87%", "context", "MT 1", "rewrite"
    score: float = 0.0
    diff: tuple[tuple[str, str], ...] = ()   # TM: (equal|removed|added, text) of the sources
    findings: tuple[Finding, ...] = ()
    cached: bool = False


@dataclass(frozen=True)
class TermHit:
    """A glossary term in the Arabic: where, and its entry."""

    start: int
    end: int
    entry_id: str
    en: str
    variants: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    note: str = ""


class _CacheMiss(Exception):
    pass


class _CacheOnly:
    """A backend that only answers from the cache (a miss raises): proposals without
    loading the model."""

    def __init__(self, backend: Any) -> None:
        self.fingerprint = backend.fingerprint

    def translate(self, segments: list[str], **_kw: Any) -> list:
        raise _CacheMiss()


# --------------------------------------------------------------------------- the session


@dataclass
class _State:
    links: list[ProjectLink] = field(default_factory=list)
    findings: dict[int, list[Finding]] = field(default_factory=dict)
    position: dict[int, int] = field(default_factory=dict)
    revision: int = 0


class Session:
    """An open project with the glossary and (optionally) an MT model."""

    def __init__(self, project: Project, *, glossary: Any = None, model: str | Path | None = None,
                 models_dir: Path | None = None, n_best: int = 4, tm_threshold: int = 70,
                 backend: Any = None, label: str = "",
                 glossary_paths: Iterable[Path] | None = None) -> None:
        self.project = project
        self.glossary = glossary
        #: the glossary's files or folders (for the glossary screen's search and writes)
        self.glossary_paths = [Path(p) for p in glossary_paths] if glossary_paths else []
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
            self.backend, self.mt_notice = _backend_for(model, models_dir)
        self.refresh()

    # ---- opening

    @classmethod
    def open(cls, target: Target, *, glossary: Any = None, links: Any = None,
             progress: Callable[[Any], None] | None = None, cancel: Any = None,
             **kwargs: Any) -> Session:
        """Open ``target``'s project, creating it (aligning the pair unless ``links``
        are given) when it does not exist yet."""
        if target.exists:
            project = Project.open(target.path)
        elif target.pair is not None:
            project = Project.create(target.path, pair=target.pair, unit=target.unit, links=links,
                                     glossary=glossary, progress=progress, cancel=cancel)
        elif target.source_text is not None:
            project = Project.create(target.path, source_text=target.source_text,
                                     target_text=target.target_text, unit=target.unit,
                                     links=links, glossary=glossary,
                                     source_name=target.source_name,
                                     target_name=target.target_name, progress=progress,
                                     cancel=cancel)
        else:
            raise WorkbenchError("project not found", path=target.path)
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

    def _findings_of(self, link: ProjectLink, text: str | None = None) -> list[Finding]:
        if self.glossary is None or link.is_insertion:
            return []
        text = link.target_text if text is None else text
        key = (link.source_text, text)
        got = self._finding_cache.get(key)
        if got is None:
            got = check_pair(self.glossary, 0, link.source_text, text)
            if len(self._finding_cache) > 20_000:
                self._finding_cache.clear()
            self._finding_cache[key] = got
        return self.dismissals.open(got, link.source_text, text)

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

    # ---- the editor

    def check(self, link: ProjectLink, text: str) -> list[Finding]:
        """Term findings of ``text`` as the English of ``link`` (live, as one types)."""
        return list(self._findings_of(link, text))

    def fix(self, link: ProjectLink, text: str) -> str:
        """``text`` with every variant and deprecated spelling replaced by the preferred form."""
        if not text.strip():
            return text
        return apply_fixes(text, self._findings_of(link, text))

    def terms(self, link: ProjectLink) -> list[TermHit]:
        """The glossary terms in the link's Arabic, for highlights and the entry view."""
        if self.glossary is None or not link.source_text.strip():
            return []
        out = []
        for m in self.glossary.match_arabic(link.source_text):
            e = self.glossary.entries[m.entry_id]
            out.append(TermHit(m.start, m.end, m.entry_id, e.en, tuple(e.variants),
                               tuple(e.deprecated), tuple(e.forbidden), e.note or ""))
        return out

    def rewrite_marks(self, link: ProjectLink) -> list[Finding]:
        """Deprecated or forbidden spellings in the aligned rewrite (``variant`` and
        ``forbidden`` findings with their spans in ``link.reference_text``)."""
        if self.glossary is None or not link.reference_text.strip():
            return []
        return [f for f in check_pair(self.glossary, 0, link.source_text, link.reference_text,
                                      numbers=False)
                if f.kind in ("variant", "forbidden") and f.target_span is not None]

    def initial_text(self, link: ProjectLink, *, prefill: str = "empty",
                     candidates: list[Candidate] | None = None) -> str:
        """What the editor shows for ``link``: the translator's text once there is one;
        for a new link nothing, or the best proposal with ``prefill="best"``."""
        if link.status != "new":
            return link.target_text
        if prefill == "best" and candidates:
            return candidates[0].text
        return ""

    # ---- proposals

    def tm_candidates(self, link: ProjectLink, limit: int = 3) -> list[Candidate]:
        if not link.source_text.strip():
            return []
        segs = self.project.segments("source")
        prev = segs[link.src[0] - 1].text if link.src[0] > 0 else None
        nxt = segs[link.src[-1] + 1].text if link.src[-1] + 1 < len(segs) else None
        matches = self.project.memory().lookup(link.source_text, limit=limit,
                                               threshold=self.tm_threshold,
                                               context_prev=prev, context_next=nxt)
        return [Candidate("tm", m.target, m.label, float(m.score), tuple(map(tuple, m.diff)),
                          tuple(self.check(link, m.target)))
                for m in matches]

    def rewrite_candidate(self, link: ProjectLink) -> Candidate | None:
        if not link.reference_text.strip() or link.is_insertion:
            return None
        fixed = self.fix(link, link.reference_text)
        return Candidate("rewrite", fixed, "rewrite", 0.0, (), tuple(self.check(link, fixed)))

    def mt_candidates(self, link: ProjectLink, *, cached_only: bool = False,
                      cancel: Any = None) -> list[Candidate]:
        """MT n-best for the link (best first, with term checks); from the project's cache
        when there (no model loaded), else from the model unless ``cached_only``."""
        if self.backend is None or not link.source_text.strip():
            return []
        from workbench.mt.propose import propose

        backend = _CacheOnly(self.backend) if cached_only else self.backend
        try:
            (p,) = propose(backend, [link.source_text], glossary=self.glossary,
                           n_best=self.n_best, cache=self.project.proposal_cache(),
                           cancel=cancel)
        except _CacheMiss:
            return []
        out = []
        for k, (text, score) in enumerate(p.n_best or [(p.text, p.score)]):
            if not text.strip():
                continue
            out.append(Candidate("mt", text, f"MT {k + 1}", score, (),
                                 tuple(self.check(link, text)), p.cached))
        return out

    def translate_all(self, *, progress: Callable[[Any], None] | None = None,
                      cancel: Any = None) -> int:
        """MT proposals for every link into the project's cache (what is cached already is
        not translated again); returns how many segments were proposed."""
        if self.backend is None:
            return 0
        from workbench.mt.propose import propose

        sources = [lk.source_text for lk in self.links if lk.source_text.strip()]
        propose(self.backend, sources, glossary=self.glossary, n_best=self.n_best,
                cache=self.project.proposal_cache(), progress=progress, cancel=cancel)
        return len(sources)

    def candidates(self, link: ProjectLink, *, mt: bool = True, cached_only: bool = True,
                   ) -> list[Candidate]:
        """TM matches, then MT (cached only by default), then the rewrite with its fixes."""
        out = self.tm_candidates(link)
        if mt:
            out += self.mt_candidates(link, cached_only=cached_only)
        rw = self.rewrite_candidate(link)
        if rw is not None:
            out.append(rw)
        return out

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


def _backend_for(model: str | Path | None, models_dir: Path | None) -> tuple[Any, str]:
    """The configured model's backend (not loaded) or None with the notice to show."""
    from workbench.mt.modeldir import HOW_TO_GET_A_MODEL

    if model is None:
        where = models_dir if models_dir is not None else "the models folder"
        return None, ("no machine-translation model is configured; "
                      + HOW_TO_GET_A_MODEL.format(models_dir=where))
    from workbench.mt.backend import available_backend

    return available_backend(model)
