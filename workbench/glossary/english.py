"""Finding glossary terms in English text and classifying how they are spelled.

Every English form of every entry (preferred, variants, deprecated, forbidden)
goes, normalised (:func:`workbench.text.normalize_english`: case, apostrophes,
hyphens, ``el-``/``al-``...), into one Aho-Corasick automaton; a hit must sit
on word boundaries (a possessive ``'s`` is allowed after it) and, if the form
has capitals, contain a capital (``turkey`` is not ``Turkey``).  A trailing
apostrophe is left out of the match when it is a possessive or closes a quotation,
and is part of it otherwise (``Daraa'``: a final ayn or hamza, an ``equivalent``
spelling).  Its status:

* ``preferred`` / ``variant`` / ``deprecated`` / ``forbidden``: the text spells
  exactly that form (a capitalised first letter at a sentence start, and a
  headline in capitals, count as exact; so do curly for straight apostrophes);
* ``equivalent``: equal to an allowed form only after normalisation
  (``Hayat Tahrir Al sham`` for ``Hay'at Tahrir al-Sham``), unless it is
  equivalent to a deprecated or forbidden form, whose status it then takes.

A second, looser pass finds **probable** transliteration variants that no form
covers: each word is reduced to a consonant skeleton (vowels, ``y`` and final
``h`` after a vowel dropped, ``q``/``c`` -> ``k``, doubled letters collapsed)
and word sequences are looked up in a table of form skeletons; a hit must be
capitalised and close to the form by ``rapidfuzz`` similarity.  Probable
matches are reported as such, never accepted silently.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from itertools import accumulate
from typing import Iterable

import ahocorasick
from rapidfuzz import fuzz

from workbench.glossary.entry import Entry, TermMatch
from workbench.glossary.spans import longest_first as _longest
from workbench.glossary.tokens import english_key, english_tokens
from workbench.text.normalize import APOSTROPHES

__all__ = ["EnglishMatcher", "skeleton", "skeleton_key", "PROBABLE_MIN_SCORE"]

#: minimum rapidfuzz ratio (percent) between a probable match and its form
PROBABLE_MIN_SCORE = 70.0
#: minimum number of skeleton consonants for a probable match (short names are too ambiguous)
PROBABLE_MIN_CONSONANTS = 4

_STATUS_RANK = {"forbidden": 0, "deprecated": 1, "preferred": 2, "variant": 3}
_BEST_FIRST = ("preferred", "variant", "deprecated", "forbidden")
_SENTENCE_END = re.compile(r"(?:^|[.!?:]\s*|\n)[\"'“‘«(\[\s]*$")
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=200000)
def skeleton(word: str) -> str:
    """The consonant skeleton of one normalised word (``saraqeb`` -> ``srkb``)."""
    if word == "al":
        return "al"
    w = re.sub(r"([aeiou])h$", r"\1", word)
    w = w.replace("ph", "f").replace("ck", "k").replace("q", "k").replace("c", "k")
    head, rest = w[:1], w[1:]
    if head in "aeiou":
        head = ""
    rest = re.sub(r"[aeiouy]", "", rest)
    w = head + rest
    return re.sub(r"(.)\1+", r"\1", w)


def skeleton_key(text: str) -> tuple[str, ...]:
    """The skeleton of a (multi-word) form or text span, one item a word."""
    return tuple(skeleton(w) for w in _WORD.findall(english_key(text)))


_APOSTROPHE_TABLE = {ord(c): "'" for c in APOSTROPHES}


def _unify_apostrophes(s: str) -> str:
    return s.translate(_APOSTROPHE_TABLE)


def _has_upper(s: str) -> bool:
    return any(ch.isupper() for ch in s)


class EnglishMatcher:
    """One automaton over every English form; a skeleton table for probable variants."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, str, str]]] = {}
        self.skeletons: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        self.exact_keys: set[str] = set()
        self.max_words = 1
        for e in entries:
            for form, status in e.english_forms():
                key = english_key(form)
                if not key:
                    continue
                keys.setdefault(key, []).append((e.id, form, status))
                if status == "forbidden":
                    continue  # forbidden forms are not spellings of the term
                sk = skeleton_key(form)
                if sum(len(s) for s in sk if s != "al") >= PROBABLE_MIN_CONSONANTS:
                    bucket = self.skeletons.setdefault(sk, [])
                    if (e.id, form) not in bucket:
                        bucket.append((e.id, form))
                    self.max_words = max(self.max_words, len(sk))
        for key, payloads in keys.items():
            self.automaton.add_word(key, (len(key), tuple(payloads)))
        self.exact_keys = set(keys)
        self.first_skeletons = {sk[0] for sk in self.skeletons}
        self.size = len(keys)
        if keys:
            self.automaton.make_automaton()

    # -- exact and normalisation-equivalent matches --------------------------------

    def match(self, text: str, *, probable: bool = True) -> list[TermMatch]:
        if self.size == 0 or not text:
            return []
        nt = english_tokens(text)
        norm = nt.text
        n = len(norm)
        hits = []
        for end_idx, (length, payloads) in self.automaton.iter(norm):
            end = end_idx + 1
            start = end - length
            if start > 0 and norm[start - 1].isalnum():
                continue
            if end < n and norm[end].isalnum():
                # a possessive: "Tahrir al-Sham's"
                if not (norm[end] == "s" and (end + 1 == n or not norm[end + 1].isalnum())
                        and text[nt.original_start(end) - 1] in APOSTROPHES):
                    continue
            a, b = nt.to_original(start, end)
            if b > a and text[b - 1] in APOSTROPHES and _mark_not_the_names(text, a, b):
                while b > a and text[b - 1] in APOSTROPHES:
                    b -= 1
            surface = text[a:b]
            status, eid, form = self._classify(text, a, surface, payloads)
            if status is None:
                continue
            hits.append((a, b, eid, form, status))
        chosen = _longest(hits)
        out = [TermMatch(eid, a, b, text[a:b], status, form) for a, b, eid, form, status in chosen]
        if probable and self.skeletons:
            out.extend(self._probable(text, nt, [(m.start, m.end) for m in out]))
            out.sort(key=lambda m: m.start)
        return out

    @staticmethod
    def _classify(text: str, a: int, surface: str, payloads):
        payloads = [p for p in payloads if not (_has_upper(p[1]) and not _has_upper(surface))]
        if not payloads:
            return None, None, None  # "turkey" is not "Turkey", "harem" not "Harem"
        plain = _unify_apostrophes(surface)
        at_start = not a or bool(_SENTENCE_END.search(text[max(0, a - 8):a]))
        if at_start:
            # "Al-Nusra Front" opening a sentence is the preferred "al-Nusra Front", even when
            # the capitalised form is listed as deprecated for use inside a sentence
            for eid, form, status in payloads:
                f = _unify_apostrophes(form)
                if status in ("preferred", "variant") and plain == f[:1].upper() + f[1:]:
                    return status, eid, form
        for eid, form, status in payloads:
            if plain == _unify_apostrophes(form):
                return status, eid, form
        if plain.isupper() and len(plain) > 1:
            # a headline in capitals ("TEHRAN (FNA)"): the best status whose capitals match
            upper = [p for p in payloads if _unify_apostrophes(p[1]).upper() == plain]
            if upper:
                eid, form, status = min(upper, key=lambda p: _BEST_FIRST.index(p[2]))
                return status, eid, form
        if at_start:
            # a capital at a sentence start does not make a spelling different
            for eid, form, status in payloads:
                f = _unify_apostrophes(form)
                if plain == f[:1].upper() + f[1:]:
                    return status, eid, form
        best = None
        for eid, form, status in payloads:
            if best is None or _STATUS_RANK[status] < _STATUS_RANK[best[2]]:
                best = (eid, form, status)
        if best is None:
            return None, None, None
        eid, form, status = best
        if status in ("preferred", "variant"):
            status = "equivalent"
        return status, eid, form

    # -- probable transliteration variants ------------------------------------------

    def _probable(self, text: str, nt, taken: list[tuple[int, int]]) -> list[TermMatch]:
        norm = nt.text
        toks = norm.split(" ")
        sks = [_token_skeleton(t) for t in toks]
        offsets = list(accumulate((len(t) + 1 for t in toks), initial=0))
        first = self.first_skeletons
        taken_starts = [t[0] for t in taken]  # sorted, non-overlapping
        n = len(toks)
        hits = []
        for i, sk0 in enumerate(sks):
            if sk0 not in first:
                continue
            for k in range(min(self.max_words, n - i), 0, -1):
                cands = self.skeletons.get(tuple(sks[i:i + k]))
                if not cands:
                    continue
                first_tok, last_tok = toks[i], toks[i + k - 1]
                s = offsets[i] + len(first_tok) - len(first_tok.lstrip(_PUNCT))
                e = offsets[i + k - 1] + len(last_tok.rstrip(_PUNCT))
                key = norm[s:e]
                if key in self.exact_keys:
                    break
                a, b = nt.to_original(s, e)
                j = bisect_left(taken_starts, b) - 1
                if j >= 0 and taken[j][1] > a:
                    break  # overlaps an exact match
                surface = text[a:b]
                if not _has_upper(surface):
                    break
                scored = [(fuzz.ratio(key, english_key(c[1])), c) for c in cands]
                score, best = max(scored, key=lambda t: t[0])
                if score < PROBABLE_MIN_SCORE:
                    break
                hits.append((a, b, best[0], best[1], "probable", score))
                break
        chosen = _longest([h[:5] for h in hits])
        scores = {(h[0], h[1]): h[5] for h in hits}
        return [TermMatch(eid, a, b, text[a:b], status, form, scores[(a, b)])
                for a, b, eid, form, status in chosen]


