"""Alignment links and their text format.

A link joins a block of source segments with a block of target segments::

    [0]:[0]          1:1
    [2]:[2,3]        1:2
    [4]:[]           deletion (source segment with no counterpart)
    []:[6]           insertion (target segment with no source)
    [1,2]:[5]:0.873  with a confidence score

Indices are 0-based segment indices.  This is the format of Vecalign's gold
files and of ``workbench align --format links``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from workbench.errors import WorkbenchError

__all__ = ["Link", "parse_links", "format_links", "read_links", "check_coverage"]


@dataclass(frozen=True, order=True)
class Link:
    """``src`` source indices aligned with ``tgt`` target indices (either may be empty)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "src", tuple(self.src))
        object.__setattr__(self, "tgt", tuple(self.tgt))

    @property
    def kind(self) -> str:
        """'1:1', '1:2', '2:1', ..., 'null' (deletion or insertion)."""
        if not self.src or not self.tgt:
            return "null"
        return f"{len(self.src)}:{len(self.tgt)}"

    @property
    def is_null(self) -> bool:
        return not self.src or not self.tgt

    def key(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return self.src, self.tgt

    def format(self, with_score: bool = True) -> str:
        s = f"[{','.join(map(str, self.src))}]:[{','.join(map(str, self.tgt))}]"
        if with_score and self.score is not None:
            s += f":{self.score:.4f}"
        return s

    def __str__(self) -> str:
        return self.format()


_LINK_RE = re.compile(
    r"^\s*\[\s*([0-9,\s]*)\]\s*:\s*\[\s*([0-9,\s]*)\]\s*(?::\s*([-+0-9.eE]+|nan|NaN))?\s*$")


def _indices(text: str) -> tuple[int, ...]:
    text = text.strip()
    if not text:
        return ()
    return tuple(int(x) for x in text.split(",") if x.strip())


def parse_links(text: str, path: str | Path = "<links>") -> list[Link]:
    """Parse links, one a line; blank lines and ``#`` comments are skipped."""
    links: list[Link] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINK_RE.match(line)
        if not m:
            raise WorkbenchError(f"not an alignment link: {line.strip()[:60]!r} "
                                 "(expected e.g. [0]:[0] or [1,2]:[3]:0.9)", path=path, line=lineno)
        try:
            src, tgt = _indices(m.group(1)), _indices(m.group(2))
        except ValueError:
            raise WorkbenchError(f"bad index in link {line.strip()!r}", path=path,
                                 line=lineno) from None
        if not src and not tgt:
            raise WorkbenchError("a link needs at least one index: []:[] is empty",
                                 path=path, line=lineno)
        score = float(m.group(3)) if m.group(3) else None
        links.append(Link(src, tgt, score))
    return links


def read_links(path: str | Path) -> list[Link]:
    from workbench.textio import read_text

    return parse_links(read_text(path, what="links file", allow_empty=True), path)


def format_links(links: Iterable[Link], with_score: bool = True) -> str:
    return "".join(link.format(with_score) + "\n" for link in links)


def check_coverage(links: Sequence[Link], n_src: int, n_tgt: int, *, path: str | Path = "<links>",
                   require_complete: bool = False) -> None:
    """Raise if an index is out of range or used twice; optionally require every index once."""
    for side, n, get in (("source", n_src, lambda lk: lk.src), ("target", n_tgt, lambda lk: lk.tgt)):
        seen: set[int] = set()
        for link in links:
            for i in get(link):
                if i < 0 or i >= n:
                    raise WorkbenchError(
                        f"link {link.format(False)} uses {side} index {i}, but the {side} has "
                        f"{n} segments (0..{n - 1})", path=path)
                if i in seen:
                    raise WorkbenchError(f"{side} index {i} appears in more than one link",
                                         path=path)
                seen.add(i)
        if require_complete and len(seen) != n:
            missing = sorted(set(range(n)) - seen)
            raise WorkbenchError(f"{side} segments {missing[:10]} are in no link", path=path)
