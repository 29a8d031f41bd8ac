"""Profiles: how translation-like a pair is, and the n:m prior that follows from it.

The calibrated parameters (``params.json``) were fitted on news *rewrites*, where added
and dropped material is common and an n:m link is rare: each extra segment in a link
costs ``extra`` (about -4.9 in log-odds).  On a faithful translation (a long Arabic
sentence rendered as two to six English ones, as in literary translation) that prior
links one or two of the English sentences and leaves the others as insertions.

``--profile`` chooses:

``rewrite``
    the calibrated parameters as they are, links up to ``max_link`` (default 3);
``translation``
    the n:m prior of a faithful translation (:data:`TRANSLATION_EXTRA` per extra
    segment, :data:`TRANSLATION_MULTI_BONUS` once for a link with an extra segment and
    :data:`TRANSLATION_MANY` for a link with several segments on both sides,
    on the sentence profile; paragraphs keep theirs) and links up to 1:6
    and 6:1 (:data:`TRANSLATION_MAX_LINK`);
``auto`` (default)
    the regime read from the pair itself: the pair is aligned with both profiles, and
    the document is *translation-like* (:func:`translation_like`) when the two
    alignments show it: the rewrite profile, whose prior is against long links, still
    finds a link of three segments on one side; or the translation profile extends a
    rewrite n:m link with the unlinked segments beside it into a block that is more
    similar; or it links every segment, where the rewrite profile left at most
    :data:`MAX_REWRITE_NULLS` of them unlinked, and such an extension costs almost no
    similarity.  A translation-like document takes the translation profile's links, any
    other the rewrite profile's.  Merging an adjacent segment into a link raises the
    block's similarity when it renders the same sentence (a faithful translation) and
    lowers it when it is added material (a rewrite, by about 0.08 on the dev rewrites).
    On the sets of ``benchmarks/align.py`` the choice is a document's, not a region's:
    region by region, no measure tried (similarity gain, the absorbed segment's own
    similarity, the length ratio) told a rewrite's insertion from a translation's 1:n
    piece, while these document signals did (``/work/status`` notes; issue 19).
"""

from __future__ import annotations

import dataclasses

from workbench.align.confidence_dp import DeferredMargins
from workbench.align.engine import AlignStats, align_sides
from workbench.align.links import Link
from workbench.align.params import FEATURES, Params
from workbench.align.search import link_shapes
from workbench.align.share import SharedWork
from workbench.align.side import Side
from workbench.errors import WorkbenchError

__all__ = [
    "AUTO_COMPLETE_GAIN",
    "AUTO_GAIN",
    "MAX_REWRITE_NULLS",
    "MIN_SIGNAL_RATE",
    "PROFILES",
    "TRANSLATION_EXTRA",
    "TRANSLATION_MANY",
    "TRANSLATION_MAX_LINK",
    "TRANSLATION_MULTI_BONUS",
    "TRANSLATION_SPLIT",
    "align_profiled",
    "check_profile",
    "combine",
    "in_order",
    "profile_max_link",
    "regions",
    "translation_like",
    "translation_params",
]