#: an opening single quote: at a word start, before a letter
_OPEN_QUOTE = re.compile(r"(?:^|(?<=[\s(\[\"“«—-]))['‘`](?=\w)")
#: a closing single quote: after a letter, not before one
_CLOSE_QUOTE = re.compile(r"(?<=\w)['’`](?!\w)")


def _mark_not_the_names(text: str, a: int, b: int) -> bool:
    """Whether the apostrophe ending the match ``text[a:b]`` belongs to the sentence rather
    than to the name's spelling: a possessive ("Daraa's", "Homs'", or "Tahrir al-Sham’
    commanders", a word following) or the end of a quotation opened before the name ("'Daraa'").  Otherwise
    ("deaths in Daraa'.") it transliterates a final ayn or hamza: a spelling of its own."""
    end = b
    while end > a and text[end - 1] in APOSTROPHES:
        end -= 1
    if end > a and text[end - 1].lower() in "sxz":
        return True
    rest = text[b:b + 3]
    if re.match(r"s(?!\w)|[ \t]+\w", rest):
        return True  # a word follows: the possessive of a name, written without its s
    opens = [m.start() for m in _OPEN_QUOTE.finditer(text, max(0, a - 300), a + 1)]
    return bool(opens) and not _CLOSE_QUOTE.search(text, opens[-1] + 1, end)


_PUNCT = "".join(chr(c) for c in range(0x21, 0x80) if not chr(c).isalnum()) + "“”‘’«»…–—"


@lru_cache(maxsize=200000)
def _token_skeleton(token: str) -> str:
    """The skeleton of one space-separated normalised token, punctuation around it dropped."""
    word = token.strip(_PUNCT)
    return skeleton(word) if word and _WORD.fullmatch(word) else ""
