"""Batch scoring reports: JSON (stable keys), Markdown and a self-contained HTML page.

The JSON report is the dictionary made by :func:`workbench.scoring.batch.summarize`::

    {"format": "workbench-batch-score/1", "workbench_version", "input", "signatures",
     "overall": {"documents", "documents_with_gold",
                 "alignment": {"strict": {"P", "R", "F1"}, "lax": {...}},
                 "counts", "link_types": {"types": {...}, "null": {...}},
                 "confidence": {"n", "mean", "quantiles", "histogram", "roc_auc",
                                "calibration", "ece", "accuracy", "by_type"},
                 "mt": {"bleu"|"chrf"|"ter": {"score", "signature", ...}} | null,
                 "terms": {"target": {...}, "mt": {...} | null} | null},
     "documents": [{"name", "alignment", "null", "moved", "confidence", "mt", "terms", ...}]}

The HTML page embeds its figures as base64 PNG, so it is one file that can be mailed.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any, Sequence

from workbench.errors import WorkbenchError
from workbench.textio import write_text_atomic

__all__ = ["to_json", "to_markdown", "to_html", "write_report", "worst_documents",
           "REPORT_SUFFIXES"]

REPORT_SUFFIXES = (".json", ".md", ".html")


def _f(value: Any, digits: int = 4) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def to_json(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


def worst_documents(summary: dict, n: int = 3) -> list[str]:
    """Names of the ``n`` documents with the lowest strict F1 (ties: by name)."""
    docs = [d for d in summary["documents"] if d.get("alignment")]
    docs.sort(key=lambda d: (d["alignment"]["strict"]["F1"], d["name"]))
    return [d["name"] for d in docs[:n]]


# --- tables shared by Markdown and HTML ---------------------------------------------


def _tables(summary: dict) -> list[tuple[str, list[str], list[list[str]], str]]:
    """``(title, header, rows, note)`` for every overall table of the report."""
    ov = summary["overall"]
    sig = summary["signatures"]
    tables = []
    if ov.get("alignment"):
        a = ov["alignment"]
        tables.append(("Alignment (micro-averaged over documents)", ["", "P", "R", "F1"],
                       [[k, _f(a[k]["P"]), _f(a[k]["R"]), _f(a[k]["F1"])]
                        for k in ("strict", "lax")],
                       f"Vecalign's definitions: null links count in precision only. "
                       f"Signature: {sig['alignment']}"))
    if ov.get("link_types"):
        lt = ov["link_types"]
        rows = [[name, str(r["pred"]), str(r["gold"]), _f(r["P"]), _f(r["R"]), _f(r["F1"])]
                for name, r in lt["types"].items()]
        nl = lt["null"]
        rows.append(["null (per segment)", str(nl["pred"]), str(nl["gold"]), _f(nl["P"]),
                     _f(nl["R"]), _f(nl["F1"])])
        tables.append(("Link types (strict)", ["type", "predicted", "gold", "P", "R", "F1"],
                       rows, "moved = non-monotonic links (off the longest increasing chain). "
                       f"Signature: {sig['link_types']}"))
    conf = ov.get("confidence") or {}
    if conf.get("n"):
        q = conf.get("quantiles") or {}
        rows = [["links with a confidence", str(conf["n"])],
                ["mean confidence", _f(conf["mean"])],
                ["quantiles p10 / p25 / p50 / p75 / p90",
                 " / ".join(_f(q.get(k), 3) for k in ("p10", "p25", "p50", "p75", "p90"))],
                ["share of links that are right (strict)", _f(conf.get("accuracy"))],
                ["ROC AUC (confidence vs correct link)", _f(conf.get("roc_auc"))],
                ["expected calibration error", _f(conf.get("ece"))]]
        tables.append(("Aligner confidence", ["", "value"], rows,
                       f"Signature: {sig['confidence']}"))
        if conf.get("by_type"):
            rows = [[kind, str(r["n"]), _f(r["mean"], 3), _f(r["accuracy"], 3),
                     _f(r["roc_auc"], 3)] for kind, r in conf["by_type"].items()]
            tables.append(("Confidence by link type", ["type", "links", "mean confidence",
                                                       "right", "ROC AUC"], rows,
                           "ROC AUC within one type: does the confidence separate right and "
                           "wrong links of that kind?"))
        if conf.get("calibration") and conf.get("ece") is not None:
            rows = [[f"{b['lo']:.1f}–{b['hi']:.1f}", str(b["n"]), _f(b["confidence"], 3),
                     _f(b["accuracy"], 3)] for b in conf["calibration"]]
            tables.append(("Calibration", ["confidence", "links", "mean confidence",
                                           "right"], rows, ""))
    if ov.get("mt"):
        mt = ov["mt"]
        rows = [[mt[k]["name"], _f(mt[k]["score"], 2), mt[k]["signature"]]
                for k in ("bleu", "chrf", "ter") if k in mt]
        tables.append(("Machine translation (corpus level)", ["metric", "score",
                                                             "sacrebleu signature"], rows,
                       f"{mt.get('segments', 0)} segments."))
    if ov.get("terms"):
        rows = []
        for key, label in (("target", "English target"), ("mt", "machine translation")):
            t = ov["terms"].get(key)
            if t:
                rows.append([label, _pct(t.get("success_rate")), _pct(t.get("variant_rate")),
                             _f(t.get("terms_in_source"))])
        tables.append(("Terminology (glossary QA)", ["text", "term success rate",
                                                      "variant rate", "terms in source"],
                       rows, f"Signature: {sig.get('terms', '')}"))
    return tables


def _doc_table(summary: dict) -> tuple[list[str], list[list[str]]]:
    docs = summary["documents"]
    has_mt = any(d.get("mt") for d in docs)
    has_terms = any(d.get("terms") for d in docs)
    header = ["document", "src", "tgt", "links", "P", "R", "F1", "lax F1", "null P", "null R",
              "moved", "conf AUC"]
    if has_mt:
        header += ["BLEU", "chrF++", "TER"]
    if has_terms:
        header += ["terms"]
    rows = []
    for d in docs:
        a = d.get("alignment")
        s = a["strict"] if a else {}
        nl = d.get("null") or {}
        mv = d.get("moved") or {}
        row = [d["name"], str(d["source_segments"]), str(d["target_segments"]), str(d["links"]),
               _f(s.get("P")), _f(s.get("R")), _f(s.get("F1")),
               _f(a["lax"]["F1"]) if a else "–", _f(nl.get("P"), 2), _f(nl.get("R"), 2),
               f"{mv.get('pred', 0)}/{mv.get('gold', 0)}" if mv else "–",
               _f((d.get("confidence") or {}).get("roc_auc"), 3)]
        if has_mt:
            mt = d.get("mt") or {}
            row += [_f((mt.get(k) or {}).get("score"), 2) for k in ("bleu", "chrf", "ter")]
        if has_terms:
            t = (d.get("terms") or {}).get("target") or {}
            row += [_pct(t.get("success_rate"))]
        rows.append(row)
    return header, rows


def _header_lines(summary: dict) -> list[str]:
    inp = summary["input"]
    ov = summary["overall"]
    lines = [f"Input: {inp.get('input', '?')} ({inp.get('kind', '?')}, unit: "
             f"{inp.get('unit', '?')}); {ov['documents']} documents, "
             f"{ov['documents_with_gold']} with a gold alignment; run on "
             f"{inp.get('executor', 'local')}; workbench {summary['workbench_version']}."]
    froms = sorted({d["links_from"] for d in summary["documents"]})
    lines.append("Links: " + ", ".join("aligned by the workbench" if f == "aligned"
                                       else "read from --pred" for f in froms) + ".")
    if inp.get("skipped"):
        lines.append(f"Skipped (only one side or no gold): {', '.join(inp['skipped'][:20])}"
                     + (" ..." if len(inp["skipped"]) > 20 else ""))
    return lines


# --- Markdown -------------------------------------------------------------------------


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def esc(c: str) -> str:
        return str(c).replace("|", "\\|")

    out = ["| " + " | ".join(esc(h) for h in header) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def to_markdown(summary: dict) -> str:
    parts = ["# Batch scoring report", "", *(_header_lines(summary)), ""]
    for title, header, rows, note in _tables(summary):
        parts += [f"## {title}", "", _md_table(header, rows), ""]
        if note:
            parts += [note.replace("Signature: ", "Signature: `") + ("`" if "Signature: " in note
                                                                     else ""), ""]
    header, rows = _doc_table(summary)
    parts += ["## Documents", "", _md_table(header, rows), ""]
    worst = worst_documents(summary)
    if worst:
        parts += [f"Lowest strict F1: {', '.join(worst)}.", ""]
    return "\n".join(parts)


# --- HTML -----------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1100px;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;
border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
tr:nth-child(even) td{background:#fafafa}
.note{color:#666;font-size:.85em;margin:.2em 0 1em}
code{font-size:.85em;background:#f3f3f3;padding:.05em .3em;border-radius:3px}
.headline{display:flex;gap:1.5em;flex-wrap:wrap;margin:1em 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:9em}
.card b{display:block;font-size:1.6em}.card span{color:#666;font-size:.85em}
img{max-width:100%;border:1px solid #eee;margin:.5em 0}
.low td{background:#fdecea !important}
.scroll{overflow-x:auto}
"""


