"""Validating glossary entries: the schema of one entry and the problems found in it.

:func:`parse_entry` checks one raw entry (a mapping from
:func:`workbench.yamlio.load_yaml_text`) and returns an :class:`Entry` or
collects :class:`Issue` s (``file:line:col: message``) in a :class:`Collector`.
File-level loading, merging and cross-entry checks are in :mod:`.load`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.glossary.entry import (
    AR_CONTEXT_KEYS,
    CONTEXT_KEYS,
    EN_CONTEXT_KEYS,
    RELATIONS,
    TYPES,
    Entry,
    Related,
)
from workbench.glossary.model import Glossary
from workbench.glossary.tokens import arabic_key, english_key
from workbench.text.normalize import ARABIC_LETTER_CLASS
from workbench.yamlio import LineDict, position

__all__ = ["GlossaryError", "Issue", "LintReport", "Collector", "parse_entry", "kind_of",
           "position_of", "is_str", "ENTRY_KEYS", "TOP_KEYS", "ID_RE"]


class GlossaryError(WorkbenchError):
    """A glossary file is invalid."""


ENTRY_KEYS = ("id", "type", "en", "ar", "variants", "deprecated", "forbidden", "related",
              "ambiguous", "homonyms", "senses", "context", "note")
TOP_KEYS = ("entries", "ignore")
LIST_KEYS = ("variants", "deprecated", "forbidden")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
#: the text layer's Arabic letters, plus U+063B-063F (Arabic letters for other languages)
#: and the tatweel U+0640: an English form holding any of them is in Arabic script
_ARABIC_LETTER = re.compile(f"[{ARABIC_LETTER_CLASS}\u063b-\u0640]")
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


class Collector:
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


def is_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_english(c: Collector, path: Path, container: Any, key: Any, value: Any,
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


def _string_list(c: Collector, path: Path, entry: dict, key: str, what: str,
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


def parse_entry(c: Collector, path: Path, raw: Any, index: int, entries_list: Any
                 ) -> Entry | None:
    if not isinstance(raw, dict):
        c.error(path, entries_list, index,
                f"entry {index + 1} must be a mapping with id, type, en, ar; got {_kind(raw)}")
        return None
    n_errors = len(c.errors)
    eid = raw.get("id")
    label = f"entry {index + 1}"
    if eid is None:
        c.error_at(path, *position_of(raw), f"{label} has no 'id'")
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
        c.error_at(path, *position_of(raw), f"{label} has no 'type' (one of {', '.join(TYPES)})")
    elif etype not in TYPES:
        c.error(path, raw, "type", f"{label}: unknown type {etype!r} (one of {', '.join(TYPES)})")
    en = raw.get("en")
    if en is None:
        c.error_at(path, *position_of(raw), f"{label} has no 'en' (the preferred English form)")
    else:
        en = _check_english(c, path, raw, "en", en, f"{label}: 'en'")
    ar_raw = raw.get("ar")
    ar: list[str] = []
    if ar_raw is None:
        c.error_at(path, *position_of(raw), f"{label} has no 'ar' (its Arabic forms)")
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
    amb = _ambiguity(c, path, raw, label, eid, en, ar, lists)
    if len(c.errors) > n_errors or eid is None or en is None:
        return None
    extra = {k: v for k, v in raw.items() if k not in ENTRY_KEYS}
    line = raw.line if isinstance(raw, LineDict) else None
    return Entry(id=eid, type=etype, en=en, ar=ar, variants=lists["variants"],
                 deprecated=lists["deprecated"], forbidden=lists["forbidden"], related=related,
                 note=note, extra=extra, path=path, line=line, **amb)


def _ambiguity(c: Collector, path: Path, raw: dict, label: str, eid: str | None,
               en: str | None, ar: list[str], lists: dict[str, list[str]]) -> dict[str, Any]:
    """The ``ambiguous``, ``senses``, ``homonyms`` and ``context`` fields, checked."""
    out: dict[str, Any] = {}
    value = raw.get("ambiguous")
    if value is True:
        out["ambiguous"], out["ambiguous_all"] = list(ar), True
    elif value is not None and value is not False:
        ar_keys = {arabic_key(a) for a in ar}
        en_keys = {english_key(f) for f in [en or "", *lists["variants"], *lists["deprecated"],
                                            *lists["forbidden"]] if f}
        forms = []
        for v, cont, k in _string_list(c, path, raw, "ambiguous", label):
            if not is_str(v):
                c.error(path, cont, k, f"{label}: 'ambiguous' is true (every Arabic form) or a "
                                       f"list of the entry's forms, not {_kind(v)}")
                continue
            known = (arabic_key(v) in ar_keys if _ARABIC_LETTER.search(v)
                     else english_key(v) in en_keys)
            if not known:
                c.error(path, cont, k, f"{label}: ambiguous form {v!r} is not one of the entry's "
                                       "Arabic or English forms")
                continue
            forms.append(v.strip())
        out["ambiguous"] = forms
    for key, what in (("senses", "a sense"), ("homonyms", "a homonym id")):
        items = []
        for v, cont, k in _string_list(c, path, raw, key, label):
            if not is_str(v):
                c.error(path, cont, k, f"{label}: {what} must be a non-empty string, not "
                                       f"{_kind(v) if not isinstance(v, str) else 'empty'}")
                continue
            if key == "homonyms":
                if not ID_RE.match(v):
                    c.error(path, cont, k, f"{label}: homonym {v!r} is not an entry id")
                    continue
                if v == eid:
                    c.error(path, cont, k, f"{label} is its own homonym")
                    continue
            items.append(v.strip())
        if items:
            out[key] = items
    ctx = raw.get("context")
    if ctx is not None:
        if not isinstance(ctx, dict):
            c.error(path, raw, "context", f"{label}: 'context' must be a mapping of "
                                          f"{', '.join(CONTEXT_KEYS)}, not {_kind(ctx)}")
        else:
            context: dict[str, Any] = {}
            for key, v in ctx.items():
                if key not in CONTEXT_KEYS:
                    c.error(path, ctx, key, f"{label}: unknown context key {key!r} (one of "
                                            f"{', '.join(CONTEXT_KEYS)})")
                    continue
                if key == "capital":
                    if not isinstance(v, bool):
                        c.error(path, ctx, key, f"{label}: context 'capital' must be true or "
                                                f"false, not {_kind(v)}")
                    elif v and en is not None and not any(ch.isupper() for ch in en):
                        c.error(path, ctx, key, f"{label}: context 'capital' is true but "
                                                f"{en!r} has no capital letter")
                    else:
                        context[key] = v
                    continue
                words = []
                for w, cont, k in _string_list(c, path, ctx, key, label):
                    if not is_str(w):
                        c.error(path, cont, k, f"{label}: a context word must be a non-empty "
                                               "string")
                        continue
                    if key in AR_CONTEXT_KEYS and (not _ARABIC_LETTER.search(w)
                                                   or _LATIN_LETTER.search(w)):
                        c.error(path, cont, k, f"{label}: context {key!r} word {w!r} is not in "
                                               "Arabic script (English words go under en_"
                                               f"{key})")
                        continue
                    if key in EN_CONTEXT_KEYS and (_ARABIC_LETTER.search(w)
                                                   or not re.search(r"[A-Za-z0-9]", w)):
                        c.error(path, cont, k, f"{label}: context {key!r} word {w!r} is not "
                                               "English")
                        continue
                    words.append(w.strip())
                if words:
                    context[key] = words
            for a, b in (("before", "not_before"), ("after", "not_after"),
                         ("en_before", "en_not_before"), ("en_after", "en_not_after")):
                both = set(context.get(a, ())) & set(context.get(b, ()))
                for w in sorted(both):
                    c.error(path, ctx, b, f"{label}: context word {w!r} is in both {a!r} and "
                                          f"{b!r}")
            out["context"] = context
    if not out.get("ambiguous") and not out.get("homonyms"):
        for key in ("senses", "context"):
            if key == "context" and isinstance(raw.get(key), dict) \
                    and set(raw[key]) <= {"en_adjective"}:
                continue  # adjectives count for every entry
            if raw.get(key):
                c.warn_at(path, *position(raw, key),
                          f"{label}: {key!r} is given but no form is marked 'ambiguous' and "
                          "there are no 'homonyms'; it has no effect")
    return out


def position_of(container: Any) -> tuple[int | None, int | None]:
    """(line, col) of a loaded mapping or list itself, if known."""
    return getattr(container, "line", None), getattr(container, "col", None)


kind_of = _kind
