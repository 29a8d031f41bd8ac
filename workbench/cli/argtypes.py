"""argparse ``type=`` helpers that check a numeric option's range at parse time.

``int_range(1, 64)`` and ``float_range(0, 100)`` return converters for ``add_argument(type=...)``;
a value outside the range (or NaN, an infinity, a float where an int is wanted) becomes an
``argparse.ArgumentTypeError`` whose message names the range, so argparse prints one error
line naming the option and exits 2 -- never a traceback, a hang or a memory blow-up later on.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

#: SQLite's INTEGER range: ids and versions beyond it would overflow in the store.
SQLITE_MAX = 2**63 - 1


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def int_range(lo: int, hi: int) -> Callable[[str], int]:
    """A converter accepting integers ``lo <= n <= hi`` (decimal digits, optional sign)."""

    def convert(text: str) -> int:
        s = text.strip()
        try:
            value = int(s, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {lo} to {hi}, got {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be from {lo} to {hi}, got {_short(s)}")
        return value

    convert.__name__ = "int"  # argparse names the type in its own messages
    return convert


def float_range(lo: float, hi: float) -> Callable[[str], float]:
    """A converter accepting finite numbers ``lo <= x <= hi`` (NaN and infinities refused)."""

    def convert(text: str) -> float:
        s = text.strip()
        try:
            value = float(s)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number from {_fmt(lo)} to {_fmt(hi)}, got {text!r}") from None
        if not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"must be from {_fmt(lo)} to {_fmt(hi)}, got {_short(s)}")
        return value

    convert.__name__ = "float"
    return convert


def _short(s: str) -> str:
    return s if len(s) <= 24 else s[:20] + "..."


#: Worker processes: at least one, at most what one machine can sensibly run.
workers = int_range(1, 256)
#: A percentage (similarity thresholds, fuzzy-match cut-offs).
percent = float_range(0.0, 100.0)
#: A link id or version in a project (SQLite integer).
link_id = int_range(1, SQLITE_MAX)


def one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make ``parser`` report a usage error in one line, as the workbench reports bad input
    (``workbench: error: argument --workers: must be from 1 to 256, got 0 (...)``), exit 2."""

    def error(message: str):
        parser.exit(2, f"workbench: error: {message} (see `{parser.prog} --help`)\n")

    parser.error = error  # type: ignore[method-assign]
    return parser
