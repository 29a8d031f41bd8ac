"""Loading and validating glossary YAML files.

A glossary file is a mapping with ``entries`` (a list of entries) and an
optional ``ignore`` list (words and phrases that ``workbench glossary mine``
should not propose, e.g. nationality adjectives).  Any number of files are
merged; a directory stands for every ``*.yaml``/``*.yml`` file under it.

:func:`lint_glossary` collects every problem as an :class:`Issue` (errors and
warnings, ``file:line:col: message``); :func:`load_glossary` raises the first
error as a :class:`~workbench.errors.WorkbenchError`.  YAML is loaded with a
safe loader (tags never construct objects); one entry's schema is checked by
:mod:`.schema`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Iterable

from workbench.errors import WorkbenchError
from workbench.glossary.entry import Entry
from workbench.glossary.model import Glossary
from workbench.glossary.schema import (
    ENTRY_KEYS,
    ID_RE,
    TOP_KEYS,
    Collector,
    GlossaryError,
    Issue,
    LintReport,
    is_str,
    kind_of,
    parse_entry,
    position_of,
)
from workbench.glossary.tokens import arabic_key, english_key
from workbench.textio import read_text
from workbench.yamlio import load_yaml_text

__all__ = ["GlossaryError", "Issue", "LintReport", "lint_glossary", "load_glossary",
           "glossary_files", "ENTRY_KEYS", "ID_RE"]


def glossary_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories to their YAML files (sorted); keep files as given."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(list(p.rglob("*.yaml")) + list(p.rglob("*.yml")))
            out.extend(f for f in found if not any(part.startswith(".") for part in
                                                   f.relative_to(p).parts))
        else:
            out.append(p)
    seen: set[Path] = set()
    unique = []
    for f in out:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _load_file(c: Collector, path: Path, text: str | None = None
               ) -> tuple[list[Entry], list[str]]:
    try:
        if text is None:
            text = read_text(path, what="glossary file", allow_empty=True)
        data = load_yaml_text(text, path, GlossaryError, fast=True)
    except WorkbenchError as exc:
        c.errors.append(Issue(exc.path or str(path), exc.line, exc.column, exc.message))
        return [], []
    if data is None:
        c.warn_at(path, None, None, "glossary file is empty")
        return [], []
    if not isinstance(data, dict):
        c.error_at(path, *position_of(data), "a glossary file must be a mapping with an 'entries' list, "
                                     f"not {kind_of(data)}")
        return [], []
    unknown = [key for key in data if key not in TOP_KEYS]
    for key in unknown:
        c.error(path, data, key, f"unknown top-level key {key!r} (expected "
                                 f"{' or '.join(TOP_KEYS)})")
    ignore: list[str] = []
    if "ignore" in data:
        raw_ignore = data["ignore"]
        if not isinstance(raw_ignore, list) or not all(is_str(v) for v in raw_ignore):
            c.error(path, data, "ignore", "'ignore' must be a list of words or phrases")
        else:
            ignore = [v.strip() for v in raw_ignore]
    if "entries" not in data:
        if "ignore" not in data and not unknown:
            c.error_at(path, *position_of(data), "no 'entries' list in this glossary file")
        return [], ignore
    raw_entries = data["entries"]
    if raw_entries is None:
        return [], ignore
    if not isinstance(raw_entries, list):
        c.error(path, data, "entries", f"'entries' must be a list of entries, not "
                                       f"{kind_of(raw_entries)}")
        return [], ignore
    out = []
    for i, raw in enumerate(raw_entries):
        entry = parse_entry(c, path, raw, i, raw_entries)
        if entry is not None:
            out.append(entry)
    return out, ignore


def lint_glossary(paths: list[str | Path], *, near_duplicates: bool = True,
                  overrides: dict[Path, str] | None = None) -> LintReport:
    """Load and check every glossary file; never raises for bad content.

    ``paths`` are files or folders (the caller resolves the configured ones).
    ``overrides`` maps a path to the text to check in place of the file's (used to
    validate an edit before writing it).
    """
    c = Collector()
    files = glossary_files(paths)
    entries: dict[str, Entry] = {}
    ignore: set[str] = set()
    all_entries: list[Entry] = []
    texts = {Path(k).resolve(): v for k, v in (overrides or {}).items()}
    for f in files:
        loaded, ign = _load_file(c, f, texts.get(f.resolve()))
        ignore.update(ign)
        all_entries.extend(loaded)
    for e in all_entries:
        if e.id in entries:
            first = entries[e.id]
            c.error_at(e.path, e.line, None, f"duplicate id {e.id!r} (first defined at "
                                             f"{first.path}:{first.line})")
            continue
        entries[e.id] = e
    _cross_checks(c, entries)
    _symmetric_homonyms(entries)
    if near_duplicates:
        _near_duplicates(c, entries)
    c.errors.sort(key=lambda i: (i.path, i.line or 0, i.col or 0))
    return LintReport(Glossary(entries, files, ignore), c.errors, c.warnings)


def _cross_checks(c: Collector, entries: dict[str, Entry]) -> None:
    en_owner: dict[str, tuple[str, str, str]] = {}  # key -> (entry id, form, status)
    ar_owner: dict[str, tuple[str, str]] = {}
    for e in entries.values():
        # within the entry: exact repeats, and allowed vs deprecated/forbidden
        seen: dict[str, str] = {}
        for form, status in e.english_forms():
            if form in seen:
                if {seen[form], status} & {"deprecated", "forbidden"} and \
                        {seen[form], status} & {"preferred", "variant"}:
                    msg = (f"entry {e.id!r}: {form!r} is listed both as {seen[form]} and as "
                           f"{status}")
                else:
                    msg = f"entry {e.id!r}: English form {form!r} is listed twice"
                c.error_at(e.path, e.line, None, msg)
                continue
            seen[form] = status
        allowed_keys = {english_key(f) for f in e.allowed}
        for form in e.forbidden:
            if english_key(form) in allowed_keys:
                c.error_at(e.path, e.line, None,
                           f"entry {e.id!r}: forbidden form {form!r} is the same as an allowed "
                           "form after normalisation")
        # across entries: the same English form (after normalisation) in two entries
        for form, status in e.english_forms():
            key = english_key(form)
            other = en_owner.get(key)
            if other is not None and other[0] != e.id:
                c.error_at(e.path, e.line, None,
                           f"entry {e.id!r}: English form {form!r} is also in entry {other[0]!r} "
                           f"(as {other[2]} {other[1]!r}); a form may belong to one entry only")
            elif other is None:
                en_owner[key] = (e.id, form, status)
        for form in e.ar:
            key = arabic_key(form)
            other_ar = ar_owner.get(key)
            if other_ar is not None and other_ar[0] != e.id:
                other = entries[other_ar[0]]
                if other.id in e.homonyms or e.id in other.homonyms:
                    continue  # declared: the two entries share the form
                c.error_at(e.path, e.line, None,
                           f"entry {e.id!r}: Arabic form {form!r} is also in entry "
                           f"{other_ar[0]!r} ({other_ar[1]!r}); a form may belong to one entry "
                           "only, unless the entries list each other under 'homonyms'")
            elif other_ar is None:
                ar_owner[key] = (e.id, form)
        for h in e.homonyms:
            other = entries.get(h)
            if other is None:
                c.error_at(e.path, e.line, None, f"entry {e.id!r}: homonym {h!r} does not exist")
            elif not {arabic_key(f) for f in e.ar} & {arabic_key(f) for f in other.ar}:
                c.error_at(e.path, e.line, None,
                           f"entry {e.id!r}: homonym {h!r} shares no Arabic form with it")
        for r in e.related:
            if r.id not in entries:
                c.error_at(e.path, r.line or e.line, r.col,
                           f"entry {e.id!r}: related id {r.id!r} does not exist")


def _symmetric_homonyms(entries: dict[str, Entry]) -> None:
    """A homonym listed on one side only is a homonym of both."""
    for e in list(entries.values()):
        for h in e.homonyms:
            other = entries.get(h)
            if other is not None and e.id not in other.homonyms:
                other.homonyms = [*other.homonyms, e.id]


def _near_duplicates(c: Collector, entries: dict[str, Entry]) -> None:
    """Warn about entries whose preferred forms are nearly the same (likely duplicates).

    Only forms of similar length can reach the similarity cut-off, so forms are sorted
    by length and compared block by block with their length neighbours (rapidfuzz
    ``cdist``): memory stays small and 10,000 entries take a second or two.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    items = [e for e in entries.values() if len(english_key(e.en)) >= 5]
    if len(items) < 2:
        return
    keys = [english_key(e.en) for e in items]
    order = sorted(range(len(items)), key=lambda i: len(keys[i]))
    lengths = [len(keys[i]) for i in order]
    cutoff = 92
    spread = cutoff / (200 - cutoff)  # ratio >= cutoff needs short/long >= this
    pairs: set[tuple[int, int]] = set()
    block = 512
    for start in range(0, len(order), block):
        rows = order[start:start + block]
        lo, hi = lengths[start], lengths[min(start + block, len(order)) - 1]
        first = bisect_left(lengths, lo * spread)
        last = bisect_right(lengths, hi / spread)
        cols = order[first:last]
        matrix = process.cdist([keys[i] for i in rows], [keys[j] for j in cols],
                               scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8,
                               workers=1)
        for r, k in zip(*np.nonzero(matrix)):
            i, j = rows[int(r)], cols[int(k)]
            if i < j:
                pairs.add((i, j))
    for i, j in sorted(pairs):
        a, b = items[i], items[j]
        if b.id in {r.id for r in a.related} or a.id in {r.id for r in b.related}:
            continue
        c.warn_at(b.path, b.line, None,
                  f"entry {b.id!r} ({b.en!r}) looks like a near-duplicate of entry {a.id!r} "
                  f"({a.en!r}, {a.path}:{a.line}); merge them or relate them")


def load_glossary(paths: list[str | Path]) -> Glossary:
    """Load and merge glossary files (files or folders, as :func:`lint_glossary`).

    Raises :class:`GlossaryError` (``file:line:col: message``) for the first error.
    """
    report = lint_glossary(paths, near_duplicates=False)
    if report.errors:
        first = report.errors[0]
        more = len(report.errors) - 1
        suffix = f" (and {more} more; run `workbench glossary lint`)" if more else ""
        raise GlossaryError(first.message + suffix, path=first.path, line=first.line,
                            column=first.col)
    return report.glossary
