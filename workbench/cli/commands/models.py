"""``workbench models list|fetch|use``: local translation models."""

from __future__ import annotations

import argparse
import json

from workbench.cli import argtypes
from workbench.cli.argtypes import float_range
from workbench.cli.registry import Cli

GROUP_HELP = "list, download and choose machine-translation models"


def register(cli: Cli) -> None:
    p = cli.subcommand("models", "list", "show the models found locally (models folder and "
                       "Hugging Face cache)", group_help=GROUP_HELP)
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people, json for scripts (default: text)")
    p.set_defaults(func=cmd_list)

    p = cli.subcommand("models", "fetch", "download a model from the Hugging Face Hub into the "
                       "models folder (needs a network)", group_help=GROUP_HELP,
                       description="Download a model (e.g. Helsinki-NLP/opus-mt-ar-en) into the "
                       "models folder. Without a network, run it on a machine that has one and "
                       "copy the folder across.")
    p.add_argument("model", metavar="ID", help="Hugging Face model id, e.g. "
                   "Helsinki-NLP/opus-mt-ar-en")
    argtypes.one_line_errors(p)
    p.add_argument("--timeout", type=float_range(0.1, 3600), default=10.0, metavar="SECONDS",
                   help="network timeout (default: 10)")
    p.add_argument("--use", action="store_true", help="make it the default model afterwards")
    p.set_defaults(func=cmd_fetch)

    p = cli.subcommand("models", "use", "make a local model the default (user configuration)",
                       group_help=GROUP_HELP)
    p.add_argument("model", metavar="ID|PATH", help="a model id found by `workbench models list`"
                   " or a model directory")
    p.set_defaults(func=cmd_use)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


def cmd_list(args: argparse.Namespace) -> int:
    from workbench.mt.modeldir import HOW_TO_GET_A_MODEL, hf_cache_dir
    from workbench.mt.models import list_models

    cfg = args.cfg
    models = list_models(cfg.models_dir)
    default_dir = None
    if cfg.model:
        from workbench.errors import WorkbenchError
        from workbench.mt.modeldir import inspect_model_dir, resolve_model

        try:
            default_dir = resolve_model(cfg.model, cfg.models_dir)
        except WorkbenchError:
            default_dir = None
        if default_dir is not None and all(m.path.resolve() != default_dir for m in models):
            models.insert(0, inspect_model_dir(default_dir))
    if args.format == "json":
        print(json.dumps({"default": cfg.model, "models_dir": str(cfg.models_dir),
                          "hf_cache": str(hf_cache_dir()),
                          "models": [m.as_dict() for m in models]}, ensure_ascii=False, indent=2))
        return 0
    missing = " (NOT FOUND)" if cfg.model and default_dir is None else ""
    print(f"default model: {cfg.model or '(none configured)'}{missing}")
    print(f"models folder: {cfg.models_dir}")
    if not models:
        print("no models found; " + HOW_TO_GET_A_MODEL.format(models_dir=cfg.models_dir))
        return 0
    rows = [(m.model_id, m.family, m.languages, _size(m.size_bytes), str(m.path)) for m in models]
    widths = [max(len(r[i]) for r in rows + [("model", "family", "languages", "size", "")])
              for i in range(4)]
    head = ("model", "family", "languages", "size", "directory")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)) + "  " + head[4])
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[4])
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from workbench.app.models import use_model
    from workbench.mt.models import fetch_model

    path = fetch_model(args.model, args.cfg.models_dir, timeout=args.timeout)
    print(f"downloaded {args.model} to {path}")
    if args.use:
        value, cfg = use_model(str(path), models_dir=args.cfg.models_dir,
                               config_path=args.config)
        print(f"default model is now {value} ({cfg})")
    return 0


def cmd_use(args: argparse.Namespace) -> int:
    from workbench.app.models import use_model

    value, cfg = use_model(args.model, models_dir=args.cfg.models_dir, config_path=args.config)
    print(f"default model is now {value} (written to {cfg})")
    return 0
