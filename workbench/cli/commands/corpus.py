"""``workbench corpus list|show``: the bundled and configured collections."""

from __future__ import annotations

import argparse
import json

from workbench.cli.registry import Cli


def register(cli: Cli) -> None:
    group_help = "list collections and show the segments of a pair"
    p = cli.subcommand("corpus", "list", "list collections, their documents and pairs",
                       group_help=group_help)
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people, json for scripts (default: text)")
    p.set_defaults(func=cmd_list)

    p = cli.subcommand("corpus", "show", "print the numbered segments of both sides of a pair",
                       group_help=group_help)
    p.add_argument("pair", metavar="COLLECTION:PAIR", help="e.g. seeds:004-000")
    p.add_argument("--segments", choices=["paragraphs", "sentences", "lines"],
                   default="paragraphs", help="segmentation unit (default: paragraphs)")
    p.add_argument("--side", choices=["both", "source", "target"], default="both",
                   help="which side to print (default: both)")
    p.set_defaults(func=cmd_show)


def cmd_list(args: argparse.Namespace) -> int:
    from workbench.corpus import find_collections

    collections = find_collections(args.cfg.corpus_paths())
    if args.format == "json":
        out = []
        for c in collections.values():
            out.append({
                "collection": c.name, "title": c.title, "manifest": str(c.manifest),
                "documents": [{"id": d.id, "language": d.language, "outlet": d.outlet,
                               "title": d.title, "file": str(d.path)}
                              for d in c.documents.values()],
                "pairs": [{"id": p.qualified_id, "source": p.source.id, "target": p.target.id,
                           "relation": p.relation,
                           "gold": str(p.gold_path) if p.gold_path else None}
                          for p in c.pairs.values()],
            })
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not collections:
        print("no collections found (add folders with a manifest.yaml under corpora/)")
        return 0
    for c in collections.values():
        print(f"{c.name}: {c.title}  [{c.manifest}]")
        print("  documents:")
        for d in c.documents.values():
            n = len(d.segments("paragraphs"))
            print(f"    {d.id:<6} {d.language}  {n:>3} paragraphs  {d.outlet}: {d.title}")
        print("  pairs:")
        for p in c.pairs.values():
            gold = f"  gold: {p.gold_unit}" if p.gold_path else ""
            print(f"    {p.qualified_id:<16} {p.source.id} -> {p.target.id}  {p.relation}{gold}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from workbench.corpus import resolve_pair

    pair = resolve_pair(args.pair, args.cfg.corpus_paths())
    sides = [("source", pair.source), ("target", pair.target)]
    if args.side != "both":
        sides = [s for s in sides if s[0] == args.side]
    for name, doc in sides:
        segs = doc.segments(args.segments)
        print(f"== {name} {doc.id} ({doc.language}), {len(segs)} {args.segments} ==")
        for s in segs:
            print(f"[{s.index}] {s.text}")
        print()
    return 0
