#!/usr/bin/env python3
"""Link confidence against link correctness: ROC AUC and calibration, held out.

Every set of ``benchmarks/align.py`` is aligned as the aligner runs (``--profile auto``);
for every link the features of the confidence model
(``workbench/align/confidence_features.py``) are recorded with whether the link is in
the gold (strict).  The model (``workbench/align/confidence_model.py``) is then fitted
on one fold and scored on the other:

* NTREX-based sets (dev rewrites, loose rewrites, translation sets): documents 000-039
  against 040-079, every set pooled in the fit;
* the seeds: 004-000 in the first fold, 004-001 in the second;
* textberg-dev (one document): its links in the first half of the source lines
  against those in the second half.

Shown per set: links (right ones), ROC AUC of the held-out confidence for the link
being right, expected calibration error (10 equal-width bins), and the AUC within each
link type (``-`` where a type has no wrong link or no right one, with the count of its
wrong links).  ``--shipped`` adds the shipped model's own (in-sample) figures and the
engine's score as it was before this model (the ``score`` feature).

The alignment of every set takes a while (about 15 minutes on 2 busy cores); the
records are kept in ``--records`` (default under the user data directory) and reused
unless ``--collect``.  NTREX documents 080-122 and the Text+Berg test sets are never read.

Usage::

    .venv/bin/python benchmarks/confidence.py --collect           # align every set, table
    .venv/bin/python benchmarks/confidence.py --markdown --shipped # the README table
    .venv/bin/python benchmarks/confidence.py --sets dev-paragraphs --limit 10 --collect
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.align import ALL_SETS, FOLDS, load_set  # noqa: E402

#: the sets the model is fitted and measured on (every set of benchmarks/align.py)
SETS = ALL_SETS


def default_records() -> Path:
    from workbench.config import data_dir

    return data_dir() / "cache" / "confidence-records.npz"


def fold_of(set_name: str, doc: str, link, n: int, m: int) -> int:
    """The cross-validation fold (0 or 1) of a link."""
    if set_name == "textberg-dev":
        pos = link.src[0] / max(n, 1) if link.src else link.tgt[0] / max(m, 1)
        return int(pos >= 0.5)
    if set_name.startswith("seed-"):
        return 0 if set_name == "seed-004-000" else 1
    return 0 if int(doc) in FOLDS[0] else 1


def collect(sets, limit: int | None = None, log=print) -> dict:
    """Align every document of ``sets``; the features and outcome of every link."""
    from workbench.align import confidence_model
    from workbench.align.api import Aligner
    from workbench.align.confidence_features import link_features, link_type
    from workbench.align.embed import CachedEmbedder, USEEmbedder

    aligner = Aligner(CachedEmbedder(USEEmbedder()))
    seen: list = []

    def record(links, src, tgt, model=None, other=None, margins=None):  # the engine's scores
        seen.append(link_features(links, src, tgt, other, margins))
        return links

    cols: dict[str, list] = {k: [] for k in ("set", "doc", "fold", "kind", "y", "x")}
    real = confidence_model.rescore
    confidence_model.rescore = record
    try:
        for name in sets:
            t0 = time.perf_counter()
            docs = load_set(name, limit)
            right = total = 0
            for d in docs:
                seen.clear()
                links = aligner.align_segments(d.src, d.tgt, **d.langs)
                (x,) = seen
                gold = {lk.key() for lk in d.gold}
                for lk, row in zip(links, x):
                    ok = lk.key() in gold
                    cols["set"].append(name)
                    cols["doc"].append(d.name)
                    cols["fold"].append(fold_of(name, d.name, lk, len(d.src), len(d.tgt)))
                    cols["kind"].append(link_type(lk))
                    cols["y"].append(ok)
                    cols["x"].append(row)
                    right += ok
                    total += 1
            log(f"{name}: {len(docs)} documents, {total} links ({right} right), "
                f"{time.perf_counter() - t0:.0f} s")
    finally:
        confidence_model.rescore = real
    return {"set": np.array(cols["set"]), "doc": np.array(cols["doc"]),
            "fold": np.array(cols["fold"], dtype=np.int64), "kind": np.array(cols["kind"]),
            "y": np.array(cols["y"], dtype=bool),
            "x": np.array(cols["x"], dtype=np.float64).reshape(-1, _n_features())}


def _n_features() -> int:
    from workbench.align.confidence_features import FEATURES

    return len(FEATURES)


def save(data: dict, path: Path) -> None:
    from workbench.align.confidence_features import FEATURES

    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, features=np.array(FEATURES), **data)


def load(path: Path) -> dict:
    from workbench.align.confidence_features import FEATURES

    with np.load(path) as f:
        data = {k: f[k] for k in f.files}
    if list(data.pop("features")) != list(FEATURES):
        raise SystemExit(f"{path}: recorded for other features; run again with --collect")
    return data


def merge(old: dict, new: dict) -> dict:
    """``old`` records with the sets of ``new`` replaced."""
    keep = ~np.isin(old["set"], np.unique(new["set"]))
    return {k: np.concatenate([old[k][keep], new[k]]) for k in new}


def held_out(data: dict, l2: float = 20.0) -> np.ndarray:
    """Each link's confidence from the model fitted on the other fold (every set pooled)."""
    from workbench.align.confidence_model import ConfidenceModel, fit_model

    out = np.zeros(len(data["y"]))
    kinds = list(data["kind"])
    for f in (0, 1):
        train = data["fold"] != f
        model = ConfidenceModel(fit_model(data["x"][train], [kinds[i] for i in
                                                             np.flatnonzero(train)],
                                          data["y"][train], l2))
        test = np.flatnonzero(~train)
        out[test] = model.predict(data["x"][test], [kinds[i] for i in test])
    return out


