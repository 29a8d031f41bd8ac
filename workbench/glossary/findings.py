"""Terminology QA findings: the :class:`Finding` record, its kinds and severities, and the
fixes of ``variant`` findings (:func:`apply_fixes`).  The check itself is :mod:`.qa`."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any, Iterable

__all__ = ["Finding", "KINDS", "SEVERITIES", "severity_of", "at_least", "case_like",
           "apply_fixes", "shift_finding"]

KINDS: tuple[str, ...] = ("missing", "variant", "forbidden", "unsourced", "number", "check")
#: finding severities, lowest first
SEVERITIES: tuple[str, ...] = ("info", "warning", "error")


@dataclass(frozen=True)
class Finding:
    segment: int
    kind: str
    term: str | None
    expected: str | None
    found: str | None
    source_span: tuple[int, int] | None
    target_span: tuple[int, int] | None
    fix: str | None
    status: str | None = None  # the English match status (deprecated, equivalent, probable...)
    note: str = ""
    severity: str = ""  # info | warning | error (see SEVERITIES); "" -> from the kind
    #: for a substitution (missing/unsourced): the related entry the other side has
    swapped_with: str | None = None

    def __post_init__(self) -> None:
        if not self.severity:
            object.__setattr__(self, "severity", severity_of(self.kind, self.swapped_with))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("source_span", "target_span"):
            if d[key] is not None:
                d[key] = list(d[key])
        return d


def severity_of(kind: str, swapped_with: str | None = None) -> str:
    """The severity of a finding of ``kind`` (a substitution is an error)."""
    if kind == "forbidden" or swapped_with:
        return "error"
    if kind == "check":
        return "info"
    return "warning"


def at_least(findings: Iterable[Finding], min_severity: str) -> list[Finding]:
    """The findings whose severity is ``min_severity`` or higher."""
    if min_severity not in SEVERITIES:
        from workbench.errors import WorkbenchError

        raise WorkbenchError(f"unknown severity {min_severity!r} (one of "
                             f"{', '.join(SEVERITIES)})")
    floor = SEVERITIES.index(min_severity)
    return [f for f in findings if SEVERITIES.index(f.severity) >= floor]


_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)[\"'“‘«(\[]*$")


def case_like(replacement: str, text: str, start: int) -> str:
    """``replacement`` capitalised if it starts a sentence at ``text[start]``."""
    if replacement and (start == 0 or _SENTENCE_START.search(text[max(0, start - 8):start])):
        return replacement[:1].upper() + replacement[1:]
    return replacement


def apply_fixes(target: str, findings: Iterable[Finding]) -> str:
    """``target`` with every ``variant`` finding's span replaced by its fix; nothing else.

    Findings whose span does not hold the text they found (stale findings) are
    skipped, as are overlapping ones.
    """
    todo = sorted({(f.target_span[0], f.target_span[1], f.fix, f.found) for f in findings
                   if f.kind == "variant" and f.fix is not None and f.target_span is not None},
                  reverse=True)
    out = target
    last_start = len(target) + 1
    for a, b, fix, found in todo:
        if b > last_start or not 0 <= a <= b <= len(target) or target[a:b] != found:
            continue
        out = out[:a] + case_like(fix, target, a) + out[b:]
        last_start = a
    return out


def shift_finding(f: Finding, *, segment: int | None = None, source_offset=None,
                  target_offset=None) -> Finding:
    """A copy of ``f`` with spans mapped by the given functions (for document-level offsets)."""
    changes: dict[str, Any] = {}
    if segment is not None:
        changes["segment"] = segment
    if source_offset is not None and f.source_span is not None:
        changes["source_span"] = source_offset(f.source_span)
    if target_offset is not None and f.target_span is not None:
        changes["target_span"] = target_offset(f.target_span)
    return replace(f, **changes)
