"""Searching the glossary by Arabic or English text: normalised, clitic-aware and fuzzy."""

from __future__ import annotations

import unicodedata
import weakref
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from workbench.glossary.model import Entry, Glossary
from workbench.glossary.tokens import arabic_key, english_key
from workbench.text.normalize import is_arabic_char

__all__ = ["SearchHit", "find_entries"]


@dataclass(frozen=True)
class SearchHit:
    entry: Entry
    form: str  # the form (or id) that matched
    field: str  # id | en | ar | variants | deprecated | forbidden
    score: float  # 0-100
    how: str  # exact | term | substring | fuzzy

    def to_dict(self) -> dict:
        return {"id": self.entry.id, "type": self.entry.type, "en": self.entry.en,
                "ar": self.entry.ar, "form": self.form, "field": self.field,
                "score": round(self.score, 1), "how": self.how}


_FORMS: "weakref.WeakKeyDictionary[Glossary, dict[bool, tuple[list, list]]]" = \
    weakref.WeakKeyDictionary()


def _forms_and_keys(glossary: Glossary, arabic: bool) -> tuple[list, list]:
    """:func:`_forms` and their keys, computed once a glossary object (a search on each
    keystroke over 10,000 entries would otherwise normalise every form each time)."""
    try:
        cached = _FORMS.setdefault(glossary, {})
    except TypeError:           # not weak-referenceable: no cache
        cached = {}
    size = len(glossary.entries)           # a glossary changed in place is re-read
    got = cached.get(arabic)
    if got is None or got[0] != size:
        forms = _forms(glossary, arabic)
        got = cached[arabic] = (size, forms, [f[0] for f in forms])
    return got[1], got[2]


def _forms(glossary: Glossary, arabic: bool) -> list[tuple[str, str, str, str]]:
    """(key, form, field, entry id) of every form in the query's script (and ids, for Latin)."""
    out = []
    for e in glossary:
        if arabic:
            out += [(arabic_key(f), f, "ar", e.id) for f in e.ar]
        else:
            out.append((english_key(e.id.replace("-", " ")), e.id, "id", e.id))
            for form, status in e.english_forms():
                field = {"preferred": "en", "variant": "variants"}.get(status, status)
                out.append((english_key(form), form, field, e.id))
    return out


def find_entries(glossary: Glossary, query: str, *, limit: int = 10,
                 min_score: float = 60.0) -> list[SearchHit]:
    """Entries matching ``query``, best first (one hit per entry).

    The query is NFKC-normalised first (Arabic presentation forms such as ``ﺣﻤﺎﺓ`` are
    the letters ``حماة``); vocalisation and tatweel are ignored like everywhere else."""
    query = unicodedata.normalize("NFKC", query).strip()
    if not query:
        return []
    arabic = any(is_arabic_char(ch) for ch in query)
    key = arabic_key(query) if arabic else english_key(query)
    best: dict[str, SearchHit] = {}

    def offer(hit: SearchHit) -> None:
        old = best.get(hit.entry.id)
        if old is None or hit.score > old.score:
            best[hit.entry.id] = hit

    # terms inside the query (clitics allowed for Arabic, spellings for English)
    matches = glossary.match_arabic(query, homonyms=True) if arabic else \
        glossary.match_english(query)
    for m in matches:
        offer(SearchHit(glossary.entries[m.entry_id], m.form or m.surface,
                        "ar" if arabic else m.status, 100.0 if m.status != "probable" else m.score,
                        "term"))
    forms, keys = _forms_and_keys(glossary, arabic)
    for k, form, field, entry_id in forms:
        if k == key:
            score, how = 100.0, "exact"
        elif len(key) >= 3 and key in k:
            score, how = 90.0 * len(key) / len(k) + 10.0, "substring"
        else:
            continue
        offer(SearchHit(glossary.entries[entry_id], form, field, score, how))
    for _, score, i in process.extract(key, keys, scorer=fuzz.WRatio, limit=limit * 3,
                                       score_cutoff=min_score):
        _, form, field, entry_id = forms[i]
        offer(SearchHit(glossary.entries[entry_id], form, field, float(score) * 0.95, "fuzzy"))
    hits = sorted(best.values(), key=lambda h: (-h.score, h.entry.id))
    return hits[:limit]