def figures(p: np.ndarray, y: np.ndarray, kinds: np.ndarray) -> dict:
    from workbench.align.confidence_features import TYPES
    from workbench.scoring.confidence import calibration_bins, roc_auc

    _, ece = calibration_bins(p, y)
    out = {"n": int(len(y)), "right": int(y.sum()), "auc": roc_auc(p, y), "ece": ece}
    for t in TYPES:
        sel = kinds == t
        out[t] = (roc_auc(p[sel], y[sel]), int((~y[sel]).sum()), int(sel.sum()))
    return out


def table(data: dict, columns: dict[str, np.ndarray], markdown: bool) -> str:
    from workbench.align.confidence_features import TYPES

    sets = [s for s in SETS if s in set(data["set"])]
    head = ["set", "links (right)"]
    for name in columns:
        head += [f"{name} AUC", f"{name} ECE"]
    first = next(iter(columns))
    head += [f"{first} AUC {t} (wrong/links)" for t in TYPES]
    rows = []
    for s in sets + ["all"]:
        sel = np.ones(len(data["y"]), bool) if s == "all" else data["set"] == s
        row = [s if s != "all" else "**all sets**" if markdown else "all sets", ""]
        for k, (name, p) in enumerate(columns.items()):
            fig = figures(p[sel], data["y"][sel], data["kind"][sel])
            row[1] = f"{fig['n']} ({fig['right']})"
            row += [_f(fig["auc"]), _f(fig["ece"])]
            if k == 0:
                per_type = [f"{_f(fig[t][0])} ({fig[t][1]}/{fig[t][2]})" for t in TYPES]
        rows.append(row + per_type)
    if markdown:
        lines = ["| " + " | ".join(head) + " |",
                 "|---|" + "---:|" * (len(head) - 1)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[c])) for r in [head] + rows) for c in range(len(head))]
    return "\n".join("  ".join(str(v).ljust(w) for v, w in zip(r, widths))
                     for r in [head] + rows)


def _f(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated sets")
    ap.add_argument("--limit", type=int, default=None, help="documents a set (a quick look)")
    ap.add_argument("--records", type=Path, default=None, help="where the records are kept")
    ap.add_argument("--collect", action="store_true",
                    help="align the sets again (else reuse the records)")
    ap.add_argument("--shipped", action="store_true",
                    help="also the shipped model (in-sample) and the engine's score")
    ap.add_argument("--l2", type=float, default=20.0, help="L2 penalty of the regressions")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sets = [s for s in args.sets.split(",") if s]
    unknown = [s for s in sets if s not in SETS]
    if unknown:
        ap.error(f"unknown sets {', '.join(unknown)}; choose from {', '.join(SETS)}")
    path = args.records or default_records()
    if args.collect or not path.exists():
        new = collect(sets, args.limit, log=lambda s: print(s, file=sys.stderr, flush=True))
        data = merge(load(path), new) if path.exists() and not args.limit else new
        if not args.limit:
            save(data, path)
    else:
        data = load(path)
    data = {k: v[np.isin(data["set"], sets)] for k, v in data.items()}
    columns = {"held-out": held_out(data, args.l2)}
    if args.shipped:
        from workbench.align.confidence_model import load_model

        model = load_model()
        columns["shipped"] = model.predict(data["x"], list(data["kind"]))
        from workbench.align.confidence_features import FEATURES

        score = data["x"][:, FEATURES.index("score")]
        columns["engine"] = 1.0 / (1.0 + np.exp(-score))
    print(table(data, columns, args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
