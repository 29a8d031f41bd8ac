"""The translation as plain text: the translator's English of every link, in source order.

Paragraph projects give one paragraph per link, separated by blank lines;
sentence projects join the links of one source paragraph into one paragraph;
line projects give one line per link.  Insertions (target material with no
source) are not part of the translation and are left out; source segments not
translated yet appear as their current text (possibly empty, then skipped).
"""

from __future__ import annotations

from typing import Iterable, Protocol, Sequence

from workbench.text.segment import Segment

__all__ = ["translation_text"]


class _LinkLike(Protocol):
    src: tuple[int, ...]
    target_text: str


def translation_text(links: Iterable[_LinkLike], source_segments: Sequence[Segment],
                     unit: str) -> tuple[str, int]:
    """``(text, number of paragraphs or lines)`` for the links in order."""
    blocks: list[list[str]] = []
    last_par: int | None = None
    for lk in links:
        if not lk.src:
            continue
        text = " ".join(lk.target_text.split()) if unit != "paragraphs" else lk.target_text.strip()
        if not text:
            continue
        par = source_segments[lk.src[0]].paragraph
        if unit == "sentences" and blocks and par == last_par:
            blocks[-1].append(text)
        else:
            blocks.append([text])
        last_par = par
    sep = "\n" if unit == "lines" else "\n\n"
    paragraphs = [" ".join(b) for b in blocks]
    return (sep.join(paragraphs) + "\n" if paragraphs else ""), len(paragraphs)