def _html_table(header, rows, low: set[int] | None = None) -> str:
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
           + "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = ' class="low"' if low and i in low else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row)
                   + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _img(png: bytes | None, alt: str) -> str:
    if not png:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _cards(summary: dict) -> str:
    ov = summary["overall"]
    cards = []
    if ov.get("alignment"):
        cards.append(("strict F1", _f(ov["alignment"]["strict"]["F1"])))
        cards.append(("lax F1", _f(ov["alignment"]["lax"]["F1"])))
    lt = ov.get("link_types")
    if lt:
        cards.append(("null-link F1", _f(lt["null"]["F1"])))
    conf = ov.get("confidence") or {}
    if conf.get("roc_auc") is not None:
        cards.append(("confidence ROC AUC", _f(conf["roc_auc"], 3)))
    mt = ov.get("mt") or {}
    for k in ("bleu", "chrf", "ter"):
        if k in mt:
            cards.append((mt[k]["name"], _f(mt[k]["score"], 2)))
    terms = (ov.get("terms") or {}).get("target")
    if terms:
        cards.append(("term success", _pct(terms.get("success_rate"))))
    return '<div class="headline">' + "".join(
        f'<div class="card"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>'
        for k, v in cards) + "</div>"


def to_html(summary: dict, documents: Sequence[dict] | None = None, *, worst: int = 3) -> str:
    """The report as one HTML page; ``documents`` (raw per-document results) adds heatmaps."""
    from workbench.align.links import parse_links
    from workbench.scoring import plots

    parts = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<title>Batch scoring report</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>Batch scoring report</h1>"]
    parts += [f'<p class="note">{html.escape(line)}</p>' for line in _header_lines(summary)]
    parts.append(_cards(summary))
    tables = _tables(summary)
    for title, header, rows, note in tables[:2]:
        parts += [f"<h2>{html.escape(title)}</h2>", _html_table(header, rows)]
        if note:
            parts.append(f'<p class="note">{_note_html(note)}</p>')
    parts.append("<h2>F1 per document</h2>")
    parts.append(_img(plots.f1_bars(summary["documents"]), "F1 per document"))
    for title, header, rows, note in tables[2:]:
        parts += [f"<h2>{html.escape(title)}</h2>", _html_table(header, rows)]
        if note:
            parts.append(f'<p class="note">{_note_html(note)}</p>')
        if title == "Aligner confidence":
            parts.append(_img(plots.confidence_plot(summary["overall"]["confidence"]),
                              "confidence against correctness"))
    names = worst_documents(summary, worst)
    if documents and names:
        by_name = {d["name"]: d for d in documents}
        parts.append("<h2>Worst documents</h2>")
        parts.append('<p class="note">Predicted links: red dashed boxes (null links: red '
                     'triangles on the axes); gold links: green boxes; background: the '
                     "aligner's similarity (blank when links were read from --pred).</p>")
        f1 = {d["name"]: d["alignment"]["strict"]["F1"] for d in summary["documents"]
              if d.get("alignment")}
        for name in names:
            doc = by_name.get(name)
            if doc is None:
                continue
            gold = parse_links("\n".join(doc["gold_links"])) if doc.get("gold_links") else None
            title = f"{name}: strict F1 {f1[name]:.3f}"
            parts.append(f"<h3>{html.escape(title)}</h3>")
            parts.append(_img(plots.alignment_heatmap(doc, gold, title), title))
    header, rows = _doc_table(summary)
    low = {i for i, d in enumerate(summary["documents"]) if d["name"] in set(names)}
    parts += ["<h2>Documents</h2>", '<div class="scroll">', _html_table(header, rows, low),
              "</div>", "<h2>Signatures</h2>", "<table><tbody>"]
    for key, sig in summary["signatures"].items():
        parts.append(f"<tr><td>{html.escape(key)}</td><td><code>{html.escape(sig)}</code>"
                     "</td></tr>")
    parts += ["</tbody></table>", "</body></html>"]
    return "\n".join(p for p in parts if p)


def _note_html(note: str) -> str:
    if "Signature: " in note:
        before, sig = note.split("Signature: ", 1)
        return f"{html.escape(before)}Signature: <code>{html.escape(sig)}</code>"
    return html.escape(note)


def write_report(summary: dict, path: str | Path, documents: Sequence[dict] | None = None, *,
                 worst: int = 3) -> Path:
    """Write the report in the format its suffix names (.json, .md, .html), atomically."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".json":
        text = to_json(summary)
    elif suffix in (".md", ".markdown"):
        text = to_markdown(summary)
    elif suffix in (".html", ".htm"):
        text = to_html(summary, documents, worst=worst)
    else:
        raise WorkbenchError("unknown report format; name the file .json, .md or .html", path=p)
    try:
        write_text_atomic(p, text)
    except OSError as exc:
        raise WorkbenchError(f"cannot write the report: {exc.strerror}", path=p) from None
    return p
