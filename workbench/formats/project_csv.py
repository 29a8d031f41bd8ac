"""A project's links as a CSV table (UTF-8, one row per link, in source order).

Columns: ``link`` (id), ``source_segments`` and ``target_segments`` (the link's
indices, e.g. ``2,3``), ``status``, ``origin`` (aligner or person), ``score``,
``version``, ``source`` (Arabic), ``reference`` (the aligned target text) and
``target`` (the translator's English).  Spreadsheet programs open it directly;
text keeps its line breaks inside quoted cells.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable, Protocol

from workbench.formats import csv_cell
from workbench.textio import write_text_atomic

__all__ = ["CSV_COLUMNS", "links_csv", "write_links_csv"]

CSV_COLUMNS = ("link", "source_segments", "target_segments", "status", "origin", "score",
               "version", "source", "reference", "target")


class _LinkLike(Protocol):
    id: int
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    status: str
    origin: str
    score: float | None
    version: int
    source_text: str
    reference_text: str
    target_text: str


def links_csv(links: Iterable[_LinkLike]) -> tuple[str, int]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    n = 0
    for lk in links:
        w.writerow([lk.id, ",".join(map(str, lk.src)), ",".join(map(str, lk.tgt)), lk.status,
                    lk.origin, "" if lk.score is None else f"{lk.score:.4f}", lk.version,
                    csv_cell(lk.source_text), csv_cell(lk.reference_text),
                    csv_cell(lk.target_text)])
        n += 1
    return buf.getvalue(), n


def write_links_csv(links: Iterable[_LinkLike], path: str | Path) -> int:
    """Write the table atomically; returns the number of rows (links)."""
    text, n = links_csv(links)
    write_text_atomic(path, text)
    return n
