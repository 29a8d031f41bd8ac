"""Finding glossary terms in Arabic text, clitics included, in one pass.

Matching runs on the normalised text (:func:`workbench.text.normalize_arabic`:
no harakat or tatweel, hamza-carrying alefs to bare alef, ta marbuta to ha, ...)
in which quotation marks and brackets count as spaces, so ``لهيئة «تحرير الشام»``
holds ``هيئة تحرير الشام``.  All forms of all entries go into one Aho-Corasick
automaton (``pyahocorasick``); every hit is then checked against the clitic
rules, which only look at the few letters around the hit:

* **Proclitics** (before the first word of a term only): the conjunctions
  ``و`` ``ف``, the prepositions ``ب`` ``ك`` ``ل``, or a conjunction followed by a
  preposition (``وب``, ``فل``...).
* **The article**: a form that starts with ``ال`` takes ``و`` ``ف`` ``ب`` ``ك``
  (``وال`` ``فال`` ``بال`` ``كال``, and ``وبال``...) but never ``ل`` directly:
  ``ل`` + ``ال`` is written ``لل`` (``للمصالحة``), and ``ل`` + ``الل`` is written
  ``لل`` too (``اللاذقية`` -> ``للاذقية``); ``لال...`` is not a match.
* **Enclitic pronouns** (``ه ها هما هم هن ك كم كما كن نا``) only on single-word
  terms without the article; a final ``ة`` is written ``ت`` before them
  (``حماة`` -> ``حماتها``) and never stays ``ة``.  The first-person ``ي``/``ني``
  is left out on purpose: after a place or group name it is nearly always the
  nisba adjective (``إدلبي``), which is a different word.
* **Word boundaries** on the Arabic letter class: anything else attached to
  the hit (``الشامية`` for ``الشام``) rejects it.

Overlapping hits are resolved longest-first; spans map back to the original
text through the normaliser's offset map.
"""

from __future__ import annotations

import re
from typing import Iterable

import ahocorasick

from workbench.glossary.entry import Entry, TermMatch
from workbench.glossary.spans import longest_first as _longest
from workbench.glossary.tokens import arabic_key, arabic_tokens
from workbench.text.normalize import ARABIC_LETTER_CLASS

__all__ = ["ArabicMatcher", "PROCLITICS", "ARTICLE_PROCLITICS", "LAM_ARTICLE_PROCLITICS",
           "ENCLITICS"]

_CONJ = ("و", "ف")
_PREP = ("ب", "ك", "ل")
#: prefixes allowed before a form that does not start with the article
PROCLITICS: frozenset[str] = frozenset(
    [""] + list(_CONJ) + list(_PREP) + [c + p for c in _CONJ for p in _PREP])
#: prefixes allowed before a form that starts with the article (no bare ل: that is لل)
ARTICLE_PROCLITICS: frozenset[str] = frozenset(p for p in PROCLITICS if not p.endswith("ل"))
#: prefixes allowed before the merged ``لل`` spelling of ل + article
LAM_ARTICLE_PROCLITICS: frozenset[str] = frozenset(["", "و", "ف"])
#: enclitic pronouns (single-word terms without the article)
ENCLITICS: frozenset[str] = frozenset(["ه", "ها", "هما", "هم", "هن", "ك", "كم", "كما", "كن",
                                       "نا"])
_MAX_PREFIX = max(len(p) for p in PROCLITICS)
_MAX_SUFFIX = max(len(s) for s in ENCLITICS)

_LETTER = re.compile(f"[{ARABIC_LETTER_CLASS}]")

# kinds of automaton key
_PLAIN, _TA_ENCLITIC, _LAM_ARTICLE = 0, 1, 2


