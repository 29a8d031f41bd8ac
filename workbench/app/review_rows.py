"""The rows of the alignment review and what its edits return (see
:mod:`workbench.app.review`): a link's kind, shape and whether it is *moved* -- out of
source order on the English side: the links with both sides, in source order, whose
first English segment is not on the longest increasing run of first English segments
(the same chain as the batch scores' ``moved`` links,
:func:`workbench.scoring.linktypes.moved_links`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from workbench.errors import WorkbenchError
from workbench.scoring.linktypes import moved_links as _moved_keys
from workbench.store.project import ProjectLink

__all__ = ["KINDS", "SIDES", "EditResult", "ReviewRow", "as_list", "check_side", "doubt_key",
           "kind_of", "moved_links", "shape_of"]

KINDS: tuple[str, ...] = ("1:1", "n:m", "deletion", "insertion", "moved")
SIDES = ("source", "target")


@dataclass(frozen=True)
class ReviewRow:
    """One link as the review screen shows it."""

    number: int            # 1-based position in source order
    link: ProjectLink
    kind: str              # one of KINDS
    shape: str             # "1:1", "2:1", "1:0", "0:1"...
    moved: bool
    confirmed: bool

    @property
    def id(self) -> int:
        return self.link.id

    @property
    def confidence(self) -> float | None:
        return self.link.score

    @property
    def src(self) -> tuple[int, ...]:
        return self.link.src

    @property
    def tgt(self) -> tuple[int, ...]:
        return self.link.tgt


@dataclass(frozen=True)
class EditResult:
    """What an edit did: the links it made (ids) and the one to put the cursor on."""

    kind: str
    link_ids: tuple[int, ...]
    focus: int | None


def moved_links(links: Sequence[ProjectLink]) -> set[int]:
    """Ids of the links (in source order) that are out of order on the target side."""
    moved = _moved_keys((lk.src, lk.tgt) for lk in links)
    return {lk.id for lk in links if lk.src and lk.tgt and (lk.src, lk.tgt) in moved}


def shape_of(lk: ProjectLink) -> str:
    return f"{len(lk.src)}:{len(lk.tgt)}"


def kind_of(lk: ProjectLink, moved: bool) -> str:
    if not lk.tgt:
        return "deletion"
    if not lk.src:
        return "insertion"
    if moved:
        return "moved"
    return "1:1" if len(lk.src) == len(lk.tgt) == 1 else "n:m"


def as_list(value) -> list:
    if isinstance(value, list):
        return value
    return [value] if value else []


def doubt_key(r: ReviewRow) -> tuple:
    return (r.confidence is None, r.confidence if r.confidence is not None else 0.0, r.number)


def check_side(side: str) -> None:
    if side not in SIDES:
        raise WorkbenchError(f"unknown side {side!r} (source or target)")
