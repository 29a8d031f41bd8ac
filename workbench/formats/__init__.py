"""Interchange formats: TMX, XLIFF 2.0, TBX and CSV, parsed with entity resolution and network off."""

from __future__ import annotations

from typing import Callable

__all__ = ["own_output", "csv_cell", "csv_uncell"]

#: A spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A text cell made safe for spreadsheets: a leading ``'`` before a formula start.

    A value that already starts with ``'`` + a formula start gets one more ``'``, so
    :func:`csv_uncell` restores every value exactly."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or (text[:1] == "'" and
                                            text.lstrip("'").startswith(FORMULA_STARTS)):
        return "'" + text
    return text


def csv_uncell(text: str) -> str:
    """The value :func:`csv_cell` was given."""
    if text[:1] == "'" and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text

_MARKERS: dict[str, bytes] = {
    "tmx": b'creationtool="workbench"',
    "xliff": b"urn:x-workbench:xliff:1",
    "tbx": b"Exported by workbench glossary export",
}


def _csv_header(columns: tuple[str, ...]) -> Callable[[bytes], bool]:
    header = ",".join(columns).encode()
    return lambda head: head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r") == header


def own_output(fmt: str) -> bytes | Callable[[bytes], bool] | None:
    """How to recognise a file the workbench wrote as ``fmt`` (for
    :func:`workbench.textio.check_output`: such a file may be overwritten without
    ``--force``).  ``csv`` is a glossary CSV, ``links-csv`` a project's links table;
    plain text has no mark (None)."""
    if fmt in _MARKERS:
        return _MARKERS[fmt]
    if fmt == "csv":
        from workbench.formats.csvio import COLUMNS

        return _csv_header(COLUMNS)
    if fmt == "links-csv":
        from workbench.formats.project_csv import CSV_COLUMNS

        return _csv_header(CSV_COLUMNS)
    return None
