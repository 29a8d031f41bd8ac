"""The records a project hands out: links with their text, history entries, documents.

Plain frozen dataclasses (safe to pass between threads); :func:`check_text` is
the gate every stored text goes through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from workbench.align.links import Link
from workbench.errors import WorkbenchError

__all__ = ["ACCEPTED", "HistoryEntry", "ProjectLink", "StoredDocument", "check_text",
           "order_links", "MAX_SEGMENT_CHARS"]

#: Statuses that count as accepted: the pair goes into the translation memory.
ACCEPTED: tuple[str, ...] = ("translated", "reviewed")
MAX_SEGMENT_CHARS = 1_000_000

_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_text(text: str, what: str = "target text", *,
               max_chars: int = MAX_SEGMENT_CHARS) -> str:
    """Validate text before it is stored; line endings become ``\\n``."""
    if not isinstance(text, str):
        raise WorkbenchError(f"{what} must be a string, not {type(text).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = _BAD_CHARS.search(text)
    if m:
        raise WorkbenchError(f"{what} contains the control character U+{ord(m.group()):04X} "
                             f"at position {m.start()}; it cannot be stored or exported")
    if len(text) > max_chars:
        raise WorkbenchError(f"{what} is too long ({len(text)} characters)")
    return text


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class StoredDocument:
    side: str
    name: str
    language: str
    text: str
    sha256: str


@dataclass(frozen=True)
class ProjectLink:
    """One alignment link with the translator's text for it."""

    id: int
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None
    origin: str            # aligner | person
    target_text: str       # the translator's English (starts as the aligned target text)
    status: str            # new | draft | translated | reviewed
    version: int           # pass as base_version when editing
    updated_at: str
    source_text: str       # the source segments of the link, joined by spaces
    reference_text: str    # the aligned target segments, joined by spaces

    @property
    def is_insertion(self) -> bool:
        """Target material with no source (nothing to translate)."""
        return not self.src

    @property
    def is_deletion(self) -> bool:
        """Source material with no counterpart in the target document."""
        return not self.tgt

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTED

    def as_link(self) -> Link:
        return Link(self.src, self.tgt, self.score)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "src": list(self.src), "tgt": list(self.tgt), "score": self.score,
                "origin": self.origin, "target_text": self.target_text, "status": self.status,
                "version": self.version, "updated_at": self.updated_at,
                "source_text": self.source_text, "reference_text": self.reference_text}


def order_links(links: Sequence[ProjectLink]) -> list[ProjectLink]:
    """A project's links in the order :meth:`Project.links` gives them: source order, an
    insertion right after the link holding the target segment before it."""
    with_src = sorted((lk for lk in links if lk.src),
                      key=lambda lk: (lk.src[0], lk.tgt[0] if lk.tgt else -1))
    owner = {j: n for n, lk in enumerate(with_src) for j in lk.tgt}
    keyed = [((n, 0, 0), lk) for n, lk in enumerate(with_src)]
    for lk in links:
        if lk.src:
            continue
        before = next((owner[j] for j in range(lk.tgt[0] - 1, -1, -1) if j in owner), -1)
        keyed.append(((before, 1, lk.tgt[0]), lk))
    keyed.sort(key=lambda kv: kv[0])
    return [lk for _, lk in keyed]


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: str
    kind: str          # edit | import | merge | split | relink | confirm | undo | redo
    link_id: int | None
    old: Any
    new: Any
    state: str         # done | undone | dropped (undoable kinds) or log (undo/redo records)
    ref: int | None    # for undo/redo: the entry they applied to
    actor: str

    def describe(self) -> str:
        """One line for `workbench project history`."""
        def short(text: str, n: int = 40) -> str:
            text = text.replace("\n", " ")
            return text if len(text) <= n else text[: n - 1] + "…"

        if self.kind in ("undo", "redo"):
            return f"{self.kind} of #{self.ref}"
        if self.kind == "confirm":
            marks = _as_list(self.new)
            ids = ", ".join(str(d["id"]) for d in marks)
            verb = "confirm" if marks and marks[0].get("confirmed") else "unconfirm"
            return f"{verb} link{'s' if len(marks) > 1 else ''} {ids}"
        if self.kind in ("edit", "import"):
            olds = {d["id"]: d for d in _as_list(self.old)}
            parts = []
            for d in _as_list(self.new):
                o = olds.get(d["id"], {})
                change = []
                if o.get("status") != d.get("status"):
                    change.append(f"{o.get('status')} -> {d.get('status')}")
                if o.get("text") != d.get("text"):
                    change.append(f"text {short(d.get('text', ''))!r}")
                parts.append(f"link {d['id']}: {', '.join(change) or 'no change'}")
            more = f" (+{len(parts) - 3} more)" if len(parts) > 3 else ""
            return f"{self.kind} " + "; ".join(parts[:3]) + more
        olds = " ".join(Link(tuple(r["src"]), tuple(r["tgt"])).format(False)
                        for r in self.old.get("links", []))
        news = " ".join(Link(tuple(r["src"]), tuple(r["tgt"])).format(False)
                        for r in self.new.get("links", []))
        return f"{self.kind} {olds} => {news}"


def _as_list(value: Any) -> list[dict]:
    if isinstance(value, list):
        return value
    return [value] if value else []


@dataclass
class _Rec:
    """A link as stored in the history of an alignment edit."""

    id: int
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None
    origin: str
    text: str
    status: str
    version: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "src": list(self.src), "tgt": list(self.tgt), "score": self.score,
                "origin": self.origin, "text": self.text, "status": self.status,
                "version": self.version}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> _Rec:
        return cls(int(d["id"]), tuple(d["src"]), tuple(d["tgt"]), d.get("score"),
                   d["origin"], d["text"], d["status"], int(d.get("version", 1)))

    def same_content(self, other: _Rec) -> bool:
        return (self.src, self.tgt, self.text, self.status) == (
            other.src, other.tgt, other.text, other.status)
