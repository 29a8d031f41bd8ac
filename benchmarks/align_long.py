#!/usr/bin/env python3
"""A 100,000-line file on each side: wall time, CPU time and peak memory of the CLI.

Issue 4 ("Bad input"): a 100,000-line file must give a correct alignment, never a
crash and never a memory blow-up.  The case takes minutes, so it lives here rather
than in the test suite.

The input is made of the dev benchmark's sentence lines (``ntrex-rewrites-dev/
sentences``, documents 000-079 only; 080-122 are reserved for acceptance): the 80
document pairs over and over, each round in a new shuffled order (fixed seed; in one
fixed order the text would be periodic and a path shifted by whole rounds would be
as good as the true one), until the next pair would not fit in N lines; then
the Arabic side is filled up to N lines with the first lines of the next document
(deletions) and the English side with lines of the documents after it (insertions).
The gold is the documents' own gold links, shifted, plus those null links, so the
run is scored (strict P/R/F1, Vecalign's definitions).  The lines repeat (each
distinct line about 84 times): the embedding cache embeds each distinct line once,
so the time is mostly segmentation, the banded search and I/O, not encoding 200,000
distinct sentences.

Each mode runs in a child process with a fresh, empty ``WORKBENCH_DATA`` (cold
on-disk cache), timed with ``os.wait4`` (peak RSS of the child, as ``/usr/bin/time
-v`` reports it):

  align   ``workbench align AR EN --segments lines``
  batch   ``workbench batch align DIR --out OUT --segments lines --workers 1``

Usage::

    .venv/bin/python benchmarks/align_long.py                  # both modes, 100,000 lines
    .venv/bin/python benchmarks/align_long.py --lines 25000 --modes align
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "data" / "ntrex-rewrites-dev" / "sentences"
DEV_DOCS = range(0, 80)  # 080-122 are kept for acceptance
MODES = ("align", "batch")


def build(n_lines: int, root: Path = DEV, seed: int = 4):
    """(Arabic lines, English lines, gold links) of exactly ``n_lines`` lines a side."""
    import random
    from workbench.align.links import Link, read_links
    from workbench.text.segment import lines
    from workbench.textio import read_text

    docs = []
    for k in DEV_DOCS:
        name = f"{k:03d}"
        src = [s.text for s in lines(read_text(root / "ar" / name))]
        tgt = [s.text for s in lines(read_text(root / "en" / name))]
        docs.append((src, tgt, read_links(root / "gold" / name)))
    rng = random.Random(seed)
    order: list[int] = []

    def doc(i: int):
        while i >= len(order):
            round_ = list(range(len(docs)))
            rng.shuffle(round_)
            order.extend(round_)
        return docs[order[i]]

    ar: list[str] = []
    en: list[str] = []
    gold: list = []
    k = 0
    while True:
        src, tgt, links = doc(k)
        if len(ar) + len(src) > n_lines or len(en) + len(tgt) > n_lines:
            break
        gold += [Link(tuple(i + len(ar) for i in lk.src), tuple(j + len(en) for j in lk.tgt))
                 for lk in links]
        ar += src
        en += tgt
        k += 1
    # fill up: the Arabic with the start of the next document, the English with others
    src = doc(k)[0][:n_lines - len(ar)]
    gold += [Link((len(ar) + i,), ()) for i in range(len(src))]
    ar += src
    j = k + 1
    while len(en) < n_lines:
        tgt = doc(j)[1][:n_lines - len(en)]
        gold += [Link((), (len(en) + i,)) for i in range(len(tgt))]
        en += tgt
        j += 1
    assert len(ar) == n_lines and len(en) == n_lines
    return ar, en, gold


def run_child(argv: list[str], env: dict, stdout) -> tuple[int, float, float, float, bytes]:
    """(exit code, wall s, CPU s, peak RSS MiB, stderr) of a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.PIPE)
    # read stderr in the parent while the child runs, then reap it with wait4 for its rusage
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0,
            err)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=100_000, help="lines a side (default 100000)")
    ap.add_argument("--modes", default=",".join(MODES), help="comma list of align, batch")
    ap.add_argument("--keep", metavar="DIR", type=Path,
                    help="write the input, gold and outputs here (default: a temporary folder)")
    args = ap.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if any(m not in MODES for m in modes):
        raise SystemExit(f"align_long.py: modes are {', '.join(MODES)}")

    from workbench.align.links import check_coverage, format_links, read_links
    from workbench.scoring.alignment import score_alignment

    tmp = tempfile.TemporaryDirectory(prefix="workbench-long-")
    work = args.keep or Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    ar, en, gold = build(args.lines)
    for side, texts in (("ar", ar), ("en", en)):
        (work / "in" / side).mkdir(parents=True, exist_ok=True)
        (work / "in" / side / "long").write_text("\n".join(texts) + "\n", encoding="utf-8")
    (work / "gold.links").write_text(format_links(gold), encoding="utf-8")
    size = sum((work / "in" / s / "long").stat().st_size for s in ("ar", "en")) / 1048576
    print(f"input: {args.lines:,} lines a side ({size:.1f} MiB), {len(gold):,} gold links, "
          f"{len({*ar}) + len({*en}):,} distinct lines", file=sys.stderr)

    exe = Path(sys.executable).with_name("workbench")
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "workbench"]
    rows = []
    for mode in modes:
        env = dict(os.environ, WORKBENCH_DATA=str(work / f"data-{mode}"),
                   HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
        shutil.rmtree(work / f"data-{mode}", ignore_errors=True)
        out_path = work / f"{mode}.links"
        if mode == "align":
            cmd = cli + ["align", str(work / "in" / "ar" / "long"), str(work / "in" / "en" / "long"),
                         "--segments", "lines"]
            with open(out_path, "wb") as fh:
                code, wall, cpu, rss, err = run_child(cmd, env, fh)
        else:
            shutil.rmtree(work / "out", ignore_errors=True)
            cmd = cli + ["batch", "align", str(work / "in"), "--out", str(work / "out"),
                         "--segments", "lines", "--workers", "1"]
            code, wall, cpu, rss, err = run_child(cmd, env, subprocess.DEVNULL)
            if code == 0:
                shutil.copy(work / "out" / "long", out_path)
        print(f"{mode}: exit {code}, {wall:.1f} s", file=sys.stderr)
        f1 = links = "-"
        if code == 0:
            pred = read_links(out_path)
            check_coverage(pred, len(ar), len(en), path=out_path, require_complete=True)
            s = score_alignment(gold, pred)
            links = f"{len(pred):,}"
            f1 = f"{s.precision_strict:.3f} / {s.recall_strict:.3f} / {s.f1_strict:.3f}"
        else:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
            print("  " + "\n  ".join(tail), file=sys.stderr)
        rows.append([mode, f"{args.lines:,}", str(code), f"{wall:.1f}", f"{cpu:.1f}",
                     f"{rss:,.0f}", links, f1])
    header = ["mode", "lines a side", "exit", "wall s", "CPU s", "peak RSS MiB", "links",
              "strict P / R / F1"]
    print("| " + " | ".join(header) + " |")
    print("|---|" + "--:|" * (len(header) - 2) + "---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end "
          "(other jobs share the machine).")
    tmp.cleanup()
    return 0 if all(r[2] == "0" for r in rows) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
