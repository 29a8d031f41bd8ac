"""Corpus collections described by a YAML manifest.

A collection is a folder with ``manifest.yaml``::

    collection: seeds
    documents:
      - {id: "004", file: 004_....txt, language: ar, outlet: ..., title: ...}
    pairs:
      - {id: 004-000, source: "004", target: "000", relation: rewrite,
         gold: gold/004-000.paragraphs.gold, gold_unit: paragraphs}

:func:`load_collection` validates everything (files exist and are text,
languages known, ids unique, pair ends exist, gold links in range) and raises
:class:`~workbench.errors.CorpusError` naming the manifest, line and problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from workbench.align.links import Link, check_coverage, parse_links
from workbench.errors import CorpusError, WorkbenchError
from workbench.text.segment import LANGUAGES, UNITS, Segment, segment
from workbench.textio import read_text
from workbench.yamlio import load_yaml, position

__all__ = ["Document", "Pair", "Collection", "load_collection", "RELATIONS", "MANIFEST_NAME"]

MANIFEST_NAME = "manifest.yaml"
RELATIONS = ("rewrite", "loose-rewrite", "related", "translation")


@dataclass(eq=False)
class Document:
    id: str
    language: str
    path: Path
    outlet: str = ""
    title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def text(self) -> str:
        return read_text(self.path, what=f"document {self.id}")

    def segments(self, unit: str = "paragraphs") -> list[Segment]:
        return segment(self.text, unit, self.language)


@dataclass(eq=False)
class Pair:
    id: str
    collection: str
    source: Document
    target: Document
    relation: str
    gold_path: Path | None = None
    gold_unit: str = "paragraphs"
    note: str = ""

    @property
    def qualified_id(self) -> str:
        return f"{self.collection}:{self.id}"

    def gold_links(self) -> list[Link] | None:
        if self.gold_path is None:
            return None
        return parse_links(read_text(self.gold_path, what="gold alignment"), self.gold_path)


@dataclass(eq=False)
class Collection:
    name: str
    root: Path
    manifest: Path
    title: str = ""
    documents: dict[str, Document] = field(default_factory=dict)
    pairs: dict[str, Pair] = field(default_factory=dict)


def _err(manifest: Path, container: Any, key: Any, message: str) -> CorpusError:
    line, col = position(container, key)
    return CorpusError(message, path=manifest, line=line, column=col)


def _str_field(manifest: Path, entry: Any, key: str, what: str, required: bool = True) -> str:
    value = entry.get(key)
    if value is None:
        if required:
            raise CorpusError(f"{what} has no '{key}'", path=manifest,
                              line=getattr(entry, "line", None), column=getattr(entry, "col", None))
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or (required and not value.strip()):
        raise _err(manifest, entry, key, f"{what}: '{key}' must be a non-empty string")
    return value


_TOP_KEYS = ("collection", "title", "description", "documents", "pairs", "allow_outside")
_DOC_KEYS = ("id", "language", "file", "outlet", "title", "date", "url", "author", "note")
_PAIR_KEYS = ("id", "source", "target", "relation", "gold", "gold_unit", "note")


def _known_keys(manifest: Path, entry: Any, known: tuple[str, ...], what: str) -> None:
    for key in entry:
        if key not in known:
            raise _err(manifest, entry, key, f"{what}: unknown key {key!r} (known: "
                       f"{', '.join(known)})")


def _opt_str(manifest: Path, entry: Any, key: str, what: str) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _err(manifest, entry, key, f"{what}: '{key}' must be a string")
    return value


def _inside_root(manifest: Path, entry: Any, key: str, what: str, root: Path,
                 allow_outside: bool) -> Path:
    rel = str(entry[key])
    path = (root / rel).resolve()
    if not allow_outside and root.resolve() not in path.parents:
        raise _err(manifest, entry, key, f"{what}: {key} {rel!r} is outside the collection "
                   "folder (add 'allow_outside: true' to the manifest to allow it)")
    return path


def load_collection(path: str | Path) -> Collection:
    """Load and validate the collection whose folder (or manifest file) is ``path``."""
    p = Path(path)
    manifest = p / MANIFEST_NAME if p.is_dir() else p
    if not manifest.exists():
        raise CorpusError(f"no {MANIFEST_NAME} here", path=p)
    data = load_yaml(manifest, what="corpus manifest", error=CorpusError)
    root = manifest.parent
    if not isinstance(data, dict):
        raise CorpusError("a manifest must be a mapping with 'collection', 'documents', 'pairs'",
                          path=manifest)
    _known_keys(manifest, data, _TOP_KEYS, "manifest")
    allow_outside = data.get("allow_outside", False)
    if not isinstance(allow_outside, bool):
        raise _err(manifest, data, "allow_outside", "manifest: 'allow_outside' must be true "
                   "or false")
    name = _str_field(manifest, data, "collection", "manifest")
    if ":" in name:
        raise _err(manifest, data, "collection", "a collection name may not contain ':'")
    coll = Collection(name=name, root=root, manifest=manifest, title=_opt_str(manifest, data, "title", "manifest"))

    docs = data.get("documents") or []
    if not isinstance(docs, list):
        raise _err(manifest, data, "documents", "'documents' must be a list")
    for i, entry in enumerate(docs):
        if not isinstance(entry, dict):
            raise _err(manifest, docs, i, f"document #{i + 1} must be a mapping")
        doc_id = _str_field(manifest, entry, "id", f"document #{i + 1}")
        what = f"document {doc_id}"
        _known_keys(manifest, entry, _DOC_KEYS, what)
        if doc_id in coll.documents:
            raise _err(manifest, entry, "id", f"duplicate document id {doc_id!r}")
        lang = _str_field(manifest, entry, "language", what)
        if lang not in LANGUAGES:
            raise _err(manifest, entry, "language",
                       f"{what}: unknown language code {lang!r} (expected one of "
                       f"{', '.join(LANGUAGES)})")
        rel = _str_field(manifest, entry, "file", what)
        fpath = _inside_root(manifest, entry, "file", what, root, allow_outside)
        if not fpath.is_file():
            raise _err(manifest, entry, "file", f"{what}: file {rel!r} not found")
        try:
            text = read_text(fpath, what=f"{what} file")
        except WorkbenchError as exc:
            raise _err(manifest, entry, "file", f"{what}: {exc.message} ({rel})") from None
        known = {"id", "language", "file", "outlet", "title"}
        coll.documents[doc_id] = Document(
            id=doc_id, language=lang, path=fpath,
            outlet=_opt_str(manifest, entry, "outlet", what),
            title=_opt_str(manifest, entry, "title", what),
            extra={k: v for k, v in entry.items() if k not in known})
        coll.documents[doc_id].__dict__["text"] = text  # validated once; Document.text reuses it

    pairs = data.get("pairs") or []
    if not isinstance(pairs, list):
        raise _err(manifest, data, "pairs", "'pairs' must be a list")
    for i, entry in enumerate(pairs):
        if not isinstance(entry, dict):
            raise _err(manifest, pairs, i, f"pair #{i + 1} must be a mapping")
        src_id = _str_field(manifest, entry, "source", f"pair #{i + 1}")
        tgt_id = _str_field(manifest, entry, "target", f"pair #{i + 1}")
        pair_id = str(entry.get("id") or f"{src_id}-{tgt_id}")
        what = f"pair {pair_id}"
        _known_keys(manifest, entry, _PAIR_KEYS, what)
        if pair_id in coll.pairs:
            raise _err(manifest, entry, "id", f"duplicate pair id {pair_id!r}")
        for key, ref in (("source", src_id), ("target", tgt_id)):
            if ref not in coll.documents:
                raise _err(manifest, entry, key, f"{what}: {key} document {ref!r} is not declared")
        relation = str(entry.get("relation", "rewrite"))
        if relation not in RELATIONS:
            raise _err(manifest, entry, "relation",
                       f"{what}: unknown relation {relation!r} (expected one of "
                       f"{', '.join(RELATIONS)})")
        gold_unit = str(entry.get("gold_unit", "paragraphs"))
        if gold_unit not in UNITS:
            raise _err(manifest, entry, "gold_unit", f"{what}: unknown gold_unit {gold_unit!r}")
        pair = Pair(id=pair_id, collection=name, source=coll.documents[src_id],
                    target=coll.documents[tgt_id], relation=relation, gold_unit=gold_unit,
                    note=_opt_str(manifest, entry, "note", what))
        if entry.get("gold"):
            gpath = _inside_root(manifest, entry, "gold", what, root, allow_outside)
            if not gpath.is_file():
                raise _err(manifest, entry, "gold", f"{what}: gold file {entry['gold']!r} not found")
            pair.gold_path = gpath
            try:
                links = pair.gold_links() or []
                check_coverage(links, len(pair.source.segments(gold_unit)),
                               len(pair.target.segments(gold_unit)), path=gpath)
            except WorkbenchError as exc:
                raise _err(manifest, entry, "gold",
                           f"{what}: invalid gold alignment: {exc}") from None
        coll.pairs[pair_id] = pair
    return coll
