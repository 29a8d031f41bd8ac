"""Concordance: a word or phrase across the project, its translation memory and the corpora.

A query in Arabic is normalised as the glossary matcher normalises Arabic
(:func:`workbench.glossary.tokens.arabic_key`: no harakat or tatweel, hamza-carrying
alefs to bare alef, ta marbuta to ha, quotes and brackets as spaces) and searched in
the Arabic side of every bilingual unit; any other query is normalised as English
names are (:func:`~workbench.glossary.tokens.english_key`: case, diacritics,
apostrophes, ``el-``/``al-``, hyphens) and searched in the English side.  A hit is a
:class:`Hit`: the unit's two texts with the spans of every occurrence in the original
(unnormalised) text, for highlighting.

Units:

* ``project``: every link of the project (its Arabic with the translator's English,
  which starts as the aligned rewrite);
* ``memory``: every translation-memory unit of the project;
* ``corpus``: the gold-aligned pairs of the corpora collections, link by link, and the
  paragraphs of documents in no such pair (one side only).

The corpora are indexed once a process (:func:`corpus_index`); the project's units are
re-indexed when its revision changes.  An index is one normalised string per side with
every unit's text in it, so a query is a few ``str.find`` calls over it; offsets map
back through each unit's token offsets.
"""

from __future__ import annotations

import threading
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from workbench.glossary.tokens import arabic_key, arabic_tokens, english_key, english_tokens
from workbench.text.normalize import is_arabic_char

__all__ = ["Unit", "Hit", "Index", "Concordance", "corpus_units", "corpus_index", "is_arabic_query"]

ORIGINS = ("project", "memory", "corpus")


@dataclass(frozen=True)
class Unit:
    origin: str          # project | memory | corpus
    ref: str             # "link 12", "TM 5", "seeds:004-000 [3]:[4,5]"
    source: str          # Arabic (may be empty)
    target: str          # English (may be empty)
    link_id: int | None = None


@dataclass(frozen=True)
class Hit:
    unit: Unit
    side: str                              # source | target: where the query was found
    spans: tuple[tuple[int, int], ...]     # in unit.source or unit.target (the side's text)

    @property
    def origin(self) -> str:
        return self.unit.origin

    @property
    def source(self) -> str:
        return self.unit.source

    @property
    def target(self) -> str:
        return self.unit.target


def is_arabic_query(query: str) -> bool:
    return any(is_arabic_char(ch) for ch in query)


class Index:
    """Normalised text of one side of many units, searchable in one pass."""

    def __init__(self, units: Sequence[Unit], side: str, cache: dict | None = None) -> None:
        """``cache``: normalised texts of an earlier index (text -> token text), reused so
        that re-indexing a project after an edit normalises only the changed units; it is
        updated to hold this index's texts."""
        self.units = list(units)
        self.side = side
        tokens = arabic_tokens if side == "source" else english_tokens
        parts: list[str] = []
        self._starts: list[int] = []
        self._texts = []
        old = cache if cache is not None else {}
        kept: dict = {}
        pos = 0
        for u in self.units:
            raw = u.source if side == "source" else u.target
            tt = kept.get(raw) or old.get(raw)
            if tt is None:
                tt = tokens(raw)
            kept[raw] = tt
            self._texts.append(tt)
            self._starts.append(pos)
            parts.append(tt.text)
            pos += len(tt.text) + 1
        self.text = "\n".join(parts)  # no normalised text holds a line break
        if cache is not None:
            cache.clear()
            cache.update(kept)

    def find(self, key: str, *, whole_words: bool = False, limit: int | None = None
             ) -> list[tuple[int, list[tuple[int, int]]]]:
        """(unit position, original spans) of every unit holding ``key``, in unit order."""
        if not key:
            return []
        out: dict[int, list[tuple[int, int]]] = {}
        text, n = self.text, len(key)
        at = text.find(key)
        while at >= 0:
            k = bisect_right(self._starts, at) - 1
            local = at - self._starts[k]
            tt = self._texts[k]
            ok = True
            if whole_words:
                before = tt.text[local - 1] if local > 0 else " "
                after = tt.text[local + n] if local + n < len(tt.text) else " "
                ok = not before.isalnum() and not after.isalnum()
            if ok:
                if k not in out and limit is not None and len(out) >= limit:
                    break
                a, b = tt.to_original(local, local + n)
                if key[-1].isalnum():  # not the apostrophe or quote the normaliser dropped
                    while b - 1 > a and unicodedata.category(tt.original[b - 1])[0] in "PS":
                        b -= 1
                out.setdefault(k, []).append((a, b))
            at = text.find(key, at + 1)
        return sorted(out.items())


