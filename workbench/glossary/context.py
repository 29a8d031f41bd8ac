"""The context rules of ambiguous entries, applied to one aligned pair (used by QA only).

An entry marked ``ambiguous`` (see :mod:`.entry`) says how to tell its senses apart:

* **Arabic** ``before``/``after`` words confirm the term when they stand right before or
  after the form (``مدينة حماة``), ``not_before``/``not_after`` rule it out (``حماة
  الديار``).  The neighbouring words are compared normalised and with their proclitics
  (``و ف ب ك ل``, ``وال``, ``لل``...) stripped, so ``بمدينة`` is ``مدينة``.  A form written
  with tanween (``درعًا``, an accusative indefinite noun) is never the name.
* **English** ``en_before``/``en_after`` confirm, ``en_not_before``/``en_not_after`` rule
  out (``Damascus, Maryland``), on the word right before/after the English match
  (a comma between them allowed); ``en_other_sense`` words, or word beginnings, anywhere in
  the English show that it renders another sense of the Arabic (``guardians`` for حماة).
* ``en_adjective`` words (any entry) render the name inside a phrase: "Syrian Democratic
  Forces" for قوات سوريا الديمقراطية has Syria (:func:`adjective_in`).

:func:`arabic_verdict` and :func:`english_verdict` return ``"other"`` (another sense:
no finding), ``"term"`` (the context confirms the term) or ``"unknown"``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from workbench.glossary.arabic import PROCLITICS
from workbench.glossary.entry import Entry
from workbench.glossary.tokens import arabic_key, english_key
from workbench.text.normalize import ARABIC_LETTER_CLASS

__all__ = ["arabic_verdict", "english_verdict", "is_ambiguous_arabic", "is_ambiguous_english",
           "other_sense_in", "has_english_rules", "adjective_in"]

_AR_MARKS = "\u064b-\u065f\u0670\u0640"
#: an Arabic word with its diacritics (letters of the Arabic blocks, presentation forms too)
_AR_CHAR = re.compile(f"[{ARABIC_LETTER_CLASS}{_AR_MARKS}\ufb50-\ufdff\ufe70-\ufeff]")
_TANWEEN = re.compile("[\u064b-\u064d]")
_EN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
#: what may stand between an English match and its neighbour ("Damascus, Maryland")
_EN_GAP = re.compile(r"^[\s,]*$")
#: or an article ("Hafez al-Assad" for the form "Assad")
_EN_GAP_ARTICLE = re.compile(r"^[\s,]*(?:[ae]l[-‐\s]+)?$", re.IGNORECASE)


def _strips(word: str) -> set[str]:
    """A normalised Arabic word and its readings without a proclitic."""
    out = {word}
    for p in PROCLITICS:
        if p and word.startswith(p) and len(word) - len(p) >= 2:
            out.add(word[len(p):])
    for w in list(out):
        if w.startswith("لل") and len(w) > 3:
            out.add("ال" + w[2:])
    return out


@lru_cache(maxsize=4096)
def _keys(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(arabic_key(w) for w in words if arabic_key(w))


def is_ambiguous_arabic(entry: Entry, form: str) -> bool:
    """True when ``form`` (one of the entry's Arabic forms) is marked ambiguous."""
    if entry.ambiguous_all or entry.homonyms:
        return True
    key = arabic_key(form)
    return any(arabic_key(a) == key for a in entry.ambiguous)


def is_ambiguous_english(entry: Entry, form: str) -> bool:
    key = english_key(form)
    return any(english_key(a) == key for a in entry.ambiguous)


def has_english_rules(entry: Entry) -> bool:
    """The entry tells its English senses apart (a capital, or words before/after)."""
    return any(k in entry.context for k in ("capital", "en_before", "en_after",
                                            "en_not_before", "en_not_after"))


def _arabic_neighbours(text: str, start: int, end: int) -> tuple[str, str]:
    """The normalised Arabic words right before and after ``text[start:end]`` ("" if none,
    or if punctuation stands between)."""
    a = start
    while a > 0 and _AR_CHAR.match(text, a - 1):
        a -= 1  # the match's own proclitics
    left = text[:a].rstrip()
    prev = ""
    if left and _AR_CHAR.match(left, len(left) - 1):
        b = len(left)
        while b > 0 and _AR_CHAR.match(left, b - 1):
            b -= 1
        prev = arabic_key(left[b:])
    b = end
    while b < len(text) and _AR_CHAR.match(text, b):
        b += 1  # enclitics
    right = text[b:]
    stripped = right.lstrip()
    nxt = ""
    if stripped and len(stripped) < len(right) and _AR_CHAR.match(stripped):
        k = 0
        while k < len(stripped) and _AR_CHAR.match(stripped, k):
            k += 1
        nxt = arabic_key(stripped[:k])
    return prev, nxt


def _surface_word(text: str, start: int, end: int) -> str:
    """The whole word(s) around ``text[start:end]``, diacritics kept."""
    a, b = start, end
    while a > 0 and _AR_CHAR.match(text, a - 1):
        a -= 1
    while b < len(text) and _AR_CHAR.match(text, b):
        b += 1
    return unicodedata.normalize("NFKC", text[a:b])


def arabic_verdict(entry: Entry, text: str, start: int, end: int) -> str:
    """``other``, ``term`` or ``unknown`` for the match ``text[start:end]`` of ``entry``."""
    ctx = entry.context
    if _TANWEEN.search(_surface_word(text, start, end)):
        return "other"  # درعًا "a shield", سرمدًا "forever": an indefinite accusative noun
    prev, nxt = _arabic_neighbours(text, start, end)
    prevs = _strips(prev) if prev else set()
    nexts = _strips(nxt) if nxt else set()
    if prevs & _keys(tuple(ctx.get("not_before", ()))) or \
            nexts & _keys(tuple(ctx.get("not_after", ()))):
        return "other"
    if prevs & _keys(tuple(ctx.get("before", ()))) or nexts & _keys(tuple(ctx.get("after", ()))):
        return "term"
    return "unknown"


@lru_cache(maxsize=4096)
def _other_sense_re(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    alts = "|".join(sorted((re.escape(w.casefold()) for w in words), key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alts})", re.IGNORECASE)


def other_sense_in(entry: Entry, english: str) -> str | None:
    """The first word of ``english`` that renders another sense of the entry's Arabic
    (``en_other_sense`` words are word beginnings: "guardian" finds "guardians")."""
    pattern = _other_sense_re(tuple(entry.context.get("en_other_sense", ())))
    if pattern is None:
        return None
    m = pattern.search(english)
    if not m:
        return None
    end = m.end()
    while end < len(english) and (english[end].isalnum() or english[end] == "-"):
        end += 1
    return english[m.start():end]


@lru_cache(maxsize=4096)
def _adjective_re(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    alts = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alts})(?![^\W_])")


def adjective_in(entry: Entry, english: str) -> str | None:
    """The first ``en_adjective`` of the entry in ``english`` (whole words, as written:
    "Syrian Democratic Forces" renders سوريا), or None."""
    pattern = _adjective_re(tuple(entry.context.get("en_adjective", ())))
    m = pattern.search(english) if pattern is not None else None
    return m.group() if m else None


def _en_neighbours(text: str, start: int, end: int) -> tuple[str, str]:
    before = [m for m in _EN_WORD.finditer(text, max(0, start - 60), start)
              if m.group().lower() not in ("al", "el")]
    prev = ""
    if before and _EN_GAP_ARTICLE.match(text[before[-1].end():start]):
        prev = before[-1].group()
    m = _EN_WORD.search(text, end, min(len(text), end + 60))
    nxt = m.group() if m and _EN_GAP.match(text[end:m.start()]) else ""
    return prev, nxt


def _en_in(word: str, words) -> bool:
    w = word.casefold()
    return bool(w) and any(w == x.casefold() for x in words)


def english_verdict(entry: Entry, text: str, start: int, end: int) -> str:
    """``other``, ``term`` or ``unknown`` for the English match ``text[start:end]``."""
    ctx = entry.context
    prev, nxt = _en_neighbours(text, start, end)
    if _en_in(prev, ctx.get("en_not_before", ())) or _en_in(nxt, ctx.get("en_not_after", ())):
        return "other"
    if _en_in(prev, ctx.get("en_before", ())) or _en_in(nxt, ctx.get("en_after", ())):
        return "term"
    return "unknown"
