"""Alignment with fixed links: re-align what a person has not confirmed, keep the rest.

:func:`align_with_fixed` takes pre-segmented texts and links that must stay as they
are (a reviewer's confirmed links) and aligns every other segment:

* the fixed links that have both sides and keep the documents' order (the longest
  run of them increasing on both sides) are *anchors*: they cut both documents
  into gaps, the stretch before the first anchor, between two anchors, after the
  last;
* the segments of the other fixed links (a confirmed deletion, insertion or moved
  link) are left out of every gap;
* each gap is aligned on its own with :meth:`workbench.align.api.Aligner.align_segments`
  (one side empty gives deletions or insertions), and its links mapped back to the
  documents' indices.

The result holds only the new links (source order, then by target); together with
the fixed links they use every segment exactly once.  The aligner's embedding cache
makes a second run over the same texts cheap.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Sequence

from workbench.align.links import Link
from workbench.errors import WorkbenchError

__all__ = ["anchors", "gaps", "align_with_fixed"]


def anchors(fixed: Sequence[Link]) -> list[Link]:
    """The fixed links that cut the documents: both sides present, in order on both sides."""
    both = sorted((lk for lk in fixed if lk.src and lk.tgt), key=lambda lk: (min(lk.src),
                                                                            min(lk.tgt)))
    # longest run increasing in the first target index (patience sorting, O(n log n))
    tails: list[int] = []
    tail_at: list[int] = []
    prev: list[int] = [-1] * len(both)
    for k, lk in enumerate(both):
        t = min(lk.tgt)
        pos = bisect_left(tails, t)
        if pos == len(tails):
            tails.append(t)
            tail_at.append(k)
        else:
            tails[pos] = t
            tail_at[pos] = k
        prev[k] = tail_at[pos - 1] if pos else -1
    chain: list[Link] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(both[k])
        k = prev[k]
    chain.reverse()
    # blocks that interleave with the one before (on either side) do not cut
    out: list[Link] = []
    for lk in chain:
        if out and (min(lk.src) <= max(out[-1].src) or min(lk.tgt) <= max(out[-1].tgt)):
            continue
        out.append(lk)
    return out


def gaps(n_src: int, n_tgt: int, fixed: Sequence[Link]) -> list[tuple[list[int], list[int]]]:
    """The (source indices, target indices) of every gap the fixed links leave, in order."""
    used_s = {i for lk in fixed for i in lk.src}
    used_t = {j for lk in fixed for j in lk.tgt}
    for i in used_s:
        if not 0 <= i < n_src:
            raise WorkbenchError(f"fixed link uses source segment {i} (0..{n_src - 1})")
    for j in used_t:
        if not 0 <= j < n_tgt:
            raise WorkbenchError(f"fixed link uses target segment {j} (0..{n_tgt - 1})")
    cuts = anchors(fixed)
    s_starts = [min(lk.src) for lk in cuts]
    t_starts = [min(lk.tgt) for lk in cuts]
    out: list[tuple[list[int], list[int]]] = [([], []) for _ in range(len(cuts) + 1)]
    for i in range(n_src):
        if i not in used_s:
            out[bisect_left(s_starts, i)][0].append(i)
    for j in range(n_tgt):
        if j not in used_t:
            out[bisect_left(t_starts, j)][1].append(j)
    return [g for g in out if g[0] or g[1]]


def align_with_fixed(src: Sequence[str], tgt: Sequence[str], fixed: Sequence[Link], *,
                     aligner=None, glossary=None, max_link: int | None = None, progress=None,
                     cancel=None) -> list[Link]:
    """New links for every segment that no ``fixed`` link holds (see the module docstring).

    ``aligner``: an :class:`~workbench.align.api.Aligner` (default: the process-wide one).
    """
    fixed = list(fixed)
    seen_s: set[int] = set()
    seen_t: set[int] = set()
    for lk in fixed:
        if seen_s & set(lk.src) or seen_t & set(lk.tgt):
            raise WorkbenchError(f"fixed link {lk.format(False)} shares a segment with another")
        seen_s.update(lk.src)
        seen_t.update(lk.tgt)
    todo = gaps(len(src), len(tgt), fixed)
    if aligner is None and any(s and t for s, t in todo):
        from workbench.align.api import default_aligner

        aligner = default_aligner()
    out: list[Link] = []
    for s_idx, t_idx in todo:
        if cancel is not None:
            cancel.raise_if_cancelled()
        if not s_idx or not t_idx:  # nothing to pair: deletions or insertions
            out += [Link((i,), (), 1.0) for i in s_idx]
            out += [Link((), (j,), 1.0) for j in t_idx]
            continue
        local = aligner.align_segments([src[i] for i in s_idx], [tgt[j] for j in t_idx],
                                       glossary=glossary, max_link=max_link, progress=progress,
                                       cancel=cancel)
        out += [Link(tuple(s_idx[k] for k in lk.src), tuple(t_idx[k] for k in lk.tgt), lk.score)
                for lk in local]
    return out
