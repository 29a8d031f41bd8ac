"""Normalisation for matching, with an offset map back to the original text.

Two normalisers are defined:

* :func:`normalize_arabic` -- NFKC; harakat (U+064B-U+0652), superscript alef
  (U+0670), tatweel, bidi and zero-width marks removed; hamza-carrying alefs and
  wasla to bare alef, alef maqsura to ya, ta marbuta to ha, Persian kaf/ya to
  Arabic; Arabic-Indic and Eastern Arabic-Indic digits to ASCII; runs of
  whitespace to one space.
* :func:`normalize_english` -- for transliterated names: NFKC, casefold,
  diacritics stripped (``ḥ ā`` -> ``h a``), apostrophe-like characters removed,
  the article forms ``el-``/``il-``/``ul-`` (and the assimilated ``ash-``,
  ``ad-``...) to ``al-``, hyphens and dashes to spaces, whitespace runs to one
  space.

Both return a :class:`NormalizedText`, whose :meth:`~NormalizedText.to_original`
maps a span of the normalised string back to the span of the original string
that produced it.  Matching happens on the normalised text; what is shown or
replaced is always the original text.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "NormalizedText",
    "normalize_arabic",
    "normalize_english",
    "normalized_arabic",
    "normalized_english",
    "normalize_digits",
    "is_arabic_char",
    "ARABIC_LETTER_CLASS",
]

# --- character tables -------------------------------------------------------

HARAKAT = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"
TATWEEL = "\u0640"
BIDI_AND_ZERO_WIDTH = (
    "".join(chr(c) for c in range(0x200B, 0x2010))  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    + "\u061c"  # Arabic letter mark
    + "".join(chr(c) for c in range(0x202A, 0x202F))  # LRE..RLO
    + "".join(chr(c) for c in range(0x2066, 0x206A))  # LRI..PDI
    + "\ufeff"  # BOM / ZWNBSP
)
#: Extra Quranic annotation marks, dropped like harakat.
QURANIC_MARKS = "".join(chr(c) for c in range(0x06D6, 0x06DD)) + "".join(
    chr(c) for c in range(0x06DF, 0x06E5)) + "".join(chr(c) for c in range(0x06E7, 0x06E9)) + \
    "".join(chr(c) for c in range(0x06EA, 0x06EE)) + "\u0653\u0654\u0655"

ARABIC_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)}
EASTERN_DIGITS = {chr(0x06F0 + i): str(i) for i in range(10)}

_AR_MAP: dict[int, str | None] = {ord(c): None for c in HARAKAT + TATWEEL + BIDI_AND_ZERO_WIDTH
                                  + QURANIC_MARKS}
_AR_MAP.update({ord(k): v for k, v in {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي",
    "ة": "ه", "ۀ": "ه", "ہ": "ه", "ە": "ه",
    "ک": "ك", "ڪ": "ك",
    "٫": ".", "٬": ",",
}.items()})
_AR_MAP.update({ord(k): v for k, v in ARABIC_DIGITS.items()})
_AR_MAP.update({ord(k): v for k, v in EASTERN_DIGITS.items()})

_DIGIT_MAP = {ord(k): v for k, v in {**ARABIC_DIGITS, **EASTERN_DIGITS, "٫": ".", "٬": ","}.items()}

APOSTROPHES = "'’‘ʼʻ`´ʿʾ′"
DASHES = "-‐‑‒–—―−"
_EN_DELETE = {ord(c): None for c in APOSTROPHES + BIDI_AND_ZERO_WIDTH}
_EN_DASH = {ord(c): " " for c in DASHES}

#: Regex character class of Arabic letters (after normalisation), for word boundaries.
ARABIC_LETTER_CLASS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff"
_ARABIC_LETTER_RE = re.compile(f"[{ARABIC_LETTER_CLASS}]")


def is_arabic_char(ch: str) -> bool:
    """True for a letter of the Arabic script (not punctuation, not digits)."""
    return bool(_ARABIC_LETTER_RE.match(ch))


# --- the result type --------------------------------------------------------

@dataclass(frozen=True, eq=False)
class NormalizedText:
    """A normalised string and, per normalised character, the original span it came from."""

    original: str
    text: str
    starts: array
    ends: array

    def __len__(self) -> int:
        return len(self.text)

    def __str__(self) -> str:
        return self.text

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to a span of :attr:`original`.

        The original span covers every original character that produced a
        character of the normalised span, including dropped marks between them
        (harakat on a letter stay with that letter).
        """
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span [{start}, {end}) outside normalised text of length {n}")
        if start == end:
            pos = self.starts[start] if start < n else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.to_original(start, end)
        return self.original[a:b]


