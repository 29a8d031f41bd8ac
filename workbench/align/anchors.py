"""Anchors: tokens that survive translation and so tie a source block to a target block.

Three kinds, all reduced to string keys per segment:

* numbers, after digit normalisation (Arabic-Indic digits, Arabic decimal and
  thousands separators) and with thousands separators dropped (``١٬٠٠٠`` = ``1,000``
  = ``1000``); small English number words (``seven``) count as their digits;
* Latin-script tokens copied through into the Arabic text (``KSWB-TV``, ``MWP``),
  matched case-insensitively as English tokens;
* glossary terms (when a glossary is given): an entry found in the Arabic by
  ``match_arabic`` and in the English by ``match_english``, kept only when the entry is
  found on both sides of the document;
* transliterated names: consonant skeletons (:mod:`workbench.text.skeleton`) of the
  Arabic words and of the capitalised English words that are not common words of the
  document (``كافانو`` and *Kavanaugh* are both ``KFN``), kept only when the skeleton
  occurs on both sides of the document.

For vectorised scoring each segment's anchors become a 128-bit mask (two ``uint64``),
so that the anchors shared by two blocks are a popcount of an AND of ORs.
:func:`anchor_mask_pair` gives the anchors found on both sides of a document bits of
their own (up to 128 of them, names last), so that two different shared anchors never
look like one; the others are hashed, except names, which are dropped (in a long
document the chance skeleton matches would otherwise tie unrelated blocks).
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

from workbench.text.normalize import normalize_digits
from workbench.text.skeleton import (arabic_skeletons, english_name_skeletons,
                                     lowercase_words)

__all__ = ["number_keys", "latin_tokens", "name_keys", "document_anchors", "anchor_masks",
           "anchor_mask_pair", "document_masks", "nested_masks"]

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


#: Bits of an anchor mask (two uint64 words a segment).
MASK_BITS = 128


def name_keys(src: Sequence[str], tgt: Sequence[str]) -> tuple[list[set[str]], list[set[str]]]:
    """Transliterated-name keys (``t:`` + skeleton) per segment, for skeletons on both sides."""
    common = lowercase_words(tgt)
    ar = [arabic_skeletons(text) for text in src]
    en = [english_name_skeletons(text, common) for text in tgt]
    both = set().union(*ar) & set().union(*en) if ar and en else set()
    return ([{"t:" + k for k in keys & both} for keys in ar],
            [{"t:" + k for k in keys & both} for keys in en])


def _capitalised_tokens(text: str) -> set[str]:
    """Lower-cased Latin tokens written with a capital or a digit (names, acronyms)."""
    return {m.group().lower() for m in _LATIN_TOKEN_RE.finditer(text)
            if len(m.group()) > 1 and not m.group().islower()}


def document_anchors(src: Sequence[str], tgt: Sequence[str], glossary=None, *,
                     names: bool = True, source_lang: str = "ar",
                     target_lang: str = "en") -> tuple[list[set[str]], list[set[str]]]:
    """Anchor keys per source and per target segment.

    Latin tokens are anchors only if they occur in the (Arabic) source document: on
    the English side every word is Latin, so only those copied through count.
    Transliterated names (``names``) only if their skeleton is on both sides.  A
    Latin-script source (``source_lang``) with a Latin-script target shares tokens
    written with a capital or a digit found in both documents (names, acronyms)
    instead; English number words count only in an English target; names and the
    (Arabic-English) glossary only for an Arabic source and an English target.
    """
    from workbench.align.langs import script_of

    latin_source = script_of(source_lang) == "Latin"
    latin_target = script_of(target_lang) == "Latin"
    src_sets: list[set[str]] = []
    vocab: set[str] = set()
    if latin_source:
        if latin_target:
            src_toks = [_capitalised_tokens(text) for text in src]
            tgt_toks = [_capitalised_tokens(text) for text in tgt]
            both = (set().union(*src_toks) & set().union(*tgt_toks)) if src and tgt else set()
            src_sets = [number_keys(text) | {"w:" + t for t in toks & both}
                        for text, toks in zip(src, src_toks)]
            tgt_sets = [number_keys(text, english=target_lang == "en")
                        | {"w:" + t for t in toks & both} for text, toks in zip(tgt, tgt_toks)]
        else:
            src_sets = [number_keys(text) for text in src]
            tgt_sets = [number_keys(text) for text in tgt]
        return src_sets, tgt_sets
    for text in src:
        toks = latin_tokens(text)
        vocab |= toks
        src_sets.append(number_keys(text) | {"w:" + t for t in toks})
    tgt_sets: list[set[str]] = []
    for text in tgt:
        keys = number_keys(text, english=target_lang == "en")
        if vocab and latin_target:
            keys |= {"w:" + t for t in latin_tokens(text) & vocab}
        tgt_sets.append(keys)
    arabic_english = source_lang == "ar" and target_lang == "en"
    if glossary is not None and arabic_english:
        found = []
        for texts, match in ((src, glossary.match_arabic), (tgt, glossary.match_english)):
            found.append([{"g:" + str(m.entry_id) for m in match(text)
                           if getattr(m, "status", "") not in ("forbidden", "deprecated")}
                          for text in texts])
        # as for names: a term whose counterpart is nowhere in the other document ties
        # no block to another (the calibration saw no glossary, only numbers and names)
        both = set().union(*found[0]) & set().union(*found[1]) if src and tgt else set()
        for sets, extra in zip((src_sets, tgt_sets), found):
            for keys, more in zip(sets, extra):
                keys |= more & both
    shared = (set().union(*src_sets) & set().union(*tgt_sets)) if src_sets and tgt_sets else ()
    # names come last to the mask bits (anchor_mask_pair): when the other shared anchors
    # fill them, no name would get one, so they are not looked for (long documents)
    if (names and len(shared) < MASK_BITS
            and source_lang == "ar" and latin_target):
        for sets, extra in zip((src_sets, tgt_sets), name_keys(src, tgt)):
            for keys, more in zip(sets, extra):
                keys |= more
    return src_sets, tgt_sets


def _bit(key: str) -> int:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=1).digest()
    return int.from_bytes(digest, "big") % MASK_BITS


def anchor_masks(sets: Sequence[set[str]], bits: dict[str, int] | None = None) -> np.ndarray:
    """(n, 2) uint64: each segment's anchor keys as 128 bits (``bits[key]``, else hashed)."""
    out = np.zeros((len(sets), 2), dtype=np.uint64)
    bits = bits or {}
    for i, keys in enumerate(sets):
        lo = hi = 0
        for key in keys:
            b = bits[key] if key in bits else _bit(key)
            if b < 64:
                lo |= 1 << b
            else:
                hi |= 1 << (b - 64)
        out[i, 0] = lo
        out[i, 1] = hi
    return out


