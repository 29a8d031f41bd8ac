"""``workbench qa AR EN``: terminology QA of an English text against its Arabic source.

Exit codes: 0 no findings, 1 findings, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.cli.registry import Cli

DESCRIPTION = """\
Checks the English against the glossary, pair by aligned pair:
  missing    an Arabic term with no English form for it in the aligned English
  variant    a deprecated spelling, a normalisation-equivalent or a probable
             transliteration variant (--fix replaces these with the preferred form)
  forbidden  a forbidden rendering
  unsourced  an English term whose Arabic is not in the aligned source
  number     a number on one side that the other side lacks
  check      probably fine, for a look: an ambiguous Arabic word (حماة "guardians")
             the English does not render as a name, a probable variant of a term
             the source does not have
Severities: error (forbidden forms, substitutions such as Nusra -> HTS), warning
(missing, variant, unsourced, number), info (check); --min-severity hides the
lower ones.

Without --aligned the two files are aligned first (by --segments, default
paragraphs); with --aligned, line i of AR pairs with line i of EN (or segment i
with segment i if --segments is given).
Exit code: 0 no findings, 1 findings, 2 bad input."""


def register(cli: Cli) -> None:
    p = cli.command("qa", "terminology QA of an English text against its Arabic source",
                    description=DESCRIPTION)
    p.add_argument("ar", type=Path, metavar="AR", help="the Arabic source text file")
    p.add_argument("en", type=Path, metavar="EN", help="the English text file")
    p.add_argument("--aligned", action="store_true",
                   help="the files are already aligned: line i pairs with line i")
    p.add_argument("--segments", choices=["paragraphs", "sentences", "lines"],
                   help="segmentation unit (default: paragraphs; lines with --aligned)")
    p.add_argument("--glossary", action="append", type=Path, metavar="PATH",
                   help="glossary file or folder (repeatable; default: the configured ones)")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people, json (an array of findings) for scripts")
    p.add_argument("--fix", type=Path, metavar="OUT",
                   help="write the English with every variant replaced by the preferred form "
                        "(never over AR or EN; an existing OUT needs --force)")
    p.add_argument("--force", action="store_true", help="overwrite an existing --fix file")
    p.add_argument("--no-numbers", action="store_true", help="do not compare numbers")
    p.add_argument("--min-severity", choices=["info", "warning", "error"], default="info",
                   help="report only findings of this severity or higher (default: info, all)")
    p.add_argument("--project", type=Path, metavar="FILE",
                   help="a project file: findings dismissed in it (for the same pair texts) "
                        "are not reported")
    p.add_argument("--dismiss", action="append", metavar="KIND:TERM",
                   help="with --project: dismiss this run's findings of KIND for TERM (an entry "
                        "id; KIND alone for every term), so they are not reported again "
                        "(repeatable)")
    p.set_defaults(func=cmd_qa)


def cmd_qa(args: argparse.Namespace) -> int:
    from workbench.glossary import load_glossary
    from workbench.app.checking import apply_dismissals, check_documents, fix_document
    from workbench.textio import check_output, read_text, write_output

    if args.fix:
        check_output(args.fix, inputs=[args.ar, args.en, *(args.glossary or [])],
                     force=args.force, what="--fix file")
    glossary = load_glossary(args.glossary or args.cfg.glossary_paths())
    ar_text = read_text(args.ar, what="Arabic file")
    en_text = read_text(args.en, what="English file")
    from workbench.cli.progress import progress_bar

    with progress_bar() as progress:
        result = check_documents(glossary, ar_text, en_text, aligned=args.aligned,
                                 unit=args.segments, numbers=not args.no_numbers,
                                 ar_name=str(args.ar), en_name=str(args.en),
                                 progress=progress)
    from workbench.glossary.qa import at_least

    findings = at_least(result.findings, args.min_severity)
    hidden = 0
    if args.project is not None or args.dismiss:
        findings, hidden = apply_dismissals(args.project, result, findings, args.dismiss or [])
    if args.fix:
        write_output(args.fix, fix_document(en_text, result), force=True, what="--fix file",
                     inputs=[args.ar, args.en, *glossary.files])
    if args.format == "json":
        out = []
        for f in findings:
            d = f.to_dict()
            pair = result.pairs[f.segment]
            d["source_segments"] = list(pair.source_segments)
            d["target_segments"] = list(pair.target_segments)
            out.append(d)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for f in findings:
            print(result.describe(f))
        n = len(findings)
        kinds = {}
        for f in findings:
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
        detail = ", ".join(f"{k} {v}" for k, v in kinds.items())
        print(f"{n} finding(s) in {len(result.pairs)} aligned pair(s)"
              + (f": {detail}" if detail else "")
              + (f" ({hidden} dismissed in the project not shown)" if hidden else ""),
              file=sys.stderr)
        if args.fix:
            print(f"wrote the fixed English to {args.fix}", file=sys.stderr)
    return 1 if findings else 0
