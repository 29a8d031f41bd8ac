"""Project store: what a translator waits for, on projects of 1,000 and 10,000 links.

The projects are made of the sentences of the development benchmark
(``../shared/data/ntrex-rewrites-dev/sentences``, documents 000-079 only, repeated
to reach the size), one segment a line, linked 1:1 (the aligner's own speed is
measured by ``benchmarks/align.py``).  For each size it times:

* ``create``: segment and store both documents and the links (one transaction, atomic rename);
* ``open``: open the file and load the segments; ``links``: read every link with its text;
* ``edit``: one text edit, committed (median and 95th percentile; WAL, synchronous=FULL);
* ``accept``: mark translated + add to the translation memory, committed;
* ``undo``: undo one edit;
* ``xliff out`` / ``xliff in``: export every segment as XLIFF 2.0 / import it back;
* ``tmx out``: export the accepted pairs as TMX;
and the file size.  Run: ``.venv/bin/python benchmarks/store.py [--sizes 1000 10000]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.align.links import Link
from workbench.app.projects import create_project
from workbench.store.exchange import export_project, import_file
from workbench.store.project import Project

DEV = ROOT.parent / "shared" / "data" / "ntrex-rewrites-dev" / "sentences"


def _lines(side: str) -> list[str]:
    out: list[str] = []
    for n in range(80):  # development documents only (80-122 are reserved)
        path = DEV / side / f"{n:03d}"
        out += [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return out


def _texts(size: int) -> tuple[str, str]:
    ar, en = _lines("ar"), _lines("en")
    n = min(len(ar), len(en))
    src = [ar[i % n] + ("" if i < n else f" ({i // n})") for i in range(size)]
    tgt = [en[i % n] + ("" if i < n else f" ({i // n})") for i in range(size)]
    return "\n".join(src) + "\n", "\n".join(tgt) + "\n"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench(size: int, edits: int) -> dict[str, str]:
    src, tgt = _texts(size)
    row: dict[str, str] = {"links": f"{size:,}"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.wbproj"
        t = time.perf_counter()
        create_project(path, source_text=src, target_text=tgt, unit="lines",
                       links=[Link((i,), (i,)) for i in range(size)]).close()
        row["create"] = _ms(time.perf_counter() - t)
        t = time.perf_counter()
        project = Project.open(path)
        row["open"] = _ms(time.perf_counter() - t)
        t = time.perf_counter()
        links = project.links()
        row["links()"] = _ms(time.perf_counter() - t)
        times = []
        for k in range(edits):
            lk = links[(k * 7919) % size]
            t = time.perf_counter()
            project.edit(lk.id, f"edit {k} {lk.target_text}", base_version=lk.version)
            times.append(time.perf_counter() - t)
            links[(k * 7919) % size] = project.link(lk.id)
        row["edit p50"] = _ms(statistics.median(times))
        row["edit p95"] = _ms(sorted(times)[int(0.95 * len(times)) - 1])
        times = []
        for k in range(edits):
            lk = links[(k * 104729 + 1) % size]
            t = time.perf_counter()
            links[(k * 104729 + 1) % size] = project.accept(lk.id, base_version=lk.version)
            times.append(time.perf_counter() - t)
        row["accept p50"] = _ms(statistics.median(times))
        t = time.perf_counter()
        for _ in range(10):
            project.undo()
        row["undo"] = _ms((time.perf_counter() - t) / 10)
        xlf = Path(tmp) / "p.xlf"
        t = time.perf_counter()
        export_project(project, "xliff", xlf)
        row["xliff out"] = _ms(time.perf_counter() - t)
        t = time.perf_counter()
        import_file(project, xlf)
        row["xliff in"] = _ms(time.perf_counter() - t)
        t = time.perf_counter()
        export_project(project, "tmx", Path(tmp) / "p.tmx")
        row["tmx out"] = _ms(time.perf_counter() - t)
        project.close()
        row["file"] = f"{path.stat().st_size / 1048576:.1f} MiB"
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--edits", type=int, default=100, help="edits and accepts timed per size")
    args = ap.parse_args()
    if not DEV.is_dir():
        sys.exit(f"development benchmark not found at {DEV}")
    rows = [bench(size, args.edits) for size in args.sizes]
    cols = list(rows[0])
    widths = [max(len(c), *(len(r[c]) for r in rows)) for c in cols]
    print("| " + " | ".join(c.ljust(w) for c, w in zip(cols, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(r[c].rjust(w) for c, w in zip(cols, widths)) + " |")


if __name__ == "__main__":
    main()
