"""``workbench batch align``: align every document pair of a directory, in parallel."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli import argtypes
from workbench.cli.commands.align import MAX_LINK_HELP, PROFILE_HELP, PROFILES
from workbench.cli.registry import Cli

GROUP_HELP = "batch alignment and scoring"

DESCRIPTION = """\
Align every document pair of a directory and write the links, one file a document.

DIR holds DIR/ar/NAME (the source, Arabic unless --source-lang names another language)
and DIR/en/NAME (the target, English unless --target-lang) for every document NAME; OUT/NAME gets the links in the format of `workbench align
--format links`: one link a line, [i,j]:[k]:score, null links [i]:[] and []:[k].

Documents run in parallel on all cores, the embedder loaded once a worker.  Each
result is written as soon as its document is done, so an interrupted run resumes
where it stopped: documents already in OUT (complete) are not aligned again.
Names present on one side only are skipped with a warning.

examples:
  workbench batch align ../shared/data/ntrex-rewrites-dev/sentences --out pred/
  workbench batch align DIR --out OUT --segments paragraphs --workers 2
"""


def register(cli: Cli) -> None:
    p = cli.subcommand("batch", "align", "align every document pair of a directory",
                       group_help=GROUP_HELP, description=DESCRIPTION)
    p.add_argument("directory", metavar="DIR", type=Path,
                   help="folder with ar/NAME and en/NAME files")
    p.add_argument("--out", metavar="OUT", type=Path, required=True,
                   help="folder for the links, OUT/NAME (created if needed)")
    p.add_argument("--segments", choices=["lines", "sentences", "paragraphs"], default="lines",
                   help="how the files are segmented (default: lines, one segment a line)")
    argtypes.one_line_errors(p)
    p.add_argument("--workers", metavar="N", type=argtypes.workers,
                   help="worker processes (default: all cores)")
    p.add_argument("--glossary", metavar="PATH", type=Path, action="append",
                   help="glossary file or folder whose terms anchor the alignment "
                        "(repeatable; default: none)")
    p.add_argument("--source-lang", metavar="LANG", default="ar",
                   help="language of the ar/ (source) files (default: ar)")
    p.add_argument("--target-lang", metavar="LANG", default="en",
                   help="language of the en/ (target) files (default: en)")
    p.add_argument("--profile", choices=PROFILES, default="auto", help=PROFILE_HELP)
    p.add_argument("--max-link", metavar="N", type=argtypes.int_range(1, 8), default=None,
                   help=MAX_LINK_HELP)
    p.set_defaults(func=cmd_batch_align)


def cmd_batch_align(args: argparse.Namespace) -> int:
    from rich.console import Console

    from workbench.app.batch import align_batch, plan_batch
    from workbench.cli.progress import progress_bar

    err = Console(stderr=True)
    plan = plan_batch(args.directory, args.out)  # layout errors before the bar appears
    for message in plan.warnings():
        err.print(f"workbench: warning: {message}", highlight=False, soft_wrap=True)
    with progress_bar("aligning", transient=False) as progress:
        run = align_batch(args.directory, args.out, unit=args.segments, workers=args.workers,
                          glossary_paths=args.glossary, source_lang=args.source_lang,
                          target_lang=args.target_lang, profile=args.profile,
                          max_link=args.max_link, progress=progress)
    what = f"{len(run.links) - run.resumed} aligned"
    if run.resumed:
        what += f", {run.resumed} already done"
    print(f"{len(run.links)} documents ({what}), {run.n_links} links written to {args.out} "
          f"in {run.seconds:.1f}s", file=sys.stderr)
    return 0
