"""Translation memory over the ``tm_unit`` table (project file or stand-alone SQLite).

Matching is on normalised Arabic (:func:`workbench.text.normalize.normalized_arabic`:
diacritics, hamza forms, tatweel... do not count).  Scores are percentages as CAT
tools show them:

* **100** with ``exact=True``: the same normalised source;
* ``context=True`` on top of that (shown as a "context match", 101% in some tools)
  when the previous and/or next source segments given to :meth:`lookup` also match;
* below 100 a fuzzy match: the mean of a word-level and a character-level
  Levenshtein similarity (rapidfuzz), never 100 for different sources.

Results are ordered context matches first, then exact, then by score.  Each
match carries ``diff``: the words of the TM source and of the new segment,
marked ``equal`` / ``removed`` (only in the TM source) / ``added`` (only in the
new segment), so a translator sees at once what to change.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from workbench.errors import WorkbenchError
from workbench.mt.tm_schema import ensure_tm_schema, upsert_tm_unit
from workbench.text.normalize import normalized_arabic

__all__ = ["TranslationMemory", "TMMatch", "match_score", "word_diff"]

_TOKEN = regex.compile(r"(\s*)(\w+|[^\w\s]+)")


def _tokens(text: str) -> list[tuple[str, str, str]]:
    """(leading whitespace, token, normalised key) for each word or punctuation run."""
    out = []
    for m in _TOKEN.finditer(text):
        tok = m.group(2)
        out.append((m.group(1), tok, normalized_arabic(tok) or tok))
    return out


def match_score(query: str, candidate: str) -> int:
    """CAT-style percentage (0-100) of ``candidate`` for ``query``; 100 only if equal when
    normalised."""
    qk, ck = normalized_arabic(query), normalized_arabic(candidate)
    if qk == ck:
        return 100
    qt = [t[2] for t in _tokens(query)]
    ct = [t[2] for t in _tokens(candidate)]
    word = Levenshtein.normalized_similarity(qt, ct) if (qt or ct) else 1.0
    char = fuzz.ratio(qk, ck) / 100.0
    return min(99, int(round(100 * (word + char) / 2)))


def word_diff(tm_source: str, new_source: str) -> list[tuple[str, str]]:
    """Word diff of a TM source against a new segment: (``equal``|``removed``|``added``, text).

    Texts keep their leading whitespace so that joining them rebuilds readable text.
    """
    a = _tokens(tm_source)
    b = _tokens(new_source)
    out: list[tuple[str, str]] = []

    def emit(kind: str, toks, start: int, end: int) -> None:
        for i in range(start, end):
            ws, tok, _ = toks[i]
            if not out:
                ws = ""
            elif i == 0 and not ws:
                ws = " "  # the first word of one side after words of the other
            out.append((kind, ws + tok))

    for op in Levenshtein.opcodes([t[2] for t in a], [t[2] for t in b]):
        if op.tag == "equal":
            emit("equal", a, op.src_start, op.src_end)
            continue
        emit("removed", a, op.src_start, op.src_end)
        emit("added", b, op.dest_start, op.dest_end)
    return out


@dataclass
class TMMatch:
    """A translation-memory match for a new segment."""

    source: str
    target: str
    score: int                      # percent, 0-100
    exact: bool = False             # same normalised source (score 100)
    context: bool = False           # exact, and the neighbouring segments match too
    diff: list[tuple[str, str]] = field(default_factory=list)
    id: int = 0
    origin: str = ""
    note: str = ""
    created_at: str = ""

    def diff_markup(self) -> str:
        """The diff as text: ``[-only in the TM-]`` and ``{+only in the new segment+}``."""
        parts = []
        for kind, text in self.diff:
            if kind == "equal":
                parts.append(text)
            else:
                ws = text[: len(text) - len(text.lstrip())]
                body = text.lstrip()
                parts.append(f"{ws}[-{body}-]" if kind == "removed" else f"{ws}{{+{body}+}}")
        return "".join(parts).strip()

    @property
    def label(self) -> str:
        """How a CAT tool shows it: ``context``, ``100%``, ``87%``."""
        return "context" if self.context else f"{self.score}%"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "score": self.score,
                "exact": self.exact, "context": self.context,
                "diff": [list(d) for d in self.diff], "id": self.id, "origin": self.origin,
                "note": self.note, "created_at": self.created_at}


def _unit_fields(unit: Any) -> dict[str, Any]:
    if hasattr(unit, "as_memory_unit"):
        unit = unit.as_memory_unit()
    if isinstance(unit, Mapping):
        get = unit.get
    elif isinstance(unit, (tuple, list)) and len(unit) >= 2:
        return {"source": unit[0], "target": unit[1]}
    else:
        def get(key, default=None, _u=unit):
            return getattr(_u, key, default)
    return {k: get(k) for k in ("source", "target", "context_prev", "context_next", "origin",
                                "note", "created_at")}


class TranslationMemory:
    """Accepted translations and fuzzy lookup, over ``conn``'s ``tm_unit`` table; thread-safe."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._lock = threading.RLock()
        ensure_tm_schema(conn)
        self._index_version: tuple[int, int] | None = None
        self._keys: dict[int, str] = {}

    # -- adding -------------------------------------------------------------------------

    def _insert(self, source: str, target: str, context_prev: str | None,
                context_next: str | None, origin: str, note: str, created_at: str | None) -> bool:
        for name, value in (("source", source), ("target", target)):
            if not isinstance(value, str) or not value.strip():
                raise WorkbenchError(f"translation memory unit has an empty {name}")
        return upsert_tm_unit(self.conn, source, target, context_prev=context_prev,
                              context_next=context_next, origin=origin, note=note,
                              created_at=created_at)

    def add(self, source: str, target: str, *, context_prev: str | None = None,
            context_next: str | None = None, origin: str = "", note: str = "") -> None:
        """Remember an accepted translation (a repeated pair is stored once)."""
        with self._lock, self.conn:
            self._insert(source, target, context_prev, context_next, origin, note, None)

    def add_many(self, units: Iterable[Any], *, origin: str = "") -> int:
        """Add many units in one transaction (TMX import); returns how many were new.

        A unit is a :class:`workbench.formats.tmx.TMUnit`, a mapping with ``source``,
        ``target`` (and optionally ``context_prev``, ``context_next``, ``origin``,
        ``note``, ``created_at``) or a ``(source, target)`` pair.
        """
        rows = [_unit_fields(u) for u in units]
        with self._lock, self.conn:
            before = self._count()
            for r in rows:
                self._insert(r["source"], r["target"], r.get("context_prev"),
                             r.get("context_next"), r.get("origin") or origin,
                             r.get("note") or "", r.get("created_at"))
            return self._count() - before

    def _count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM tm_unit").fetchone()[0])

    def __len__(self) -> int:
        with self._lock:
            return self._count()

    # -- lookup -------------------------------------------------------------------------

    def _refresh(self) -> None:
        version = tuple(self.conn.execute(
            "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM tm_unit").fetchone())
        if version != self._index_version:
            self._keys = dict(self.conn.execute("SELECT id, source_key FROM tm_unit"))
            self._index_version = version  # type: ignore[assignment]

    def lookup(self, source: str, *, limit: int = 5, threshold: int = 70,
               context_prev: str | None = None, context_next: str | None = None,
               ) -> list[TMMatch]:
        """The best matches for ``source`` at or above ``threshold`` percent (see module doc)."""
        if not source.strip() or limit < 1:
            return []
        key = normalized_arabic(source)
        with self._lock:
            self._refresh()
            exact_ids = [r[0] for r in self.conn.execute(
                "SELECT id FROM tm_unit WHERE source_key = ?", (key,))]
            cutoff = max(0, threshold - 20)
            near = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=cutoff,
                                   limit=max(50, limit * 10))
            ids = list(dict.fromkeys(exact_ids + [i for _k, _s, i in near]))
            if not ids:
                return []
            rows = []
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                rows += self.conn.execute(
                    "SELECT id, source, target, context_prev, context_next, origin, note, "
                    f"created_at FROM tm_unit WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk).fetchall()
        out: list[TMMatch] = []
        for uid, src, tgt, cprev, cnext, origin, note, created in rows:
            score = match_score(source, src)
            if score < threshold:
                continue
            exact = score == 100
            context = False
            if exact and (context_prev is not None or context_next is not None):
                context = all(
                    given is None or (stored is not None and normalized_arabic(given) == normalized_arabic(stored))
                    for given, stored in ((context_prev, cprev), (context_next, cnext)))
            out.append(TMMatch(src, tgt, score, exact, context, word_diff(src, source), uid,
                               origin or "", note or "", created or ""))
        out.sort(key=lambda m: (not m.context, not m.exact, -m.score, -m.id))
        return out[:limit]