class ArabicMatcher:
    """One Aho-Corasick automaton over every Arabic form of every entry."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[int, str, str, bool, bool]]] = {}
        for e in entries:
            for form in e.ar:
                key = _match_key(form)
                if not key:
                    continue
                multi = " " in key
                article = key.startswith("ال")
                keys.setdefault(key, []).append((_PLAIN, e.id, form, multi, article))
                if article and len(key) > 3:
                    merged = "لل" + (key[3:] if key.startswith("الل") else key[2:])
                    keys.setdefault(merged, []).append((_LAM_ARTICLE, e.id, form, multi, article))
                elif not multi and not article and form.rstrip().endswith(("ة", "ۀ")) \
                        and key.endswith("ه"):
                    keys.setdefault(key[:-1] + "ت", []).append(
                        (_TA_ENCLITIC, e.id, form, multi, article))
        for key, payloads in keys.items():
            self.automaton.add_word(key, (len(key), tuple(payloads)))
        self.size = len(keys)
        if keys:
            self.automaton.make_automaton()

    def match(self, text: str, *, homonyms: bool = False) -> list[TermMatch]:
        """The terms of ``text`` in text order, spans never overlapping.

        A form shared by several entries (homonyms: أريحا for Ariha and Jericho) gives
        one match, for the first entry, unless ``homonyms``: then one match per entry,
        all with the same span (consecutive in the result).
        """
        if self.size == 0 or not text:
            return []
        tt = arabic_tokens(text)
        hits = self._hits(tt.text, homonyms)
        if homonyms:
            return self._resolve_homonyms(text, tt, hits)
        return self._resolve(text, tt, hits)

    def _hits(self, mtext: str, homonyms: bool = False) -> list[tuple[int, int, str, str]]:
        n = len(mtext)
        letter = _LETTER.match
        hits = []
        for end_idx, (length, payloads) in self.automaton.iter(mtext):
            end = end_idx + 1
            start = end - length
            # the letters attached before and after the hit
            a = start
            while a > 0 and start - a <= _MAX_PREFIX and letter(mtext, a - 1):
                a -= 1
            if a > 0 and letter(mtext, a - 1):
                continue  # more letters before the hit than any proclitic has
            prefix = mtext[a:start]
            b = end
            while b < n and b - end <= _MAX_SUFFIX and letter(mtext, b):
                b += 1
            if b < n and letter(mtext, b):
                continue
            suffix = mtext[end:b]
            for kind, eid, form, multi, article in payloads:
                if kind == _LAM_ARTICLE:
                    ok = prefix in LAM_ARTICLE_PROCLITICS and not suffix
                elif kind == _TA_ENCLITIC:
                    ok = prefix in PROCLITICS and suffix in ENCLITICS
                else:
                    ok = prefix in (ARTICLE_PROCLITICS if article else PROCLITICS)
                    if ok and suffix:
                        ta_final = form.rstrip().endswith(("ة", "ۀ"))
                        ok = not multi and not article and not ta_final and suffix in ENCLITICS
                if ok:
                    hits.append((start, end, eid, form))
                    if not homonyms:
                        break
        return hits

    @staticmethod
    def _resolve(text: str, tt, hits) -> list[TermMatch]:
        # longest match wins; spans never overlap
        out = []
        for start, end, eid, form in _longest(hits):
            a, b = tt.to_original(start, end)
            out.append(TermMatch(eid, a, b, text[a:b], "source", form))
        return out

    @staticmethod
    def _resolve_homonyms(text: str, tt, hits) -> list[TermMatch]:
        # the same, but hits sharing a span (homonyms) are all kept
        same: dict[tuple[int, int], list[tuple[str, str]]] = {}
        for start, end, eid, form in hits:
            same.setdefault((start, end), []).append((eid, form))
        chosen = _longest(list(same)) if len(same) < len(hits) else _longest(hits)
        out = []
        for h in chosen:
            start, end = h[0], h[1]
            a, b = tt.to_original(start, end)
            seen = set()
            for eid, form in same[(start, end)]:
                if eid not in seen:
                    seen.add(eid)
                    out.append(TermMatch(eid, a, b, text[a:b], "source", form))
        return out


def _match_key(form: str) -> str:
    return arabic_key(form)  # normalised, quotes and brackets as spaces
