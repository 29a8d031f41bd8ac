"""Scoring one document (:func:`score_task`): align it unless links are given, then
every figure (alignment P/R/F1, link types, confidence, MT, term rates).

It is a plain function of plain data, so that it runs the same in this process, in a
worker process or on a remote Dask worker and gives identical numbers everywhere.
Models (the aligner's embedder, an MT model, the glossary) are loaded once per process
and kept in a module global.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

from workbench.align.links import Link
from workbench.errors import CancelledError, WorkbenchError
from workbench.scoring.alignment import AlignmentScore, count_document
from workbench.scoring.discover import segments_of
from workbench.scoring.linktypes import LinkTypeMetric, link_type
from workbench.scoring.tasks import DocTask, ScoreSettings

__all__ = ["score_task", "settings_glossary"]

_CACHE: dict[Any, Any] = {}


def _limit_threads_in_workers() -> None:
    """One compute thread per worker process: N workers share N cores, no oversubscription,
    and the same arithmetic in every worker (identical numbers locally and on Dask)."""
    if _CACHE.get("threads") or multiprocessing.parent_process() is None:
        return
    _CACHE["threads"] = True
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is optional (pip install workbench[mt])
        pass


def settings_glossary(settings: ScoreSettings):
    """The glossary the settings name (cached per process; None if terms are off)."""
    if not settings.terms:
        return None
    key = ("glossary", settings.glossary_paths)
    if key not in _CACHE:
        if settings.glossary_paths is None:
            raise WorkbenchError("the term rates need glossary files (ScoreSettings."
                                 "glossary_paths) or terms=False")
        from workbench.glossary import load_glossary

        _CACHE[key] = load_glossary([Path(p) for p in settings.glossary_paths])
    return _CACHE[key]


def _aligner():
    if "aligner" not in _CACHE:
        _limit_threads_in_workers()
        try:
            from workbench.align.api import Aligner
        except ImportError:
            raise WorkbenchError("the aligner is not available in this installation; "
                                 "score existing links with --pred") from None
        if multiprocessing.parent_process() is not None:
            # a worker process: one embedding thread, the pool has one process per core
            from workbench.align.embed import USEEmbedder

            _CACHE["aligner"] = Aligner(USEEmbedder(threads=1))
        else:
            _CACHE["aligner"] = Aligner()
    return _CACHE["aligner"]


def _backend(model: str, models_dir: str | None = None):
    key = ("mt", model, models_dir)
    if key not in _CACHE:
        _limit_threads_in_workers()
        try:
            from workbench.mt.backend import load_backend
        except ImportError:
            raise WorkbenchError("machine translation is not available in this "
                                 "installation") from None
        _CACHE[key] = load_backend(model, models_dir=models_dir)
    return _CACHE[key]


def _translate(model: str, segments: list[str], models_dir: str | None = None) -> list[str]:
    if not segments:
        return []
    out = []
    for hyps in _backend(model, models_dir).translate(segments, n_best=1):
        best = hyps[0] if hyps else ""
        out.append(best if isinstance(best, str) else str(getattr(best, "text", best)))
    return out


def _term_rates(glossary, sources: Sequence[str], targets: Sequence[str]) -> dict | None:
    if glossary is None:
        return None
    from workbench.glossary.qa import term_rates

    return term_rates(glossary, list(sources), list(targets)).as_dict()


def score_task(task: DocTask, settings: ScoreSettings) -> dict:
    """Score one document: align it (unless links are given), then compute every figure.

    Returns a JSON-ready dict (see :func:`summarize` for how documents combine).
    User errors name the document.
    """
    try:
        return _score_task(task, settings)
    except CancelledError:
        raise
    except WorkbenchError as exc:
        if exc.path is None and not str(exc).startswith(f"{task.name}: "):
            raise WorkbenchError(f"document {task.name}: {exc}") from None
        raise


def _score_task(task: DocTask, settings: ScoreSettings) -> dict:
    src_segs = segments_of(task.source_text, task.unit, "ar")
    tgt_segs = segments_of(task.target_text, task.unit, "en")
    glossary = settings_glossary(settings)
    similarity = None
    if task.pred is not None:
        links = [Link(s, t, c) for s, t, c in task.pred]
        origin = "given"
    else:
        res = _aligner().align_texts(task.source_text, task.target_text, task.unit,
                                     glossary=glossary, max_link=settings.max_link)
        if len(res.source) != len(src_segs) or len(res.target) != len(tgt_segs):
            raise WorkbenchError(f"the aligner segmented the document differently "
                                 f"({len(res.source)}x{len(res.target)} instead of "
                                 f"{len(src_segs)}x{len(tgt_segs)} segments)")
        links = list(res.links)
        origin = "aligned"
        if settings.keep_similarity and res.similarity is not None:
            similarity = [[round(float(v), 4) for v in row] for row in res.similarity]

    out: dict[str, Any] = {
        "name": task.name, "unit": task.unit, "n_src": len(src_segs), "n_tgt": len(tgt_segs),
        "links_from": origin, "links": [lk.format() for lk in links],
        "has_gold": task.gold is not None, "similarity": similarity,
    }
    gold = [Link(s, t) for s, t in task.gold] if task.gold is not None else None
    gold_keys = {lk.key() for lk in gold} if gold is not None else set()
    if gold is not None:
        counts = count_document(gold, links)
        out["counts"] = asdict(counts)
        out["alignment"] = AlignmentScore(counts).as_dict()
        out["link_types"] = LinkTypeMetric().count(gold, links)
        out["gold_links"] = [lk.format(False) for lk in gold]
    else:
        out["counts"] = out["alignment"] = out["link_types"] = out["gold_links"] = None
    # confidence of each predicted link (and whether it is right, when gold is known)
    out["confidence"] = [[round(float(lk.score), 6), lk.key() in gold_keys if gold else None,
                          link_type(lk)]
                         for lk in links if lk.score is not None]

    # the aligned pairs the MT and terminology figures are computed on
    ref_links = gold if gold is not None else links
    pairs_from = "gold" if gold is not None else ("links" if origin == "given" else "aligned")
    pairs = [lk for lk in ref_links if not lk.is_null]
    sources = [" ".join(src_segs[i] for i in lk.src) for lk in pairs]
    targets = [" ".join(tgt_segs[j] for j in lk.tgt) for lk in pairs]

    out["mt"] = None
    mt_sources, mt_hyps = None, None
    if settings.mt_model:
        from workbench.scoring.mt import mt_metrics

        translated = _translate(settings.mt_model, src_segs, settings.models_dir)
        if task.ref is not None:
            mt_sources, mt_hyps, refs, ref_from = src_segs, translated, list(task.ref), "ref"
        else:
            mt_sources = sources
            mt_hyps = [" ".join(translated[i] for i in lk.src) for lk in pairs]
            refs, ref_from = targets, pairs_from
        out["mt"] = {"ref_from": ref_from, "hyp": mt_hyps, "ref": refs,
                     "scores": mt_metrics(mt_hyps, refs)}

    out["terms"] = None
    if glossary is not None:
        out["terms"] = {
            "pairs_from": pairs_from, "sources": sources, "targets": targets,
            "target": _term_rates(glossary, sources, targets),
            "mt_sources": mt_sources,
            "mt": _term_rates(glossary, mt_sources, mt_hyps) if mt_hyps is not None else None,
        }
    return out
