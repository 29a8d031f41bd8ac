"""``workbench open [COLLECTION:PAIR]``: open a pair in the workbench (or print it aligned)."""

from __future__ import annotations

import argparse
import importlib.util
import sys

from workbench.cli.registry import Cli


def register(cli: Cli) -> None:
    p = cli.command(
        "open", "open an aligned pair in the terminal workbench (default seeds:004-000)",
        description=(
            "Open a corpus pair in the terminal workbench.  Without the interactive UI\n"
            "installed (or with --print), print the aligned pair as a table: link,\n"
            "confidence, Arabic and English paragraphs; deletions and insertions show\n"
            "an empty side.\n\n"
            "  workbench open                 # the bundled Sputnik/Al-Watan pair\n"
            "  workbench open seeds:004-001 --segments sentences --print"))
    p.add_argument("pair", metavar="COLLECTION:PAIR", nargs="?", default="seeds:004-000",
                   help="a pair id from `workbench corpus list` (default: seeds:004-000)")
    p.add_argument("--print", dest="print_only", action="store_true",
                   help="print the aligned pair instead of opening the interactive UI")
    p.set_defaults(func=cmd_open)
    from workbench.cli.commands.tui import add_options

    add_options(p)


def _tui_available() -> bool:
    try:
        return importlib.util.find_spec("workbench.tui.app") is not None
    except ImportError:
        return False


def cmd_open(args: argparse.Namespace) -> int:
    from workbench.corpus import resolve_pair

    if not args.print_only and _tui_available() and sys.stdout.isatty() and sys.stdin.isatty():
        from workbench.cli.commands.tui import run_tui

        return run_tui(args, args.pair)
    pair = resolve_pair(args.pair, args.cfg.corpus_paths())
    return print_pair(pair, args.segments)


def print_pair(pair, unit: str = "paragraphs") -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from workbench.app.aligning import align_pair
    from workbench.cli.progress import progress_bar

    console = Console()
    with progress_bar() as callback:
        done = align_pair(pair, unit, progress=callback)
    result, gold = done.result, done.gold
    gold_keys = {g.key() for g in gold} if gold else None
    table = Table(title=f"{pair.qualified_id}: {pair.source.id} ({pair.source.language}) -> "
                        f"{pair.target.id} ({pair.target.language}), {unit}",
                  show_lines=True, expand=True)
    table.add_column("link", no_wrap=True)
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column(f"Arabic ({pair.source.id})", ratio=1, justify="right")
    table.add_column(f"English ({pair.target.id})", ratio=1)
    for lk in result.links:
        ar = " ".join(result.source[i].text for i in lk.src)
        en = " ".join(result.target[j].text for j in lk.tgt)
        kind = "deleted" if not lk.tgt else "inserted" if not lk.src else lk.kind
        style = "dim" if lk.is_null else ""
        label = Text(f"{lk.format(False)}\n{kind}", style=style)
        if gold_keys is not None:
            label.append("\n✓ gold" if lk.key() in gold_keys else "\n✗ not gold",
                         style="green" if lk.key() in gold_keys else "red")
        conf_style = "green" if lk.score >= 0.8 else "yellow" if lk.score >= 0.5 else "red"
        table.add_row(label, Text(f"{lk.score:.2f}", style=conf_style),
                      Text(ar or "—", style=style), Text(en or "—", style=style))
    console.print(table)
    n_null = sum(lk.is_null for lk in result.links)
    summary = (f"{len(result.source)} Arabic and {len(result.target)} English {unit}; "
               f"{len(result.links)} links, {n_null} of them deletions or insertions")
    if done.score is not None:
        summary += f"; strict F1 against the gold alignment {done.score.f1_strict:.3f}"
    console.print(summary)
    return 0
