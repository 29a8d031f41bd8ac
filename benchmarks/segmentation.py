#!/usr/bin/env python3
"""Sentence splitting: ours (``workbench.text.segment.sentences``) against ``choppa-srx``.

choppa-srx applies LanguageTool's SRX segmentation rules (the ``ar_two`` / ``en_two``
language maps of its bundled ``languagetool_segment.srx``).  The reference is the
dev benchmark's sentence split (``ntrex-rewrites-dev/sentences/{ar,en}/NNN``, one
sentence a line, documents 000-079): each document's lines are joined with a space
into one paragraph, both splitters split it again, and a predicted boundary counts
when a segment starts exactly where one of the reference lines starts.  The table
gives boundary precision, recall and F1, and the time for the whole set (best of
``--repeat`` runs, rule loading excluded).

Usage::

    .venv/bin/python benchmarks/segmentation.py [--langs ar,en] [--repeat 3] [--markdown]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "data" / "ntrex-rewrites-dev" / "sentences"
DEV_DOCS = range(0, 80)  # 080-122 are reserved for acceptance


def load_documents(lang: str, root: Path = DEV) -> list[tuple[str, set[int]]]:
    """(text, reference boundary offsets) for every dev document of ``lang``."""
    from workbench.text.segment import lines
    from workbench.textio import read_text

    docs = []
    names = sorted(p.name for p in (root / lang).iterdir() if p.is_file())
    for name in names:
        if not (name.isdigit() and int(name) in DEV_DOCS):
            continue
        segs = [s.text for s in lines(read_text(root / lang / name))]
        text = " ".join(segs)
        starts, pos = set(), 0
        for s in segs[:-1]:
            pos += len(s) + 1
            starts.add(pos)
        docs.append((text, starts))
    return docs


def ours(lang: str) -> Callable[[str], list[int]]:
    from workbench.text.segment import sentences

    def split(text: str) -> list[int]:
        return [s.start for s in sentences(text, lang)][1:]
    return split


def choppa_srx(lang: str) -> Callable[[str], list[int]]:
    from choppa import DEFAULT_SRX_RULESET, SrxDocument, SrxTextIterator

    document = SrxDocument(ruleset=DEFAULT_SRX_RULESET)
    key = f"{lang}_two"

    def split(text: str) -> list[int]:
        starts, pos = [], 0
        for seg in SrxTextIterator(document, key, text):
            if pos:
                # choppa keeps the space after a terminator at the end of the segment
                starts.append(pos + (len(seg) - len(seg.lstrip())))
            pos += len(seg)
        return starts
    return split


SPLITTERS = {"ours": ours, "choppa-srx": choppa_srx}


def measure(lang: str, name: str, docs, repeat: int) -> dict:
    split = SPLITTERS[name](lang)
    best = float("inf")
    predicted: list[set[int]] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        predicted = [set(split(text)) for text, _ in docs]
        best = min(best, time.perf_counter() - t0)
    tp = sum(len(p & g) for p, (_, g) in zip(predicted, docs))
    n_pred = sum(len(p) for p in predicted)
    n_gold = sum(len(g) for _, g in docs)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    chars = sum(len(t) for t, _ in docs)
    return {"lang": lang, "splitter": name, "docs": len(docs), "gold": n_gold, "pred": n_pred,
            "P": precision, "R": recall, "F1": f1, "ms": best * 1000,
            "kchar_s": chars / best / 1000 if best > 0 else float("inf")}


HEADER = ["lang", "splitter", "docs", "gold boundaries", "predicted", "P", "R", "F1",
          "ms (80 docs)", "kchar/s"]


def _row(r: dict) -> list[str]:
    return [r["lang"], r["splitter"], str(r["docs"]), str(r["gold"]), str(r["pred"]),
            f"{r['P']:.3f}", f"{r['R']:.3f}", f"{r['F1']:.3f}", f"{r['ms']:.1f}",
            f"{r['kchar_s']:.0f}"]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--langs", default="ar,en", help="comma list of ar, en (default: both)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs, the best counts")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args(argv)
    results = []
    for lang in [x.strip() for x in args.langs.split(",") if x.strip()]:
        if lang not in ("ar", "en"):
            raise SystemExit(f"segmentation.py: unknown language {lang!r} (ar, en)")
        docs = load_documents(lang)
        for name in SPLITTERS:
            results.append(measure(lang, name, docs, max(1, args.repeat)))
    if args.markdown:
        print("| " + " | ".join(HEADER) + " |")
        print("|" + "|".join("---" if i < 2 else "--:" for i in range(len(HEADER))) + "|")
        for r in results:
            print("| " + " | ".join(_row(r)) + " |")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Sentence boundaries against the dev benchmark's sentence lines")
        for i, h in enumerate(HEADER):
            table.add_column(h, justify="left" if i < 2 else "right")
        for r in results:
            table.add_row(*_row(r))
        Console(width=None if sys.stdout.isatty() else 170).print(table)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
