"""``workbench project new|status|show|edit|export|import|history|undo|redo``: project files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.cli import argtypes
from workbench.cli.argtypes import int_range
from workbench.cli.registry import Cli
from workbench.errors import WorkbenchError

GROUP_HELP = "translation projects: one SQLite file per pair that keeps every edit"


def register(cli: Cli) -> None:
    def sub(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        p = cli.subcommand("project", name, help, group_help=GROUP_HELP, description=description)
        p.add_argument("project", metavar="PROJECT", type=Path, help="the project file")
        return p

    p = sub("new", "align a pair and store it in a new project file",
            description="Segment and align a pair and store it in a new project file.\n\n"
                        "  workbench project new idlib.wbproj --pair seeds:004-000\n"
                        "  workbench project new mine.wbproj --source ar.txt --target en.txt")
    p.add_argument("--pair", metavar="COLLECTION:PAIR", help="a pair of the corpora, e.g. "
                   "seeds:004-000 (see `workbench corpus list`)")
    p.add_argument("--source", metavar="FILE", type=Path, help="Arabic source text (UTF-8)")
    p.add_argument("--target", metavar="FILE", type=Path, help="English target text (UTF-8)")
    p.add_argument("--segments", choices=["paragraphs", "sentences", "lines"],
                   default="paragraphs", help="segmentation unit (default: paragraphs)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--links", metavar="FILE", type=Path,
                     help="use this alignment ([i]:[j] links format) instead of the aligner")
    how.add_argument("--gold", action="store_true",
                     help="use the pair's gold alignment instead of the aligner")
    p.add_argument("--glossary", metavar="PATH", action="append", default=None,
                   help="glossary file or folder whose terms guide the aligner (repeatable)")
    p.add_argument("--force", action="store_true", help="replace an existing project file")
    p.set_defaults(func=cmd_new)

    p = sub("status", "counts of segments by status and open terminology findings")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people, json for scripts (default: text)")
    p.add_argument("--no-glossary", action="store_true", help="skip the terminology check")
    p.set_defaults(func=cmd_status)

    p = sub("show", "list the project's links with their status and text")
    p.add_argument("--status", choices=["new", "draft", "translated", "reviewed"],
                   help="only links with this status")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people, json for scripts (default: text)")
    p.set_defaults(func=cmd_show)

    p = sub("edit", "set the English text and/or status of one link",
            description="Set the English text and/or status of one link (committed at once).\n\n"
                        "  workbench project edit p.wbproj 3 --text 'New text' --status translated")
    argtypes.one_line_errors(p)
    p.add_argument("link", type=argtypes.link_id, metavar="LINK", help="link id (see `project show`)")
    p.add_argument("--text", help="the new English text")
    p.add_argument("--text-file", type=Path, metavar="FILE", help="read the new text from FILE")
    p.add_argument("--status", choices=["new", "draft", "translated", "reviewed"],
                   help="the new status (translated/reviewed add the pair to the memory; "
                        "a text change without --status makes the link a draft)")
    p.add_argument("--base-version", type=argtypes.link_id, metavar="N",
                   help="refuse if the link's version is no longer N (default: current)")
    p.set_defaults(func=cmd_edit)

    p = sub("merge", "join two or more links into one (alignment edit, undoable)")
    argtypes.one_line_errors(p)
    p.add_argument("links", type=argtypes.link_id, nargs="+", metavar="LINK", help="link ids to join")
    p.set_defaults(func=cmd_merge)

    p = sub("split", "split one link in two (alignment edit, undoable)",
            description="Split one link in two: its first N source and M target segments form "
                        "the first part.\n\n"
                        "  workbench project split p.wbproj 14 --source-at 1 --target-at 2")
    argtypes.one_line_errors(p)
    p.add_argument("link", type=argtypes.link_id, metavar="LINK", help="link id (see `project show`)")
    p.add_argument("--source-at", type=int_range(0, 1_000_000), required=True, metavar="N",
                   help="source segments that go to the first part")
    p.add_argument("--target-at", type=int_range(0, 1_000_000), required=True, metavar="M",
                   help="target segments that go to the first part")
    p.set_defaults(func=cmd_split)

    p = sub("export", "write the project as TMX, XLIFF 2.0, CSV or plain text")
    p.add_argument("--format", required=True, choices=["tmx", "xliff", "csv", "txt"],
                   dest="fmt", help="tmx: accepted pairs; xliff: every segment with state and "
                   "term notes; csv: the links table; txt: the English translation")
    p.add_argument("out", type=Path, metavar="OUT", help="output file")
    p.add_argument("--all", action="store_true", dest="all_links",
                   help="tmx: every segment with text, not only accepted ones")
    p.add_argument("--memory", action="store_true",
                   help="tmx: the whole translation memory (imported units included)")
    p.add_argument("--no-glossary", action="store_true", help="xliff: no terminology notes")
    p.add_argument("--force", action="store_true",
                   help="overwrite OUT if it exists and is not an earlier export")
    p.set_defaults(func=cmd_export)

    p = sub("import", "TMX into the translation memory, or XLIFF targets back into the project")
    p.add_argument("file", type=Path, metavar="FILE", help="a .tmx or XLIFF 2.0 file")
    p.add_argument("--force", action="store_true",
                   help="xliff: overwrite segments changed in the project since the export")
    p.set_defaults(func=cmd_import)

    p = sub("history", "the edit history, newest first")
    argtypes.one_line_errors(p)
    p.add_argument("--limit", type=int_range(1, 1_000_000), default=20, metavar="N", help="entries (default 20)")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people, json for scripts (default: text)")
    p.set_defaults(func=cmd_history)

    p = sub("undo", "undo the last edit (text, status, import or alignment change)")
    p.set_defaults(func=cmd_undo)
    p = sub("redo", "redo the last undone edit")
    p.set_defaults(func=cmd_redo)


def _open(path: Path) -> Any:
    from workbench.store.project import Project

    return Project.open(path)


def cmd_new(args: argparse.Namespace) -> int:
    from workbench.app.projects import new_project

    from workbench.cli.progress import progress_bar

    with progress_bar() as progress:
        project = new_project(args.project, pair=args.pair, source=args.source,
                              target=args.target, unit=args.segments, links_file=args.links,
                              gold=args.gold, glossary_paths=args.glossary or (),
                              overwrite=args.force, corpus_roots=args.cfg.corpus_paths(),
                              progress=progress)
    with project:
        links_ = project.links()
        n_src, n_tgt = len(project.segments("source")), len(project.segments("target"))
        print(f"created {project.path}: {n_src} source and {n_tgt} target {project.unit}, "
              f"{len(links_)} links")
    return 0


def _glossary_or_none(args: argparse.Namespace) -> Any:
    """The configured glossary, unless --no-glossary."""
    if args.no_glossary:
        return None
    from workbench.glossary import load_glossary

    return load_glossary(args.cfg.glossary_paths())


def cmd_status(args: argparse.Namespace) -> int:
    from workbench.store.exchange import term_findings

    with _open(args.project) as project:
        links = project.links()
        counts = project.status_counts()
        glossary = _glossary_or_none(args)
        findings = term_findings(project, glossary, links) if glossary is not None else None
        by_kind: dict[str, int] = {}
        for fs in (findings or {}).values():
            for f in fs:
                by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
        info = {
            "project": str(project.path), "pair": project.pair_id, "unit": project.unit,
            "source_segments": len(project.segments("source")),
            "target_segments": len(project.segments("target")),
            "links": len(links), "insertions": sum(lk.is_insertion for lk in links),
            "status": counts, "memory_units": project.memory_count(),
            "history": project.history_count(),
            "term_findings": None if findings is None else sum(by_kind.values()),
            "term_findings_by_kind": None if findings is None else by_kind,
            "segments_with_findings": None if findings is None else len(findings),
        }
    if args.format == "json":
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    total = sum(counts.values())
    print(f"{info['project']}  ({info['pair'] or 'texts'}, {info['unit']})")
    print(f"  {info['source_segments']} source / {info['target_segments']} target segments, "
          f"{info['links']} links ({info['insertions']} target-only)")
    for status, n in counts.items():
        pct = 100 * n / total if total else 0
        print(f"  {status:<11}{n:>5}  {pct:5.1f}%")
    print(f"  translation memory: {info['memory_units']} units; history: {info['history']} "
          "entries")
    if findings is None:
        print("  terminology: not checked (no glossary available)")
    else:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items())) or "none"
        print(f"  open term findings: {info['term_findings']} in "
              f"{info['segments_with_findings']} segments ({kinds})")
    return 0


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def cmd_show(args: argparse.Namespace) -> int:
    with _open(args.project) as project:
        links = [lk for lk in project.links() if args.status is None or lk.status == args.status]
    if args.format == "json":
        print(json.dumps([lk.to_dict() for lk in links], ensure_ascii=False, indent=2))
        return 0
    for lk in links:
        print(f"#{lk.id:<4} {lk.as_link().format(False):<14} {lk.status:<10} v{lk.version:<3} "
              f"{lk.origin}")
        if lk.source_text:
            print(f"      ar: {_short(lk.source_text)}")
        print(f"      en: {_short(lk.target_text) or '(empty)'}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from workbench.textio import read_text

    if args.text is not None and args.text_file is not None:
        raise WorkbenchError("give --text or --text-file, not both")
    text = args.text
    if args.base_version is not None and args.base_version < 1:
        raise WorkbenchError(f"--base-version must be 1 or more (got {args.base_version})")
    if args.text_file is not None:
        text = read_text(args.text_file, what="text file", allow_empty=True).rstrip("\n")
    if text is None and args.status is None:
        raise WorkbenchError("nothing to change: give --text/--text-file and/or --status")
    with _open(args.project) as project:
        link = project.link(args.link)
        base = link.version if args.base_version is None else args.base_version
        if base > link.version:
            raise WorkbenchError(f"--base-version {base}: link {link.id} is at version "
                                 f"{link.version}; there is no version {base} yet")
        new = project.edit(link.id, text, status=args.status, base_version=base)
        print(f"link {new.id}: {new.status}, version {new.version}")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    with _open(args.project) as project:
        links = [project.link(i) for i in args.links]
        new = project.merge([lk.id for lk in links],
                            base_versions={lk.id: lk.version for lk in links})
        print(f"link {new.id}: {new.as_link().format(False)} ({new.status})")
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    with _open(args.project) as project:
        link = project.link(args.link)
        for part in project.split(link.id, args.source_at, args.target_at,
                                  base_version=link.version):
            print(f"link {part.id}: {part.as_link().format(False)} ({part.status})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from workbench.formats import own_output
    from workbench.store.exchange import export_project
    from workbench.textio import check_output

    check_output(args.out, inputs=[args.project], force=args.force, what="export",
                 own=own_output("links-csv" if args.fmt == "csv" else args.fmt))
    with _open(args.project) as project:
        glossary = _glossary_or_none(args) if args.fmt == "xliff" else None
        result = export_project(project, args.fmt, args.out, all_links=args.all_links,
                                memory=args.memory, glossary=glossary)
    print(result.describe())
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.store.exchange import import_file

    with _open(args.project) as project:
        result = import_file(project, args.file, force=args.force)
    print(result.describe())
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with _open(args.project) as project:
        entries = project.history(limit=args.limit)
    if args.format == "json":
        print(json.dumps([{"id": e.id, "at": e.at, "kind": e.kind, "link": e.link_id,
                           "old": e.old, "new": e.new, "state": e.state, "ref": e.ref,
                           "actor": e.actor} for e in entries], ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print("no edits yet")
    for e in entries:
        mark = {"undone": " (undone)", "dropped": " (dropped)"}.get(e.state, "")
        print(f"#{e.id:<5} {e.at}  {e.describe()}{mark}")
    return 0


def _undo_redo(args: argparse.Namespace, undo: bool) -> int:
    with _open(args.project) as project:
        entry = project.undo() if undo else project.redo()
    if entry is None:
        print(f"nothing to {'undo' if undo else 'redo'}", file=sys.stderr)
        return 1
    print(f"{'undid' if undo else 'redid'} #{entry.id}: {entry.describe()}")
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    return _undo_redo(args, True)


def cmd_redo(args: argparse.Namespace) -> int:
    return _undo_redo(args, False)