def corpus_units(collections: Iterable = ()) -> list[Unit]:
    """Bilingual units of the gold-aligned pairs, and the paragraphs of unpaired documents."""
    units: list[Unit] = []
    for coll in collections:
        paired: set[str] = set()
        for pair in coll.pairs.values():
            gold = pair.gold_links()
            if not gold:
                continue
            paired.update((pair.source.id, pair.target.id))
            ssegs = pair.source.segments(pair.gold_unit)
            tsegs = pair.target.segments(pair.gold_unit)
            for lk in gold:
                ref = f"{pair.qualified_id} {lk.format(False)}"
                units.append(Unit("corpus", ref, " ".join(ssegs[i].text for i in lk.src),
                                  " ".join(tsegs[j].text for j in lk.tgt)))
        for doc in coll.documents.values():
            if doc.id in paired:
                continue
            for seg in doc.segments("paragraphs"):
                ref = f"{coll.name}:{doc.id} ¶{seg.index}"
                if doc.language == "ar":
                    units.append(Unit("corpus", ref, seg.text, ""))
                else:
                    units.append(Unit("corpus", ref, "", seg.text))
    return units


_corpus_lock = threading.Lock()
_corpus_cache: dict[tuple, tuple[Index, Index]] = {}


def corpus_index(collections: Sequence | None = None, *,
                 roots: Iterable[Path] | None = None) -> tuple[Index, Index]:
    """The (Arabic, English) indexes of the corpora, built once a process for the same
    collections.  No ``collections``: every collection under ``roots`` (the configured
    corpus folders, which the caller reads at the edge; None: the bundled corpora)."""
    if collections is None:
        from workbench.corpus import find_collections

        collections = list(find_collections(roots).values())
    key = tuple(sorted(str(c.manifest) for c in collections))
    with _corpus_lock:
        got = _corpus_cache.get(key)
        if got is None:
            units = corpus_units(collections)
            got = _corpus_cache[key] = (Index(units, "source"), Index(units, "target"))
        return got


class Concordance:
    """Search the project (links and memory) and the corpora; see the module docstring."""

    def __init__(self, project=None, *, collections: Sequence | None = None,
                 roots: Iterable[Path] | None = None, corpora: bool = True) -> None:
        self.project = project
        self._corpora = corpus_index(collections, roots=roots) if corpora else None
        self._revision: int | None = None
        self._memory_count = -1
        self._project_index: tuple[Index, Index] | None = None
        self._caches: tuple[dict, dict] = ({}, {})

    def _project(self) -> tuple[Index, Index] | None:
        if self.project is None:
            return None
        revision, count = self.project.revision, self.project.memory_count()
        if self._project_index is None or (revision, count) != (self._revision,
                                                                 self._memory_count):
            units = [Unit("project", f"link {lk.id}", lk.source_text, lk.target_text, lk.id)
                     for lk in self.project.links()]
            units += [Unit("memory", f"TM {u['id']}", u["source"], u["target"])
                      for u in self.project.memory_units()]
            self._project_index = (Index(units, "source", self._caches[0]),
                                   Index(units, "target", self._caches[1]))
            self._revision, self._memory_count = revision, count
        return self._project_index

    def search(self, query: str, *, origins: Sequence[str] = ORIGINS, whole_words: bool = False,
               limit: int = 200) -> list[Hit]:
        """Units holding ``query`` (project links first, then memory, then corpora)."""
        query = query.strip()
        if not query:
            return []
        arabic = is_arabic_query(query)
        key = arabic_key(query) if arabic else english_key(query)
        side = "source" if arabic else "target"
        k = 0 if arabic else 1
        hits: list[Hit] = []
        for indexes in (self._project(), self._corpora):
            if indexes is None:
                continue
            index = indexes[k]
            for pos, spans in index.find(key, whole_words=whole_words,
                                         limit=limit - len(hits)):
                unit = index.units[pos]
                if unit.origin in origins:
                    hits.append(Hit(unit, side, tuple(spans)))
            if len(hits) >= limit:
                break
        order = {o: n for n, o in enumerate(ORIGINS)}
        hits.sort(key=lambda h: order[h.origin])  # stable: unit order inside an origin
        return hits[:limit]
