"""The sense of each glossary term of an Arabic text, decided from the Arabic alone.

One decision shared by terminology QA (:mod:`.qa`) and glossary-aware MT
(:mod:`workbench.mt.propose`), so that the two never disagree about a homograph.

:func:`source_terms` groups the Arabic matches by span (homonyms such as أريحا, Ariha and
Jericho, share one) and gives each match a verdict (:func:`source_verdict`): ``term`` when
its form is not marked ambiguous or its context confirms it (``مدينة حماة``), ``other`` when
its context rules it out (``حماة الديار``, tanween), ``unknown`` otherwise
(:mod:`.context`).

A :class:`SourceTerm` is **ruled out** when a verdict is ``other``, **confirmed** when one is
``term``, and it **expects** one entry (:attr:`SourceTerm.expected`) when it is not ruled out
and either one entry is confirmed or the span is a single entry's.  QA reports such a term
missing from the English as ``missing`` (confirmed) or ``check`` (unknown); MT requires and
protects exactly the expected entries, so that حماة الديار never gets "Hama" while
``في حماة`` does, and أريحا alone (Ariha or Jericho) gets neither forced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from workbench.glossary.context import arabic_verdict, is_ambiguous_arabic
from workbench.glossary.model import Glossary, TermMatch

__all__ = ["SourceTerm", "source_terms", "source_verdict", "expected_matches"]


@dataclass(frozen=True)
class SourceTerm:
    """The glossary matches sharing one span of the Arabic, with their verdicts."""

    start: int
    end: int
    matches: tuple[TermMatch, ...]
    verdicts: tuple[str, ...]  # per match: term | other | unknown

    @property
    def ruled_out(self) -> bool:
        """The context shows another sense (of one of the homonyms: then of the word)."""
        return "other" in self.verdicts

    @property
    def confirmed(self) -> TermMatch | None:
        """The first match the context confirms, unless the word is ruled out."""
        if self.ruled_out:
            return None
        for m, v in zip(self.matches, self.verdicts):
            if v == "term":
                return m
        return None

    @property
    def expected(self) -> TermMatch | None:
        """The entry an English rendering should have: the confirmed one, or the only one
        when the context neither confirms nor rules it out (``في حماة``)."""
        if self.ruled_out:
            return None
        confirmed = self.confirmed
        if confirmed is not None:
            return confirmed
        return self.matches[0] if len(self.matches) == 1 else None


def source_verdict(glossary: Glossary, m: TermMatch, source: str) -> str:
    """``term``, ``other`` or ``unknown`` for the Arabic match ``m`` of ``source``."""
    entry = glossary.entries[m.entry_id]
    if not is_ambiguous_arabic(entry, m.form):
        return "term"
    return arabic_verdict(entry, source, m.start, m.end)


def source_terms(glossary: Glossary, source: str,
                 matches: Sequence[TermMatch] | None = None) -> list[SourceTerm]:
    """The terms of ``source`` by span, in text order, with their verdicts; ``matches`` are
    ``glossary.match_arabic(source, homonyms=True)`` if not given."""
    if matches is None:
        matches = glossary.match_arabic(source, homonyms=True) if source.strip() else []
    spans: dict[tuple[int, int], list[TermMatch]] = {}
    for m in matches:
        spans.setdefault((m.start, m.end), []).append(m)
    return [SourceTerm(a, b, tuple(group),
                       tuple(source_verdict(glossary, m, source) for m in group))
            for (a, b), group in spans.items()]


def expected_matches(glossary: Glossary, source: str) -> list[TermMatch]:
    """The Arabic matches whose entry an English rendering of ``source`` should have (see
    :attr:`SourceTerm.expected`), in text order: what glossary-aware MT may force."""
    return [t.expected for t in source_terms(glossary, source) if t.expected is not None]
