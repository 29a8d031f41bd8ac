"""The application layer: what a user does, shared by the CLI and the TUI.

Each module holds the operations of one kind of work (``projects``, ``checking``,
``translating``, ``aligning``, ``batch``...).  They take explicit arguments (paths, a
loaded glossary, an aligner, a :class:`~workbench.config.Config`) and return typed
results; they never read the user configuration themselves and never print.  The CLI
(``workbench.cli``) and the TUI (``workbench.tui``) parse input, call one function here
and show the result.
"""
