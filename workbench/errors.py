"""Errors that reach the user as one clear line and exit code 2.

Core code raises :class:`WorkbenchError` (or a subclass) for anything the user
can fix: bad files, bad configuration, bad glossary entries, missing models.
The CLI prints ``str(error)`` and exits with ``error.exit_code``; it never
shows a traceback for these.
"""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """A problem with the user's input or environment, reported without a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | Path | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(self.format())

    def format(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"


class InputFileError(WorkbenchError):
    """A file given by the user cannot be used (missing, binary, wrong encoding, empty, huge)."""


class OutputFileError(WorkbenchError):
    """An output cannot or must not be written (it is an input, exists, or the write failed)."""


class ConfigError(WorkbenchError):
    """The user configuration file is invalid."""


class CorpusError(WorkbenchError):
    """A corpus manifest or one of its files is invalid."""


class CancelledError(WorkbenchError):
    """A long operation was cancelled by its caller (for example the TUI)."""

    exit_code = 130
