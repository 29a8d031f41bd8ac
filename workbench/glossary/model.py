"""The glossary data model: the merged glossary and its term matchers.

A :class:`Glossary` is built by :func:`workbench.glossary.load.load_glossary`
from any number of YAML files.  Its matchers (Arabic and English) are built
lazily on first use and are then reused; building is thread-safe.  The records
(:class:`Entry`, :class:`TermMatch`, :class:`Related`) live in :mod:`.entry`
and are re-exported here.
"""

from __future__ import annotations

import threading
from pathlib import Path

from workbench.glossary.arabic import ArabicMatcher
from workbench.glossary.english import EnglishMatcher
from workbench.glossary.entry import ENGLISH_STATUSES, RELATIONS, TYPES, Entry, Related, TermMatch

__all__ = ["Entry", "Glossary", "TermMatch", "Related", "TYPES", "RELATIONS", "ENGLISH_STATUSES"]


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
                    self._arabic = ArabicMatcher(self.entries.values())
        return self._arabic

    @property
    def english_matcher(self):
        if self._english is None:
            with self._lock:
                if self._english is None:
                    self._english = EnglishMatcher(self.entries.values())
        return self._english

    def match_arabic(self, text: str, *, homonyms: bool = False) -> list[TermMatch]:
        """Every glossary term in Arabic ``text`` (clitics allowed), in text order; with
        ``homonyms``, one match per entry sharing a form (same span), not only the first."""
        return self.arabic_matcher.match(text, homonyms=homonyms)

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
