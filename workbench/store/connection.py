"""A project's connections and transactions.

Each thread gets its own connection (WAL journal, ``synchronous=FULL``, foreign
keys on, a busy timeout), plus one in Python's default transaction mode for the
:mod:`workbench.mt` classes.  Every edit is one ``BEGIN IMMEDIATE ... COMMIT``
transaction (:meth:`Connections._write`), committed before the call returns.
"""

from __future__ import annotations

import getpass
import os
import socket
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Self

from workbench.errors import WorkbenchError

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



class Connections:
    """Per-thread connections, transactions and closing (a part of
    :class:`workbench.store.project.Project`)."""

    path: Path
    _lock: threading.Lock
    _conns: dict[int, sqlite3.Connection]
    _mt_conns: dict[int, sqlite3.Connection]
    _mt_objects: dict[tuple[int, str], Any]
    _closed: bool

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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