# --- machinery --------------------------------------------------------------

def _clusters(text: str):
    """Yield (start, end) of base character + following combining marks."""
    n = len(text)
    i = 0
    combining = unicodedata.combining
    while i < n:
        j = i + 1
        while j < n and combining(text[j]):
            j += 1
        yield i, j
        i = j


def _build(original: str, pieces_iter) -> NormalizedText:
    """Assemble output from an iterable of (piece, ostart, oend), collapsing whitespace."""
    out: list[str] = []
    starts = array("l")
    ends = array("l")
    last_space = True  # drop leading whitespace
    for piece, a, b in pieces_iter:
        if not piece:
            # a dropped character (harakat, tatweel, bidi mark) stays with the character
            # before it, so that mapping a word back covers its marks
            if out and out[-1] != " ":
                ends[-1] = b
            continue
        for ch in piece:
            if ch.isspace():
                if last_space:
                    if out and out[-1] == " ":
                        ends[-1] = b  # the space now covers the whole run
                    continue
                ch = " "
                last_space = True
            else:
                last_space = False
            out.append(ch)
            starts.append(a)
            ends.append(b)
    if out and out[-1] == " ":  # drop trailing whitespace
        out.pop()
        starts.pop()
        ends.pop()
    return NormalizedText(original, "".join(out), starts, ends)


def _units(text: str, form: str):
    """Yield (normalised piece, start, end) per cluster, or per char when already normal."""
    if unicodedata.is_normalized(form, text):
        for i, ch in enumerate(text):
            yield ch, i, i + 1
        return
    for a, b in _clusters(text):
        yield unicodedata.normalize(form, text[a:b]), a, b


def normalize_arabic(text: str) -> NormalizedText:
    """Normalise Arabic (or mixed) text for matching; see the module docstring."""
    return _build(text, ((p.translate(_AR_MAP), a, b) for p, a, b in _units(text, "NFKC")))


_ARTICLE_RE = re.compile(
    r"(?<![^\W\d_])(?:[eiu]l|a[dnrstz]|ash|adh|ath|az)[" + re.escape(DASHES) + r"](?=[^\W\d_])",
    re.IGNORECASE)


def _english_units(text: str):
    article_at: dict[int, int] = {}
    for m in _ARTICLE_RE.finditer(text):
        article_at[m.start()] = m.end()
    units = list(_units(text, "NFKC"))
    k = 0
    while k < len(units):
        piece, a, b = units[k]
        end = article_at.get(a)
        if end is not None:
            # emit "al " for the whole article span, skipping its units
            yield "al ", a, end
            while k < len(units) and units[k][1] < end:
                k += 1
            continue
        decomposed = unicodedata.normalize("NFKD", piece)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        stripped = stripped.translate(_EN_DELETE).translate(_EN_DASH).casefold()
        yield stripped, a, b
        k += 1


def normalize_english(text: str) -> NormalizedText:
    """Normalise English (transliterated names) for matching; see the module docstring."""
    return _build(text, _english_units(text))


@lru_cache(maxsize=65536)
def normalized_arabic(text: str) -> str:
    """The normalised Arabic string alone (cached), for keys and lookups."""
    return normalize_arabic(text).text


@lru_cache(maxsize=65536)
def normalized_english(text: str) -> str:
    """The normalised English string alone (cached), for keys and lookups."""
    return normalize_english(text).text


def normalize_digits(text: str) -> str:
    """Arabic-Indic and Eastern Arabic-Indic digits (and separators) to ASCII; nothing else."""
    return text.translate(_DIGIT_MAP)
