"""Fast normalisation of long texts for matching, token by token, with lazy offset mapping.

:func:`workbench.text.normalize.normalize_arabic` / ``normalize_english`` work
character by character in Python and build an offset array for every
character.  For matching megabytes of text we split the text into tokens (by
whitespace, and for Arabic also quotation marks and brackets), normalise each
distinct token once (cached), and join the results with single spaces.  The
result is the same normalised text the normalisers give (whitespace runs are
one space either way), and offsets are mapped back only for the spans that
matched, through the token's own offset map.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from functools import lru_cache

from workbench.text.normalize import NormalizedText, normalize_arabic, normalize_english

__all__ = ["TokenText", "arabic_tokens", "english_tokens", "english_key", "arabic_key"]

#: distinct tokens kept normalised (with offset maps: a few hundred bytes each)
_TOKEN_CACHE = 100_000
_AR_TOKEN = re.compile(r"[^\s«»\"“”„‟'‘’‹›()\[\]{}]+")
_EN_TOKEN = re.compile(r"\S+")


def _identity(token: str, text: str) -> NormalizedText:
    n = len(token)
    return NormalizedText(token, text, array("l", range(n)), array("l", range(1, n + 1)))


# Arabic letters that normalize_arabic leaves as they are (found by asking it, so the fast
# path below can never disagree with it)
_AR_SAFE = "".join(ch for ch in map(chr, range(0x0621, 0x064B))
                   if normalize_arabic(ch).text == ch)
_AR_PLAIN = re.compile(f"[{_AR_SAFE}0-9]+")
_EN_PLAIN = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=_TOKEN_CACHE)
def _norm_ar(token: str) -> NormalizedText:
    if _AR_PLAIN.fullmatch(token):
        return _identity(token, token)  # nothing to normalise: skip the general machinery
    return normalize_arabic(token)


@lru_cache(maxsize=_TOKEN_CACHE)
def _norm_en(token: str) -> NormalizedText:
    if _EN_PLAIN.fullmatch(token):
        return _identity(token, token.lower())  # ASCII letters and digits: only the case
    return normalize_english(token)


@lru_cache(maxsize=262144)
def english_key(text: str) -> str:
    """Same as :func:`workbench.text.normalize.normalized_english`, computed token by token
    (cached per token), as the matcher normalises texts."""
    return " ".join(t for t in (_norm_en(tok).text for tok in text.split()) if t)


class TokenText:
    """A normalised text assembled from normalised tokens; maps spans back lazily."""

    __slots__ = ("original", "text", "_offsets", "_tokens")

    def __init__(self, original: str, pattern: re.Pattern, normalizer) -> None:
        self.original = original
        # plain arrays and one list: no per-token tuples for the garbage collector to scan
        parts: list[str] = []
        offsets = array("q")
        starts = array("q")
        nts: list[NormalizedText] = []
        pos = -1
        for m in pattern.finditer(original):
            nt = normalizer(m.group())
            t = nt.text
            if t:
                pos += 1
                offsets.append(pos)
                starts.append(m.start())
                nts.append(nt)
                parts.append(t)
                pos += len(t)
        self.text = " ".join(parts)
        self._offsets = offsets
        self._tokens = (starts, nts)

    def __len__(self) -> int:
        return len(self.text)

    def _locate(self, i: int) -> tuple[int, int, NormalizedText]:
        k = bisect_right(self._offsets, i) - 1
        starts, nts = self._tokens
        return i - self._offsets[k], starts[k], nts[k]

    def to_original(self, a: int, b: int) -> tuple[int, int]:
        """The original span of the normalised span ``[a, b)`` (neither end on a separator)."""
        la, sa, nta = self._locate(a)
        lb, sb, ntb = self._locate(b - 1)
        start = sa + nta.starts[min(la, len(nta.text) - 1)]
        return start, sb + ntb.ends[min(lb, len(ntb.text) - 1)]

    def original_start(self, i: int) -> int:
        """Where the normalised character ``i`` starts in the original text."""
        li, si, nti = self._locate(i)
        return si + nti.starts[min(li, len(nti.text) - 1)]


def arabic_tokens(text: str) -> TokenText:
    """Normalised Arabic, with quotes and brackets as word separators."""
    return TokenText(text, _AR_TOKEN, _norm_ar)


def english_tokens(text: str) -> TokenText:
    return TokenText(text, _EN_TOKEN, _norm_en)


@lru_cache(maxsize=262144)
def arabic_key(text: str) -> str:
    """The normalised Arabic of ``text`` with quotes and brackets as spaces (the matcher's
    view of a form), computed token by token."""
    return " ".join(t for t in (_norm_ar(m.group()).text for m in _AR_TOKEN.finditer(text)) if t)
