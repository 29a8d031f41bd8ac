"""Opening and creating project files (a part of :class:`workbench.store.project.Project`).

:meth:`Lifecycle.create_aligned` stores documents already segmented and linked: it
builds the file under a temporary name and renames it into place, so a crash during
creation leaves no half-made project; opening checks the file and migrates it forward
(:data:`workbench.store.schema.MIGRATIONS`).  Looking pairs up and aligning them is the
application's (:func:`workbench.app.projects.create_project`), which uses
:func:`check_new_project`, :func:`new_documents` and :func:`segments_and_links` here.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from workbench.align.links import Link, check_coverage
from workbench.errors import WorkbenchError
from workbench.mt.tm_schema import utc_timestamp as _now
from workbench.progress import CancelToken, ProgressEvent, Reporter
from workbench.store.alignment_edits import _insert_link_segments
from workbench.store.connection import _actor, _file_header_ok, _fsync_dir
from workbench.store.records import check_text
from workbench.store.schema import APPLICATION_ID, MIGRATIONS, ORIGINS, SCHEMA_VERSION
from workbench.text.segment import Segment, check_unit, segment
from workbench.textio import MAX_TEXT_BYTES

PROJECT_SUFFIX = ".wbproj"


def default_project_path(pair_id: str, data_dir: str | Path) -> Path:
    """Where the TUI keeps its default project for a pair such as ``seeds:004-000``, under
    the user data folder ``data_dir`` (the configuration's, read at the edge)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", pair_id.replace(":", "__")).strip("._") or "project"
    return Path(data_dir) / "projects" / f"{slug}{PROJECT_SUFFIX}"


def _complete(links: list[Link], n_src: int, n_tgt: int) -> list[Link]:
    """Add 1:0 and 0:1 links for segments the alignment left out."""
    used_s = {i for lk in links for i in lk.src}
    used_t = {j for lk in links for j in lk.tgt}
    extra = [Link((i,), ()) for i in range(n_src) if i not in used_s]
    extra += [Link((), (j,)) for j in range(n_tgt) if j not in used_t]
    return links + extra


@dataclass(frozen=True)
class NewDocuments:
    """The two documents of a project about to be created, their texts checked
    (made by :func:`new_documents`)."""

    source_text: str
    target_text: str
    source_name: str = "source"
    target_name: str = "target"
    source_language: str = "ar"
    target_language: str = "en"
    pair_id: str = ""


def check_new_project(path: str | Path, *, unit: str, links_origin: str = "aligner",
                      overwrite: bool = False) -> Path:
    """The path of a project about to be created, refused (before any aligning) if the
    unit or origin is unknown or the file exists (unless ``overwrite``) or is open."""
    check_unit(unit)
    if links_origin not in ORIGINS:
        raise WorkbenchError(f"unknown link origin {links_origin!r} ({' or '.join(ORIGINS)})")
    p = Path(path)
    if p.exists() and not overwrite:
        raise WorkbenchError("project already exists (use overwrite / --force to replace it)",
                             path=p)
    if p.exists() and (Path(f"{p}-wal").exists() or Path(f"{p}-shm").exists()):
        raise WorkbenchError("the project seems to be open in another window or process "
                             f"({p.name}-wal exists); close it before replacing it (if it "
                             "was left by a crash, open it once, e.g. with `workbench "
                             "project status`, to recover it)", path=p)
    return p


def new_documents(pair: Any = None, source_text: str | None = None,
                  target_text: str | None = None, *, source_name: str = "source",
                  target_name: str = "target", source_language: str = "ar",
                  target_language: str = "en", pair_id: str = "") -> NewDocuments:
    """The documents of a :class:`workbench.corpus.Pair` (already looked up), or of two
    texts with their names and languages; the texts checked for storing."""
    if pair is not None:
        if source_text is not None or target_text is not None:
            raise WorkbenchError("give either a pair or source and target texts, not both")
        if isinstance(pair, str):
            raise WorkbenchError(f"look the pair {pair!r} up first (workbench.corpus."
                                 "resolve_pair)")
        pair_id = pair.qualified_id
        source_text, target_text = pair.source.text, pair.target.text
        source_name = f"{pair.collection}:{pair.source.id}"
        target_name = f"{pair.collection}:{pair.target.id}"
        source_language, target_language = pair.source.language, pair.target.language
    if source_text is None or target_text is None:
        raise WorkbenchError("a project needs a pair or both a source and a target text")
    source_text = check_text(source_text, "source document", max_chars=MAX_TEXT_BYTES)
    target_text = check_text(target_text, "target document", max_chars=MAX_TEXT_BYTES)
    return NewDocuments(source_text, target_text, source_name, target_name, source_language,
                        target_language, pair_id)


def segments_and_links(documents: NewDocuments, unit: str, links: Sequence[Link] | None, *,
                       align: Callable[..., Any] | None = None, glossary: Any = None,
                       progress: Callable[[ProgressEvent], None] | None = None,
                       cancel: CancelToken | None = None,
                       ) -> tuple[list[Segment], list[Segment], list[Link]]:
    """The segments of both documents and the links between them: ``links`` as given, else
    what ``align`` (:func:`workbench.align.api.align_texts` or an aligner's
    ``align_texts``) makes of the two texts."""
    if cancel is not None:
        cancel.raise_if_cancelled()
    if links is None:
        if align is None:
            raise WorkbenchError("the aligner is not available in this installation; "
                                 "give the links explicitly")
        result = align(documents.source_text, documents.target_text, unit, glossary=glossary,
                       progress=progress, cancel=cancel)
        return list(result.source), list(result.target), list(result.links)
    return (segment(documents.source_text, unit, documents.source_language),
            segment(documents.target_text, unit, documents.target_language), list(links))


class Lifecycle:
    """Opening, creating and migrating a project file."""

    path: Path

    @classmethod
    def open(cls, path: str | Path) -> Self:
        """Open an existing project file (migrating it forward if it is older)."""
        p = Path(path)
        if not p.exists():
            raise WorkbenchError("project not found (create one with `workbench project new`)",
                                 path=p)
        if p.is_dir():
            raise WorkbenchError("project is a directory, expected a project file", path=p)
        if not _file_header_ok(p):
            raise WorkbenchError("not a workbench project (not an SQLite database)", path=p)
        return cls(p)

    @classmethod
    def create_aligned(cls, path: str | Path, documents: NewDocuments,
                       source_segments: Sequence[Segment], target_segments: Sequence[Segment],
                       links: Sequence[Link], *, unit: str = "paragraphs",
                       links_origin: str = "aligner", overwrite: bool = False,
                       progress: Callable[[ProgressEvent], None] | None = None,
                       cancel: CancelToken | None = None) -> Self:
        """Store a pair already segmented and linked (see :func:`new_documents` and
        :func:`segments_and_links`); return the open project.  Links that leave segments
        out are completed with 1:0 / 0:1 links."""
        p = check_new_project(path, unit=unit, links_origin=links_origin, overwrite=overwrite)
        documents = new_documents(None, documents.source_text, documents.target_text,
                                  source_name=documents.source_name,
                                  target_name=documents.target_name,
                                  source_language=documents.source_language,
                                  target_language=documents.target_language,
                                  pair_id=documents.pair_id)
        return cls._store(p, documents, list(source_segments), list(target_segments),
                          list(links), unit=unit, links_origin=links_origin, overwrite=overwrite,
                          progress=progress, cancel=cancel)

    @classmethod
    def _store(cls, p: Path, documents: NewDocuments, src_segs: list[Segment],
               tgt_segs: list[Segment], links: list[Link], *, unit: str, links_origin: str,
               overwrite: bool, progress: Callable[[ProgressEvent], None] | None,
               cancel: CancelToken | None) -> Self:
        pair_id = documents.pair_id
        source_text, target_text = documents.source_text, documents.target_text
        source_name, target_name = documents.source_name, documents.target_name
        source_language, target_language = documents.source_language, documents.target_language
        if not src_segs:
            raise WorkbenchError(f"the source document has no {unit}")
        check_coverage(links, len(src_segs), len(tgt_segs), path="<alignment>")
        links = _complete(links, len(src_segs), len(tgt_segs))

        reporter = Reporter("saving project", total=len(links), progress=progress, cancel=cancel)
        reporter.start(str(p))
        tmp = p.parent / f".{p.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
                leftover.unlink(missing_ok=True)
        except OSError as exc:
            raise WorkbenchError(f"cannot create the project: {exc.strerror}", path=p) from None
        try:
            conn = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("BEGIN IMMEDIATE")
                for fn in MIGRATIONS:
                    fn(conn)
                now = _now()
                meta = {"unit": unit, "pair": pair_id, "created_at": now,
                        "source_language": source_language, "target_language": target_language,
                        "created_by": _actor()}
                from workbench import __version__

                meta["workbench_version"] = __version__
                conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
                for side, name, lang, text, segs in (
                        ("source", source_name, source_language, source_text, src_segs),
                        ("target", target_name, target_language, target_text, tgt_segs)):
                    conn.execute("INSERT INTO document (side, name, language, text, sha256) "
                                 "VALUES (?, ?, ?, ?, ?)",
                                 (side, name, lang, text,
                                  hashlib.sha256(text.encode("utf-8")).hexdigest()))
                    conn.executemany(
                        "INSERT INTO segment (side, unit, idx, text, char_start, char_end, "
                        "paragraph) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(side, unit, s.index, s.text, s.start, s.end, s.paragraph)
                         for s in segs])
                for link in links:
                    reporter.advance()
                    ref = " ".join(tgt_segs[j].text for j in link.tgt)
                    score = None if link.score is None else float(link.score)
                    cur = conn.execute(
                        "INSERT INTO link (score, origin, target_text, status, version, "
                        "updated_at) VALUES (?, ?, ?, 'new', 1, ?)",
                        (score, links_origin, ref, now))
                    _insert_link_segments(conn, cur.lastrowid, link.src, link.tgt)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
                conn.execute("PRAGMA journal_mode = WAL")
            finally:
                conn.close()
            if cancel is not None:
                cancel.raise_if_cancelled()
            if overwrite:
                # a stale WAL beside the old file would be replayed into the new one
                for side_file in (Path(f"{p}-wal"), Path(f"{p}-shm"), Path(f"{p}-journal")):
                    side_file.unlink(missing_ok=True)
            os.replace(tmp, p)
            _fsync_dir(p.parent)
        except BaseException as exc:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.Error):
                raise WorkbenchError(f"cannot create the project: {exc}", path=p) from None
            if isinstance(exc, OSError):
                raise WorkbenchError(f"cannot create the project: {exc.strerror or exc}",
                                     path=p) from None
            raise
        return cls(p)

    def _check_and_migrate(self, conn: sqlite3.Connection) -> None:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self.close()
            raise WorkbenchError(f"not a workbench project ({exc})", path=self.path) from None
        if app_id != APPLICATION_ID:
            self.close()
            raise WorkbenchError("not a workbench project (an SQLite database of another "
                                 "application)", path=self.path)
        if version > SCHEMA_VERSION:
            self.close()
            raise WorkbenchError(f"the project was written by a newer workbench (schema "
                                 f"version {version}, this one knows up to {SCHEMA_VERSION}); "
                                 "upgrade the workbench", path=self.path)
        while version < SCHEMA_VERSION:
            with self._write() as c:
                version = c.execute("PRAGMA user_version").fetchone()[0]
                if version >= SCHEMA_VERSION:
                    break
                MIGRATIONS[version](c)
                c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                c.execute(f"PRAGMA user_version = {version + 1}")
            version += 1
        if not conn.execute("SELECT 1 FROM meta WHERE key = 'unit'").fetchone():
            self.close()
            raise WorkbenchError("the project is incomplete (it has no documents)", path=self.path)
