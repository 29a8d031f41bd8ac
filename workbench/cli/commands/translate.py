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


def _progress_bar():
    """A rich progress bar on stderr when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    prog = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = prog.add_task("translating", total=None)

    def update(ev) -> None:
        prog.update(task, completed=ev.done, total=ev.total)

    return prog, update


def cmd_translate(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.mt.backend import load_backend
    from workbench.mt.cache import ProposalCache
    from workbench.mt.db import default_cache_path, open_tm_db
    from workbench.mt.memory import TranslationMemory
    from workbench.mt.propose import propose
    from workbench.textio import read_text

    if args.n_best < 1:
        raise WorkbenchError("--n-best must be at least 1")
    if args.batch_size < 1:
        raise WorkbenchError("--batch-size must be at least 1")
    if not 0 <= args.threshold <= 100:
        raise WorkbenchError("--threshold must be a percentage (0-100)")
    backend = load_backend(args.model, device=args.device, batch_size=args.batch_size)
    glossary = None
    if not args.no_glossary:
        from workbench.glossary import load_glossary

        glossary = load_glossary(args.glossary or None)
    text = read_text(args.input, what="input")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    segments = [" ".join(line.split()) for line in lines]

    memory = None
    tm_conn = None
    if args.tm is not None:
        tm_conn = open_tm_db(args.tm, create=False)
        memory = TranslationMemory(tm_conn)
    cache = None
    if not args.no_cache:
        if args.cache is not None:
            cache = ProposalCache(open_tm_db(args.cache, what="proposal cache"))
        elif tm_conn is not None:
            cache = ProposalCache(tm_conn)
        else:
            cache = ProposalCache(open_tm_db(default_cache_path(), what="proposal cache"))

    prog, update = _progress_bar()
    try:
        if prog is not None:
            prog.start()
        proposals = propose(backend, segments, glossary=glossary, n_best=args.n_best,
                            cache=cache, progress=update)
    finally:
        if prog is not None:
            prog.stop()

    matches = []
    for i, seg in enumerate(segments):
        if memory is None or not seg:
            matches.append([])
            continue
        prev = segments[i - 1] if i > 0 and segments[i - 1] else None
        nxt = segments[i + 1] if i + 1 < len(segments) and segments[i + 1] else None
        matches.append(memory.lookup(seg, threshold=args.threshold, context_prev=prev,
                                     context_next=nxt))

    if args.format == "json":
        out = []
        for i, (seg, p, ms) in enumerate(zip(segments, proposals, matches)):
            if not seg:
                continue
            d = p.to_dict()
            chosen = "tm" if ms and ms[0].exact else "mt"
            d = {"line": i + 1, **d, "tm": [m.to_dict() for m in ms], "chosen": chosen,
                 "output": ms[0].target if chosen == "tm" else p.text}
            out.append(d)
        json.dump({"model": backend.fingerprint, "glossary": bool(glossary),
                   "segments": out}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for seg, p, ms in zip(segments, proposals, matches):
        if not seg:
            print()
        elif ms and ms[0].exact:
            print(ms[0].target)
        else:
            print(p.text)
    return 0
