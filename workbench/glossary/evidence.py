"""House-style spellings: is a name in the English a transliteration variant of a term?

Used by QA only, for a term the Arabic has and the English lacks (so matching speed does
not change): the English is searched for a capitalised name whose **transliteration key**
equals, or is close to, the key of one of the entry's allowed forms.

The key of a word (:func:`word_key`) undoes the usual differences between house styles:
apostrophes for hamza/ayn dropped (``Dar'a``), ``ph``->``f``, ``gh``->``g`` (``Shugour``),
``dh``->``d``, ``th``->``t``, ``ch``->``sh`` (the French system: ``Khan Cheikhoun``,
``Bachar``), ``q``/``c``/``ck``->``k``, ``ee``->``i``, ``oo``/``ou``->``u``,
``ei``/``ai``/``ey``->``ay``,
doubled letters single (``Hazzarin``, ``Daraa``), a final ``h`` after a vowel dropped
(``Hamah``, ``Tamaneh``), a final ``e`` after a consonant read as ``a`` in ``-eh``; the
article (``al-``, ``el-``, ``ash-``, ``ad-``...) is not part of the key.

A candidate is a variant when, word for word:

1. its consonant skeleton (the key without vowels and without ``w``/``y`` inside the word, an
   initial vowel kept as a mark) equals the form's, and both end in a vowel or both do not;
2. its vowel groups agree with the form's by class (``a``~``e``, ``i``~``e``~``y``,
   ``u``~``o``~``w``), where a group with a glide takes the glide's class (``ay``/``ei`` is
   an *i*, ``aw`` a *u*: Suhaib is not Sahab) and an ``e`` in the closed last syllable of
   the glossary's own form is an *i* (its Harem is Harim: Haram is another word), except
   before a final ``t`` (the construct ``-et`` of Jabhet); in a press spelling that ``e``
   stays free (Ahmed for Ahmad, so Saheb still passes for Sahab).  The **first** vowel of a word of three or more
   consonants may differ (Homs/Hims, Hujra/Hijra, Azmarin/Izmarin): it is nearly always a
   short vowel, which Arabic does not write, and where colloquial and standard readings
   part;
3. it has as many vowel groups as the form, or one fewer or more: anywhere in a word of four
   or more consonants (a dropped vowel, ``Sraqib``), in the first syllable only in a word of
   three (``al-Hbeit`` for al-Habit, ``Khan al-Sbol``);
4. a form that ends in a doubled vowel, the mark of a final ayn or hamza (``Daraa``), is
   matched only by a candidate whose word also ends in a marked vowel (``Deraa``, ``Dar'a``,
   ``Daraah``): ``Darra`` or ``Dura`` drop a consonant of the name;
5. the rapidfuzz ratio of the keys (a free first vowel counted as the form's) is at least
   :data:`HOUSE_MIN_SCORE` (calibrated on
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
_REPLACE = (("'", ""), ("’", ""), ("ʼ", ""), ("`", ""), ("ph", "f"), ("gh", "g"), ("dh", "d"),
            ("th", "t"), ("ck", "k"), ("ch", "sh"), ("q", "k"), ("c", "k"), ("ee", "i"), ("oo", "u"),
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
#: the mark of a final ayn or hamza in a name key (see :func:`name_key`)
_MARK = "'"
#: a word that ends in a marked vowel: doubled, or after an apostrophe (Daraa, Dar'a, Daraah)
_MARKED_END = re.compile(r"(?:([aeiou])\1|['’ʼ`ʿ][aeiou]{1,2})h?$")


@dataclass(frozen=True)
class _Shape:
    skeleton: str  # consonants, "V" for an initial vowel
    consonants: int
    groups: tuple[frozenset, ...]  # the vowel groups' classes
    #: the same, read as the glossary's own spelling: a closed last syllable's e is an i
    form_groups: tuple[frozenset, ...]
    ends_vowel: bool
    onset_cluster: bool  # two consonants open the word (Hbeit, Sbol, Sraqib)
    marked: bool  # the word ends in a marked vowel (Daraa)
    first_run: tuple[int, int] | None = None  # where the first vowel group is in the key


def _group_class(chars: str, last_closed: bool = False) -> frozenset:
    if "y" in chars or "w" in chars:
        # a diphthong takes its glide's class: ay/ei is an i, aw an u
        return frozenset(("I",) * ("y" in chars) + ("U",) * ("w" in chars))
    if chars == "e" and last_closed:
        return frozenset({"I"})  # Harem (Harim): the glossary writes e for i there
    out: set[str] = set()
    for ch in chars:
        out |= _CLASSES[ch]
    return frozenset(out)


@lru_cache(maxsize=65536)
def _shape(key: str) -> _Shape:
    """The shape of a word key (a trailing :data:`_MARK` is the marked final vowel).

    ``w``/``y`` are vowels after a vowel or before a consonant (``shaykhun``, ``tawba``),
    consonants at the start of a word or between two vowels (``Darayya``)."""
    marked = key.endswith(_MARK)
    key = key.rstrip(_MARK)
    if not key:
        return _Shape("", 0, (), (), False, False, marked)
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
    runs: list[tuple[str, int]] = []  # (the group's letters, where it ends)
    start = None
    for i in range(n + 1):
        if i < n and vowel[i]:
            start = i if start is None else start
            continue
        if start is not None:
            runs.append((key[start:i], i))
            start = None
        if i < n:
            skel += key[i]
    groups = tuple(_group_class(chars) for chars, _ in runs)
    # the last group, in a closed syllable (consonants to the end) not closed by a t
    form_groups = tuple(_group_class(chars, k == len(runs) - 1 and k > 0 and end < n
                                     and key[-1] != "t")
                        for k, (chars, end) in enumerate(runs))
    onset = n > 1 and not vowel[0] and not vowel[1]
    first = (runs[0][1] - len(runs[0][0]), runs[0][1]) if runs else None
    return _Shape(skel, len(skel.replace("V", "")), groups, form_groups, vowel[-1], onset,
                  marked, first)


def name_key(text: str) -> tuple[str, ...]:
    """The key of a name, one item a word, articles left out; a word that ends in a marked
    vowel (a final ayn or hamza: ``Daraa``, ``Dar'a``) carries a trailing ``'``."""
    return tuple(w[2] for w in _words(text) if not w[3] and w[2])


def _vowels_agree(f: _Shape, c: _Shape) -> bool:
    """Whether the candidate's vowel groups can spell the form's (rules 2 and 3)."""
    fg, cg = f.form_groups, c.groups
    free_first = f.consonants >= 3  # the first vowel: short, unwritten, read either way
    if len(fg) == len(cg):
        return all(x & y for k, (x, y) in enumerate(zip(fg, cg)) if k or not free_first)
    if abs(len(fg) - len(cg)) > 1:
        return False
    if f.consonants >= 4:
        return True  # a vowel dropped or added anywhere in a long word
    if f.consonants < 3:
        return False
    # a word of three consonants: only the first syllable's vowel dropped (al-Hbeit)
    longer, shorter = (f, c) if len(fg) > len(cg) else (c, f)
    if not shorter.onset_cluster or longer.onset_cluster or longer.skeleton.startswith("V"):
        return False
    lg, sg = (fg[1:], cg) if longer is f else (fg, cg[1:])
    return all(x & y for x, y in zip(lg, sg))


def house_score(form_key: tuple[str, ...], cand_key: tuple[str, ...]) -> float | None:
    """The similarity of two name keys if the candidate can be a spelling of the form
    (the rules of the module docstring), else None."""
    if len(form_key) != len(cand_key) or not form_key:
        return None
    for f, c in zip(form_key, cand_key):
        fs, cs = _shape(f), _shape(c)
        if fs.skeleton != cs.skeleton or fs.ends_vowel != cs.ends_vowel:
            return None  # other consonants, or a final vowel added or dropped (Tehrani)
        if fs.marked and not cs.marked:
            return None  # Darra for Daraa: the final ayn is gone
        c = c.rstrip(_MARK)
        if c.endswith("e") and not f.rstrip(_MARK).endswith("e") and len(c) > 1 \
                and c[-2] not in _VOWELS:
            return None  # a silent English e (Dane, Home) is not a final vowel
        if not _vowels_agree(fs, cs):
            return None
    return float(fuzz.ratio(" ".join(k.rstrip(_MARK) for k in form_key),
                            " ".join(_scored(f, c) for f, c in zip(form_key, cand_key))))


def _scored(f: str, c: str) -> str:
    """The candidate word's key as it is scored: a first vowel that differs where it is free
    (rule 2) is the form's, so that the free vowel costs no similarity (al-Hobeit)."""
    f, c = f.rstrip(_MARK), c.rstrip(_MARK)
    fs, cs = _shape(f), _shape(c)
    if fs.consonants < 3 or len(fs.groups) != len(cs.groups) or not fs.groups \
            or fs.form_groups[0] & cs.groups[0] or fs.first_run is None or cs.first_run is None:
        return c
    (fa, fb), (ca, cb) = fs.first_run, cs.first_run
    return c[:ca] + f[fa:fb] + c[cb:]


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
        key = "" if article else word_key(tok)
        if key and _MARKED_END.search(tok.lower()):
            key += _MARK
        out.append((m.start(), end, key, article))
    return out


def _forms(entry: Entry) -> list[tuple[str, tuple[str, ...]]]:
    return [(f, name_key(f)) for f in entry.allowed]


def find_house_variant(entry: Entry, text: str, taken: Iterable[tuple[int, int]] = (), *,
                       min_score: float | None = None, forms: Iterable[str] | None = None,
                       covering: tuple[int, int] | None = None) -> HouseVariant | None:
    """The best capitalised name in ``text`` that is a house-style spelling of ``entry``
    (of ``forms`` if given, else of its allowed forms), not overlapping the ``taken`` spans
    (other terms already matched) and, with ``covering``, containing that span; or None."""
    threshold = HOUSE_MIN_SCORE if min_score is None else min_score
    words = _words(text)
    taken = list(taken)
    best: HouseVariant | None = None
    todo = _forms(entry) if forms is None else [(f, name_key(f)) for f in forms]
    for form, fkey in todo:
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
            if covering is not None and not (a <= covering[0] and covering[1] <= b):
                continue
            if best is None or score > best.score:
                best = HouseVariant(a, b, text[a:b], form, score)
    return best
