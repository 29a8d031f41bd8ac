"""Synthetic loose rewrites made from the dev paragraph documents (000-079), with known gold.

The seed pair 004 -> 001 is one loose rewrite; tuning on it alone would fit one
document.  These sets make loose variants of every dev paragraph document, with the
gold carried over from the dev gold:

``loose-drop``
    in every English paragraph of a link, sentences are dropped (about half of them,
    never all: the English gets much shorter than the Arabic, as in a summarising
    rewrite), and one paragraph of a 1:1 link from the first half of the document is
    moved to the end (a moved paragraph, as 004 p0 -> 001 p6);
``loose-lead``
    every English paragraph of a link is cut to its first sentence (the English
    paragraphs are single sentences, so the sentence profile applies, as on the seed),
    with the same move.

The variants are deterministic (a fixed seed per document).  Paragraphs that are not
in a link (insertions) are kept whole.  The gold is the dev gold with target indices
renumbered after the move.
"""

from __future__ import annotations

import random

#: the synthetic sets and their English rewrite
LOOSE_SETS = ("loose-drop", "loose-lead")


def _shorten(text: str, mode: str, rng: random.Random) -> str:
    from workbench.text.segment import sentences

    sents = [s.text for s in sentences(text, "en")]
    if len(sents) < 2:
        return text
    if mode == "loose-lead":
        return sents[0]
    keep = [s for s in sents if rng.random() >= 0.5]
    if not keep:
        keep = [sents[rng.randrange(len(sents))]]
    return " ".join(keep)


def loose_variant(src: list[str], tgt: list[str], gold: list, mode: str, seed: int):
    """(tgt, gold) of a loose variant of one document; ``src`` is unchanged."""
    from workbench.align.links import Link

    if mode not in LOOSE_SETS:
        raise ValueError(f"unknown loose set {mode!r}")
    rng = random.Random(f"{mode}:{seed}")
    linked = {j for lk in gold if lk.src for j in lk.tgt}
    new = [(_shorten(t, mode, rng) if j in linked else t) for j, t in enumerate(tgt)]
    order = list(range(len(tgt)))
    ones = [lk.tgt[0] for lk in gold if len(lk.src) == 1 and len(lk.tgt) == 1
            and lk.tgt[0] < len(tgt) // 2]
    if len(tgt) >= 4 and ones:
        j = ones[rng.randrange(len(ones))]
        if len(tgt) - 1 - j >= 3:  # far enough to be a move, not a local swap
            order.remove(j)
            order.append(j)
    where = {old: k for k, old in enumerate(order)}
    out_gold = [Link(lk.src, tuple(sorted(where[j] for j in lk.tgt))) for lk in gold]
    return [new[j] for j in order], out_gold


def load_loose_set(mode: str, docs) -> list:
    """Loose variants of ``docs`` (``benchmarks.align.Doc`` objects of dev paragraphs)."""
    out = []
    for d in docs:
        tgt, gold = loose_variant(d.src, d.tgt, d.gold, mode, int(d.name))
        out.append(type(d)(d.name, list(d.src), tgt, gold))
    return out
