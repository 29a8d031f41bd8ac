"""Numbers in aligned pairs: a number of one side that the other side lacks (a ``number``
finding of :mod:`.qa`)."""

from __future__ import annotations

import re
from collections import Counter

from workbench.glossary.findings import Finding
from workbench.text.normalize import normalize_digits

__all__ = ["numbers_in", "number_findings"]

#: a number in English: not inside a word or code ("F16", "COVID19"), ordinals allowed ("3rd")
_NUMBER_EN = re.compile(r"(?<![A-Za-z\d.,])\d+(?:[.,]\d+)*(?:st|nd|rd|th)?(?![A-Za-z\d])")
#: a number in Arabic: letters may touch it ("2019م", "23جنديا"), other digits may not
_NUMBER_AR = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?!\d)")
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def numbers_in(text: str, *, words: bool = False, lang: str = "en"
               ) -> list[tuple[str, int, int]]:
    """Numbers in ``text`` as (canonical digits, start, end); Arabic-Indic digits count.

    ``words`` adds the English number words one..twelve; ``lang`` chooses the word
    boundary rules (Arabic lets letters touch a number).
    """
    digits = normalize_digits(text)  # same length: one character for one
    out = []
    for m in (_NUMBER_AR if lang == "ar" else _NUMBER_EN).finditer(digits):
        value = re.sub(r"(?:st|nd|rd|th)$", "", m.group()).replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".") or "0"
        out.append((value, m.start(), m.end()))
    if words:
        for m in _NUMBER_WORD_RE.finditer(text):
            out.append((_NUMBER_WORDS[m.group().lower()], m.start(), m.end()))
        out.sort(key=lambda t: t[1])
    return out


def number_findings(index: int, source: str, target: str) -> list[Finding]:
    """Numbers of one side missing from the other.

    English number words (one..twelve) may render a source number, but are not
    themselves reported: "the two organisations" often renders an Arabic dual.
    """
    src = numbers_in(source, lang="ar")
    tgt = numbers_in(target, words=True)
    src_count = Counter(v for v, _, _ in src)
    tgt_count = Counter(v for v, _, _ in tgt)
    out = []
    seen: Counter = Counter()
    for value, a, b in src:
        seen[value] += 1
        if seen[value] > tgt_count[value]:
            out.append(Finding(index, "number", None, value, None, (a, b), None, None,
                               note=f"number {value} of the source is not in the target"))
    seen = Counter()
    for value, a, b in tgt:
        if target[a:b].isalpha():
            continue
        seen[value] += 1
        if seen[value] > src_count[value]:
            out.append(Finding(index, "number", None, None, target[a:b], None, (a, b), None,
                               note=f"number {target[a:b]} of the target is not in the source"))
    return out
