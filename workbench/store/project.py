"""Project files: one SQLite database per project that never loses a translator's work.

A project holds the two documents of a pair (text and SHA-256), their segments,
the alignment links between them (who made each: the aligner or a person), the
translator's English for every link with its status (``new``, ``draft``,
``translated``, ``reviewed``), the full edit history, the translation memory and
the MT cache (the tables of :mod:`workbench.mt.tm_schema`).

Durability and concurrency
--------------------------
* WAL journal, ``synchronous=FULL``, foreign keys on, a busy timeout.  Every
  edit is one ``BEGIN IMMEDIATE ... COMMIT`` transaction, committed before the
  call returns: there is no save step.
* Optimistic locking: every link has a ``version``; an edit names the version
  it was based on, and if another window or process changed the link in
  between, the edit is refused with :class:`ConflictError` (nothing is
  overwritten).
* Each thread gets its own connection, so the TUI can call any method from a
  worker thread.
* :meth:`Project.create` builds the file under a temporary name and renames it
  into place, so a crash during creation leaves no half-made project.

Undo and redo
-------------
Translator edits (text and status), imports and alignment edits (merge, split,
relink) are recorded in the ``history`` table with their old and new values.
:meth:`Project.undo` reverts the most recent one that is not yet undone,
:meth:`Project.redo` re-applies the most recently undone; a new edit clears the
redo list.  The history is the project's, shared by every process that opens
it.  An undo whose links were changed since is refused with a ConflictError.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import socket
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from workbench.align.links import Link, check_coverage
from workbench.errors import WorkbenchError
from workbench.mt.tm_schema import upsert_tm_unit
from workbench.mt.tm_schema import utc_timestamp as _now
from workbench.progress import CancelToken, ProgressEvent, Reporter
from workbench.store.confirm import apply_confirm, carry_confirmation, confirmed_ids, set_confirmed
from workbench.store.records import (
    ACCEPTED,
    HistoryEntry,
    ProjectLink,
    StoredDocument,
    _as_list,
    _Rec,
    check_text,
)
from workbench.store.schema import (
    APPLICATION_ID,
    MIGRATIONS,
    ORIGINS,
    SCHEMA_VERSION,
    SIDES,
    STATUSES,
)
from workbench.text.segment import Segment, check_unit, segment
from workbench.textio import MAX_TEXT_BYTES

__all__ = [
    "ACCEPTED",
    "ConflictError",
    "HistoryEntry",
    "Project",
    "ProjectBusyError",
    "ProjectLink",
    "STATUSES",
    "StoredDocument",
    "check_text",
    "default_project_path",
    "PROJECT_SUFFIX",
]

PROJECT_SUFFIX = ".wbproj"
BUSY_TIMEOUT_MS = 10_000
_SQLITE_MAGIC = b"SQLite format 3\x00"


class ConflictError(WorkbenchError):
    """The link changed (in another window or process) since the caller read it."""


class ProjectBusyError(WorkbenchError):
    """Another process held the project's write lock for longer than the busy timeout."""


def _actor() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        user = "?"
    return f"{user}@{socket.gethostname()}:{os.getpid()}"


def default_project_path(pair_id: str) -> Path:
    """Where the TUI keeps its default project for a pair such as ``seeds:004-000``."""
    from workbench.config import data_dir

    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", pair_id.replace(":", "__")).strip("._") or "project"
    return data_dir() / "projects" / f"{slug}{PROJECT_SUFFIX}"


# --------------------------------------------------------------------------- connections


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise WorkbenchError(f"cannot use WAL journal mode here (got {mode})", path=path)
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        raise WorkbenchError(f"cannot open the project: {exc}", path=path) from None
    return conn


