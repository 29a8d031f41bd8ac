"""Opening a SQLite file that holds the translation memory and/or the MT cache.

A project file (``workbench.store``) already has the tables; a stand-alone file
(``--tm memory.sqlite``, the default proposal cache in the data directory) gets
them on first use.  Anything that is not an SQLite database is refused with a
clear :class:`~workbench.errors.WorkbenchError` naming the file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.mt.tm_schema import ensure_tm_schema

__all__ = ["open_tm_db", "default_cache_path"]


def default_cache_path(data_dir: str | Path) -> Path:
    """The stand-alone proposal cache used when no project is given, in the user data
    folder ``data_dir``."""
    return Path(data_dir) / "cache" / "mt-cache.sqlite"


def open_tm_db(path: str | Path, *, create: bool = True, what: str = "translation memory"
               ) -> sqlite3.Connection:
    """Connect to ``path`` (WAL, busy timeout), creating the TM and cache tables if needed."""
    p = Path(path).expanduser()
    if p.is_dir():
        raise WorkbenchError(f"{what} is a directory, expected an SQLite file", path=p)
    if not p.exists():
        if not create:
            raise WorkbenchError(f"{what} not found", path=p)
        p.parent.mkdir(parents=True, exist_ok=True)
    elif p.stat().st_size > 0:
        with open(p, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise WorkbenchError(f"{what} is not an SQLite database", path=p)
    try:
        conn = sqlite3.connect(str(p), timeout=10.0, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 10000")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        ensure_tm_schema(conn)
    except sqlite3.DatabaseError as exc:
        raise WorkbenchError(f"cannot use {what}: {exc}", path=p) from None
    return conn
