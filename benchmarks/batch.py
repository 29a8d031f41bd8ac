"""Batch scoring throughput: documents per second with 1 and 2 workers, locally and on Dask.

    .venv/bin/python benchmarks/batch.py                  # align + score 16 dev documents
    .venv/bin/python benchmarks/batch.py --docs 80 --unit paragraphs
    .venv/bin/python benchmarks/batch.py --mode pred      # score given links only (no model)

Every run starts fresh (no reused results, an empty embedding cache) in a temporary
folder, so the time includes starting the worker processes and loading the embedder
once per worker, as a real run does.  ``--mode pred`` scores the gold links as
predictions, which measures the scoring and scheduling overhead alone.  ``--repeat N``
keeps the fastest of N runs of each configuration.  Prints a table; results are
recorded in benchmarks/README.md ("Batch scoring").
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEV = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared")) / "data" / \
    "ntrex-rewrites-dev"


def _subset(unit: str, n: int, dest: Path) -> tuple[Path, Path]:
    src = DEV / unit
    names = sorted(p.name for p in (src / "gold").iterdir())[:n]
    for sub in ("ar", "en", "gold"):
        (dest / "in" / sub).mkdir(parents=True)
        for name in names:
            shutil.copy(src / sub / name, dest / "in" / sub / name)
    (dest / "pred").mkdir()
    for name in names:
        shutil.copy(src / "gold" / name, dest / "pred" / name)
    return dest / "in", dest / "pred"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=16, help="dev documents (default 16)")
    ap.add_argument("--unit", choices=["paragraphs", "sentences"], default="paragraphs")
    ap.add_argument("--mode", choices=["align", "pred"], default="align")
    ap.add_argument("--no-dask", action="store_true", help="local process pool only")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run every configuration N times, in turn, and keep the fastest "
                         "(the machine is shared: this filters out other people's load)")
    args = ap.parse_args()
    if not DEV.is_dir():
        print(f"development benchmark not found at {DEV}", file=sys.stderr)
        return 2

    data = Path(tempfile.mkdtemp(prefix="workbench-bench-data-"))
    os.environ["WORKBENCH_DATA"] = str(data)
    import workbench.scoring.work as work_module
    from workbench.scoring.batch import ScoreSettings, score_directory, summarize

    settings = ScoreSettings(terms=False)
    best: dict[tuple[str, int], tuple] = {}
    f1s = set()
    with tempfile.TemporaryDirectory() as tmp:
        src, pred = _subset(args.unit, args.docs, Path(tmp))
        pred_dir = pred if args.mode == "pred" else None
        configs = [("local", 1), ("local", 2)]
        if not args.no_dask:
            configs += [("dask", 1), ("dask", 2)]
        runs = []
        for r in range(args.repeat):
            # rotate the order, so that no configuration always runs first (or last)
            k = r % len(configs)
            runs += [(c, r) for c in configs[k:] + configs[:k]]
        for (kind, workers), r in runs:
            out = Path(tmp) / f"out-{kind}-{workers}-{r}"
            # an empty embedding cache and no loaded aligner for every run, so that no run
            # profits from another (pool workers inherit WORKBENCH_DATA from the
            # forkserver, which starts once: the folder stays, its cache is emptied)
            shutil.rmtree(data / "cache", ignore_errors=True)
            work_module._CACHE.clear()
            if kind == "local":
                t0 = time.perf_counter()
                res = score_directory(src, out, pred_dir=pred_dir, settings=settings,
                                      workers=workers, fresh=True)
                elapsed = time.perf_counter() - t0
            else:
                from distributed import LocalCluster

                with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
                    t0 = time.perf_counter()
                    res = score_directory(src, out, pred_dir=pred_dir, settings=settings,
                                          scheduler=cluster.scheduler_address, fresh=True)
                    elapsed = time.perf_counter() - t0
            s = summarize(res.documents, info=res.info, settings=settings)
            f1 = s["overall"]["alignment"]["strict"]["F1"]
            f1s.add(round(f1, 12))
            row = (kind, workers, len(res.documents), elapsed, len(res.documents) / elapsed, f1)
            if (kind, workers) not in best or elapsed < best[(kind, workers)][3]:
                best[(kind, workers)] = row
    shutil.rmtree(data, ignore_errors=True)
    rows = [best[c] for c in configs]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"batch scoring, mode={args.mode}, {args.docs} dev {args.unit} documents, "
          f"{os.cpu_count()} cores, load average {load}, best of {args.repeat}")
    print(f"{'executor':<8} {'workers':>7} {'docs':>5} {'seconds':>8} {'docs/s':>7} "
          f"{'strict F1':>9}")
    for kind, workers, n, elapsed, rate, f1 in rows:
        print(f"{kind:<8} {workers:>7} {n:>5} {elapsed:>8.2f} {rate:>7.2f} {f1:>9.4f}")
    print("identical F1 in every run: " + ("yes" if len(f1s) == 1 else "NO"))
    return 0 if len(f1s) == 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
