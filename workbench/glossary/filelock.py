"""Safe read-modify-write of a glossary file shared by several writers.

Every writer of a glossary file (``glossary add``, ``glossary fmt``, the TUI's
"add term") goes through :func:`locked_file`:

* an advisory lock (``fcntl.flock``) on a lock file beside it
  (``.places.yaml.lock`` next to ``places.yaml``; never removed, so two writers
  always lock the same inode) serialises the writers;
* the file is read *under* the lock, so an entry added by the writer before is
  never lost;
* :meth:`LockedFile.write` replaces the file atomically (temporary file +
  ``os.replace``) and refuses if the file's content hash is no longer the one
  read: a change from outside (an editor that does not take the lock) is never
  silently overwritten.  ``expected`` (a hash from :func:`file_hash` taken when a
  caller first showed the file) makes the same check span a longer edit.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from workbench.errors import WorkbenchError
from workbench.textio import read_text, write_text_atomic

__all__ = ["LockedFile", "locked_file", "file_hash", "lock_path", "FileChangedError",
           "LOCK_TIMEOUT"]

#: seconds a writer waits for another one before giving up
LOCK_TIMEOUT = 30.0


class FileChangedError(WorkbenchError):
    """The file changed since it was read; nothing was written."""


def lock_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(f".{p.name}.lock")


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read_bytes(p: Path) -> bytes | None:
    try:
        return p.read_bytes()
    except FileNotFoundError:
        return None


def file_hash(path: str | Path) -> str | None:
    """The content hash of ``path`` (None if it does not exist)."""
    return _digest(_read_bytes(Path(path)))


class LockedFile:
    """A glossary file read under its lock: ``text`` (``""`` if missing) and ``hash``."""

    def __init__(self, path: Path, expected: str | None) -> None:
        self.path = path
        self.exists = path.exists()
        self.text = read_text(path, what="glossary file", allow_empty=True) if self.exists else ""
        self.hash = file_hash(path)
        if expected is not None and expected != self.hash:
            raise FileChangedError("the glossary file changed since it was read (edited "
                                   "elsewhere); nothing written: reload it and try again",
                                   path=path)

    def write(self, text: str) -> None:
        if file_hash(self.path) != self.hash:
            raise FileChangedError("the glossary file was changed by another program while "
                                   "this edit was being made; nothing written: try again",
                                   path=self.path)
        write_text_atomic(self.path, text)
        self.hash = _digest(text.encode("utf-8"))


@contextmanager
def locked_file(path: str | Path, *, expected: str | None = None,
                timeout: float = LOCK_TIMEOUT) -> Iterator[LockedFile]:
    """Hold ``path``'s lock, read it, and yield a :class:`LockedFile` to write through."""
    p = Path(path)
    lock = lock_path(p)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise WorkbenchError(f"cannot lock the glossary file: {exc.strerror or exc}",
                             path=p) from None
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise WorkbenchError(f"cannot lock the glossary file: {exc.strerror}",
                                         path=p) from None
                if time.monotonic() >= deadline:
                    raise WorkbenchError(f"the glossary file is being written by another "
                                         f"program (lock {lock.name} held for {timeout:.0f} s)",
                                         path=p) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        yield LockedFile(p, expected)
    finally:
        os.close(fd)  # releases the lock
