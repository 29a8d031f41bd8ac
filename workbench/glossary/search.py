"""Searching the glossary by Arabic or English text: normalised, clitic-aware and fuzzy.

The fuzzy part is rapidfuzz's ``WRatio`` of the query against every form's key, with a
score cutoff.  On a 10,000-entry glossary (29,000 English forms) scoring every form takes
30-40 ms a keystroke, so it is scored only on the forms that *can* reach the cutoff
(:class:`_Index`): ``WRatio`` is the best of Indel ratios between the two strings, their
sorted tokens and the windows of the longer one (the partial ratios); each of these is at
most ``2 * common / (len1 + len2)``, where ``common`` is the number of characters the two
strings share counted with multiplicity (an upper bound on their longest common
subsequence).  So a form whose shared character count is below the bound for its length
cannot score over the cutoff and is skipped; forms sharing a whole token with the query
(``partial_token_ratio`` is 100 then) and forms with a repeated token (token-set ratios
compare deduplicated tokens) are always scored.  The hits are the same as scoring
everything (``tests/glossary/test_search_index.py`` checks it against the full scan).
"""

from __future__ import annotations

import unicodedata
import weakref
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

import numpy as np
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


_SEP = "\x00"      # between the keys in the joined text (no key contains it)


class _Index:
    """The forms of one script of a glossary with what makes a query cheap: exact keys,
    the keys joined for substring search, whole tokens, and per-form character counts
    for the ``WRatio`` bound (see the module docstring)."""

    def __init__(self, forms: list[tuple[str, str, str, str]]) -> None:
        self.forms = forms
        self.keys = [f[0] for f in forms]
        self.exact: dict[str, list[int]] = {}
        self.tokens: dict[str, list[int]] = {}
        always = []
        chars: dict[str, int] = {}
        counted = []
        for i, k in enumerate(self.keys):
            self.exact.setdefault(k, []).append(i)
            toks = k.split()
            for t in set(toks):
                self.tokens.setdefault(t, []).append(i)
            if len(toks) != len(set(toks)):
                always.append(i)
            c = Counter(k)
            for ch in c:
                chars.setdefault(ch, len(chars))
            counted.append(c)
        self.chars = chars
        counts = np.zeros((len(chars), len(forms)), dtype=np.uint8)   # a row per character
        for i, c in enumerate(counted):
            for ch, v in c.items():
                counts[chars[ch], i] = min(v, 255)
        self.counts = counts
        self.lengths = np.fromiter((len(k) for k in self.keys), dtype=np.float64,
                                   count=len(self.keys))
        self.always = np.array(always, dtype=np.int64)
        # each key, and the same with its tokens sorted (the strings partial_token_ratio
        # compares), as character codes (0: past the end)
        dtype = np.uint8 if len(chars) < 255 else np.uint16
        width = max((len(k) for k in self.keys), default=0)
        self.codes = []
        for sort in (False, True):
            whole = np.zeros((len(forms), width), dtype=dtype)
            for i, k in enumerate(self.keys):
                if sort:
                    k = " ".join(sorted(k.split()))
                whole[i, :len(k)] = [chars[ch] + 1 for ch in k]
            self.codes.append(whole)
        self.joined = _SEP.join(self.keys)
        starts, pos = [], 0
        for k in self.keys:
            starts.append(pos)
            pos += len(k) + 1
        self.starts = starts

    def containing(self, key: str) -> list[int]:
        """Indexes of the forms whose key contains ``key``, in order."""
        out = []
        find, starts = self.joined.find, self.starts
        pos = find(key)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            out.append(i)
            if i + 1 >= len(starts):
                break
            pos = find(key, starts[i + 1])
        return out

    def candidates(self, key: str, cutoff: float) -> np.ndarray | None:
        """Indexes (in order) of the forms whose ``WRatio`` with ``key`` may reach
        ``cutoff``; None when every form must be scored.

        ``WRatio`` (rapidfuzz 3) is the Indel ratio, and, when one string is 1.5 to 8
        times as long as the other, the partial ratio times 0.9 and the partial token
        ratio times 0.9 * 0.95 (0.6 instead of 0.9 over 8 times), or else the token ratios
        times 0.95.  With ``common`` the characters two strings share, a ratio is at most
        ``2 * common / (len1 + len2)``.  A partial ratio compares the shorter string
        (length ``l``) with the longer one's windows of length ``l`` (at most ``c / l``,
        ``c`` the window's characters that occur in the shorter string) and its first
        and last ``w < l`` characters (at most ``2 * c / (l + c)``)."""
        toks = key.split()
        if not key or len(toks) != len(set(toks)) or cutoff <= 0:
            return None
        q = Counter(key)
        rows = [(self.chars[ch], v) for ch, v in q.items() if ch in self.chars]
        m = float(len(key))
        n = self.lengths
        common = np.zeros(len(self.keys), dtype=np.float64)
        for row, v in rows:
            common += np.minimum(self.counts[row], v)
        short = np.minimum(n, m)
        ratio = np.maximum(n, m) / short
        eps = 1e-6
        keep = common >= cutoff / 100.0 * (m + n) / 2.0 - eps          # the plain ratio
        for scale, band in ((0.9, (ratio >= 1.5) & (ratio <= 8.0)), (0.6, ratio > 8.0)):
            # the partial ratio on the strings, the partial token ratio on sorted tokens
            for t, codes in zip((cutoff / (100.0 * scale), cutoff / (100.0 * scale * 0.95)),
                                self.codes):
                if t > 1.0:
                    continue
                edge = t * short / (2.0 - t)
                maybe = band & ~keep & (common >= edge - eps)
                keep |= maybe & (n <= m)         # the key is the longer one: not refined
                some = np.flatnonzero(maybe & (n > m))
                if len(some):
                    inside, ends = _windows(codes, n, some, int(m), rows)
                    keep[some[(inside >= t * m - eps) | (ends >= edge[some] - eps)]] = True
        for t in toks:
            hit = self.tokens.get(t)
            if hit:
                keep[hit] = True
        if len(self.always):
            keep[self.always] = True
        return np.flatnonzero(keep)


