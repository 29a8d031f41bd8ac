"""``workbench translate``: glossary-aware MT proposals, one line in, one proposal out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.cli import argtypes
from workbench.cli.argtypes import int_range
from workbench.cli.registry import Cli

DESCRIPTION = """\
Translate Arabic text line by line with a local model (MarianMT, NLLB, M2M100).

Every non-empty input line is one segment; the text output has one line per input
line (blank lines stay blank).  The glossary (bundled + configured, or --glossary)
is enforced: terms are checked, the n-best list is reranked and variant spellings
are replaced by the preferred form.  With --tm, a 100% translation-memory match is
output instead of the MT proposal (as CAT pre-translation does); --format json
shows both, with the n-best list, scores, terms required/satisfied and findings.

Without a model: `workbench models fetch Helsinki-NLP/opus-mt-ar-en` on a machine
with internet, copy the folder, then `workbench models use ID|PATH` or --model PATH.
"""


def register(cli: Cli) -> None:
    p = cli.command("translate", "translate Arabic lines with a local MT model (glossary-aware)",
                    description=DESCRIPTION)
    p.add_argument("input", nargs="?", default="-", metavar="FILE|-",
                   help="UTF-8 text, one segment a line (default: standard input)")
    p.add_argument("--model", metavar="ID|PATH",
                   help="model directory or id (default: the configured model)")
    p.add_argument("--glossary", action="append", type=Path, metavar="PATH",
                   help="glossary file or folder (repeatable; default: bundled + configured)")
    p.add_argument("--no-glossary", action="store_true", help="plain MT, no term handling")
    argtypes.one_line_errors(p)
    p.add_argument("--n-best", type=int_range(1, 32), default=4, metavar="N",
                   help="hypotheses to decode and rerank (default: 4)")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text: one proposal a line; json: everything (default: text)")
    p.add_argument("--tm", type=Path, metavar="DB",
                   help="translation memory: a project file or a TM SQLite file")
    p.add_argument("--threshold", type=int_range(0, 100), default=70, metavar="PERCENT",
                   help="lowest TM fuzzy match shown (default: 70)")
    p.add_argument("--cache", type=Path, metavar="DB",
                   help="proposal cache (default: the --tm file if given, else the user data "
                        "directory's cache/mt-cache.sqlite)")
    p.add_argument("--no-cache", action="store_true", help="always translate again")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                   help="where the model runs (default: auto)")
    p.add_argument("--batch-size", type=int_range(1, 1024), default=16, metavar="N",
                   help="segments per batch (default: 16)")
    p.set_defaults(func=cmd_translate)


def cmd_translate(args: argparse.Namespace) -> int:
    from workbench.app.translating import translate_text
    from workbench.cli.progress import progress_bar
    cfg = args.cfg
    with progress_bar("translating") as update:
        result = translate_text(
            args.input, model=args.model or cfg.model, models_dir=cfg.models_dir,
            data_dir=cfg.data_dir,
            glossary_paths=None if args.no_glossary else (args.glossary or cfg.glossary_paths()),
            n_best=args.n_best, batch_size=args.batch_size, device=args.device, tm=args.tm,
            cache=args.cache, use_cache=not args.no_cache, threshold=args.threshold,
            progress=update)
    if args.format == "json":
        json.dump({"model": result.model, "glossary": result.glossary,
                   "segments": [line.to_dict() for line in result.lines if line.source]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for line in result.lines:
        print(line.output)
    return 0
