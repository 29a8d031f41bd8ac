"""workbench: aligned-translation and terminology workbench for Arabic news into English.

The core packages (``text``, ``corpus``, ``align``, ``glossary``, ``mt``, ``store``,
``formats``, ``scoring``) never import the terminal UI; the CLI (``workbench.cli``)
and the TUI (``workbench.tui``) are thin layers over them.
"""

__version__ = "0.1.0"
