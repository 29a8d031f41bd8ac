"""A heatmap of an alignment: the segment similarity matrix with the links drawn over it.

Rows are source (Arabic) segments, columns target (English) segments, the colour
the similarity of the two segments (``AlignmentResult.similarity``).  Predicted
links are outlined boxes over the cells they join; gold links, when given, are dots
in their cells, so a box holding dots is a correct link and dots outside any box
show what was missed.  Null links sit in the margins: deletions (a source segment
with no counterpart) in the column left of the matrix headed "deleted", insertions
in the row above it headed "inserted".

matplotlib is imported lazily and used through its object-oriented API with the
Agg canvas (no pyplot, no global backend switch), so plotting is safe from a
worker thread and never needs a display.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

from workbench.align.links import Link
from workbench.errors import WorkbenchError
from workbench.textio import write_bytes_atomic

__all__ = ["plot_alignment", "render_alignment"]

PRED_COLOR = "#d62728"   # red boxes: predicted links
GOLD_COLOR = "#2ca02c"   # green dots: gold links
LABEL_CHARS = 28


def _runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Contiguous runs of sorted indices as (first, last)."""
    out: list[tuple[int, int]] = []
    for i in sorted(indices):
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _check_links(links: Sequence[Link], n_src: int, n_tgt: int, what: str) -> list[Link]:
    checked = []
    for lk in links:
        if not isinstance(lk, Link):
            src, tgt = lk
            lk = Link(tuple(src), tuple(tgt))
        for side, idx, n in (("source", lk.src, n_src), ("target", lk.tgt, n_tgt)):
            bad = [i for i in idx if i < 0 or i >= n]
            if bad:
                axis = "rows" if side == "source" else "columns"
                raise WorkbenchError(
                    f"{what} link {lk.format(False)} uses {side} index {bad[0]}, but the "
                    f"similarity matrix has {n} {axis} ({side} segments 0..{n - 1}); "
                    "the links and the matrix come from different documents or units")
        checked.append(lk)
    return checked


def _label(text: str) -> str:
    text = " ".join(str(text).split())
    if len(text) > LABEL_CHARS:
        text = text[:LABEL_CHARS - 1] + "…"
    # logical order: matplotlib (>= 3.11, libraqm) shapes Arabic and applies the bidi algorithm
    return text


