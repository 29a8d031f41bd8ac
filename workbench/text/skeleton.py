"""Consonant skeletons: a rough common key for a name written in Arabic and in English.

Names cross from Arabic into English by transliteration (``كافانو`` / *Kavanaugh*,
``إدلب`` / *Idlib*, ``جسر الشغور`` / *Jisr al-Shoghour*).  Short vowels are not
written in Arabic and long ones are spelt every which way in English, so a name is
reduced to the sequence of its consonant *classes*: letters that transliterations
confuse share a class (``ق ك خ`` / *k c q kh* are ``K``; ``س ص ش ز`` / *s z sh* are
``S``; ``ج غ`` / *j g* are ``J``; ``ف`` / *f v ph* are ``F``), vowels, glides and
hamza are dropped, and repeated classes are written once.  *Kavanaugh* and
``كافانو`` both give ``KFN``.

This is deliberately coarse: a skeleton is an anchor candidate, not a match.  The
aligner (:mod:`workbench.align.anchors`) keeps only the skeletons that occur on both
sides of one document, and only from capitalised English words that are not common
words of that document, so that a collision has to happen twice to count.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

__all__ = ["arabic_skeletons", "english_skeleton", "english_name_skeletons", "lowercase_words",
           "MIN_CLASSES"]

#: Skeletons shorter than this many classes are too common to tell names apart.
MIN_CLASSES = 3

_AR_CLASSES = {
    "ب": "B", "پ": "B", "ت": "T", "ث": "T", "ط": "T", "ج": "J", "چ": "J", "غ": "J", "گ": "J",
    "ح": "H", "ه": "H", "خ": "K", "ق": "K", "ك": "K", "ک": "K", "د": "D", "ذ": "D", "ض": "D",
    "ر": "R", "ز": "S", "س": "S", "ش": "S", "ص": "S", "ظ": "S", "ف": "F", "ڤ": "F", "ل": "L",
    "م": "M", "ن": "N",
}
# letters, hamza forms, diacritics and tatweel: one Arabic word (diacritics do not split it)
_AR_WORD = re.compile(r"[\u0621-\u065F\u0670-\u06D3]+")
_EN_DIGRAPHS = (("sch", "S"), ("sh", "S"), ("ch", "S"), ("th", "T"), ("kh", "K"), ("ph", "F"),
                ("gh", "J"), ("ck", "K"), ("qu", "K"), ("dj", "J"))
_EN_CLASSES = {
    "b": "B", "p": "B", "t": "T", "d": "D", "j": "J", "g": "J", "k": "K", "c": "K", "q": "K",
    "x": "KS", "f": "F", "v": "F", "s": "S", "z": "S", "h": "H", "l": "L", "m": "M", "n": "N",
    "r": "R",
}
_EN_NAME = re.compile(r"\b[A-Z][a-z]+(?:['’][a-z]+)?")
_EN_LOWER = re.compile(r"\b[a-z]+\b")
#: Capitalised words that are not names (sentence starts, titles, days and months).
_EN_COMMON = frozenset("""
the a an and but or so yet in on at of for to from by with as it its he she they we you i his
her their our this that these those there here when while after before meanwhile however also
then now if not no more most many some all one two three mr mrs ms dr sen rep gov president
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december
""".split())


def _collapse(classes: Iterable[str]) -> str:
    out: list[str] = []
    for c in classes:
        for ch in c:
            if not out or out[-1] != ch:
                out.append(ch)
    return "".join(out)


def _arabic_skeleton(word: str) -> str:
    return _collapse(_AR_CLASSES.get(ch, "") for ch in word)


def _clitic_variants(word: str) -> set[str]:
    """The word with the conjunctions, prepositions and article it may carry taken off."""
    out = {word}
    for p in ("و", "ف"):
        if word.startswith(p) and len(word) > 3:
            out.add(word[1:])
    for v in list(out):
        for p in ("ب", "ل", "ك"):
            if v.startswith(p) and len(v) > 3:
                out.add(v[1:])
    for v in list(out):
        if (v.startswith("ال") or v.startswith("لل")) and len(v) > 4:
            out.add(v[2:])
    return out


def arabic_skeletons(text: str, min_classes: int = MIN_CLASSES) -> set[str]:
    """Skeletons of every word of an Arabic text, with and without its clitics."""
    keys: set[str] = set()
    for m in _AR_WORD.finditer(text):
        keys |= _word_skeletons(m.group(), min_classes)
    return keys


#: Words whose skeletons are remembered (a document's words recur, in its paragraphs and
#: in their sentences alike).
WORD_CACHE = 50_000


@lru_cache(maxsize=WORD_CACHE)
def _word_skeletons(word: str, min_classes: int) -> frozenset[str]:
    """The skeletons of one Arabic word, with and without its clitics."""
    return frozenset(s for s in map(_arabic_skeleton, _clitic_variants(word))
                     if len(s) >= min_classes)


@lru_cache(maxsize=WORD_CACHE)
def english_skeleton(word: str) -> str:
    """The skeleton of one English word (``"Kavanaugh"`` -> ``"KFN"``)."""
    w = re.sub(r"['’]s$", "", word.lower())
    if w.endswith("gh"):  # silent at the end of a word (Kavanaugh), else ghain (Shoghour)
        w = w[:-2]
    classes: list[str] = []
    i = 0
    while i < len(w):
        for digraph, c in _EN_DIGRAPHS:
            if w.startswith(digraph, i):
                i += len(digraph)
                break
        else:
            c = _EN_CLASSES.get(w[i], "")
            i += 1
        classes.append(c)
    return _collapse(classes)


def english_name_skeletons(text: str, common: set[str] | frozenset[str] = frozenset(),
                           min_classes: int = MIN_CLASSES) -> set[str]:
    """Skeletons of the capitalised words of ``text`` that look like names.

    ``common``: lower-cased words of the document seen in lower case (so *Meanwhile*
    at the start of a sentence is not a name when *meanwhile* occurs elsewhere).
    """
    keys: set[str] = set()
    for m in _EN_NAME.finditer(text):
        low = re.sub(r"['’]s$", "", m.group().lower())
        if low in _EN_COMMON or low in common:
            continue
        s = english_skeleton(low)
        if len(s) >= min_classes:
            keys.add(s)
    return keys


def lowercase_words(texts: Iterable[str]) -> set[str]:
    """Words written in lower case somewhere in ``texts`` (common words of a document)."""
    out: set[str] = set()
    for t in texts:
        out.update(_EN_LOWER.findall(t))
    return out
