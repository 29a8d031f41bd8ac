"""Loading and validating glossary YAML files.

A glossary file is a mapping with ``entries`` (a list of entries) and an
optional ``ignore`` list (words and phrases that ``workbench glossary mine``
should not propose, e.g. nationality adjectives).  Any number of files are
merged; a directory stands for every ``*.yaml``/``*.yml`` file under it.

:func:`lint_glossary` collects every problem as an :class:`Issue` (errors and
warnings, ``file:line:col: message``); :func:`load_glossary` raises the first
error as a :class:`~workbench.errors.WorkbenchError`.  YAML is loaded with a
safe loader (tags never construct objects).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from workbench.errors import WorkbenchError
from workbench.glossary.model import RELATIONS, TYPES, Entry, Glossary, Related
from workbench.glossary.tokens import arabic_key, english_key
from workbench.textio import read_text
from workbench.yamlio import LineDict, load_yaml_text, position

__all__ = ["GlossaryError", "Issue", "LintReport", "lint_glossary", "load_glossary",
           "glossary_files", "ENTRY_KEYS", "ID_RE"]


class GlossaryError(WorkbenchError):
    """A glossary file is invalid."""


ENTRY_KEYS = ("id", "type", "en", "ar", "variants", "deprecated", "forbidden", "related", "note")
TOP_KEYS = ("entries", "ignore")
LIST_KEYS = ("variants", "deprecated", "forbidden")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
#: characters allowed in an Arabic form besides Arabic script and spaces
_AR_ALLOWED = re.compile(r"^[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
                         r" \u200c\u200d0-9.'\-]+$")


@dataclass(frozen=True)
class Issue:
    path: str
    line: int | None
    col: int | None
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


@dataclass
class LintReport:
    glossary: Glossary
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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


class _Collector:
    def __init__(self) -> None:
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, path: Path, container: Any, key: Any, message: str) -> None:
        line, col = position(container, key) if container is not None else (None, None)
        self.errors.append(Issue(str(path), line, col, message))

    def error_at(self, path: Path, line: int | None, col: int | None, message: str) -> None:
        self.errors.append(Issue(str(path), line, col, message))

    def warn_at(self, path: Path, line: int | None, col: int | None, message: str) -> None:
        self.warnings.append(Issue(str(path), line, col, message, "warning"))


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_english(c: _Collector, path: Path, container: Any, key: Any, value: Any,
                   what: str) -> str | None:
    if not isinstance(value, str):
        c.error(path, container, key, f"{what} must be a string, not {_kind(value)}")
        return None
    if not value.strip():
        c.error(path, container, key, f"{what} is empty")
        return None
    if value != value.strip() or "\n" in value:
        c.error(path, container, key, f"{what} {value!r} has leading/trailing whitespace or a "
                                      "line break")
        return None
    if _ARABIC_LETTER.search(value):
        c.error(path, container, key, f"{what} {value!r} is in Arabic script; English forms "
                                      "go under en/variants/deprecated/forbidden, Arabic under ar")
        return None
    if not english_key(value).strip():
        c.error(path, container, key, f"{what} {value!r} has no letters or digits")
        return None
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _string_list(c: _Collector, path: Path, entry: dict, key: str, what: str,
                 allow_scalar: bool = True) -> list[tuple[str, Any, Any]]:
    """[(value, container, index)] for a list-of-strings field (a single string is accepted)."""
    value = entry.get(key)
    if value is None:
        return []
    if isinstance(value, str) and allow_scalar:
        return [(value, entry, key)]
    if not isinstance(value, list):
        c.error(path, entry, key, f"{what}: '{key}' must be a list of strings, not {_kind(value)}")
        return []
    return [(v, value, i) for i, v in enumerate(value)]


def _parse_entry(c: _Collector, path: Path, raw: Any, index: int, entries_list: Any
                 ) -> Entry | None:
    if not isinstance(raw, dict):
        c.error(path, entries_list, index,
                f"entry {index + 1} must be a mapping with id, type, en, ar; got {_kind(raw)}")
        return None
    n_errors = len(c.errors)
    eid = raw.get("id")
    label = f"entry {index + 1}"
    if eid is None:
        c.error_at(path, *_pos(raw), f"{label} has no 'id'")
    elif isinstance(eid, bool) or not isinstance(eid, (str, int)):
        c.error(path, raw, "id", f"{label}: 'id' must be a string, not {_kind(eid)}")
        eid = None
    else:
        eid = str(eid)
        if not ID_RE.match(eid):
            c.error(path, raw, "id", f"{label}: id {eid!r} must be lower-case letters, digits, "
                                     "'-', '_' or '.', starting with a letter or digit")
        label = f"entry {eid!r}"
    etype = raw.get("type")
    if etype is None:
        c.error_at(path, *_pos(raw), f"{label} has no 'type' (one of {', '.join(TYPES)})")
    elif etype not in TYPES:
        c.error(path, raw, "type", f"{label}: unknown type {etype!r} (one of {', '.join(TYPES)})")
    en = raw.get("en")
    if en is None:
        c.error_at(path, *_pos(raw), f"{label} has no 'en' (the preferred English form)")
    else:
        en = _check_english(c, path, raw, "en", en, f"{label}: 'en'")
    ar_raw = raw.get("ar")
    ar: list[str] = []
    if ar_raw is None:
        c.error_at(path, *_pos(raw), f"{label} has no 'ar' (its Arabic forms)")
    else:
        items = _string_list(c, path, raw, "ar", label)
        if not items and isinstance(ar_raw, list):
            c.error(path, raw, "ar", f"{label}: 'ar' is empty; give at least one Arabic form")
        for value, cont, k in items:
            if not isinstance(value, str) or not value.strip():
                got = _kind(value) if not isinstance(value, str) else "empty"
                c.error(path, cont, k, f"{label}: an Arabic form must be a non-empty string, "
                                       f"not {got}")
                continue
            if (not _ARABIC_LETTER.search(value) or _LATIN_LETTER.search(value)
                    or not _AR_ALLOWED.match(value)):
                c.error(path, cont, k, f"{label}: Arabic form {value!r} is not in Arabic script")
                continue
            if len(arabic_key(value).replace(" ", "")) < 2:
                c.error(path, cont, k, f"{label}: Arabic form {value!r} is too short to match "
                                       "reliably")
                continue
            ar.append(value.strip())
    lists: dict[str, list[str]] = {}
    for key in LIST_KEYS:
        lists[key] = []
        for value, cont, k in _string_list(c, path, raw, key, label):
            checked = _check_english(c, path, cont, k, value, f"{label}: a '{key}' form")
            if checked is not None:
                lists[key].append(checked)
    related: list[Related] = []
    rel_raw = raw.get("related")
    if rel_raw is not None:
        if not isinstance(rel_raw, list):
            c.error(path, raw, "related", f"{label}: 'related' must be a list of "
                                          "{{id: ..., relation: ...}} mappings")
        else:
            for i, r in enumerate(rel_raw):
                if isinstance(r, str):
                    r = {"id": r, "relation": "see-also"}
                    pos_cont, pos_key = rel_raw, i
                elif isinstance(r, dict):
                    pos_cont, pos_key = r, "id"
                else:
                    c.error(path, rel_raw, i, f"{label}: a 'related' item must be a mapping "
                                              f"{{id: ..., relation: ...}}, not {_kind(r)}")
                    continue
                rid, rel = r.get("id"), r.get("relation", "see-also")
                if not isinstance(rid, str) or not rid.strip():
                    c.error(path, rel_raw, i, f"{label}: a 'related' item has no 'id'")
                    continue
                if rel not in RELATIONS:
                    c.error(path, r if isinstance(r, dict) and "relation" in r else rel_raw,
                            "relation" if isinstance(r, dict) and "relation" in r else i,
                            f"{label}: unknown relation {rel!r} (one of {', '.join(RELATIONS)})")
                    continue
                if rid == eid:
                    c.error(path, pos_cont, pos_key, f"{label} is related to itself")
                    continue
                related.append(Related(rid, rel, *position(pos_cont, pos_key)))
    note = raw.get("note", "")
    if note is None:
        note = ""
    if not isinstance(note, str):
        c.error(path, raw, "note", f"{label}: 'note' must be a string, not {_kind(note)}")
        note = ""
    if len(c.errors) > n_errors or eid is None or en is None:
        return None
    extra = {k: v for k, v in raw.items() if k not in ENTRY_KEYS}
    line = raw.line if isinstance(raw, LineDict) else None
    return Entry(id=eid, type=etype, en=en, ar=ar, variants=lists["variants"],
                 deprecated=lists["deprecated"], forbidden=lists["forbidden"], related=related,
                 note=note, extra=extra, path=path, line=line)


def _pos(container: Any) -> tuple[int | None, int | None]:
    return getattr(container, "line", None), getattr(container, "col", None)


def _fast_loader():
    """A libyaml (C) safe loader building the same line-numbered mappings and lists as
    :mod:`workbench.yamlio`, or None without libyaml.  Glossaries of thousands of entries
    load several times faster with it."""
    import yaml

    if not getattr(yaml, "__with_libyaml__", False):
        return None
    from workbench import yamlio

    class _CLoader(yaml.CSafeLoader):
        pass

    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                             yamlio._construct_mapping)
    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                             yamlio._construct_sequence)
    return _CLoader


_FAST_LOADER = _fast_loader()


def _parse_yaml(text: str, path: Path) -> Any:
    """Parse safely (tags never construct objects); errors name the file, line and column."""
    if _FAST_LOADER is None:
        return load_yaml_text(text, path, GlossaryError)
    import yaml

    try:
        return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a CSafeLoader subclass
    except yaml.YAMLError:
        # let the reference loader produce the error message and position
        return load_yaml_text(text, path, GlossaryError)
    except RecursionError:
        raise GlossaryError("YAML nesting is too deep", path=path) from None


def _load_file(c: _Collector, path: Path, text: str | None = None
               ) -> tuple[list[Entry], list[str]]:
    try:
        if text is None:
            text = read_text(path, what="glossary file", allow_empty=True)
        data = _parse_yaml(text, path)
    except WorkbenchError as exc:
        c.errors.append(Issue(exc.path or str(path), exc.line, exc.column, exc.message))
        return [], []
    if data is None:
        c.warn_at(path, None, None, "glossary file is empty")
        return [], []
    if not isinstance(data, dict):
        c.error_at(path, *_pos(data), "a glossary file must be a mapping with an 'entries' list, "
                                     f"not {_kind(data)}")
        return [], []
    unknown = [key for key in data if key not in TOP_KEYS]
    for key in unknown:
        c.error(path, data, key, f"unknown top-level key {key!r} (expected "
                                 f"{' or '.join(TOP_KEYS)})")
    ignore: list[str] = []
    if "ignore" in data:
        raw_ignore = data["ignore"]
        if not isinstance(raw_ignore, list) or not all(_is_str(v) for v in raw_ignore):
            c.error(path, data, "ignore", "'ignore' must be a list of words or phrases")
        else:
            ignore = [v.strip() for v in raw_ignore]
    if "entries" not in data:
        if "ignore" not in data and not unknown:
            c.error_at(path, *_pos(data), "no 'entries' list in this glossary file")
        return [], ignore
    raw_entries = data["entries"]
    if raw_entries is None:
        return [], ignore
    if not isinstance(raw_entries, list):
        c.error(path, data, "entries", f"'entries' must be a list of entries, not "
                                       f"{_kind(raw_entries)}")
        return [], ignore
    out = []
    for i, raw in enumerate(raw_entries):
        entry = _parse_entry(c, path, raw, i, raw_entries)
        if entry is not None:
            out.append(entry)
    return out, ignore


def lint_glossary(paths: list[str | Path] | None = None, *, near_duplicates: bool = True,
                  overrides: dict[Path, str] | None = None) -> LintReport:
    """Load and check every glossary file; never raises for bad content.

    ``overrides`` maps a path to the text to check in place of the file's (used to
    validate an edit before writing it).
    """
    if paths is None:
        from workbench.config import load_config

        paths = load_config().glossary_paths()
    c = _Collector()
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
    if near_duplicates:
        _near_duplicates(c, entries)
    c.errors.sort(key=lambda i: (i.path, i.line or 0, i.col or 0))
    return LintReport(Glossary(entries, files, ignore), c.errors, c.warnings)


def _cross_checks(c: _Collector, entries: dict[str, Entry]) -> None:
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
                c.error_at(e.path, e.line, None,
                           f"entry {e.id!r}: Arabic form {form!r} is also in entry "
                           f"{other_ar[0]!r} ({other_ar[1]!r}); a form may belong to one entry "
                           "only")
            elif other_ar is None:
                ar_owner[key] = (e.id, form)
        for r in e.related:
            if r.id not in entries:
                c.error_at(e.path, r.line or e.line, r.col,
                           f"entry {e.id!r}: related id {r.id!r} does not exist")


def _near_duplicates(c: _Collector, entries: dict[str, Entry]) -> None:
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


def load_glossary(paths: list[Path] | None = None) -> Glossary:
    """Load and merge glossary files (None: the configured glossary paths).

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
