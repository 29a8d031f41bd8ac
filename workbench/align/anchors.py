"""Anchors: tokens that survive translation and so tie a source block to a target block.

Three kinds, all reduced to string keys per segment:

* numbers, after digit normalisation (Arabic-Indic digits, Arabic decimal and
  thousands separators) and with thousands separators dropped (``١٬٠٠٠`` = ``1,000``
  = ``1000``); small English number words (``seven``) count as their digits;
* Latin-script tokens copied through into the Arabic text (``KSWB-TV``, ``MWP``),
  matched case-insensitively as English tokens;
* glossary terms (when a glossary is given): an entry found in the Arabic by
  ``match_arabic`` and in the English by ``match_english``.

For vectorised scoring each segment's anchors are hashed into a 128-bit mask
(two ``uint64``), so that the anchors shared by two blocks are a popcount of an
AND of ORs.
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

from workbench.text.normalize import normalize_digits

__all__ = ["number_keys", "latin_tokens", "document_anchors", "anchor_masks"]

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'’.][A-Za-z0-9]+)*")
_EN_WORD_RE = re.compile(r"[A-Za-z]+")
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60",
                      "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100"})


def _canonical_number(tok: str) -> str:
    tok = tok.strip(".,")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", tok):
        tok = tok.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", tok):
        tok = tok.replace(",", ".")  # a decimal comma
    if "." in tok:
        tok = tok.rstrip("0").rstrip(".") or "0"
    return tok.lstrip("0") or "0"


def number_keys(text: str, *, english: bool = False) -> set[str]:
    """Canonical numbers in ``text`` (digits of any script; number words if ``english``)."""
    norm = normalize_digits(text).replace("٪", "%")
    keys = {"n:" + _canonical_number(m.group()) for m in _NUMBER_RE.finditer(norm)}
    if english:
        for m in _EN_WORD_RE.finditer(text):
            digit = _NUMBER_WORDS.get(m.group().lower())
            if digit is not None:
                keys.add("n:" + digit)
    return keys


def latin_tokens(text: str) -> set[str]:
    """Lower-cased Latin-script tokens of two or more characters."""
    return {m.group().lower() for m in _LATIN_TOKEN_RE.finditer(text) if len(m.group()) > 1}


def document_anchors(src: Sequence[str], tgt: Sequence[str], glossary=None,
                     ) -> tuple[list[set[str]], list[set[str]]]:
    """Anchor keys per source and per target segment.

    Latin tokens are anchors only if they occur in the (Arabic) source document: on
    the English side every word is Latin, so only those copied through count.
    """
    src_sets: list[set[str]] = []
    vocab: set[str] = set()
    for text in src:
        toks = latin_tokens(text)
        vocab |= toks
        src_sets.append(number_keys(text) | {"w:" + t for t in toks})
    tgt_sets: list[set[str]] = []
    for text in tgt:
        keys = number_keys(text, english=True)
        if vocab:
            keys |= {"w:" + t for t in latin_tokens(text) & vocab}
        tgt_sets.append(keys)
    if glossary is not None:
        for sets, texts, match in ((src_sets, src, glossary.match_arabic),
                                   (tgt_sets, tgt, glossary.match_english)):
            for keys, text in zip(sets, texts):
                for m in match(text):
                    if getattr(m, "status", "") in ("forbidden", "deprecated"):
                        continue
                    keys.add("g:" + str(m.entry_id))
    return src_sets, tgt_sets


def _bit(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=1).digest(), "big") & 127


def anchor_masks(sets: Sequence[set[str]]) -> np.ndarray:
    """(n, 2) uint64: each segment's anchor keys hashed into 128 bits."""
    out = np.zeros((len(sets), 2), dtype=np.uint64)
    for i, keys in enumerate(sets):
        lo = hi = 0
        for key in keys:
            b = _bit(key)
            if b < 64:
                lo |= 1 << b
            else:
                hi |= 1 << (b - 64)
        out[i, 0] = lo
        out[i, 1] = hi
    return out