def _tick_step(n: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if n / step <= 40:
            return step
    return max(1, n // 40)


def render_alignment(similarity, links: Sequence[Link], *, gold: Sequence[Link] | None = None,
                     title: str = "", src_labels: Sequence[str] | None = None,
                     tgt_labels: Sequence[str] | None = None, dpi: int = 110) -> bytes:
    """The heatmap as PNG bytes (see :func:`plot_alignment`)."""
    import numpy as np

    if similarity is None:
        raise WorkbenchError("no similarity matrix to plot (the aligner leaves it out for very "
                             "large documents)")
    sim = np.asarray(similarity, dtype=np.float64)
    if sim.ndim != 2:
        raise WorkbenchError(f"the similarity matrix must be 2-D (source x target), not "
                             f"{sim.ndim}-D with shape {sim.shape}")
    n_src, n_tgt = sim.shape
    if n_src == 0 or n_tgt == 0:
        raise WorkbenchError(f"nothing to plot: the similarity matrix is {n_src} x {n_tgt}")
    if not np.isfinite(sim).all():
        sim = np.nan_to_num(sim, nan=0.0, posinf=1.0, neginf=-1.0)
    links = _check_links(links, n_src, n_tgt, "predicted")
    gold = _check_links(gold, n_src, n_tgt, "gold") if gold is not None else None
    for labels, n, side in ((src_labels, n_src, "source"), (tgt_labels, n_tgt, "target")):
        if labels is not None and len(labels) != n:
            raise WorkbenchError(f"{len(labels)} {side} labels for {n} {side} segments "
                                 "(one label a matrix " + ("row)" if side == "source" else
                                                           "column)"))

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    big = max(n_src, n_tgt)
    cell = min(0.42, max(9.0 / big, 0.004))        # inches a cell, shrinking for long documents
    label_room = 2.4 if (src_labels is not None and n_src <= 80) else 0.7
    width = min(22.0, max(4.5, n_tgt * cell + label_room + 1.8))
    height = min(22.0, max(4.0, n_src * cell + (2.2 if tgt_labels is not None else 1.4)))
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()

    vmin = min(0.0, float(sim.min()))
    vmax = max(float(sim.max()), vmin + 1e-6)
    im = ax.imshow(sim, cmap="Blues", vmin=vmin, vmax=vmax, aspect="auto",
                   interpolation="nearest")
    fig.colorbar(im, ax=ax, fraction=0.035, pad=0.02, label="similarity")
    ax.set_xlim(-1.5, n_tgt - 0.5)   # one extra column on the left for deletions
    ax.set_ylim(n_src - 0.5, -1.5)   # one extra row on top for insertions
    ax.axvline(-0.5, color="#999999", lw=0.6)
    ax.axhline(-0.5, color="#999999", lw=0.6)

    lw_box = 2.0 if big <= 40 else (1.2 if big <= 200 else 0.6)
    dot = 36 if big <= 40 else (14 if big <= 200 else 3)
    # gold first, under the boxes
    if gold:
        xs, ys, nx, ny = [], [], [], []
        for lk in gold:
            if lk.src and lk.tgt:
                for i in lk.src:
                    for j in lk.tgt:
                        ys.append(i)
                        xs.append(j)
            elif lk.src:
                ny += list(lk.src)
            else:
                nx += list(lk.tgt)
        ax.scatter(xs, ys, s=dot, c=GOLD_COLOR, marker="o", zorder=3, linewidths=0)
        ax.scatter([-1] * len(ny), ny, s=dot * 1.6, facecolors="none", edgecolors=GOLD_COLOR,
                   marker="o", zorder=3, linewidths=1.2)
        ax.scatter(nx, [-1] * len(nx), s=dot * 1.6, facecolors="none", edgecolors=GOLD_COLOR,
                   marker="o", zorder=3, linewidths=1.2)
    dels, ins = [], []
    for lk in links:
        if lk.src and lk.tgt:
            for s0, s1 in _runs(lk.src):
                for t0, t1 in _runs(lk.tgt):
                    ax.add_patch(Rectangle((t0 - 0.5, s0 - 0.5), t1 - t0 + 1, s1 - s0 + 1,
                                           fill=False, ec=PRED_COLOR, lw=lw_box, zorder=4))
        elif lk.src:
            dels += list(lk.src)
        else:
            ins += list(lk.tgt)
    ax.scatter([-1] * len(dels), dels, s=dot * 1.2, c=PRED_COLOR, marker="x", zorder=4,
               linewidths=1.4)
    ax.scatter(ins, [-1] * len(ins), s=dot * 1.2, c=PRED_COLOR, marker="x", zorder=4,
               linewidths=1.4)

    # ticks: every segment while it stays readable, then every k-th
    step_s, step_t = _tick_step(n_src), _tick_step(n_tgt)
    # (past one label a segment, tick 0 would sit on the margin's label: start at the step)
    rows = list(range(0 if step_s == 1 else step_s, n_src, step_s))
    cols = list(range(0 if step_t == 1 else step_t, n_tgt, step_t))
    ax.set_yticks([-1] + rows)
    ax.set_xticks([-1] + cols)
    if src_labels is not None and step_s == 1:
        ax.set_yticklabels(["inserted"] + [f"{i} {_label(src_labels[i])}" for i in rows],
                           fontsize=7)
    else:
        ax.set_yticklabels(["inserted"] + [str(i) for i in rows], fontsize=8)
    if tgt_labels is not None and step_t == 1:
        ax.set_xticklabels(["deleted"] + [f"{j} {_label(tgt_labels[j])}" for j in cols],
                           fontsize=7, rotation=40, ha="left", rotation_mode="anchor")
    else:
        ax.set_xticklabels(["deleted"] + [str(j) for j in cols], fontsize=8,
                           rotation=90 if n_tgt > 20 and step_t == 1 else 0)
    ax.xaxis.set_ticks_position("top")
    ax.xaxis.set_label_position("top")
    plt_labels = {"x": f"target (English) segments, {n_tgt}",
                  "y": f"source (Arabic) segments, {n_src}"}
    ax.set_xlabel(plt_labels["x"])
    ax.set_ylabel(plt_labels["y"])
    if title:
        fig.suptitle(title, fontsize=11)

    handles = [Patch(fill=False, ec=PRED_COLOR, lw=1.6, label="predicted link"),
               Line2D([], [], color=PRED_COLOR, marker="x", ls="none",
                      label="predicted null link (margin)")]
    if gold is not None:
        handles += [Line2D([], [], color=GOLD_COLOR, marker="o", ls="none", label="gold link"),
                    Line2D([], [], color=GOLD_COLOR, marker="o", ls="none", mfc="none",
                           label="gold null link (margin)")]
    fig.legend(handles=handles, loc="outside lower center",
               ncol=min(4 if width >= 8 else 2, len(handles)),
               fontsize=8, frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def plot_alignment(similarity, links: Sequence[Link], path: str | Path, *,
                   gold: Sequence[Link] | None = None, title: str = "",
                   src_labels: Sequence[str] | None = None,
                   tgt_labels: Sequence[str] | None = None) -> Path:
    """Write a PNG heatmap of ``similarity`` (source x target) with ``links`` (and ``gold``).

    ``links``/``gold`` are :class:`~workbench.align.links.Link` lists (or ``(src, tgt)``
    pairs); ``src_labels``/``tgt_labels`` optionally name the rows/columns (shown while
    there are few enough to read).  Raises :class:`WorkbenchError` if a link does not fit
    the matrix, the matrix is not 2-D, or a label list has the wrong length.  The file
    is written atomically; returns its path.
    """
    p = Path(path)
    if p.suffix.lower() != ".png":
        raise WorkbenchError("the plot is written as PNG: give a file name ending in .png",
                             path=p)
    data = render_alignment(similarity, links, gold=gold, title=title, src_labels=src_labels,
                            tgt_labels=tgt_labels)
    write_bytes_atomic(p, data)
    return p
