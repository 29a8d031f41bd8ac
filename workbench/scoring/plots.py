"""Report figures as PNG bytes (matplotlib, Agg backend; no display needed).

* :func:`f1_bars` -- strict and lax F1 of every document;
* :func:`alignment_heatmap` -- the source x target similarity with predicted and gold
  links (uses ``workbench.align.plot.plot_alignment`` when available);
* :func:`confidence_plot` -- the reliability diagram and the confidence histograms of
  right and wrong links.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Sequence

from workbench.align.links import Link, parse_links

__all__ = ["f1_bars", "alignment_heatmap", "confidence_plot"]


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    _plt().close(fig)
    return buf.getvalue()


def f1_bars(documents: Sequence[dict]) -> bytes | None:
    """Strict (dark) and lax (light) F1 per document, documents in name order."""
    docs = [d for d in documents if d.get("alignment")]
    if not docs:
        return None
    plt = _plt()
    width = min(16.0, max(7.0, 0.16 * len(docs) + 2))
    fig, ax = plt.subplots(figsize=(width, 3.6))
    xs = range(len(docs))
    lax = [d["alignment"]["lax"]["F1"] for d in docs]
    strict = [d["alignment"]["strict"]["F1"] for d in docs]
    ax.bar(xs, lax, color="#9ecae1", label="lax F1", width=0.8)
    ax.bar(xs, strict, color="#08519c", label="strict F1", width=0.5)
    mean = sum(strict) / len(strict)
    ax.axhline(mean, color="#d62728", lw=1, ls="--", label=f"mean of documents {mean:.3f}")
    ax.set_ylim(0, 1.05)
    ax.set_xlim(-0.7, max(len(docs), 8) - 0.3)
    step = max(1, len(docs) // 40)
    ax.set_xticks(list(xs)[::step])
    ax.set_xticklabels([d["name"] for d in docs][::step], rotation=90, fontsize=7)
    ax.set_ylabel("F1")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, ncol=3,
              frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def _links(doc: dict) -> list[Link]:
    return parse_links("\n".join(doc["links"]))


def alignment_heatmap(doc: dict, gold: Sequence[Link] | None = None, title: str = "") -> bytes:
    """Similarity heatmap of one document with its predicted (and gold) links."""
    import numpy as np

    links = _links(doc)
    sim = np.array(doc["similarity"], dtype=float) if doc.get("similarity") else None
    try:
        from workbench.align.plot import plot_alignment
    except ImportError:
        plot_alignment = None
    if plot_alignment is not None and sim is not None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "heatmap.png"
            plot_alignment(sim, links, path, gold=list(gold) if gold else None, title=title)
            return path.read_bytes()
    return _own_heatmap(sim, links, gold, doc["n_src"], doc["n_tgt"], title)


def _own_heatmap(sim, links, gold, n_src: int, n_tgt: int, title: str) -> bytes:
    plt = _plt()
    from matplotlib.patches import Rectangle

    size = max(3.5, min(9.0, 0.22 * max(n_src, n_tgt) + 2))
    fig, ax = plt.subplots(figsize=(size * max(0.6, n_tgt / max(n_src, 1)) + 1.2, size))
    if sim is not None:
        im = ax.imshow(sim, cmap="Greys", vmin=min(0.0, float(sim.min())), vmax=1.0,
                       aspect="auto", interpolation="nearest")
        fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label="similarity")
    else:
        ax.set_facecolor("#f7f7f7")
    ax.set_xlim(-0.5, n_tgt - 0.5)
    ax.set_ylim(n_src - 0.5, -0.5)
    for lk in gold or []:
        if lk.src and lk.tgt:
            ax.add_patch(Rectangle((min(lk.tgt) - 0.5, min(lk.src) - 0.5), len(lk.tgt),
                                   len(lk.src), fill=False, ec="#2ca02c", lw=3.2))
    for lk in links:
        if lk.src and lk.tgt:
            ax.add_patch(Rectangle((min(lk.tgt) - 0.45, min(lk.src) - 0.45),
                                   len(lk.tgt) - 0.1, len(lk.src) - 0.1, fill=False,
                                   ec="#d62728", lw=1.4, ls="--"))
    # null links as markers on the axes
    for lk in links:
        for i in lk.src if not lk.tgt else ():
            ax.plot(-0.5, i, marker=">", color="#d62728", ms=6, clip_on=False)
        for j in lk.tgt if not lk.src else ():
            ax.plot(j, -0.5, marker="v", color="#d62728", ms=6, clip_on=False)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("English segment")
    ax.set_ylabel("Arabic segment")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="#d62728", ls="--", label="predicted"),
               Line2D([], [], color="#d62728", marker=">", ls="", label="predicted null")]
    if gold is not None:
        handles.insert(0, Line2D([], [], color="#2ca02c", lw=3, label="gold"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3,
              fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10)
    return _png(fig)


def confidence_plot(confidence: dict) -> bytes | None:
    """Reliability diagram (accuracy per confidence bin) and confidence histograms."""
    cal = confidence.get("calibration")
    if not cal:
        return None
    plt = _plt()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    centers = [(b["lo"] + b["hi"]) / 2 for b in cal]
    width = cal[0]["hi"] - cal[0]["lo"]
    acc = [b["accuracy"] if b["accuracy"] is not None else 0 for b in cal]
    ax1.bar(centers, acc, width=width * 0.9, color="#3182bd", label="accuracy (strict)")
    ax1.plot([0, 1], [0, 1], color="#636363", ls="--", lw=1, label="perfect calibration")
    for c, b in zip(centers, cal):
        if b["n"]:
            ax1.text(c, (b["accuracy"] or 0) + 0.02, str(b["n"]), ha="center", fontsize=7)
    ax1.set_xlim(0, 1)
    ax1.set_ylim(0, 1.1)
    ax1.set_xlabel("link confidence")
    ax1.set_ylabel("share of links that are right")
    auc = confidence.get("roc_auc")
    ece = confidence.get("ece")
    ax1.set_title("Calibration" + (f"  (ROC AUC {auc:.3f}" if auc is not None else "  (")
                  + (f", ECE {ece:.3f})" if ece is not None else ")"), fontsize=10)
    ax1.legend(fontsize=8, loc="lower right")
    right = [b["n"] * (b["accuracy"] or 0) for b in cal]
    wrong = [b["n"] - r for b, r in zip(cal, right)]
    ax2.bar(centers, right, width=width * 0.9, color="#31a354", label="right links")
    ax2.bar(centers, wrong, width=width * 0.9, bottom=right, color="#de2d26", label="wrong links")
    ax2.set_xlim(0, 1)
    ax2.set_xlabel("link confidence")
    ax2.set_ylabel("links")
    ax2.set_title("Confidence of right and wrong links", fontsize=10)
    ax2.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return _png(fig)
