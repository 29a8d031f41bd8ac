"""The glossary's records: entries, their relations and term matches.

These are the plain data the matchers (:mod:`.arabic`, :mod:`.english`) and the
merged :class:`~workbench.glossary.model.Glossary` share; this module imports
nothing else of the glossary, so the matchers can import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Entry", "TermMatch", "Related", "TYPES", "RELATIONS", "ENGLISH_STATUSES",
           "CONTEXT_KEYS", "AR_CONTEXT_KEYS", "EN_CONTEXT_KEYS"]

#: Entry types.
TYPES: tuple[str, ...] = ("faction", "place", "person", "organization", "other")
#: Relations between entries (``related: [{id: nusra, relation: predecessor}]``).
RELATIONS: tuple[str, ...] = ("predecessor", "successor", "part-of", "has-part", "member-of",
                              "alias", "see-also", "rival", "ally")
#: Status of an English match, from best to worst.
ENGLISH_STATUSES: tuple[str, ...] = ("preferred", "variant", "equivalent", "probable",
                                     "deprecated", "forbidden")
#: ``context:`` keys of an ambiguous entry: Arabic words right before/after the form that
#: confirm the term (``before``/``after``) or rule it out (``not_before``/``not_after``),
#: the same for English (``en_...``), English words (or word beginnings) that render another
#: sense of an ambiguous Arabic form (``en_other_sense``: "guardian" for حماة), and
#: ``capital`` (the English is the term only when capitalised; the default whenever a form
#: has a capital letter).  ``en_adjective`` (any entry, ambiguous or not): the English
#: adjectives that render the name inside a phrase (``Syrian`` for سوريا in "Syrian
#: Democratic Forces"); the term is not missing from an English that has one.
AR_CONTEXT_KEYS: tuple[str, ...] = ("before", "after", "not_before", "not_after")
EN_CONTEXT_KEYS: tuple[str, ...] = ("en_before", "en_after", "en_not_before", "en_not_after",
                                    "en_other_sense", "en_adjective")
CONTEXT_KEYS: tuple[str, ...] = AR_CONTEXT_KEYS + EN_CONTEXT_KEYS + ("capital",)


@dataclass(frozen=True)
class Related:
    id: str
    relation: str
    line: int | None = field(default=None, compare=False)
    col: int | None = field(default=None, compare=False)


@dataclass
class Entry:
    """One term: its preferred English form, Arabic forms and other English spellings."""

    id: str
    type: str
    en: str
    ar: list[str]
    variants: list[str] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    note: str = ""
    #: the ambiguous forms: Arabic forms that are also ordinary words (حماة "protectors"),
    #: English forms that are also other names or words ("Kelli", a first name); ``True``
    #: in the YAML stands for every Arabic form
    ambiguous: list[str] = field(default_factory=list)
    ambiguous_all: bool = False  # written ``ambiguous: true``
    #: the other senses of the ambiguous forms, for the translator (free text)
    senses: list[str] = field(default_factory=list)
    #: entries that share an Arabic form with this one (أريحا: Ariha and Jericho)
    homonyms: list[str] = field(default_factory=list)
    #: how to tell the senses apart: CONTEXT_KEYS -> words (``capital`` -> bool)
    context: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None  # the file it came from
    line: int | None = None

    @property
    def is_ambiguous(self) -> bool:
        return bool(self.ambiguous or self.homonyms)

    @property
    def allowed(self) -> list[str]:
        """The preferred form and the allowed variants."""
        return [self.en, *self.variants]

    def english_forms(self) -> list[tuple[str, str]]:
        """Every English form with its status: preferred, variant, deprecated, forbidden."""
        out = [(self.en, "preferred")]
        out += [(v, "variant") for v in self.variants]
        out += [(v, "deprecated") for v in self.deprecated]
        out += [(v, "forbidden") for v in self.forbidden]
        return out

    def to_dict(self) -> dict[str, Any]:
        """The entry as YAML-ready data, in canonical key order (empty optional fields left out)."""
        d: dict[str, Any] = {"id": self.id, "type": self.type, "en": self.en, "ar": list(self.ar)}
        for key in ("variants", "deprecated", "forbidden"):
            value = getattr(self, key)
            if value:
                d[key] = list(value)
        if self.related:
            d["related"] = [{"id": r.id, "relation": r.relation} for r in self.related]
        if self.ambiguous:
            d["ambiguous"] = True if self.ambiguous_all else list(self.ambiguous)
        for key in ("homonyms", "senses"):
            if getattr(self, key):
                d[key] = list(getattr(self, key))
        if self.context:
            d["context"] = {k: (list(v) if isinstance(v, (list, tuple)) else v)
                            for k, v in self.context.items()}
        if self.note:
            d["note"] = self.note
        for k, v in self.extra.items():
            d[k] = v
        return d


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a text.

    ``start``/``end`` are offsets into the original (unnormalised) text and
    ``surface`` is ``text[start:end]``.  ``status`` is ``"source"`` for Arabic
    matches; for English one of :data:`ENGLISH_STATUSES`.  ``form`` is the
    glossary form that matched (for probable matches, the closest form).
    """

    entry_id: str
    start: int
    end: int
    surface: str
    status: str
    form: str = ""
    score: float = 100.0  # similarity (percent) for probable matches

    def to_dict(self) -> dict[str, Any]:
        return {"entry_id": self.entry_id, "start": self.start, "end": self.end,
                "surface": self.surface, "status": self.status, "form": self.form,
                "score": round(self.score, 1)}
