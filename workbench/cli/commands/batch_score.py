"""``workbench batch score``: alignment (and MT, terminology) scores over many documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli import argtypes
from workbench.cli.argtypes import int_range
from workbench.cli.registry import Cli

DESCRIPTION = """\
Score many document pairs at once and write a report.

DIR is laid out as DIR/ar/NAME and DIR/en/NAME (one segment a line), with optional
DIR/gold/NAME (gold links, one a line) and DIR/ref/NAME (reference translations of the
Arabic, one a line); a corpus collection (e.g. `seeds`) is accepted too.

Without --pred every document is aligned first (links written to OUT/NAME); with
--pred the links in PRED/NAME are scored.  Results are kept per document in
OUT/.results/ so an interrupted run resumes where it stopped.

examples:
  workbench batch score ../shared/data/ntrex-rewrites-dev/paragraphs --report report.html
  workbench batch score DIR --pred predicted/ --report scores.json --report scores.md
  workbench batch score DIR --scheduler tcp://10.0.0.5:8786
"""


def register(cli: Cli) -> None:
    p = cli.subcommand("batch", "score", "score alignments (and MT, terms) over many documents",
                       group_help="batch alignment and scoring", description=DESCRIPTION)
    p.add_argument("source", metavar="DIR", help="DIR with ar/ and en/ (and gold/, ref/), or a "
                   "collection name or folder")
    p.add_argument("--pred", metavar="PRED", type=Path,
                   help="score the links in PRED/NAME instead of aligning")
    p.add_argument("--out", metavar="OUT", type=Path,
                   help="where aligned links and per-document results go (default: PRED with "
                        "--pred, else ./batch-DIRNAME)")
    p.add_argument("--mt", metavar="MODEL",
                   help="also translate the Arabic with MODEL and score BLEU/chrF++/TER against "
                        "DIR/ref (or the aligned English)")
    p.add_argument("--glossary", metavar="PATH", type=Path, action="append",
                   help="glossary file or folder for the term rates (repeatable; default: the "
                        "configured glossaries)")
    p.add_argument("--no-terms", action="store_true", help="skip the terminology rates")
    p.add_argument("--report", metavar="FILE", type=Path, action="append", default=[],
                   help="write a report: .html (with plots), .md or .json (repeatable)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://HOST:8786 (default: local processes); "
                        "checked first: a scheduler that does not greet within 3 s is refused")
    argtypes.one_line_errors(p)
    p.add_argument("--workers", metavar="N", type=argtypes.workers,
                   help="local worker processes (default: all cores)")
    p.add_argument("--segments", choices=["lines", "sentences", "paragraphs"],
                   help="segmentation of DIR's files (default: lines; a collection uses the "
                        "unit of its gold alignment)")
    p.add_argument("--fresh", action="store_true",
                   help="recompute every document instead of reusing earlier results")
    p.add_argument("--worst", metavar="N", type=int_range(0, 1000), default=3,
                   help="heatmaps for the N documents with the lowest F1 (HTML; default: 3)")
    p.set_defaults(func=cmd_score)


def cmd_score(args: argparse.Namespace) -> int:
    from workbench.app.batch import default_score_out, score_batch
    from workbench.cli.progress import progress_bar

    cfg = args.cfg
    glossaries = ([p.resolve() for p in args.glossary] if args.glossary
                  else cfg.glossary_paths())
    out = default_score_out(args.source, args.out, args.pred)
    with progress_bar("scoring", transient=False) as progress:
        run = score_batch(args.source, out, glossary_paths=glossaries, pred_dir=args.pred,
                          unit=args.segments, mt_model=args.mt, models_dir=cfg.models_dir,
                          terms=not args.no_terms,
                          workers=args.workers, scheduler=args.scheduler, fresh=args.fresh,
                          reports=args.report, worst=args.worst,
                          corpus_roots=cfg.corpus_paths(), progress=progress)
    _print_summary(run.summary, run.result, out)
    for path in run.reports:
        print(f"report written to {path}", file=sys.stderr)
    return 0


def _print_summary(summary: dict, result, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    ov = summary["overall"]
    sig = summary["signatures"]
    con.print(f"{ov['documents']} documents ({ov['documents_with_gold']} with gold), "
              f"{result.reused} reused from {out / '.results'}, {result.elapsed:.1f}s")
    skipped = summary["input"].get("skipped") or []
    if skipped:
        con.print(f"[yellow]skipped {len(skipped)} (one side only, or no gold): "
                  f"{', '.join(skipped[:10])}{' ...' if len(skipped) > 10 else ''}[/yellow]")
    if ov.get("alignment"):
        t = Table(title="Alignment (micro-averaged)")
        for col in ("", "P", "R", "F1"):
            t.add_column(col, justify="right" if col else "left")
        for k in ("strict", "lax"):
            a = ov["alignment"][k]
            t.add_row(k, f"{a['P']:.4f}", f"{a['R']:.4f}", f"{a['F1']:.4f}")
        con.print(t)
        con.print(f"[dim]{sig['alignment']}[/dim]", soft_wrap=True)
        lt = ov["link_types"]
        t = Table(title="Link types (strict)")
        for col in ("type", "pred", "gold", "P", "R", "F1"):
            t.add_column(col, justify="left" if col == "type" else "right")

        def f(v):
            return "–" if v is None else f"{v:.4f}"

        for name, r in lt["types"].items():
            t.add_row(name, str(r["pred"]), str(r["gold"]), f(r["P"]), f(r["R"]), f(r["F1"]))
        n = lt["null"]
        t.add_row("null/segment", str(n["pred"]), str(n["gold"]), f(n["P"]), f(n["R"]),
                  f(n["F1"]))
        con.print(t)
        con.print(f"[dim]{sig['link_types']}[/dim]", soft_wrap=True)
    conf = ov.get("confidence") or {}
    if conf.get("n"):
        auc = conf.get("roc_auc")
        ece = conf.get("ece")
        con.print(f"confidence: {conf['n']} links, mean {conf['mean']:.3f}"
                  + (f", ROC AUC {auc:.3f}" if auc is not None else "")
                  + (f", ECE {ece:.3f}" if ece is not None else "")
                  + f"  [dim]{sig['confidence']}[/dim]", soft_wrap=True)
    if ov.get("mt"):
        for k in ("bleu", "chrf", "ter"):
            m = ov["mt"].get(k)
            if m:
                con.print(f"{m['name']:<8} {m['score']:7.2f}  [dim]{m['signature']}[/dim]",
                          soft_wrap=True)
    terms = ov.get("terms") or {}
    for key, label in (("target", "English"), ("mt", "MT")):
        t = terms.get(key)
        if t:
            sr, vr = t.get("success_rate"), t.get("variant_rate")
            con.print(f"terms ({label}): success "
                      + ("–" if sr is None else f"{100 * sr:.1f}%") + ", variants "
                      + ("–" if vr is None else f"{100 * vr:.1f}%"))