def _file_header_ok(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise WorkbenchError(f"cannot read the project: {exc.strerror}", path=path) from None
    return head == _SQLITE_MAGIC


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- project


class Project:
    """An open project file.  Use :meth:`create` or :meth:`open`; close it (or use ``with``)."""

    def __init__(self, path: Path) -> None:
        # use Project.open / Project.create
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conns: dict[int, sqlite3.Connection] = {}
        self._mt_conns: dict[int, sqlite3.Connection] = {}
        self._mt_objects: dict[tuple[int, str], Any] = {}
        self._closed = False
        self._actor = _actor()
        self._segments: dict[str, list[Segment]] = {}
        try:
            conn = self._conn()
            self._check_and_migrate(conn)
            self._meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            self.unit: str = self._meta["unit"]
            for side in SIDES:
                rows = conn.execute(
                    "SELECT idx, text, char_start, char_end, paragraph FROM segment "
                    "WHERE side = ? AND unit = ? ORDER BY idx", (side, self.unit)).fetchall()
                self._segments[side] = [Segment(*r) for r in rows]
        except sqlite3.DatabaseError as exc:
            self.close()
            raise WorkbenchError(f"cannot read the project: {exc}", path=self.path) from None
        except BaseException:
            self.close()
            raise

    # ---- opening and creating

    @classmethod
    def open(cls, path: str | Path) -> Project:
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
    def open_default(cls, pair: str, *, unit: str = "paragraphs",
                     progress: Callable[[ProgressEvent], None] | None = None,
                     cancel: CancelToken | None = None) -> Project:
        """The user's default project for a ``COLLECTION:PAIR`` (see
        :func:`default_project_path`), aligned and created on first use."""
        return cls.open_or_create(default_project_path(pair), pair=pair, unit=unit,
                                  progress=progress, cancel=cancel)

    @classmethod
    def open_or_create(cls, path: str | Path, **create_args: Any) -> Project:
        """Open ``path`` if it exists, else :meth:`create` it with ``create_args``."""
        p = Path(path)
        if p.exists():
            return cls.open(p)
        return cls.create(p, **create_args)

    @classmethod
    def create(cls, path: str | Path, *, pair: Any = None, source_text: str | None = None,
               target_text: str | None = None, unit: str = "paragraphs",
               links: Sequence[Link] | None = None, glossary: Any = None,
               source_name: str = "source", target_name: str = "target",
               source_language: str = "ar", target_language: str = "en",
               links_origin: str = "aligner", overwrite: bool = False,
               progress: Callable[[ProgressEvent], None] | None = None,
               cancel: CancelToken | None = None) -> Project:
        """Segment, align (unless ``links`` are given) and store a pair; return the open project.

        ``pair`` is a :class:`workbench.corpus.Pair` or a ``COLLECTION:PAIR`` id;
        otherwise give ``source_text`` and ``target_text``.  Without ``links`` the
        aligner (:func:`workbench.align.api.align_texts`) links the segments.
        Links that leave segments out are completed with 1:0 / 0:1 links.
        ``links_origin`` says who made given links (``person`` for a gold alignment).
        """
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
        pair_id = ""
        if pair is not None:
            if source_text is not None or target_text is not None:
                raise WorkbenchError("give either a pair or source and target texts, not both")
            if isinstance(pair, str):
                from workbench.corpus import resolve_pair

                pair = resolve_pair(pair)
            pair_id = pair.qualified_id
            source_text, target_text = pair.source.text, pair.target.text
            source_name = f"{pair.collection}:{pair.source.id}"
            target_name = f"{pair.collection}:{pair.target.id}"
            source_language, target_language = pair.source.language, pair.target.language
        if source_text is None or target_text is None:
            raise WorkbenchError("a project needs a pair or both a source and a target text")
        source_text = check_text(source_text, "source document", max_chars=MAX_TEXT_BYTES)
        target_text = check_text(target_text, "target document", max_chars=MAX_TEXT_BYTES)
        if cancel is not None:
            cancel.raise_if_cancelled()

        if links is None:
            try:
                from workbench.align.api import align_texts
            except ImportError:
                raise WorkbenchError("the aligner is not available in this installation; "
                                     "give the links explicitly") from None
            result = align_texts(source_text, target_text, unit, glossary=glossary,
                                 progress=progress, cancel=cancel)
            src_segs, tgt_segs = list(result.source), list(result.target)
            links = list(result.links)
        else:
            src_segs = segment(source_text, unit, source_language)
            tgt_segs = segment(target_text, unit, target_language)
            links = list(links)
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

    # ---- connections and transactions

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise WorkbenchError("the project is closed", path=self.path)
        tid = threading.get_ident()
        with self._lock:
            conn = self._conns.get(tid)
            if conn is None:
                conn = _connect(self.path)
                self._conns[tid] = conn
        return conn

    def connection(self) -> sqlite3.Connection:
        """This thread's connection to the project file (autocommit mode: the store opens
        its transactions explicitly).  For the memory and the MT cache use
        :meth:`memory` and :meth:`proposal_cache`."""
        return self._conn()

    def _mt_conn(self) -> sqlite3.Connection:
        """A per-thread connection in Python's default transaction mode, for the
        :mod:`workbench.mt` classes (they commit with ``with conn:``)."""
        if self._closed:
            raise WorkbenchError("the project is closed", path=self.path)
        tid = threading.get_ident()
        with self._lock:
            conn = self._mt_conns.get(tid)
            if conn is None:
                try:
                    conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                                           check_same_thread=False)
                    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                    conn.execute("PRAGMA foreign_keys = ON")
                    conn.execute("PRAGMA synchronous = FULL")
                except sqlite3.DatabaseError as exc:
                    raise WorkbenchError(f"cannot open the project: {exc}", path=self.path) from None
                self._mt_conns[tid] = conn
        return conn

    def _mt_object(self, name: str, factory: Callable[[sqlite3.Connection], Any]) -> Any:
        conn = self._mt_conn()
        key = (threading.get_ident(), name)
        with self._lock:
            obj = self._mt_objects.get(key)
        if obj is None:
            obj = factory(conn)
            with self._lock:
                self._mt_objects[key] = obj
        return obj

    def memory(self) -> Any:
        """The project's :class:`workbench.mt.memory.TranslationMemory` (fuzzy lookup of
        accepted translations), for the calling thread."""
        from workbench.mt.memory import TranslationMemory

        return self._mt_object("memory", TranslationMemory)

    def proposal_cache(self) -> Any:
        """The project's :class:`workbench.mt.cache.ProposalCache`, for the calling thread."""
        from workbench.mt.cache import ProposalCache

        return self._mt_object("cache", ProposalCache)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: committed when the block ends, rolled back on error."""
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._db_error(exc) from None
        try:
            yield conn
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise self._db_error(exc) from None
            raise
        else:
            if conn.in_transaction:
                try:
                    conn.execute("COMMIT")
                except sqlite3.DatabaseError as exc:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise self._db_error(exc) from None

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for multi-query reads."""
        conn = self._conn()
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise self._db_error(exc) from None

    def _db_error(self, exc: sqlite3.DatabaseError) -> WorkbenchError:
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            return ProjectBusyError("the project is busy (another process kept it locked for "
                                    f"{BUSY_TIMEOUT_MS // 1000} s); try again", path=self.path)
        return WorkbenchError(f"database error: {msg}", path=self.path)

    def close(self) -> None:
        with self._lock:
            conns = list(self._conns.values()) + list(self._mt_conns.values())
            self._conns, self._mt_conns, self._mt_objects = {}, {}, {}
            self._closed = True
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({str(self.path)!r}, unit={self.unit!r}, pair={self.pair_id!r})"

    # ---- reading

    @property
    def pair_id(self) -> str:
        return self._meta.get("pair", "")

    @property
    def source_language(self) -> str:
        return self._meta.get("source_language", "ar")

    @property
    def target_language(self) -> str:
        return self._meta.get("target_language", "en")

    @property
    def created_at(self) -> str:
        return self._meta.get("created_at", "")

    @property
    def origin(self) -> str:
        """How translation-memory units from this project are labelled."""
        return f"project:{self.path.resolve()}"

    def meta(self) -> dict[str, str]:
        return dict(self._meta)

    def document(self, side: str) -> StoredDocument:
        if side not in SIDES:
            raise WorkbenchError(f"unknown side {side!r} (source or target)")
        row = self._conn().execute(
            "SELECT side, name, language, text, sha256 FROM document WHERE side = ?",
            (side,)).fetchone()
        return StoredDocument(*row)

    def segments(self, side: str) -> list[Segment]:
        if side not in SIDES:
            raise WorkbenchError(f"unknown side {side!r} (source or target)")
        return list(self._segments[side])

    @property
    def revision(self) -> int:
        """Grows with every change by any process: poll it to notice other windows' edits."""
        row = self._conn().execute("SELECT coalesce(max(id), 0) FROM history").fetchone()
        return int(row[0])

    def changed_links(self, since: int) -> set[int] | None:
        """Ids of the links whose text or status changed after :attr:`revision` ``since``
        (by any process); None if the alignment itself changed (reload every link)."""
        rows = self._conn().execute(
            "SELECT kind, old_value, new_value FROM history WHERE id > ?", (since,)).fetchall()
        ids: set[int] = set()
        for kind, old, new in rows:
            values = [json.loads(old), json.loads(new)]
            if any(isinstance(v, dict) and "links" in v for v in values):
                return None  # merge, split, relink (or their undo/redo)
            for v in values:
                ids.update(d["id"] for d in _as_list(v))
        return ids

    def links(self) -> list[ProjectLink]:
        """Every link, in source order (insertions after the link holding the target before)."""
        with self._read() as conn:
            rows = conn.execute("SELECT id, score, origin, target_text, status, version, "
                                "updated_at FROM link").fetchall()
            members = conn.execute(
                "SELECT link_id, side, idx FROM link_segment ORDER BY idx").fetchall()
        return _order(self._build(rows, members))

    def link(self, link_id: int) -> ProjectLink:
        with self._read() as conn:
            rows = conn.execute("SELECT id, score, origin, target_text, status, version, "
                                "updated_at FROM link WHERE id = ?", (link_id,)).fetchall()
            members = conn.execute("SELECT link_id, side, idx FROM link_segment "
                                   "WHERE link_id = ? ORDER BY idx", (link_id,)).fetchall()
        if not rows:
            raise ConflictError(f"link {link_id} does not exist (any more): the alignment was "
                                "changed; reload the project", path=self.path)
        return self._build(rows, members)[0]

    def link_for_segment(self, side: str, index: int) -> ProjectLink:
        row = self._conn().execute("SELECT link_id FROM link_segment WHERE side = ? AND idx = ?",
                                   (side, index)).fetchone()
        if row is None:
            raise WorkbenchError(f"no {side} segment {index}")
        return self.link(row[0])

    def _build(self, rows: Iterable[tuple], members: Iterable[tuple]) -> list[ProjectLink]:
        src: dict[int, list[int]] = {}
        tgt: dict[int, list[int]] = {}
        for link_id, side, idx in members:
            (src if side == "source" else tgt).setdefault(link_id, []).append(idx)
        ssegs, tsegs = self._segments["source"], self._segments["target"]
        out = []
        for link_id, score, origin, text, status, version, updated in rows:
            s = tuple(sorted(src.get(link_id, ())))
            t = tuple(sorted(tgt.get(link_id, ())))
            out.append(ProjectLink(
                id=link_id, src=s, tgt=t, score=score, origin=origin, target_text=text,
                status=status, version=version, updated_at=updated,
                source_text=" ".join(ssegs[i].text for i in s),
                reference_text=" ".join(tsegs[j].text for j in t)))
        return out

    def status_counts(self) -> dict[str, int]:
        """Links with source text, by status (insertions, which have none, are not counted)."""
        counts = dict.fromkeys(STATUSES, 0)
        for link in self.links():
            if not link.is_insertion:
                counts[link.status] += 1
        return counts

    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        """The edit history, newest first."""
        sql = ("SELECT id, at, kind, link_id, old_value, new_value, state, ref, actor "
               "FROM history ORDER BY id DESC")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_entry(r) for r in self._conn().execute(sql).fetchall()]

    def history_count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM history").fetchone()[0])

    def can_undo(self) -> bool:
        return self._conn().execute(
            "SELECT 1 FROM history WHERE state = 'done' LIMIT 1").fetchone() is not None

    def can_redo(self) -> bool:
        return self._conn().execute(
            "SELECT 1 FROM history WHERE state = 'undone' LIMIT 1").fetchone() is not None

    def integrity_check(self) -> str:
        """``ok`` or SQLite's description of the damage."""
        rows = self._conn().execute("PRAGMA integrity_check").fetchall()
        return "; ".join(r[0] for r in rows)

    # ---- translator edits

    def edit(self, link_id: int, text: str | None = None, *, status: str | None = None,
             base_version: int) -> ProjectLink:
        """Change a link's text and/or status in one committed transaction.

        ``base_version`` is the :attr:`ProjectLink.version` the edit was based on;
        if the link changed since, :class:`ConflictError` is raised and nothing
        is written.  Changing the text without giving a status makes the link a
        ``draft``.  Setting an accepted status (``translated``, ``reviewed``) adds
        the pair to the translation memory.
        """
        return self.apply_edits([(link_id, text, status, base_version)], kind="edit")[0]

    def accept(self, link_id: int, text: str | None = None, *, base_version: int,
               status: str = "translated") -> ProjectLink:
        """Mark a link translated (or reviewed), optionally with new text; adds it to the TM."""
        if status not in ACCEPTED:
            raise WorkbenchError(f"accept needs status {' or '.join(ACCEPTED)}, not {status!r}")
        return self.edit(link_id, text, status=status, base_version=base_version)

    def apply_edits(self, edits: Sequence[tuple[int, str | None, str | None, int]], *,
                    kind: str = "import") -> list[ProjectLink]:
        """Apply several ``(link_id, text, status, base_version)`` edits all or nothing.

        One transaction and one history entry (one undo step).  Edits that change
        nothing are skipped.
        """
        if kind not in ("edit", "import"):
            raise WorkbenchError(f"unknown edit kind {kind!r}")
        prepared = []
        for link_id, text, status, base in edits:
            if text is not None:
                text = check_text(text)
            if status is not None and status not in STATUSES:
                raise WorkbenchError(f"unknown status {status!r} (expected one of "
                                     f"{', '.join(STATUSES)})")
            prepared.append((int(link_id), text, status, int(base)))
        if len({e[0] for e in prepared}) != len(prepared):
            raise WorkbenchError("the same link is edited twice in one batch")
        with self._write() as conn:
            olds, news, tm_adds = [], [], []
            now = _now()
            for link_id, text, status, base in prepared:
                row = conn.execute("SELECT target_text, status, version FROM link WHERE id = ?",
                                   (link_id,)).fetchone()
                if row is None:
                    raise ConflictError(f"link {link_id} does not exist (any more): the "
                                        "alignment was changed; reload and edit again",
                                        path=self.path)
                old_text, old_status, version = row
                if version != base:
                    raise ConflictError(
                        f"link {link_id} was changed elsewhere since you read it (version "
                        f"{base}, now {version}); nothing was overwritten: reload it and edit "
                        "again", path=self.path)
                new_text = old_text if text is None else text
                if status is not None:
                    new_status = status
                elif new_text != old_text:
                    new_status = "draft"
                else:
                    new_status = old_status
                if (new_text, new_status) == (old_text, old_status):
                    continue
                conn.execute("UPDATE link SET target_text = ?, status = ?, version = version + 1,"
                             " updated_at = ? WHERE id = ?",
                             (new_text, new_status, now, link_id))
                olds.append({"id": link_id, "text": old_text, "status": old_status})
                news.append({"id": link_id, "text": new_text, "status": new_status})
                if new_status in ACCEPTED:
                    tm_adds.append(link_id)
            if olds:
                single = kind == "edit" and len(olds) == 1
                self._log(conn, kind, olds[0]["id"] if single else None,
                          olds[0] if single else olds, news[0] if single else news, now)
                self._drop_redo(conn)
                for link_id in tm_adds:
                    self._remember(conn, link_id)
        return [self.link(e[0]) for e in prepared]

    # ---- confirmed links (alignment review)

    def confirmed_ids(self) -> set[int]:
        """Ids of the links a person confirmed (see :mod:`workbench.store.confirm`)."""
        return confirmed_ids(self._conn())

    def confirm(self, link_ids: Sequence[int], confirmed: bool = True) -> bool:
        """Mark links confirmed (or not) in one undoable transaction; False if nothing changed."""
        with self._write() as conn:
            now = _now()
            olds, news = set_confirmed(conn, link_ids, confirmed, now, self._actor)
            if not olds:
                return False
            self._log(conn, "confirm", olds[0]["id"] if len(olds) == 1 else None, olds, news,
                      now)
            self._drop_redo(conn)
        return True

    # ---- alignment edits

    def merge(self, link_ids: Sequence[int], *, base_versions: Mapping[int, int]) -> ProjectLink:
        """Join links into one (their texts concatenated in order)."""
        ids = list(dict.fromkeys(int(i) for i in link_ids))
        if len(ids) < 2:
            raise WorkbenchError("merge needs at least two links")
        with self._write() as conn:
            old = self._load_recs(conn, ids, base_versions)
            old.sort(key=_rec_order)
            src = tuple(sorted(i for r in old for i in r.src))
            tgt = tuple(sorted(j for r in old for j in r.tgt))
            text = " ".join(t for t in (r.text.strip() for r in old) if t)
            status = "new" if all(r.status == "new" for r in old) else "draft"
            new = self._replace(conn, "merge", old, [_Rec(0, src, tgt, None, "person", text,
                                                          status)])
        return self.link(new[0])

    def split(self, link_id: int, src_at: int, tgt_at: int, *, base_version: int,
              ) -> list[ProjectLink]:
        """Split a link in two: its first ``src_at`` source and ``tgt_at`` target segments
        form the first part, the rest the second.  The translator's text (if the link
        was no longer ``new``) stays with the first part as a draft; other parts start
        from their aligned target text."""
        with self._write() as conn:
            (old,) = self._load_recs(conn, [link_id], {link_id: base_version})
            if not (0 <= src_at <= len(old.src) and 0 <= tgt_at <= len(old.tgt)):
                raise WorkbenchError(f"cannot split link {link_id} ({len(old.src)} source, "
                                     f"{len(old.tgt)} target segments) at {src_at}/{tgt_at}")
            blocks = [(old.src[:src_at], old.tgt[:tgt_at]), (old.src[src_at:], old.tgt[tgt_at:])]
            if any(not s and not t for s, t in blocks):
                raise WorkbenchError("a split must leave segments on both sides of the cut")
            new = self._replace(conn, "split", [old], self._carry([old], blocks))
        return [self.link(i) for i in new]

    def relink(self, link_ids: Sequence[int], blocks: Sequence[tuple[Sequence[int], Sequence[int]]],
               *, base_versions: Mapping[int, int],
               scores: Sequence[float | None] | None = None) -> list[ProjectLink]:
        """Replace links by new ones over the same segments.

        ``blocks`` are ``(source indices, target indices)`` pairs that together use
        exactly the segments of the replaced links, each once.  A block equal to an
        old link keeps its text and status; translator text of a changed link moves,
        as a draft, to the block holding its first source (else target) segment.
        With ``scores`` (one per block: a re-alignment), the changed blocks are the
        aligner's links with those confidences, else a person's (confirmed) links.
        """
        ids = list(dict.fromkeys(int(i) for i in link_ids))
        if not ids:
            raise WorkbenchError("relink needs at least one link")
        norm = [(tuple(sorted(int(i) for i in s)), tuple(sorted(int(j) for j in t)))
                for s, t in blocks]
        if not norm or any(not s and not t for s, t in norm):
            raise WorkbenchError("every new link needs at least one segment")
        if scores is not None and len(scores) != len(norm):
            raise WorkbenchError(f"{len(norm)} blocks but {len(scores)} scores")
        with self._write() as conn:
            old = self._load_recs(conn, ids, base_versions)
            recs = self._carry(old, norm)
            if scores is not None:
                kept = {(r.src, r.tgt) for r in old}
                for r, score in zip(recs, scores):
                    if (r.src, r.tgt) not in kept:
                        r.origin, r.score = "aligner", None if score is None else float(score)
            new = self._replace(conn, "relink", old, recs)
        return [self.link(i) for i in new]

    def _load_recs(self, conn: sqlite3.Connection, ids: Sequence[int],
                   base_versions: Mapping[int, int]) -> list[_Rec]:
        recs = []
        for link_id in ids:
            row = conn.execute("SELECT id, score, origin, target_text, status, version FROM link "
                               "WHERE id = ?", (link_id,)).fetchone()
            if row is None:
                raise ConflictError(f"link {link_id} does not exist (any more): the alignment "
                                    "was changed; reload and try again", path=self.path)
            if link_id not in base_versions:
                raise WorkbenchError(f"no base version given for link {link_id}")
            if row[5] != int(base_versions[link_id]):
                raise ConflictError(
                    f"link {link_id} was changed elsewhere since you read it (version "
                    f"{base_versions[link_id]}, now {row[5]}); nothing was changed: reload and "
                    "try again", path=self.path)
            src, tgt = self._members(conn, link_id)
            recs.append(_Rec(row[0], src, tgt, row[1], row[2], row[3], row[4], row[5]))
        return recs

    @staticmethod
    def _members(conn: sqlite3.Connection, link_id: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        rows = conn.execute("SELECT side, idx FROM link_segment WHERE link_id = ? ORDER BY idx",
                            (link_id,)).fetchall()
        return (tuple(i for s, i in rows if s == "source"),
                tuple(i for s, i in rows if s == "target"))

    def _reference(self, tgt: Sequence[int]) -> str:
        return " ".join(self._segments["target"][j].text for j in tgt)

    def _carry(self, old: list[_Rec],
               blocks: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> list[_Rec]:
        """New records for ``blocks``, carrying over text and status from ``old``."""
        by_key = {(r.src, r.tgt): r for r in old}
        new: list[_Rec] = []
        kept: set[int] = set()
        for s, t in blocks:
            same = by_key.get((s, t))
            if same is not None:
                kept.add(same.id)
                new.append(_Rec(0, s, t, same.score, same.origin, same.text, same.status))
            else:
                new.append(_Rec(0, s, t, None, "person", self._reference(t), "new"))
        for r in sorted(old, key=_rec_order):
            if r.id in kept or r.status == "new":
                continue
            anchor = ("source", r.src[0]) if r.src else ("target", r.tgt[0])
            for b in new:
                if (anchor[0] == "source" and anchor[1] in b.src) or (
                        anchor[0] == "target" and anchor[1] in b.tgt):
                    if b.status == "new":
                        b.text, b.status = r.text, "draft"
                    else:
                        b.text = f"{b.text} {r.text}".strip()
                    break
        return new

    def _replace(self, conn: sqlite3.Connection, kind: str, old: list[_Rec],
                 new: list[_Rec]) -> list[int]:
        n_src, n_tgt = len(self._segments["source"]), len(self._segments["target"])
        for side, get, n in (("source", lambda r: r.src, n_src), ("target", lambda r: r.tgt, n_tgt)):
            before = sorted(i for r in old for i in get(r))
            after = sorted(i for r in new for i in get(r))
            if before != after:
                extra = sorted(set(after) - set(before))
                missing = sorted(set(before) - set(after))
                dup = sorted({i for i in after if after.count(i) > 1})
                what = (f"uses {side} segments {extra} that are not in the links being replaced"
                        if extra else f"uses {side} segments {dup} twice" if dup
                        else f"leaves out {side} segments {missing}")
                raise WorkbenchError(f"the new alignment {what}")
            if any(i < 0 or i >= n for i in after):
                raise WorkbenchError(f"{side} index out of range (0..{n - 1})")
        now = _now()
        for r in old:
            conn.execute("DELETE FROM link WHERE id = ?", (r.id,))
        ids = []
        for r in new:
            cur = conn.execute("INSERT INTO link (score, origin, target_text, status, version, "
                               "updated_at) VALUES (?, ?, ?, ?, 1, ?)",
                               (r.score, r.origin, r.text, r.status, now))
            r.id, r.version = int(cur.lastrowid), 1
            _insert_link_segments(conn, r.id, r.src, r.tgt)
            ids.append(r.id)
        carry_confirmation(conn, old, new, now, self._actor)
        self._log(conn, kind, None, {"links": [r.to_json() for r in old]},
                  {"links": [r.to_json() for r in new]}, now)
        self._drop_redo(conn)
        for r in new:
            if r.status in ACCEPTED:
                self._remember(conn, r.id)
        return ids

    # ---- undo / redo

    def undo(self) -> HistoryEntry | None:
        """Revert the most recent edit not yet undone; None if there is nothing to undo."""
        return self._undo_redo(undo=True)

    def redo(self) -> HistoryEntry | None:
        """Re-apply the most recently undone edit; None if there is nothing to redo."""
        return self._undo_redo(undo=False)

    def _undo_redo(self, *, undo: bool) -> HistoryEntry | None:
        with self._write() as conn:
            sql = ("SELECT id, at, kind, link_id, old_value, new_value, state, ref, actor "
                   "FROM history WHERE state = ? ORDER BY id " + ("DESC" if undo else "ASC")
                   + " LIMIT 1")
            row = conn.execute(sql, ("done" if undo else "undone",)).fetchone()
            if row is None:
                return None
            entry = _entry(row)
            frm, to = (entry.new, entry.old) if undo else (entry.old, entry.new)
            now = _now()
            if entry.kind == "confirm":
                gone = apply_confirm(conn, frm, to, now, self._actor)
                if gone is not None:
                    raise ConflictError(f"cannot {'undo' if undo else 'redo'} #{entry.id}: "
                                        f"link {gone} was changed or removed since",
                                        path=self.path)
            elif entry.kind in ("edit", "import"):
                for cur_d, want_d in zip(_as_list(frm), _as_list(to)):
                    link_id = cur_d["id"]
                    got = conn.execute("SELECT target_text, status FROM link WHERE id = ?",
                                       (link_id,)).fetchone()
                    if got is None or tuple(got) != (cur_d["text"], cur_d["status"]):
                        raise ConflictError(
                            f"cannot {'undo' if undo else 'redo'} #{entry.id}: link {link_id} "
                            "was changed or removed since", path=self.path)
                    conn.execute("UPDATE link SET target_text = ?, status = ?, "
                                 "version = version + 1, updated_at = ? WHERE id = ?",
                                 (want_d["text"], want_d["status"], now, link_id))
                    self._sync_memory(conn, link_id, cur_d, want_d)
            else:
                cur_recs = [_Rec.from_json(d) for d in frm["links"]]
                want_recs = [_Rec.from_json(d) for d in to["links"]]
                for r in cur_recs:
                    row2 = conn.execute("SELECT score, origin, target_text, status FROM link "
                                        "WHERE id = ?", (r.id,)).fetchone()
                    if row2 is None:
                        raise ConflictError(f"cannot {'undo' if undo else 'redo'} #{entry.id}: "
                                            f"link {r.id} was changed since", path=self.path)
                    src, tgt = self._members(conn, r.id)
                    now_rec = _Rec(r.id, src, tgt, row2[0], row2[1], row2[2], row2[3])
                    if not now_rec.same_content(r):
                        raise ConflictError(f"cannot {'undo' if undo else 'redo'} #{entry.id}: "
                                            f"link {r.id} was changed since", path=self.path)
                for r in cur_recs:
                    conn.execute("DELETE FROM link WHERE id = ?", (r.id,))
                for r in want_recs:
                    conn.execute("INSERT INTO link (id, score, origin, target_text, status, "
                                 "version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (r.id, r.score, r.origin, r.text, r.status, r.version + 1, now))
                    _insert_link_segments(conn, r.id, r.src, r.tgt)
                for r in cur_recs:
                    if r.status in ACCEPTED:
                        self._forget(conn, r.src, r.text)
                for r in want_recs:
                    if r.status in ACCEPTED:
                        self._remember(conn, r.id)
            conn.execute("UPDATE history SET state = ? WHERE id = ?",
                         ("undone" if undo else "done", entry.id))
            self._log(conn, "undo" if undo else "redo", entry.link_id, frm, to, now,
                      state="log", ref=entry.id)
        return entry

    # ---- history and memory helpers

    def _log(self, conn: sqlite3.Connection, kind: str, link_id: int | None, old: Any, new: Any,
             at: str, *, state: str = "done", ref: int | None = None) -> None:
        conn.execute("INSERT INTO history (at, kind, link_id, old_value, new_value, state, ref, "
                     "actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (at, kind, link_id, json.dumps(old, ensure_ascii=False),
                      json.dumps(new, ensure_ascii=False), state, ref, self._actor))

    @staticmethod
    def _drop_redo(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE history SET state = 'dropped' WHERE state = 'undone'")

    def _context(self, conn: sqlite3.Connection, src: tuple[int, ...]) -> tuple[str | None,
                                                                                 str | None]:
        segs = self._segments["source"]
        prev = segs[src[0] - 1].text if src and src[0] > 0 else None
        nxt = segs[src[-1] + 1].text if src and src[-1] + 1 < len(segs) else None
        return prev, nxt

    def _remember(self, conn: sqlite3.Connection, link_id: int) -> None:
        """Add an accepted link to the translation memory (inside the caller's transaction)."""
        row = conn.execute("SELECT target_text FROM link WHERE id = ?", (link_id,)).fetchone()
        src, _ = self._members(conn, link_id)
        if row is None or not src or not row[0].strip():
            return
        source = " ".join(self._segments["source"][i].text for i in src)
        prev, nxt = self._context(conn, src)
        add_memory_unit(conn, source, row[0], context_prev=prev, context_next=nxt,
                        origin=self.origin, note=f"link {link_id}")

    def _forget(self, conn: sqlite3.Connection, src: Sequence[int], text: str) -> None:
        """Remove a TM unit this project added, unless another accepted link still has it."""
        if not src:
            return
        source = " ".join(self._segments["source"][i].text for i in src)
        for (other,) in conn.execute("SELECT id FROM link WHERE target_text = ? AND status IN "
                                     "('translated', 'reviewed')", (text,)).fetchall():
            other_src, _ = self._members(conn, other)
            if " ".join(self._segments["source"][i].text for i in other_src) == source:
                return
        conn.execute("DELETE FROM tm_unit WHERE source = ? AND target = ? AND origin = ?",
                     (source, text, self.origin))

    def _sync_memory(self, conn: sqlite3.Connection, link_id: int, cur: Mapping[str, Any],
                     want: Mapping[str, Any]) -> None:
        if cur["status"] in ACCEPTED and (want["status"] not in ACCEPTED
                                          or want["text"] != cur["text"]):
            src, _ = self._members(conn, link_id)
            self._forget(conn, src, cur["text"])
        if want["status"] in ACCEPTED:
            self._remember(conn, link_id)

    def memory_count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM tm_unit").fetchone()[0])

    def memory_units(self) -> list[dict[str, Any]]:
        """Every translation-memory unit in the project, oldest first."""
        rows = self._conn().execute(
            "SELECT id, source, target, context_prev, context_next, origin, note, created_at "
            "FROM tm_unit ORDER BY id").fetchall()
        keys = ("id", "source", "target", "context_prev", "context_next", "origin", "note",
                "created_at")
        return [dict(zip(keys, r)) for r in rows]

    def add_memory_units(self, units: Iterable[Mapping[str, Any]], *, origin: str = "",
                         ) -> int:
        """Add TM units (dicts with source, target and optionally context_prev, context_next,
        note, created_at) in one transaction; returns how many were new."""
        units = list(units)
        for u in units:
            check_text(u["source"], "TM source")
            check_text(u["target"], "TM target")
        with self._write() as conn:
            before = conn.execute("SELECT count(*) FROM tm_unit").fetchone()[0]
            for u in units:
                add_memory_unit(conn, u["source"], u["target"],
                                context_prev=u.get("context_prev"),
                                context_next=u.get("context_next"),
                                origin=u.get("origin") or origin, note=u.get("note") or "",
                                created_at=u.get("created_at"))
            after = conn.execute("SELECT count(*) FROM tm_unit").fetchone()[0]
        return after - before


def add_memory_unit(conn: sqlite3.Connection, source: str, target: str, *,
                    context_prev: str | None = None, context_next: str | None = None,
                    origin: str = "", note: str = "", created_at: str | None = None) -> None:
    """Insert one TM unit (ignored if the same source/target pair is already there), inside
    the caller's transaction: an edit and its TM unit commit together.  The one writer is
    :func:`workbench.mt.tm_schema.upsert_tm_unit` (the rows
    :class:`workbench.mt.memory.TranslationMemory` reads)."""
    upsert_tm_unit(conn, source, target, context_prev=context_prev, context_next=context_next,
                   origin=origin, note=note, created_at=created_at)


def _insert_link_segments(conn: sqlite3.Connection, link_id: int, src: Iterable[int],
                          tgt: Iterable[int]) -> None:
    conn.executemany("INSERT INTO link_segment (side, idx, link_id) VALUES (?, ?, ?)",
                     [("source", i, link_id) for i in src] + [("target", j, link_id) for j in tgt])


def _entry(row: tuple) -> HistoryEntry:
    hid, at, kind, link_id, old, new, state, ref, actor = row
    return HistoryEntry(hid, at, kind, link_id, json.loads(old), json.loads(new), state, ref,
                        actor)


def _rec_order(r: _Rec) -> tuple:
    return (r.src[0] if r.src else float("inf"), r.tgt[0] if r.tgt else -1)


def _complete(links: list[Link], n_src: int, n_tgt: int) -> list[Link]:
    """Add 1:0 and 0:1 links for segments the alignment left out."""
    used_s = {i for lk in links for i in lk.src}
    used_t = {j for lk in links for j in lk.tgt}
    extra = [Link((i,), ()) for i in range(n_src) if i not in used_s]
    extra += [Link((), (j,)) for j in range(n_tgt) if j not in used_t]
    return links + extra


def _order(links: list[ProjectLink]) -> list[ProjectLink]:
    """Source order; an insertion goes right after the link holding the target segment before it."""
    with_src = sorted((lk for lk in links if lk.src),
                      key=lambda lk: (lk.src[0], lk.tgt[0] if lk.tgt else -1))
    owner: dict[int, ProjectLink] = {j: lk for lk in with_src for j in lk.tgt}
    pos = {lk.id: n for n, lk in enumerate(with_src)}
    keyed: list[tuple[tuple, ProjectLink]] = [((pos[lk.id], 0, 0), lk) for lk in with_src]
    for lk in links:
        if lk.src:
            continue
        before = -1
        for j in range(lk.tgt[0] - 1, -1, -1):
            if j in owner:
                before = pos[owner[j].id]
                break
        keyed.append(((before, 1, lk.tgt[0]), lk))
    keyed.sort(key=lambda kv: kv[0])
    return [lk for _, lk in keyed]