PROFILES = ("auto", "translation", "rewrite")
#: log-odds per extra segment in a link under the translation profile (the rewrite fit
#: has about -4.9) ...
TRANSLATION_EXTRA = -0.25
#: ... and once for any link with an extra segment (the rewrite fit's ``multi_bonus`` is
#: +1): a 1:2 link costs 0.75, each further segment 0.25 (was -1 and +1: a 1:2 link cost
#: nothing, so two 1:2 links beat the 1:3 and 1:1 of a faithful translation).  Chosen on
#: textberg-dev, translation-long and translation-long-nm, every fold better (halves of
#: textberg-dev 0.883 / 0.876 -> 0.905 / 0.902, NTREX docs 0-39 / 40-79: translation-long
#: 0.985 / 0.972 -> 0.985 / 0.978, -nm 0.892 / 0.892 -> 0.921 / 0.922); -0.75 and -0.25,
#: -0.75 and -0.1 give the same figures
TRANSLATION_MULTI_BONUS = -0.5
#: log-odds of a link with several segments on both sides (2:2, 2:3, 3:2) under the
#: translation profile (the rewrite fit has about -3.2): chosen with the crossing links of
#: translation-long-nm and textberg-dev, each fold of both preferring it (NTREX docs 0-39
#: / 40-79, the first and second half of textberg-dev); -1 costs translation-long 0.008
TRANSLATION_MANY = -2.0
#: log-odds charged to a decomposable block (2:2, 2:3, 3:2: two links explain it as well;
#: :mod:`workbench.align.split`) under the translation profile: 1.5-4 give the same links
#: on every set; with the n:m prior above, textberg-dev 0.876 -> 0.904 (halves 0.881 /
#: 0.870 -> 0.905 / 0.902), translation-long-nm 0.919 -> 0.921 (0.915 / 0.922 -> 0.921 /
#: 0.922)
TRANSLATION_SPLIT = 2.0
#: the largest link the translation profile looks for (1:6, 6:1) unless --max-link says
TRANSLATION_MAX_LINK = 6
#: the rewrite links' default size
REWRITE_MAX_LINK = 3
#: the similarity gain of a *clear* extension: the translation profile makes a rewrite
#: n:m link longer with the unlinked segments beside it and the block gets more similar
AUTO_GAIN = 0.0
#: a rewrite link this long on one side makes the document translation-like (1:3, 3:1:
#: links the rewrite prior admits only on strong evidence, and rare in rewrites)
LONG_SIDE_SEGMENTS = 3
#: where the translation profile links every segment, an extension that loses less than
#: this much similarity is evidence too (chosen with no regression on either fold of
#: NTREX docs 0-39 / 40-79: -0.05 costs the dev sentences of docs 40-79 0.005)...
AUTO_COMPLETE_GAIN = -0.02
#: ... unless the rewrite profile left more than this share of the segments unlinked (a
#: loose rewrite, seed 004 -> 001: the translation profile links everything there too)
MAX_REWRITE_NULLS = 0.3
#: a long document is translation-like with at least this many signals a segment (both
#: sides counted), a short one (under 100 segments) with one
MIN_SIGNAL_RATE = 0.01


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise WorkbenchError(f"--profile {profile!r} is not a profile; choose one of "
                             f"{', '.join(PROFILES)}")
    return profile


def translation_params(params: Params) -> Params:
    """``params`` with the translation profile's n:m prior (the sentence profile's ``extra``,
    ``many`` and ``multi_bonus``) and its charge for decomposable blocks."""
    w = list(params.weights)
    w[FEATURES.index("extra")] = TRANSLATION_EXTRA
    w[FEATURES.index("many")] = TRANSLATION_MANY
    return dataclasses.replace(params, weights=w, multi_bonus=TRANSLATION_MULTI_BONUS,
                               split_penalty=TRANSLATION_SPLIT, join_crossing=True)


def profile_max_link(profile: str, max_link: int | None) -> int:
    """The largest link of ``profile``'s own search when ``max_link`` is not given."""
    if max_link is not None:
        return max_link
    return TRANSLATION_MAX_LINK if profile == "translation" else REWRITE_MAX_LINK


def _link_sim(src, tgt, lk: Link) -> float:
    a, b = len(lk.src), len(lk.tgt)
    return float(src.block_emb(a)[lk.src[0]] @ tgt.block_emb(b)[lk.tgt[0]])


def in_order(links: list[Link]) -> list[Link]:
    """``links`` in source order, each insertion just before the first link with a target
    after it (the order :func:`workbench.align.engine.align_sides` gives)."""
    sourced = sorted((lk for lk in links if lk.src), key=lambda lk: lk.src[0])
    inserted = sorted((lk for lk in links if not lk.src), key=lambda lk: lk.tgt[0])
    out: list[Link] = []
    k = 0
    for lk in sourced:
        if lk.tgt:
            while k < len(inserted) and inserted[k].tgt[0] < lk.tgt[0]:
                out.append(inserted[k])
                k += 1
        out.append(lk)
    return out + inserted[k:]


def regions(first: list[Link], second: list[Link]) -> list[tuple[list[Link], list[Link]]]:
    """The groups of segments two alignments (each covering every segment once) tie
    together, with each alignment's links over that group."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def nodes(lk: Link) -> list:
        return [("s", i) for i in lk.src] + [("t", j) for j in lk.tgt]

    for lk in first + second:
        ns = nodes(lk)
        root = find(ns[0])
        for x in ns[1:]:
            parent[find(x)] = root
    out: dict = {}
    for k, links in enumerate((first, second)):
        for lk in links:
            out.setdefault(find(nodes(lk)[0]), ([], []))[k].append(lk)
    return list(out.values())


def _merge(r_links: list[Link], t_links: list[Link]) -> bool:
    """Whether a region is a merge: the translation profile makes one link of the rewrite
    profile's one link and the null links beside it (segments it left unlinked)."""
    return (len(t_links) == 1 and bool(t_links[0].src and t_links[0].tgt)
            and sum(1 for lk in r_links if lk.src and lk.tgt) == 1)


