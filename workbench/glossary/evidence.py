"""House-style spellings: is a name in the English a transliteration variant of a term?

Used by QA only, for a term the Arabic has and the English lacks (so matching speed does
not change): the English is searched for a capitalised name whose **transliteration key**
equals, or is close to, the key of one of the entry's allowed forms.

The key of a word (:func:`word_key`) undoes the usual differences between house styles:
apostrophes for hamza/ayn dropped (``Dar'a``), ``ph``->``f``, ``dh``->``d``, ``th``->``t``,
``q``/``c``/``ck``->``k``, ``ee``->``i``, ``oo``/``ou``->``u``, ``ei``/``ai``/``ey``->``ay``,
doubled letters single (``Hazzarin``, ``Daraa``), a final ``h`` after a vowel dropped
(``Hamah``, ``Tamaneh``), a final ``e`` after a consonant read as ``a`` in ``-eh``; the
article (``al-``, ``el-``, ``ash-``, ``ad-``...) is not part of the key.

A candidate is a variant when, word for word, (1) its consonant skeleton (the key without
vowels and without ``w``/``y`` inside the word, an initial vowel kept as a mark) equals the
form's, (2) it has as many vowel groups as the form (one more or fewer allowed in words of
four or more consonants: a dropped vowel, ``Sraqib``), and (3) the rapidfuzz ratio of the
keys is at least :data:`HOUSE_MIN_SCORE` (calibrated on
``benchmarks/data/glossary/press_spellings.tsv``; see ``benchmarks/glossary_qa.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz

from workbench.glossary.entry import Entry
from workbench.glossary.tokens import english_key

__all__ = ["HOUSE_MIN_SCORE", "HouseVariant", "word_key", "name_key", "house_score",
           "find_house_variant"]

#: minimum rapidfuzz ratio (percent) between the keys of a candidate and a form
HOUSE_MIN_SCORE = 60.0

#: article spellings before a hyphen (``ash-Sham``, ``ad-Dana``, ``ez-Zor``)
_HYPHEN_ARTICLES = frozenset("al el il ul as ash ad adh an ar at ath az ez es ed et en er"
                             .split())
_ARTICLES = frozenset(["al", "el"])
_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*")
_DASHES = "-‐‑‒–"
_REPLACE = (("'", ""), ("’", ""), ("ʼ", ""), ("`", ""), ("ph", "f"), ("dh", "d"),
            ("th", "t"), ("ck", "k"), ("q", "k"), ("c", "k"), ("ee", "i"), ("oo", "u"),
            ("ou", "u"), ("ei", "ay"), ("ai", "ay"), ("ey", "ay"))
_VOWELS = "aeiou"
_POSSESSIVE = re.compile(r"['’]s$")


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """The transliteration key of one word (``Deraah`` -> ``dera``, ``Sheikhoun`` ->
    ``shaykhun``, ``Latakiyah`` -> ``latakia``)."""
    w = english_key(_POSSESSIVE.sub("", word)).replace(" ", "")
    for a, b in _REPLACE:
        w = w.replace(a, b)
    w = re.sub(r"(.)\1+", r"\1", w)
    if len(w) > 2 and w.endswith("h") and w[-2] in "ae":
        w = w[:-1]  # Hamah, Tamaneh (ta marbuta; Fatih keeps its h)
        if w.endswith("e"):
            w = w[:-1] + "a"
    w = re.sub(r"iya(?=$|[^aeiou])", "ia", w)  # the nisba ending: Latakiya, Sharqiya
    return w


_CLASSES = {"a": {"A"}, "e": {"A", "I"}, "i": {"I"}, "y": {"I"}, "o": {"U"}, "u": {"U"},
            "w": {"U"}}


@lru_cache(maxsize=65536)
def _shape(key: str) -> tuple[str, int, tuple[frozenset, ...], bool]:
    """(skeleton, consonants, vowel groups as vowel classes, ends with a vowel) of a word key.

    ``w``/``y`` are vowels after a vowel or before a consonant (``shaykhun``, ``tawba``),
    consonants at the start of a word or between two vowels (``Darayya``)."""
    if not key:
        return "", 0, (), False
    n = len(key)
    vowel = []
    for i, ch in enumerate(key):
        if ch in _VOWELS:
            vowel.append(True)
        elif ch in "wy" and i > 0:
            between = key[i - 1] in _VOWELS and i + 1 < n and key[i + 1] in _VOWELS
            vowel.append(not between)
        else:
            vowel.append(False)
    skel = "V" if vowel[0] else ""
    groups: list[frozenset] = []
    run: set[str] = set()
    for i, ch in enumerate(key):
        if vowel[i]:
            run |= _CLASSES[ch]
            continue
        if run:
            groups.append(frozenset(run))
            run = set()
        skel += ch
    if run:
        groups.append(frozenset(run))
    return skel, len(skel.replace("V", "")), tuple(groups), vowel[-1]


def name_key(text: str) -> tuple[str, ...]:
    """The key of a name, one item a word, articles left out."""
    return tuple(w[2] for w in _words(text) if not w[3] and w[2])


def house_score(form_key: tuple[str, ...], cand_key: tuple[str, ...]) -> float | None:
    """The similarity of two name keys if the candidate can be a spelling of the form
    (same skeletons, compatible vowels), else None."""
    if len(form_key) != len(cand_key) or not form_key:
        return None
    for f, c in zip(form_key, cand_key):
        fs, fn, fg, fv = _shape(f)
        cs, _, cg, cv = _shape(c)
        if fs != cs or fv != cv:
            return None  # other consonants, or a final vowel added or dropped (Tehrani)
        if c.endswith("e") and not f.endswith("e") and len(c) > 1 and c[-2] not in _VOWELS:
            return None  # a silent English e (Dane, Home) is not a final vowel
        if len(fg) == len(cg):
            if any(not (x & y) for x, y in zip(fg, cg)):
                return None  # Sahib is not Sahab, Omar not Amar (a~e, i~e~y, u~o~w only)
        elif fn < 4 or abs(len(fg) - len(cg)) > 1:
            return None
    return float(fuzz.ratio(" ".join(form_key), " ".join(cand_key)))


@dataclass(frozen=True)
class HouseVariant:
    start: int
    end: int
    surface: str
    form: str  # the entry's form it is a spelling of
    score: float


def _words(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, key, is_article) of the words of ``text``."""
    out = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        low = tok.lower()
        article = low in _ARTICLES or (low in _HYPHEN_ARTICLES and m.end() < len(text)
                                       and text[m.end()] in _DASHES)
        end = m.end()
        if _POSSESSIVE.search(tok) and len(tok) > 3:
            end -= 2  # "al-Asad's": the possessive is not the name's
            tok = tok[:-2]
        out.append((m.start(), end, "" if article else word_key(tok), article))
    return out


