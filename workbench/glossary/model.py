"""The glossary data model: entries, the merged glossary and term matches.

A :class:`Glossary` is built by :func:`workbench.glossary.load.load_glossary`
from any number of YAML files.  Its matchers (Arabic and English) are built
lazily on first use and are then reused; building is thread-safe.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Entry", "Glossary", "TermMatch", "Related", "TYPES", "RELATIONS", "ENGLISH_STATUSES"]

#: Entry types.
TYPES: tuple[str, ...] = ("faction", "place", "person", "organization", "other")
#: Relations between entries (``related: [{id: nusra, relation: predecessor}]``).
RELATIONS: tuple[str, ...] = ("predecessor", "successor", "part-of", "has-part", "member-of",
                              "alias", "see-also", "rival", "ally")
#: Status of an English match, from best to worst.
ENGLISH_STATUSES: tuple[str, ...] = ("preferred", "variant", "equivalent", "probable",
                                     "deprecated", "forbidden")


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
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None  # the file it came from
    line: int | None = None

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


class Glossary:
    """The merged glossary: ``entries`` by id, and term matching in both languages.

    The matchers and the relation index are built on first use and kept: make a new
    ``Glossary`` rather than changing ``entries`` afterwards.
    """

    def __init__(self, entries: dict[str, Entry] | None = None,
                 files: list[Path] | None = None, ignore: set[str] | None = None) -> None:
        self.entries: dict[str, Entry] = dict(entries or {})
        self.files: list[Path] = list(files or [])
        #: words and phrases that ``mine`` should never propose (the ``ignore:`` lists)
        self.ignore: set[str] = set(ignore or ())
        self._lock = threading.Lock()
        self._arabic = None
        self._english = None
        self._related: dict[str, dict[str, str]] | None = None

    def __getstate__(self) -> dict:
        # picklable for worker processes (dask, multiprocessing): matchers are rebuilt there
        state = self.__dict__.copy()
        state["_lock"] = None
        state["_arabic"] = None
        state["_english"] = None
        state["_related"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.entries

    def __getitem__(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def __iter__(self):
        return iter(self.entries.values())

    @property
    def arabic_matcher(self):
        if self._arabic is None:
            with self._lock:
                if self._arabic is None:
                    from workbench.glossary.arabic import ArabicMatcher

                    self._arabic = ArabicMatcher(self.entries.values())
        return self._arabic

    @property
    def english_matcher(self):
        if self._english is None:
            with self._lock:
                if self._english is None:
                    from workbench.glossary.english import EnglishMatcher

                    self._english = EnglishMatcher(self.entries.values())
        return self._english

    def match_arabic(self, text: str) -> list[TermMatch]:
        """Every glossary term in Arabic ``text`` (clitics allowed), in text order."""
        return self.arabic_matcher.match(text)

    def match_english(self, text: str, *, probable: bool = True) -> list[TermMatch]:
        """Every glossary term in English ``text`` with its status, in text order."""
        return self.english_matcher.match(text, probable=probable)

    def related_ids(self, entry_id: str) -> dict[str, str]:
        """Ids related to ``entry_id`` in either direction, with the relation as seen from it."""
        index = self._related
        if index is None:
            index = {}
            for e in self.entries.values():
                for r in e.related:
                    index.setdefault(e.id, {})[r.id] = r.relation
            for e in self.entries.values():
                for r in e.related:
                    index.setdefault(r.id, {}).setdefault(e.id, _INVERSE.get(r.relation,
                                                                             r.relation))
            self._related = index
        return dict(index.get(entry_id, {}))


_INVERSE = {"predecessor": "successor", "successor": "predecessor", "part-of": "has-part",
            "has-part": "part-of"}