def _null_segments(links: list[Link]) -> int:
    return sum(len(lk.src) + len(lk.tgt) for lk in links if not (lk.src and lk.tgt))


def translation_like(rewrite: list[Link], translation: list[Link], src, tgt,
                     gain: float = AUTO_GAIN,
                     complete_gain: float = AUTO_COMPLETE_GAIN) -> bool:
    """Whether the pair reads as a faithful translation (the ``auto`` profile's regime).

    The signals: a rewrite link of :data:`LONG_SIDE_SEGMENTS` segments on one side; a
    region where the translation profile *extends* a rewrite n:m link (one link of three
    segments or more) with the unlinked segments beside it (:func:`_merge`) into a block
    more similar by more than ``gain``; or, when the translation profile leaves no
    segment unlinked and the rewrite profile at most :data:`MAX_REWRITE_NULLS` of them,
    by more than ``complete_gain``.  One signal is enough in a short document; a long
    one needs :data:`MIN_SIGNAL_RATE` of them a segment (forty dev rewrites joined
    end to end show one in 1,047 segments; textberg-dev 34 in 1,090).
    """
    signals = sum(1 for lk in rewrite
                  if lk.src and lk.tgt and max(len(lk.src), len(lk.tgt)) >= LONG_SIDE_SEGMENTS)
    total = sum(len(lk.src) + len(lk.tgt) for lk in rewrite)  # every segment once
    complete = (_null_segments(translation) == 0
                and _null_segments(rewrite) <= MAX_REWRITE_NULLS * total)
    floor = min(gain, complete_gain) if complete else gain
    for r_links, t_links in regions(rewrite, translation):
        if not _merge(r_links, t_links) or len(r_links) == 1:  # (one link: the same)
            continue
        (old,) = [lk for lk in r_links if lk.src and lk.tgt]
        if len(old.src) + len(old.tgt) >= 3:
            g = _link_sim(src, tgt, t_links[0]) - _link_sim(src, tgt, old)
            signals += g > floor
    return signals >= max(1.0, MIN_SIGNAL_RATE * total)


def combine(rewrite: list[Link], translation: list[Link], src, tgt,
            ) -> tuple[list[Link], int]:
    """The ``auto`` links: the translation profile's in a translation-like document
    (:func:`translation_like`), else the rewrite profile's; and the number of regions
    where the two alignments differ that took the translation links."""
    if not translation_like(rewrite, translation, src, tgt):
        return rewrite, 0
    taken = sum(1 for r_links, t_links in regions(rewrite, translation)
                if {lk.key() for lk in r_links} != {lk.key() for lk in t_links})
    return translation, taken


def align_profiled(src: Side, tgt: Side, params: Params, *, profile: str = "auto",
                   max_link: int | None = None, stats: AlignStats | None = None,
                   check=None, other: list[Link] | None = None,
                   margins: dict | None = None) -> list[Link]:
    """:func:`~workbench.align.engine.align_sides` under a profile
    (:mod:`workbench.align.profile`): ``rewrite`` and ``translation`` align once with
    their own n:m prior; ``auto`` aligns with both and keeps the translation links in a
    translation-like document (:func:`combine`), the rewrite links in any other; ``other``
    (a list, if given) receives the links of the profile not taken (evidence for the
    confidence model: a link both profiles make is more often right); ``margins`` (a
    dict, if given) what the search of the links taken loses by not taking each one
    (:func:`~workbench.align.engine.align_sides`)."""
    check_profile(profile)
    if profile == "rewrite":
        return align_sides(src, tgt, params, max_link=profile_max_link("rewrite", max_link),
                           stats=stats, check=check, margins=margins)
    # (the margins of the search whose links are taken are computed, not the other's)
    t_margins = None if margins is None else DeferredMargins()
    r_max = profile_max_link("rewrite", max_link)
    # what the rewrite search computes alike, handed over from the translation search
    share = SharedWork(link_shapes(r_max)) if profile == "auto" else None
    trans = align_sides(src, tgt, translation_params(params),
                        max_link=profile_max_link("translation", max_link), stats=stats,
                        check=check, margins=t_margins, share=share)
    if profile == "translation":
        if margins is not None:
            margins.update(t_margins.resolve())
        return trans
    r_margins = None if margins is None else DeferredMargins()
    rewrite = align_sides(src, tgt, params, max_link=r_max, stats=stats, check=check,
                          margins=r_margins, share=share)
    links, _ = combine(rewrite, trans, src, tgt)
    if other is not None:
        other[:] = trans if links is rewrite else rewrite
    if margins is not None:
        margins.update((r_margins if links is rewrite else t_margins).resolve())
    return in_order(links)