def _forms(entry: Entry) -> list[tuple[str, tuple[str, ...]]]:
    return [(f, name_key(f)) for f in entry.allowed]


def find_house_variant(entry: Entry, text: str, taken: Iterable[tuple[int, int]] = (), *,
                       min_score: float | None = None) -> HouseVariant | None:
    """The best capitalised name in ``text`` that is a house-style spelling of ``entry``
    (not overlapping the ``taken`` spans: other terms already matched), or None."""
    threshold = HOUSE_MIN_SCORE if min_score is None else min_score
    words = _words(text)
    taken = list(taken)
    best: HouseVariant | None = None
    for form, fkey in _forms(entry):
        n = len(fkey)
        if not n:
            continue
        content = [i for i, w in enumerate(words) if not w[3]]
        for j in range(len(content) - n + 1):
            idx = content[j:j + n]
            if idx[-1] - idx[0] != n - 1 + sum(1 for k in range(idx[0], idx[-1])
                                                if words[k][3]):
                continue  # the words must follow each other (articles between allowed)
            if not all(text[words[k][0]].isupper() for k in idx):
                continue
            ckey = tuple(words[k][2] for k in idx)
            score = house_score(fkey, ckey)
            if score is None or score < threshold:
                continue
            a, b = words[idx[0]][0], words[idx[-1]][1]
            # a leading article belongs to the name (ad-Dana for al-Dana)
            if idx[0] > 0 and words[idx[0] - 1][3] and \
                    text[words[idx[0] - 1][1]:a] in ("-", " ", "‐") + tuple(_DASHES):
                a = words[idx[0] - 1][0]
            if any(s < b and a < e for s, e in taken):
                continue
            if best is None or score > best.score:
                best = HouseVariant(a, b, text[a:b], form, score)
    return best
