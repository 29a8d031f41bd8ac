"""What each command module's ``register(cli)`` is handed: :class:`Cli`.

Its own module so that :mod:`workbench.cli.commands` import it without importing the
entry point (:mod:`workbench.cli.main`, which discovers the commands).
"""

from __future__ import annotations

import argparse

__all__ = ["Cli"]


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
