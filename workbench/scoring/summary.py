"""Combining per-document results into the report dictionary (stable keys, see
:mod:`workbench.scoring.report`): micro averages, pooled MT and term figures, with the
metric signatures."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

from workbench import __version__
from workbench.scoring.alignment import AlignmentCounts, AlignmentScore
from workbench.scoring.confidence import ConfidenceMetric, roc_auc
from workbench.scoring.linktypes import LinkTypeMetric, LinkTypeStats
from workbench.scoring.metric import AlignmentMetric, format_signature
from workbench.scoring.tasks import ScoreSettings

__all__ = ["summarize"]

def summarize(documents: Sequence[dict], *, info: dict | None = None,
              settings: ScoreSettings | None = None, glossary=None) -> dict:
    """The report dictionary: overall and per-document figures, with metric signatures.

    Overall alignment, link-type and confidence figures are micro averages (counts and
    links pooled over documents); MT scores are corpus-level over all pooled segments;
    term rates are recomputed over all pooled aligned pairs.
    """
    settings = settings or ScoreSettings()
    conf_metric = ConfidenceMetric()
    with_gold = [d for d in documents if d.get("counts") is not None]
    counts = AlignmentCounts()
    for d in with_gold:
        counts += AlignmentCounts(**d["counts"])
    unit = (info or {}).get("unit", "")
    signatures = {
        "alignment": AlignmentMetric(unit or "?").signature(),
        "link_types": LinkTypeMetric().signature(),
        "confidence": conf_metric.signature(),
        "batch": settings.signature(),
    }
    overall: dict[str, Any] = {
        "documents": len(documents),
        "documents_with_gold": len(with_gold),
        "alignment": AlignmentScore(counts).as_dict() if with_gold else None,
        "counts": asdict(counts) if with_gold else None,
        "link_types": (LinkTypeStats.from_counts(d["link_types"] for d in with_gold).as_dict()
                       if with_gold else None),
    }
    entries = [e for d in documents for e in d.get("confidence") or []]
    scored = [(e[0], e[1]) for e in entries if e[1] is not None]
    all_conf = [e[0] for e in entries]
    conf = conf_metric.summarize(scored) if scored else conf_metric.summarize([])
    if not scored and all_conf:
        # no gold: the distribution only
        dist = conf_metric.summarize([(c, True) for c in all_conf])
        conf.update({k: dist[k] for k in ("n", "mean", "quantiles", "histogram")})
    # per link type: is the confidence informative within each kind of link?
    conf["by_type"] = {}
    for kind in ("1:1", "1:2", "2:1", "other", "null"):
        rows = [(e[0], e[1]) for e in entries if e[1] is not None and e[2] == kind]
        if rows:
            conf["by_type"][kind] = {
                "n": len(rows), "mean": sum(c for c, _ in rows) / len(rows),
                "accuracy": sum(ok for _, ok in rows) / len(rows),
                "roc_auc": roc_auc([c for c, _ in rows], [ok for _, ok in rows])}
    overall["confidence"] = conf

    mt_docs = [d for d in documents if d.get("mt")]
    overall["mt"] = None
    if mt_docs:
        from workbench.scoring.mt import MTMetrics

        hyps = [h for d in mt_docs for h in d["mt"]["hyp"]]
        refs = [r for d in mt_docs for r in d["mt"]["ref"]]
        overall["mt"] = MTMetrics().score(hyps, refs)
        for key in ("bleu", "chrf", "ter"):
            if key in overall["mt"]:
                signatures[key] = overall["mt"][key]["signature"]

    term_docs = [d for d in documents if d.get("terms")]
    overall["terms"] = None
    if term_docs and glossary is not None:
        from workbench.glossary.qa import term_rates

        srcs = [s for d in term_docs for s in d["terms"]["sources"]]
        tgts = [t for d in term_docs for t in d["terms"]["targets"]]
        overall["terms"] = {"target": term_rates(glossary, srcs, tgts).as_dict(), "mt": None}
        mt_term_docs = [d for d in term_docs if d["terms"].get("mt") is not None]
        if mt_term_docs:
            ms = [s for d in mt_term_docs for s in d["terms"]["mt_sources"]]
            mh = [h for d in mt_term_docs for h in d["mt"]["hyp"]]
            overall["terms"]["mt"] = term_rates(glossary, ms, mh).as_dict()
        signatures["terms"] = format_signature("terms", {
            "glossary": ",".join(Path(p).name for p in settings.glossary_paths or ())
            or "configured",
            "entries": len(getattr(glossary, "entries", {}) or {})})

    per_doc = []
    for d in documents:
        conf_pairs = [(e[0], e[1]) for e in d.get("confidence") or [] if e[1] is not None]
        confs = [e[0] for e in d.get("confidence") or []]
        lt = LinkTypeStats.from_counts([d["link_types"]]).as_dict() if d.get("link_types") else None
        per_doc.append({
            "name": d["name"], "unit": d["unit"], "source_segments": d["n_src"],
            "target_segments": d["n_tgt"], "links": len(d["links"]),
            "links_from": d["links_from"], "gold": d["has_gold"],
            "alignment": d.get("alignment"),
            "null": lt["null"] if lt else None,
            "moved": lt["types"]["moved"] if lt else None,
            "confidence": {
                "mean": sum(confs) / len(confs) if confs else None,
                "roc_auc": roc_auc([c for c, _ in conf_pairs], [ok for _, ok in conf_pairs])
                if conf_pairs else None,
            },
            "mt": ({k: v for k, v in d["mt"]["scores"].items()} | {"ref_from": d["mt"]["ref_from"]}
                   if d.get("mt") else None),
            "terms": ({"target": d["terms"]["target"], "mt": d["terms"]["mt"]}
                      if d.get("terms") else None),
        })
    return {
        "format": "workbench-batch-score/1",
        "workbench_version": __version__,
        "input": dict(info or {}),
        "signatures": signatures,
        "overall": overall,
        "documents": per_doc,
    }
