"""The ``workbench`` command: argument parsing, command discovery and error handling.

:class:`~workbench.cli.registry.Cli` (what each command module's ``register`` gets) lives
in :mod:`workbench.cli.registry`, so that the commands never import this module;
``from workbench.cli.main import Cli`` still works.

User errors (:class:`~workbench.errors.WorkbenchError`) print one line on stderr
and exit with their code (2); usage errors exit 2 as argparse does; no input ever
produces a traceback unless ``WORKBENCH_DEBUG=1`` is set.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Callable, Sequence

from workbench import __version__
from workbench.cli.registry import Cli
from workbench.config import load_config
from workbench.errors import WorkbenchError

__all__ = ["main", "Cli"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Aligned-translation and terminology workbench for Arabic news into English.",
        epilog="Run `workbench COMMAND --help` for the options of a command.")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (default: $WORKBENCH_CONFIG or the user "
                             "config directory's workbench/config.yaml)")
    cli = Cli(parser)
    from workbench.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register: Callable[[Cli], None] | None = getattr(module, "register", None)
        if register is not None:
            register(cli)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        # the configuration is read once, here at the edge, and handed down as ``args.cfg``
        # (an explicit --config that does not exist is an error, not a silent default)
        args.cfg = load_config(args.config) if args.config else load_config()
        if args.config:
            os.environ["WORKBENCH_CONFIG"] = args.config  # for worker processes
        return int(func(args) or 0)
    except WorkbenchError as exc:
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        print(f"workbench: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # e.g. `workbench align ... | head`
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
