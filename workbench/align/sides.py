"""Both sides of a document pair built in one place: embeddings, anchors, priors, blocks.

:class:`SideBuilder` turns two lists of segment texts into the two
:class:`~workbench.align.side.Side` objects the engine aligns: the segments (and, for
paragraphs, their sentences) embedded or pooled once, the anchor masks
(:mod:`workbench.align.anchors`), the target's boilerplate prior, and the blocks of
consecutive segments composed in the background.  An
:class:`~workbench.align.api.Aligner` holds one builder over its embedder.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence

import numpy as np

from workbench.align.anchors import document_masks, nested_masks
from workbench.align.boilerplate import PHRASES, boilerplate_likeness, split_phrases
from workbench.align.embed import CachedEmbedder, compose
from workbench.align.langs import segment_lang
from workbench.align.scorer import Params, Side, head_blocks
from workbench.progress import CancelToken, ProgressEvent
from workbench.text.segment import sentences

__all__ = ["LONG_SIDE", "PARAGRAPH_MODE", "SideBuilder"]

#: Above this many segments a side is embedded chunk by chunk, its block embeddings
#: composed with the mean join correction (or, for an embedder that cannot compose,
#: approximated by sums of its segments' embeddings), and without sentence sub-units.
LONG_SIDE = 3000
#: Segments averaging at least this many sentences (on at least one side) are aligned
#: as paragraphs: their sentences are aligned first, as evidence, and the paragraph
#: profile of the calibrated parameters applies.
PARAGRAPH_MODE = 1.5

Progress = Callable[[ProgressEvent], None]


class SideBuilder:
    """Builds the two sides of a pair with one embedder (and its cache) and parameters."""

    def __init__(self, embedder: CachedEmbedder, params: Params) -> None:
        self.embedder = embedder
        self.params = params
        self._phrases: np.ndarray | None = None

    def _embed(self, texts: Sequence[str], progress: Progress | None = None,
               cancel: CancelToken | None = None) -> np.ndarray:
        return self.embedder.embed(list(texts), progress=progress, cancel=cancel)

    def pieces(self, texts: list[str], lang: str) -> list[list[str]] | None:
        """The sentences of each segment, or None unless segments average several sentences."""
        if len(texts) > LONG_SIDE:
            return None
        pieces = [[s.text for s in sentences(t, segment_lang(lang))] or [t] for t in texts]
        if lang == "en" and self.params.split_boilerplate:
            pieces = [[x for s in p for x in split_phrases(s)] for p in pieces]
        return pieces if sum(map(len, pieces)) >= PARAGRAPH_MODE * len(texts) else None

    def side(self, texts: list[str], emb: np.ndarray, masks: np.ndarray, progress, cancel,
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

    def build(self, src: list[str], tgt: list[str], *, glossary=None, progress=None,
                    cancel=None, sentence_level: bool = True, max_block: int = 3,
                    source_lang: str = "ar", target_lang: str = "en") -> tuple[Side, Side]:
        """Embeddings, anchors, priors (and sentence sub-units) of both sides, ready to align.

        When segments hold several sentences (paragraphs), each side also gets a
        ``sub_side`` over its sentences: the engine aligns those first and uses the
        sentence links as evidence for the segment links.
        """
        langs = dict(source_lang=source_lang, target_lang=target_lang,
                     names=self.params.name_anchors)
        src_pieces = self.pieces(src, source_lang) if sentence_level else None
        tgt_pieces = self.pieces(tgt, target_lang) if sentence_level else None
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
            return (self.side(src, es, sa, progress, cancel),
                    self.side(tgt, et, ta, progress, cancel,
                              self.boilerplate(tgt, et)))
        ses, tes = emb[n + m:n + m + len(src_flat)], emb[n + m + len(src_flat):]
        sa, ta, ssa, sta = nested_masks(src_pieces, tgt_pieces, glossary, **langs)
        sub_src = self.side(src_flat, ses, ssa, progress, cancel)
        sub_tgt = self.side(tgt_flat, tes, sta, progress, cancel,
                            self.boilerplate(tgt_flat, tes))
        s = self.side(src, es, sa, progress, cancel, None, src_pieces, ses)
        t = self.side(tgt, et, ta, progress, cancel, self.boilerplate(tgt, et),
                      tgt_pieces, tes)
        s.sub_side, t.sub_side = sub_src, sub_tgt
        return s, t

    def _long_sides(self, src: list[str], tgt: list[str], glossary, progress, cancel,
                    max_block: int, langs: dict) -> tuple[Side, Side]:
        """:meth:`build` for long sides: composed blocks, computed chunk by chunk."""
        # the mean join correction: re-encoding every join would add a third to the
        # encoding of a long side, for the same F1 (0.952 against 0.953 on 20,000 lines)
        es, sblocks = self.embedder.embed_blocks(src, max_block, progress=progress,
                                                 cancel=cancel, exact_joins=False)
        et, tblocks = self.embedder.embed_blocks(tgt, max_block, progress=progress,
                                                 cancel=cancel, exact_joins=False)
        sa, ta = document_masks(src, tgt, glossary, **langs)
        return (self.side(src, es, sa, progress, cancel, blocks=sblocks),
                self.side(tgt, et, ta, progress, cancel,
                          self.boilerplate(tgt, et), blocks=tblocks))

    def _composed_sides(self, src: list[str], tgt: list[str], src_pieces, tgt_pieces,
                        glossary, progress, cancel, max_block: int = 3,
                        langs: dict | None = None) -> tuple[Side, Side]:
        """:meth:`build` for a composable embedder: every text is encoded once.

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
            s = self.side(src, blank(n), sa, progress, cancel, pooled=ps)
            t = self.side(tgt, blank(m), ta, progress, cancel, pooled=pt)
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
        s = self.side(src, blank(n), sa, progress, cancel, None, src_pieces,
                       blank(len(src_flat)), pooled=ps)
        t = self.side(tgt, blank(m), ta, progress, cancel, None, tgt_pieces,
                       blank(len(tgt_flat)), pooled=pt)
        if max_block >= 2:  # the paragraph blocks, while the sentence level is prepared
            self._join_both(s, t, max_block)
        # the sentence sides are evidence for the segment links: their blocks make do
        # with the mean join correction
        sub_src = self.side(src_flat, blank(len(src_flat)), ssa, progress, cancel,
                             pooled=pss, exact_joins=False)
        sub_tgt = self.side(tgt_flat, blank(len(tgt_flat)), sta, progress, cancel,
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


_background_pool: ThreadPoolExecutor | None = None
_background_lock = threading.Lock()


def _background() -> ThreadPoolExecutor:
    """A process-wide thread for the work done side by side with an alignment (blocks)."""
    global _background_pool
    with _background_lock:
        if _background_pool is None:
            _background_pool = ThreadPoolExecutor(1, thread_name_prefix="wb-blocks")
        return _background_pool
