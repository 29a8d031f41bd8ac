"""CSV export and import of glossaries.

Columns: ``id, type, en, ar, variants, deprecated, forbidden, related, note, ambiguous,
homonyms, senses, context``.  List fields hold their items separated by `` | ``;
``related`` items are ``id:relation``; ``ambiguous`` is ``true`` (every Arabic form) or a
list of forms; ``context`` is JSON.  UTF-8 with a header row; the file written by
:func:`write_csv` reads back with :func:`read_csv` to the same entries.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.formats import csv_cell, csv_uncell
from workbench.glossary.model import Entry, Related
from workbench.textio import read_text, write_text_atomic

__all__ = ["COLUMNS", "csv_text", "write_csv", "read_csv", "parse_csv"]

COLUMNS = ("id", "type", "en", "ar", "variants", "deprecated", "forbidden", "related", "note",
           "ambiguous", "homonyms", "senses", "context")
SEP = " | "


def csv_text(entries: list[Entry]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for e in entries:
        w.writerow([csv_cell(c) for c in (
            e.id, e.type, e.en, SEP.join(e.ar), SEP.join(e.variants),
            SEP.join(e.deprecated), SEP.join(e.forbidden),
            SEP.join(f"{r.id}:{r.relation}" for r in e.related), e.note,
            "true" if e.ambiguous_all else SEP.join(e.ambiguous), SEP.join(e.homonyms),
            SEP.join(e.senses),
            json.dumps(e.context, ensure_ascii=False) if e.context else "")])
    return buf.getvalue()


def write_csv(entries: list[Entry], path: str | Path) -> None:
    write_text_atomic(path, csv_text(entries))


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def parse_csv(text: str, path: str | Path = "<csv>") -> list[Entry]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise WorkbenchError("CSV file is empty", path=path) from None
    except csv.Error as exc:
        raise WorkbenchError(f"not a valid CSV file: {exc}", path=path, line=1) from None
    cols = [h.strip().lower() for h in header]
    for required in ("id", "en", "ar"):
        if required not in cols:
            raise WorkbenchError(f"CSV header has no {required!r} column (expected "
                                 f"{', '.join(COLUMNS)})", path=path, line=1)
    unknown = [c for c in cols if c not in COLUMNS]
    if unknown:
        raise WorkbenchError(f"unknown CSV column(s) {', '.join(map(repr, unknown))} (expected "
                             f"{', '.join(COLUMNS)})", path=path, line=1)
    entries = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(cols):
                raise WorkbenchError(f"{len(row)} fields, the header has {len(cols)}",
                                     path=path, line=line)
            rec = dict(zip(cols, (csv_uncell(c.strip()) for c in row)))
            for required in ("id", "en", "ar"):
                if not rec.get(required):
                    raise WorkbenchError(f"empty {required!r}", path=path, line=line)
            related = []
            for item in _split(rec.get("related", "")):
                rid, _, rel = item.partition(":")
                related.append(Related(rid.strip(), rel.strip() or "see-also"))
            context = {}
            if rec.get("context"):
                try:
                    context = json.loads(rec["context"])
                except ValueError:
                    raise WorkbenchError("the 'context' column is not JSON", path=path,
                                         line=line) from None
                if not isinstance(context, dict):
                    raise WorkbenchError("the 'context' column is not a JSON object",
                                         path=path, line=line)
            ambiguous_all = rec.get("ambiguous", "").strip().lower() == "true"
            ar = _split(rec["ar"])
            entries.append(Entry(
                id=rec["id"], type=rec.get("type") or "other", en=rec["en"],
                ar=ar, variants=_split(rec.get("variants", "")),
                deprecated=_split(rec.get("deprecated", "")),
                forbidden=_split(rec.get("forbidden", "")), related=related,
                note=rec.get("note", ""), path=Path(str(path)), line=line,
                ambiguous=list(ar) if ambiguous_all else _split(rec.get("ambiguous", "")),
                ambiguous_all=ambiguous_all, homonyms=_split(rec.get("homonyms", "")),
                senses=_split(rec.get("senses", "")), context=context))
    except csv.Error as exc:
        raise WorkbenchError(f"not a valid CSV file: {exc}", path=path,
                             line=reader.line_num) from None
    return entries


def read_csv(path: str | Path) -> list[Entry]:
    return parse_csv(read_text(path, what="CSV file"), path)
