"""Reading user files safely and writing files atomically.

Every text file the workbench reads from the user goes through
:func:`read_text`, which refuses missing, binary, non-UTF-8, empty and huge
files with one clear :class:`~workbench.errors.InputFileError` naming the file.
Text is returned in logical order exactly as stored (only line endings are
normalised to ``\\n``, and a UTF-8 byte-order mark is dropped).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from workbench.errors import InputFileError, OutputFileError

#: Default ceiling for a single text file (bytes).  Large enough for a
#: 100,000-line document, small enough to refuse a disk image given by mistake.
MAX_TEXT_BYTES = 64 * 1024 * 1024


_STDIN_READ: object = None  # the sys.stdin that was read (each standard input is read once)


def _refuse_special(st: os.stat_result, p: Path, what: str) -> None:
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise InputFileError(f"{what} is a directory, expected a text file", path=p)
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise InputFileError(f"{what} is a device, not a file; refused (use - to read "
                             "standard input)", path=p)
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise InputFileError(f"{what} is a pipe or socket, not a file; refused (use - to read "
                             "standard input)", path=p)
    if not stat.S_ISREG(mode):
        raise InputFileError(f"{what} is not a regular file", path=p)


def _too_large(what: str, max_bytes: int, p: Path, size: int | None = None) -> InputFileError:
    got = f"{size / 1048576:.1f} MiB; " if size is not None else "over "
    return InputFileError(f"{what} is too large ({got}the limit is "
                          f"{max_bytes / 1048576:.0f} MiB)", path=p)


def read_bytes(path: str | Path, *, what: str = "file",
               max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a regular file (or ``-``, standard input, read once), at most ``max_bytes``.

    Devices, FIFOs, sockets and directories are refused; the size is enforced while
    reading (a reported size is not trusted).  Errors are one-line
    :class:`InputFileError` naming the file.
    """
    global _STDIN_READ
    if str(path) == "-":
        import sys

        if _STDIN_READ is sys.stdin:
            raise InputFileError(f"{what}: standard input was already read by another "
                                 "argument; give a file", path="<stdin>")
        _STDIN_READ = sys.stdin
        try:
            data = sys.stdin.buffer.read(max_bytes + 1)
        except (OSError, ValueError, AttributeError) as exc:
            raise InputFileError(f"cannot read {what}: {exc}", path="<stdin>") from None
        if len(data) > max_bytes:
            raise _too_large(what, max_bytes, Path("<stdin>"))
        return data
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputFileError(f"{what} not found", path=p) from None
    except OSError as exc:
        raise InputFileError(f"cannot read {what}: {exc.strerror or exc}", path=p) from None
    _refuse_special(st, p, what)
    if st.st_size > max_bytes:
        raise _too_large(what, max_bytes, p, st.st_size)
    try:
        # O_NONBLOCK: a FIFO swapped in after the check cannot block the open
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            _refuse_special(os.fstat(fh.fileno()), p, what)
            data = fh.read(max_bytes + 1)
    except InputFileError:
        raise
    except OSError as exc:
        raise InputFileError(f"cannot read {what}: {exc.strerror or exc}", path=p) from None
    if len(data) > max_bytes:
        raise _too_large(what, max_bytes, p)
    return data


