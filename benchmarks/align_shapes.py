#!/usr/bin/env python3
"""What each link size costs on a long document, and that the search stays linear.

The documents of ``translation-long-nm`` (``benchmarks/align.py``: NTREX documents
000-079 made faithful translations with links up to 1:6 and 6:1, 2:2, 2:3 and 3:2),
joined end to end into one long document, and its first half on its own.  Above
``engine.FULL_CELLS`` table cells the search is coarse-to-fine (the path found on sides
downsampled by merging pairs, recursively, then a band of ``engine.BAND_WIDTH`` segments
around it, as Vecalign does): the work grows with the length, not with its square.

For each ``--max-link`` (1 ... 6, the translation profile's shapes, ``search.link_shapes``)
and for ``--profile auto`` (both profiles' searches): candidate links scored (cells;
deterministic), band cells, coarse levels, wall seconds (noisy on a shared machine) and
strict F1 (Vecalign's definition).  The embeddings are computed once before the clock
starts (a warm in-memory cache): the figures are the search's.

Usage::

    .venv/bin/python benchmarks/align_shapes.py [--markdown]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def joined(docs) -> tuple[list[str], list[str], list]:
    """One document made of ``docs`` end to end (gold links shifted)."""
    from workbench.align.links import Link

    src: list[str] = []
    tgt: list[str] = []
    gold: list = []
    for d in docs:
        gold += [Link(tuple(i + len(src) for i in lk.src), tuple(j + len(tgt) for j in lk.tgt))
                 for lk in d.gold]
        src += d.src
        tgt += d.tgt
    return src, tgt, gold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from benchmarks.align import load_translation_long_set
    from workbench.align.api import Aligner
    from workbench.align.engine import AlignStats
    from workbench.scoring.alignment import score_alignment

    docs = load_translation_long_set("translation-long-nm")
    inputs = {"half (docs 000-039)": joined(docs[:40]), "whole (docs 000-079)": joined(docs)}
    aligner = Aligner()
    runs = [("translation", k) for k in range(1, 7)] + [("auto", None)]
    rows = []
    for label, (src, tgt, gold) in inputs.items():
        aligner.align_segments(src, tgt, profile="translation", max_link=1)  # embeddings
        for profile, max_link in runs:
            stats = AlignStats()
            t0 = time.perf_counter()
            links = aligner.align_segments(src, tgt, profile=profile, max_link=max_link,
                                           stats=stats)
            seconds = time.perf_counter() - t0
            f1 = score_alignment(gold, links).f1_strict
            rows.append([label, f"{len(src)} x {len(tgt)}", profile,
                         "default" if max_link is None else str(max_link), f"{stats.cells:,}",
                         f"{stats.band_cells:,}", str(stats.levels), f"{seconds:.2f}",
                         f"{f1:.3f}"])
            print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
    header = ["document", "segments", "profile", "max link", "cells scored", "band cells",
              "levels", "wall s", "F1 strict"]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|---|--:|---|--:|--:|--:|--:|--:|--:|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        for r in [header, *rows]:
            print("\t".join(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