def _windows(codes: np.ndarray, lengths: np.ndarray, some: np.ndarray, size: int,
             rows: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """For each form of ``some`` (longer than ``size``): at most how many characters of
    the query (``rows``: character rows) one window of ``size`` characters of the form
    holds, and its first or last ``size - 1`` characters (the characters there that occur
    in the query, not capped by their count in it)."""
    lut = np.zeros(int(codes.max(initial=0)) + 1, dtype=np.int16)
    for row, _ in rows:
        lut[row + 1] = 1
    n = lengths[some].astype(np.int64)
    cols = int(n.max())
    cum = np.zeros((len(some), cols + 1), dtype=np.int16)
    np.cumsum(lut[codes[some, :cols]], axis=1, out=cum[:, 1:])
    inside = (cum[:, size:] - cum[:, :cols - size + 1]).max(axis=1)
    w = size - 1
    head = cum[:, w]
    tail = cum[np.arange(len(some)), n] - cum[np.arange(len(some)), n - w]
    return inside, np.maximum(head, tail)


_INDEX: weakref.WeakKeyDictionary[Glossary, dict[bool, tuple[int, _Index]]] = \
    weakref.WeakKeyDictionary()


def _index(glossary: Glossary, arabic: bool) -> _Index:
    """The :class:`_Index` of a glossary's forms in one script, built once a glossary
    object (a search on each keystroke over 10,000 entries would otherwise normalise
    every form each time)."""
    try:
        cached = _INDEX.setdefault(glossary, {})
    except TypeError:           # not weak-referenceable: no cache
        cached = {}
    size = len(glossary.entries)           # a glossary changed in place is re-read
    got = cached.get(arabic)
    if got is None or got[0] != size:
        got = cached[arabic] = (size, _Index(_forms(glossary, arabic)))
    return got[1]


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
    index = _index(glossary, arabic)
    forms = index.forms
    found = set(index.exact.get(key, ()))
    if len(key) >= 3:
        found.update(index.containing(key))
    for i in sorted(found):              # in the glossary's order, as a scan would offer them
        k, form, field, entry_id = forms[i]
        if k == key:
            score, how = 100.0, "exact"
        else:
            score, how = 90.0 * len(key) / len(k) + 10.0, "substring"
        offer(SearchHit(glossary.entries[entry_id], form, field, score, how))
    for i, score in _fuzzy(index, key, limit * 3, min_score):
        _, form, field, entry_id = forms[i]
        offer(SearchHit(glossary.entries[entry_id], form, field, float(score) * 0.95, "fuzzy"))
    hits = sorted(best.values(), key=lambda h: (-h.score, h.entry.id))
    return hits[:limit]


def _fuzzy(index: _Index, key: str, limit: int, cutoff: float) -> list[tuple[int, float]]:
    """(form index, WRatio) of the ``limit`` best forms over ``cutoff``, best first (ties
    in the glossary's order), scoring only the candidates that can reach the cutoff."""
    if not key:
        return []
    cand = index.candidates(key, cutoff)
    if cand is None:
        return [(i, s) for _, s, i in process.extract(key, index.keys, scorer=fuzz.WRatio,
                                                         limit=limit, score_cutoff=cutoff)]
    keys = index.keys
    got = process.extract(key, [keys[i] for i in cand], scorer=fuzz.WRatio, limit=limit,
                          score_cutoff=cutoff)
    return [(int(cand[j]), s) for _, s, j in got]
