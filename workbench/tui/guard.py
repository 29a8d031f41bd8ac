"""Errors in the UI: a user error becomes a notification line, never a traceback."""

from __future__ import annotations

import sqlite3

from workbench.errors import WorkbenchError

__all__ = ["EXPECTED", "describe"]

#: what a worker or a handler may meet that is the user's situation, not a bug
EXPECTED = (WorkbenchError, OSError, sqlite3.Error, ValueError)


def describe(exc: BaseException) -> str:
    """One line for a notification."""
    text = str(exc).strip().splitlines()
    first = text[0] if text else exc.__class__.__name__
    if isinstance(exc, WorkbenchError):
        return first
    return f"{exc.__class__.__name__}: {first}"
