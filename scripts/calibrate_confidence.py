#!/usr/bin/env python3
"""Fit the link confidence model (``workbench/align/confidence_model.json``).

Aligns every set of ``benchmarks/align.py`` (dev rewrites, seeds, loose rewrites, the
translation sets, textberg-dev; never NTREX documents 080-122 nor a Text+Berg test
set) as the aligner runs, records the features of every link
(:mod:`workbench.align.confidence_features`) and whether it is in the gold, prints the
cross-validated table of ``benchmarks/confidence.py`` (the model fitted on one fold,
scored on the other), then fits the model on every fold and writes it.

Re-run it whenever the aligner's links change (a new engine, new ``params.json``):
``--collect`` aligns again (about 15 minutes on 2 busy cores), without it the records
of the last collection are reused.

Usage::

    .venv/bin/python scripts/calibrate_confidence.py --collect     # align, fit, write
    .venv/bin/python scripts/calibrate_confidence.py --dry-run     # table only, no write
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from benchmarks.confidence import (SETS, collect, default_records, held_out, load,  # noqa: E402
                                   save, table)
from workbench.align.confidence_model import MODEL_PATH, fit_model  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--collect", action="store_true", help="align every set again")
    ap.add_argument("--records", type=Path, default=None, help="where the records are kept")
    ap.add_argument("--l2", type=float, default=20.0, help="L2 penalty of the regressions")
    ap.add_argument("--out", type=Path, default=MODEL_PATH, help="the model file to write")
    ap.add_argument("--dry-run", action="store_true", help="print the table, write nothing")
    args = ap.parse_args(argv)
    path = args.records or default_records()
    if args.collect or not path.exists():
        data = collect(SETS, log=lambda s: print(s, file=sys.stderr, flush=True))
        save(data, path)
    else:
        data = load(path)
    missing = sorted(set(SETS) - set(data["set"]))
    if missing:
        print(f"records lack the sets {', '.join(missing)}; run with --collect",
              file=sys.stderr)
        return 2
    print("cross-validated (fitted on one fold, scored on the other):")
    print(table(data, {"held-out": held_out(data, args.l2)}, markdown=False))
    if args.dry_run:
        return 0
    counts = {s: int((data["set"] == s).sum()) for s in SETS}
    note = (f"fitted by scripts/calibrate_confidence.py on {len(data['y'])} links of "
            + ", ".join(f"{s} ({n})" for s, n in counts.items()))
    model = fit_model(data["x"], list(data["kind"]), data["y"], args.l2, note=note)
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
