"""Command-line interface: a thin layer over the core packages.

Each module in :mod:`workbench.cli.commands` defines ``register(cli)`` and adds
its subcommands; :mod:`workbench.cli.main` discovers them, so adding a command
never touches a shared file.
"""