def anchor_mask_pair(src_sets: Sequence[set[str]], tgt_sets: Sequence[set[str]],
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Masks of both sides of a document; anchors found on both sides get bits of their own.

    A shared anchor is what makes two blocks agree, so the first :data:`MASK_BITS` of
    them (sorted, names last) each get a bit; the anchors of one side only (they count
    as missing) are hashed into the bits left, or anywhere when none are; shared names
    left without a bit are dropped.
    """
    src_keys = set().union(*src_sets) if src_sets else set()
    tgt_keys = set().union(*tgt_sets) if tgt_sets else set()
    # names last: they are the noisiest kind, and those left without a bit are dropped
    # (hashed, they would tie blocks that share nothing in a long document)
    shared = sorted(src_keys & tgt_keys, key=lambda k: (k.startswith("t:"), k))
    names_left = {k for k in shared[MASK_BITS:] if k.startswith("t:")}
    shared = shared[:MASK_BITS]
    bits = {key: b for b, key in enumerate(shared)}
    free = MASK_BITS - len(bits)
    if free:
        for key in (src_keys | tgt_keys) - bits.keys():
            bits[key] = len(shared) + _bit(key) % free
    if names_left:
        src_sets = [keys - names_left for keys in src_sets]
        tgt_sets = [keys - names_left for keys in tgt_sets]
    return anchor_masks(src_sets, bits), anchor_masks(tgt_sets, bits)


def document_masks(src: Sequence[str], tgt: Sequence[str], glossary=None, *,
                   source_lang: str = "ar", target_lang: str = "en", names: bool = True,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The anchor masks of both sides of a document (:func:`document_anchors`, then
    :func:`anchor_mask_pair`): what the scorer reads."""
    return anchor_mask_pair(*document_anchors(src, tgt, glossary, source_lang=source_lang,
                                              target_lang=target_lang, names=names))


def nested_masks(src_pieces: Sequence[Sequence[str]], tgt_pieces: Sequence[Sequence[str]],
                 glossary=None, *, source_lang: str = "ar", target_lang: str = "en",
                 names: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`document_masks` of segments made of pieces (paragraphs of sentences) and of
    the pieces, at once: the anchors are found in the pieces, and a segment's anchors are
    the union of its pieces' (anchors are words and numbers, which a sentence boundary
    does not cut), so the text is read once.  Returns the segments' source and target
    masks, then the pieces'."""
    src_sets, tgt_sets = document_anchors([x for p in src_pieces for x in p],
                                          [x for p in tgt_pieces for x in p], glossary,
                                          source_lang=source_lang, target_lang=target_lang,
                                          names=names)

    def unions(sets: list[set[str]], pieces: Sequence[Sequence[str]]) -> list[set[str]]:
        ends = np.cumsum([len(p) for p in pieces])
        return [set().union(*sets[end - len(p):end]) for p, end in zip(pieces, ends)]

    return (*anchor_mask_pair(unions(src_sets, src_pieces), unions(tgt_sets, tgt_pieces)),
            *anchor_mask_pair(src_sets, tgt_sets))
