"""``workbench tui``: the terminal workbench on a project, a corpus pair or two texts."""

from __future__ import annotations

import argparse
import sys

from workbench.cli.registry import Cli

__all__ = ["register", "run_tui"]


def register(cli: Cli) -> None:
    p = cli.command(
        "tui", "translate and check a pair in the terminal workbench",
        description=(
            "Open the terminal workbench: segment list, Arabic source, the outlet's rewrite,\n"
            "proposals (memory, MT, rewrite), an editor with live term checks.  Work is\n"
            "stored as you go (drafts after a second, accepted text at once).\n\n"
            "  workbench tui                          # the bundled Sputnik/Al-Watan pair\n"
            "  workbench tui seeds:004-001\n"
            "  workbench tui my.wbproj\n"
            "  workbench tui --source ar.txt --target en.txt\n"
            "  workbench tui --keys                   # the keys in effect, after tui.keymap"))
    p.add_argument("what", metavar="PROJECT|COLLECTION:PAIR", nargs="?", default=None,
                   help="a .wbproj file or a pair id (default: seeds:004-000)")
    add_options(p)
    p.set_defaults(func=cmd_tui)


def add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", metavar="FILE", help="an Arabic text (with --target)")
    p.add_argument("--target", metavar="FILE", help="its English rewrite or translation")
    p.add_argument("--segments", choices=["paragraphs", "sentences", "lines"], default="paragraphs",
                   help="the unit of a new project (default: paragraphs)")
    p.add_argument("--model", metavar="ID|PATH", help="MT model (default: the configured one)")
    p.add_argument("--arabic-display", choices=["auto", "app", "terminal"], default=None,
                   help="who lays out Arabic on screen (default: the config's, else auto)")
    p.add_argument("--prefill", choices=["empty", "best"], default=None,
                   help="the editor of a new link starts empty or with proposal 1")
    p.add_argument("--keys", action="store_true", help="print the keys in effect and exit")


def cmd_tui(args: argparse.Namespace) -> int:
    return run_tui(args, args.what)


def run_tui(args: argparse.Namespace, what: str | None) -> int:
    from workbench.app.session import Session, locate
    from workbench.tui.bindings import check_keymap, keys_table
    from workbench.tui.display.rtl import resolve_mode

    cfg = args.cfg
    keymap = check_keymap(cfg.tui.keymap)
    if args.keys:
        for name, keys, binding_id, _help in keys_table(keymap):
            print(f"{name:<28} {keys:<28} {binding_id}")
        return 0
    target = locate(what, source=args.source, target=args.target, unit=args.segments,
                    corpora=cfg.corpus_paths(), data_dir=cfg.data_dir)
    if not target.exists and target.pair is None and target.source_text is None:
        from workbench.errors import WorkbenchError

        raise WorkbenchError("project not found", path=target.path)
    model = args.model or cfg.model
    mode = resolve_mode(args.arabic_display or cfg.tui.arabic_display)

    def open_session() -> Session:
        from workbench.glossary import load_glossary

        paths = cfg.glossary_paths()
        glossary = load_glossary(paths)
        return Session.open(target, glossary=glossary, model=model, models_dir=cfg.models_dir,
                            glossary_paths=paths, corpus_roots=cfg.corpus_paths())

    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp(open_session, label=target.label, mode=mode,
                       prefill=args.prefill or cfg.tui.prefill, keymap=keymap,
                       theme=cfg.tui.theme)
    app.run()
    if app.error:
        print(f"workbench: error: {app.error}", file=sys.stderr)
        return 2
    return 0