def read_text(path: str | Path, *, what: str = "file", allow_empty: bool = False,
              max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Read a UTF-8 text file or raise :class:`InputFileError` with a one-line reason."""
    data = read_bytes(path, what=what, max_bytes=max_bytes)
    p = Path("<stdin>") if str(path) == "-" else Path(path)
    return decode_text(data, p, what=what, allow_empty=allow_empty, max_bytes=max_bytes)


def decode_text(data: bytes, path: str | Path, *, what: str = "file", allow_empty: bool = False,
                max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Decode bytes read from ``path`` with the same checks as :func:`read_text`."""
    if len(data) > max_bytes:
        raise InputFileError(f"{what} is too large (the limit is {max_bytes / 1048576:.0f} MiB)",
                             path=path)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(data):
        raise InputFileError(
            f"{what} is UTF-16 text, expected UTF-8; convert it with "
            "`iconv -f utf-16 -t utf-8 IN > OUT`", path=path)
    if b"\x00" in data:
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


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of the start is NUL."""
    head = data[:512]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return (even.count(0) > 0.9 * len(even)) != (odd.count(0) > 0.9 * len(odd))


def write_text_atomic(path: str | Path, text: str, *, what: str = "output file") -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old or the new file."""
    write_bytes_atomic(path, text.encode("utf-8"), what=what)


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _inside(p: Path, folder: Path) -> bool:
    try:
        rp, rf = p.resolve(), folder.resolve()
    except (OSError, RuntimeError):
        return False
    return rp == rf or rf in rp.parents


def check_output(path: str | Path, *, inputs: Iterable[str | Path | None] = (),
                 input_dirs: Iterable[str | Path | None] = (), force: bool = False,
                 what: str = "output file", own: bytes | Callable[[bytes], bool] | None = None,
                 ) -> Path:
    """Refuse an output ``path`` that would destroy work; returns it as a Path.

    Refused with a one-line :class:`OutputFileError`: a path that is one of the
    command's ``inputs`` (the same file by inode, through links too) or lies in one of
    its ``input_dirs``; an existing directory, device or other non-regular file; an
    existing regular file without ``force``, unless it is the command's own earlier
    output (``own``: a marker its first 4 KiB contain, or a test on them).
    """
    if str(path) == "-":
        raise OutputFileError(f"{what}: '-' is not a file name here", path=path)
    p = Path(path)
    for inp in inputs:
        if inp is None or str(inp) == "-":
            continue
        if _same(p, Path(inp)):
            raise OutputFileError(f"{what} is also an input of this command ({inp}); "
                                  "nothing written: choose another output path", path=p)
    for d in input_dirs:
        if d is not None and _inside(p, Path(d)):
            raise OutputFileError(f"{what} is inside the input folder {d}; nothing written: "
                                  "choose another output path", path=p)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return p
    except OSError as exc:
        raise OutputFileError(f"cannot write {what}: {exc.strerror or exc}", path=p) from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputFileError(f"{what} is a directory; give a file name", path=p)
    if not stat.S_ISREG(st.st_mode):
        raise OutputFileError(f"{what} exists and is not a regular file; refused", path=p)
    if force:
        return p
    if own is not None:
        try:
            with open(p, "rb") as fh:
                head = fh.read(4096)
        except OSError:
            head = b""
        if (own(head) if callable(own) else own in head):
            return p
    raise OutputFileError(f"{what} exists; nothing written: give --force to overwrite it",
                          path=p)


def check_output_dir(path: str | Path, *, input_dirs: Iterable[str | Path | None] = (),
                     what: str = "output folder") -> Path:
    """Refuse an output folder that is, or lies inside, one of ``input_dirs`` (a batch
    writing its results over gold files or sources), or that exists as a file."""
    p = Path(path)
    for d in input_dirs:
        if d is not None and Path(d).exists() and _inside(p, Path(d)):
            raise OutputFileError(f"{what} is the input folder {Path(d).name}/ or inside it "
                                  f"({d}); nothing written: choose another --out", path=p)
    if p.exists() and not p.is_dir():
        raise OutputFileError(f"{what} exists and is not a directory", path=p)
    return p


def write_output(path: str | Path, data: str | bytes, *,
                 inputs: Iterable[str | Path | None] = (),
                 input_dirs: Iterable[str | Path | None] = (), force: bool = False,
                 what: str = "output file", own: bytes | Callable[[bytes], bool] | None = None,
                 ) -> Path:
    """:func:`check_output`, then write ``data`` (text as UTF-8) atomically.

    The file is written to a temporary file in the same folder, flushed to disk and
    renamed over ``path``, so a failed write (full disk, read-only folder) leaves the
    old file whole; an OSError becomes one :class:`OutputFileError` line.
    """
    p = check_output(path, inputs=inputs, input_dirs=input_dirs, force=force, what=what,
                     own=own)
    write_bytes_atomic(p, data.encode("utf-8") if isinstance(data, str) else data, what=what)
    return p


def write_bytes_atomic(path: str | Path, data: bytes, *, what: str = "output file") -> None:
    """Write ``data`` through a temporary file + fsync + rename; OSError -> one line."""
    p = Path(path)
    try:
        _write_atomic(p, data)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, (NotADirectoryError, FileExistsError)):
            reason = "a part of the path is a file, not a folder"
        error = OutputFileError(f"cannot write {what}: {reason}", path=p)
        error.reason = reason
        raise error from None


def _write_atomic(p: Path, data: bytes) -> None:
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
    try:  # the rename itself survives a crash once the folder is on disk
        dfd = os.open(p.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)

