"""Reading user files safely and writing files atomically.

Every text file the workbench reads from the user goes through
:func:`read_text`, which refuses missing, binary, non-UTF-8, empty and huge
files with one clear :class:`~workbench.errors.InputFileError` naming the file.
Text is returned in logical order exactly as stored (only line endings are
normalised to ``\\n``, and a UTF-8 byte-order mark is dropped).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from workbench.errors import InputFileError

#: Default ceiling for a single text file (bytes).  Large enough for a
#: 100,000-line document, small enough to refuse a disk image given by mistake.
MAX_TEXT_BYTES = 64 * 1024 * 1024


def read_text(path: str | Path, *, what: str = "file", allow_empty: bool = False,
              max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Read a UTF-8 text file or raise :class:`InputFileError` with a one-line reason."""
    p = Path(path)
    if str(path) == "-":
        import sys

        data = sys.stdin.buffer.read(max_bytes + 1)
        p = Path("<stdin>")
    else:
        if not p.exists():
            raise InputFileError(f"{what} not found", path=p)
        if p.is_dir():
            raise InputFileError(f"{what} is a directory, expected a text file", path=p)
        try:
            size = p.stat().st_size
        except OSError as exc:  # pragma: no cover - permissions, races
            raise InputFileError(f"cannot read {what}: {exc.strerror}", path=p) from None
        if size > max_bytes:
            raise InputFileError(
                f"{what} is too large ({size / 1048576:.1f} MiB; the limit is "
                f"{max_bytes / 1048576:.0f} MiB)", path=p)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputFileError(f"cannot read {what}: {exc.strerror}", path=p) from None
    return decode_text(data, p, what=what, allow_empty=allow_empty, max_bytes=max_bytes)


def decode_text(data: bytes, path: str | Path, *, what: str = "file", allow_empty: bool = False,
                max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Decode bytes read from ``path`` with the same checks as :func:`read_text`."""
    if len(data) > max_bytes:
        raise InputFileError(f"{what} is too large (the limit is {max_bytes / 1048576:.0f} MiB)",
                             path=path)
    if b"\x00" in data[:65536]:
        raise InputFileError(f"{what} looks binary (it contains NUL bytes), expected UTF-8 text",
                             path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(
            f"{what} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it with iconv, e.g. `iconv -f cp1256 -t utf-8` for Arabic Windows text "
            "or `iconv -f latin1 -t utf-8` for Western European", path=path, line=line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not allow_empty and not text.strip():
        raise InputFileError(f"{what} is empty", path=path)
    return text


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old or the new file."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        # mkstemp creates 0600; give the file the mode a plain open() would (or keep the old one)
        try:
            mode = p.stat().st_mode & 0o777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
