"""``workbench glossary lint|fmt|find|add|stats|export|import|mine``: glossary maintenance."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.cli import argtypes
from workbench.cli.argtypes import int_range
from workbench.cli.registry import Cli
from workbench.errors import WorkbenchError

GROUP_HELP = "check, format, search, extend, export and mine the glossary"


def register(cli: Cli) -> None:
    def sub(name: str, help: str) -> argparse.ArgumentParser:
        return cli.subcommand("glossary", name, help, group_help=GROUP_HELP)

    p = sub("lint", "check glossary files: errors as file:line:col (exit 2), warnings (exit 0)")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="files or folders (default: the configured glossaries)")
    p.set_defaults(func=cmd_lint)

    p = sub("fmt", "rewrite glossary files in the canonical order and style")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="files or folders (default: the configured glossaries)")
    p.add_argument("--check", action="store_true",
                   help="only report files that would change (exit 1 if any)")
    p.add_argument("--sort", action="store_true", help="also sort entries by type, then id")
    p.set_defaults(func=cmd_fmt)

    p = sub("find", "search entries by Arabic or English text (normalised, clitics, fuzzy)")
    p.add_argument("text", metavar="TEXT")
    argtypes.one_line_errors(p)
    p.add_argument("--limit", type=int_range(1, 100_000), default=10, help="at most this many entries (10)")
    p.add_argument("--min-score", type=argtypes.percent, default=70.0,
                   help="fuzzy similarity threshold, percent (70)")
    _glossary_option(p)
    _format_option(p)
    p.set_defaults(func=cmd_find)

    p = sub("add", "append an entry to a glossary file (other entries untouched)")
    p.add_argument("--id", required=True, help="unique id, e.g. jaish-al-izza")
    p.add_argument("--type", required=True, choices=["faction", "place", "person",
                                                     "organization", "other"],
                   help="the entry type")
    p.add_argument("--en", required=True, help="the preferred English form")
    p.add_argument("--ar", required=True, action="append", help="an Arabic form (repeatable)")
    p.add_argument("--variant", action="append", default=[], help="allowed English variant")
    p.add_argument("--deprecated", action="append", default=[], help="deprecated spelling")
    p.add_argument("--forbidden", action="append", default=[], help="forbidden rendering")
    p.add_argument("--related", action="append", default=[], metavar="ID:RELATION",
                   help="a related entry, e.g. nusra:predecessor")
    p.add_argument("--note", default="", help="a note for translators")
    p.add_argument("--file", type=Path,
                   help="glossary file to append to (default: the type's file in the first "
                        "glossary folder, e.g. glossaries/places.yaml)")
    p.add_argument("--dry-run", action="store_true", help="print the entry, write nothing")
    _glossary_option(p)
    p.set_defaults(func=cmd_add)

    p = sub("stats", "entries by type, and their coverage in the corpora")
    _glossary_option(p)
    _format_option(p)
    p.add_argument("--no-corpora", action="store_true", help="skip the corpus coverage")
    p.set_defaults(func=cmd_stats)

    p = sub("export", "export the glossary as TBX (v2 martif) or CSV")
    p.add_argument("--format", choices=["tbx", "csv"], required=True, help="output format")
    p.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")
    p.add_argument("--force", action="store_true",
                   help="overwrite --output if it exists and is not an earlier export")
    _glossary_option(p)
    p.set_defaults(func=cmd_export)

    p = sub("import", "convert a CSV or TBX glossary into a YAML glossary file")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--from", dest="from_format", choices=["csv", "tbx"],
                   help="input format (default: from the file extension)")
    p.add_argument("-o", "--output", type=Path,
                   help="YAML file to write (default: standard output); must not exist "
                        "unless --force")
    p.add_argument("--force", action="store_true", help="overwrite --output")
    _glossary_option(p)
    p.set_defaults(func=cmd_import)

    p = sub("mine", "propose new entries and variants from the corpora, with evidence")
    p.add_argument("collection", nargs="?", metavar="COLLECTION",
                   help="a collection name (default: every collection)")
    argtypes.one_line_errors(p)
    p.add_argument("--cutoff", type=argtypes.percent, default=85.0,
                   help="similarity (percent) for a name to count as a variant (85)")
    _glossary_option(p)
    _format_option(p)
    p.set_defaults(func=cmd_mine)


def _glossary_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--glossary", action="append", type=Path, metavar="PATH",
                   help="glossary file or folder (repeatable; default: the configured ones)")


def _format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people, json for scripts (default: text)")


def _load(args: argparse.Namespace):
    from workbench.glossary import load_glossary

    return load_glossary(args.glossary or args.cfg.glossary_paths())


def _paths(args: argparse.Namespace) -> list[Path]:
    if args.paths:
        return list(args.paths)
    return args.cfg.glossary_paths()


def cmd_lint(args: argparse.Namespace) -> int:
    from workbench.glossary import lint_glossary
    from workbench.glossary.load import glossary_files

    paths = _paths(args)
    report = lint_glossary(paths)
    for issue in report.errors + report.warnings:
        print(issue, file=sys.stderr if issue.severity == "error" else sys.stdout)
    n = len(glossary_files(paths))
    summary = (f"{len(report.glossary)} entries in {n} file(s): {len(report.errors)} error(s), "
               f"{len(report.warnings)} warning(s)")
    print(summary, file=sys.stderr if report.errors else sys.stdout)
    return 2 if report.errors else 0


def cmd_fmt(args: argparse.Namespace) -> int:
    from workbench.glossary.edit import format_file
    from workbench.glossary.load import glossary_files

    files = glossary_files(_paths(args))
    changed = [f for f in files if format_file(f, sort=args.sort, check=args.check)]
    verb = "would reformat" if args.check else "reformatted"
    for f in changed:
        print(f"{verb} {f}")
    print(f"{len(changed)} of {len(files)} file(s) {verb}")
    return 1 if args.check and changed else 0


def cmd_find(args: argparse.Namespace) -> int:
    from workbench.glossary.search import find_entries

    glossary = _load(args)
    hits = find_entries(glossary, args.text, limit=args.limit, min_score=args.min_score)
    if args.format == "json":
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0 if hits else 1
    if not hits:
        print(f"no entry matches {args.text!r}")
        return 1
    for h in hits:
        e = h.entry
        print(f"{e.id:<24} {e.type:<12} {e.en}  |  {' / '.join(e.ar)}")
        print(f"{'':<24} {h.how} {h.score:.0f}% via {h.field} {h.form!r}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from workbench.glossary.edit import add_entry, default_file_for, entry_yaml
    from workbench.glossary.model import Entry, Related

    related = []
    for item in args.related:
        rid, sep, rel = item.partition(":")
        if not rid.strip():
            raise WorkbenchError(f"--related {item!r}: expected ID:RELATION")
        related.append(Related(rid.strip(), rel.strip() if sep else "see-also"))
    entry = Entry(id=args.id, type=args.type, en=args.en, ar=list(args.ar),
                  variants=args.variant, deprecated=args.deprecated, forbidden=args.forbidden,
                  related=related, note=args.note)
    paths = args.glossary or args.cfg.glossary_paths()
    target = args.file or default_file_for(args.type, paths)
    add_entry(entry, target, glossary_paths=paths, dry_run=args.dry_run)
    if args.dry_run:
        print(entry_yaml(entry), end="")
    else:
        print(f"added {args.id!r} to {target}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from workbench.glossary.stats import glossary_stats

    glossary = _load(args)
    collections = None
    if not args.no_corpora:
        from workbench.corpus import find_collections

        collections = list(find_collections(args.cfg.corpus_paths()).values())
    from workbench.cli.progress import progress_bar

    with progress_bar() as progress:
        stats = glossary_stats(glossary, collections, progress=progress)
    if args.format == "json":
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"{stats['entries']} entries in {len(stats['files'])} file(s)")
    for t, n in stats["by_type"].items():
        print(f"  {t:<13} {n:>5}")
    ef = stats["english_forms"]
    print(f"  forms: {stats['arabic_forms']} Arabic; English {ef['preferred']} preferred, "
          f"{ef['variants']} variants, {ef['deprecated']} deprecated, {ef['forbidden']} forbidden")
    amb = stats["ambiguous"]
    print(f"  ambiguous: {amb['entries']} entries marked ({amb['arabic_forms']} Arabic, "
          f"{amb['english_forms']} English forms; {amb['with_homonyms']} with homonyms, "
          f"{amb['with_context']} with context rules, {amb['with_senses']} with senses)")
    cov = stats.get("coverage")
    if cov:
        print(f"coverage in the corpora: {cov['entries_used']} of {stats['entries']} entries used")
        for d in cov["documents"]:
            print(f"  {d['document']:<16} {d['language']}  {d['occurrences']:>4} term "
                  f"occurrences, {d['distinct_terms']:>3} distinct")
        if cov["english_statuses"]:
            print("  English spellings: " + ", ".join(
                f"{k} {v}" for k, v in sorted(cov["english_statuses"].items())))
        if cov["entries_unused"]:
            print("  unused: " + ", ".join(cov["entries_unused"]))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from workbench.textio import check_output

    glossary = _load(args)
    entries = list(glossary)
    if args.output:
        from workbench.formats import own_output

        check_output(args.output, inputs=list(glossary.files) + list(args.glossary or []),
                     force=args.force, what="glossary export", own=own_output(args.format))
    if args.format == "tbx":
        from workbench.formats.tbx import tbx_bytes, write_tbx

        if args.output:
            write_tbx(entries, args.output)
        else:
            sys.stdout.buffer.write(tbx_bytes(entries))
            sys.stdout.flush()
    else:
        from workbench.formats.csvio import csv_text, write_csv

        if args.output:
            write_csv(entries, args.output)
        else:
            sys.stdout.write(csv_text(entries))
    if args.output:
        print(f"wrote {len(entries)} entries to {args.output}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.glossary.edit import entries_yaml
    from workbench.glossary.load import GlossaryError, lint_glossary
    from workbench.textio import write_text_atomic

    fmt = args.from_format or args.file.suffix.lower().lstrip(".")
    if fmt == "csv":
        from workbench.formats.csvio import read_csv

        entries = read_csv(args.file)
    elif fmt == "tbx" or fmt == "xml":
        from workbench.formats.tbx import read_tbx

        entries = read_tbx(args.file)
    else:
        raise WorkbenchError("cannot tell the format from the extension; give --from csv|tbx",
                             path=args.file)
    text = entries_yaml(entries, header=f"Imported from {args.file.name}")
    out = args.output or Path("<imported>.yaml")
    if args.output:
        from workbench.textio import check_output

        check_output(args.output, inputs=[args.file], force=args.force,
                     what="imported glossary")
    # the imported entries must form a valid glossary, alone and with the configured ones

    others = [p for p in (args.glossary or args.cfg.glossary_paths())]
    report = lint_glossary(others + [out], near_duplicates=False, overrides={out: text})
    if report.errors:
        first = report.errors[0]
        where = f"{args.file} -> {first}" if first.path == str(out) else str(first)
        raise GlossaryError(f"the imported entries are not valid: {where}")
    if args.output:
        write_text_atomic(args.output, text)
        print(f"imported {len(entries)} entries into {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_mine(args: argparse.Namespace) -> int:
    from workbench.corpus import find_collections
    from workbench.glossary.mine import mine_collections

    glossary = _load(args)
    collections = find_collections(args.cfg.corpus_paths())
    if args.collection:
        if args.collection not in collections:
            raise WorkbenchError(f"unknown collection {args.collection!r} (known: "
                                 f"{', '.join(sorted(collections)) or 'none'})")
        chosen = [collections[args.collection]]
    else:
        chosen = list(collections.values())
    from workbench.cli.progress import progress_bar

    with progress_bar() as progress:
        proposals = mine_collections(glossary, chosen, fuzzy_cutoff=args.cutoff,
                                     progress=progress)
    if args.format == "json":
        print(json.dumps([p.to_dict() for p in proposals], ensure_ascii=False, indent=2))
        return 0
    if not proposals:
        print("no proposals: every name in the corpora is covered by the glossary")
        return 0
    for p in proposals:
        if p.kind == "variant":
            print(f"variant  {p.text!r} for {p.entry_id} ({p.form!r}, {p.score:.0f}% similar), "
                  f"{p.count}x")
        else:
            print(f"new      {p.text!r}, {p.count}x")
        for ev in p.evidence:
            print(f"         {ev.document}: {ev.sentence}")
    print(f"{len(proposals)} proposal(s); accept them with `workbench glossary add`")
    return 0
