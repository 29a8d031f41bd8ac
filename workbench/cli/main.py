"""The ``workbench`` command: argument parsing, command discovery and error handling.

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
from workbench.config import load_config
from workbench.errors import WorkbenchError

__all__ = ["main", "Cli"]


class Cli:
    """Handed to each command module's ``register``; gives it top-level commands and groups."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser
        self.subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
        self._groups: dict[str, argparse._SubParsersAction] = {}

    def command(self, name: str, help: str, description: str | None = None,
                ) -> argparse.ArgumentParser:
        """A top-level command ``workbench NAME``."""
        return self.subparsers.add_parser(
            name, help=help, description=description or help,
            formatter_class=argparse.RawDescriptionHelpFormatter)

    def group(self, name: str, help: str) -> argparse._SubParsersAction:
        """The subcommands of ``workbench NAME`` (created on first use, shared between modules)."""
        if name not in self._groups:
            p = self.subparsers.add_parser(name, help=help, description=help)
            p.set_defaults(func=lambda args, _p=p: _p.print_help() or 2)
            self._groups[name] = p.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND")
        return self._groups[name]

    def subcommand(self, group: str, name: str, help: str, group_help: str = "",
                   description: str | None = None) -> argparse.ArgumentParser:
        """A subcommand ``workbench GROUP NAME``."""
        return self.group(group, group_help or help).add_parser(
            name, help=help, description=description or help,
            formatter_class=argparse.RawDescriptionHelpFormatter)


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
