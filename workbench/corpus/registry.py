"""Finding collections under corpus folders and resolving ``COLLECTION:PAIR``.

The folders are an argument (the configuration's ``corpus_paths()``, read at the edge);
without one, the corpora bundled with the workbench."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from workbench.corpus.manifest import MANIFEST_NAME, Collection, Pair, load_collection
from workbench.errors import CorpusError

__all__ = ["bundled_corpora", "find_collections", "resolve_pair", "DEFAULT_PAIR"]

#: The bundled main example, the Sputnik/Al-Watan pair.
DEFAULT_PAIR = "seeds:004-000"


def bundled_corpora() -> list[Path]:
    """The corpora folder of the checkout the package runs from, if there is one."""
    from workbench.config import project_root

    bundled = project_root() / "corpora"
    return [bundled] if bundled.is_dir() else []


def _manifests(roots: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        root = Path(root)
        if (root / MANIFEST_NAME).is_file():
            found.append(root / MANIFEST_NAME)
        elif root.is_dir():
            found.extend(sorted(root.glob(f"*/{MANIFEST_NAME}")))
    return found


def find_collections(roots: Iterable[Path] | None = None) -> dict[str, Collection]:
    """Every collection under ``roots`` (default: the bundled corpora), by name."""
    if roots is None:
        roots = bundled_corpora()
    collections: dict[str, Collection] = {}
    for manifest in _manifests(roots):
        coll = load_collection(manifest)
        if coll.name in collections:
            raise CorpusError(f"collection {coll.name!r} is declared twice (also in "
                              f"{collections[coll.name].manifest})", path=manifest)
        collections[coll.name] = coll
    return collections


def resolve_pair(spec: str, roots: Iterable[Path] | None = None) -> Pair:
    """Resolve ``COLLECTION:PAIR`` (or a bare PAIR id if it is unambiguous)."""
    collections = find_collections(roots)
    if ":" in spec:
        cname, pid = spec.split(":", 1)
        coll = collections.get(cname)
        if coll is None:
            raise CorpusError(f"unknown collection {cname!r} (known: "
                              f"{', '.join(sorted(collections)) or 'none'})")
        if pid not in coll.pairs:
            raise CorpusError(f"collection {cname!r} has no pair {pid!r} (pairs: "
                              f"{', '.join(coll.pairs) or 'none'})")
        return coll.pairs[pid]
    hits = [c.pairs[spec] for c in collections.values() if spec in c.pairs]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise CorpusError(f"no pair {spec!r} in any collection; use COLLECTION:PAIR, "
                          "see `workbench corpus list`")
    raise CorpusError(f"pair {spec!r} exists in several collections; use COLLECTION:PAIR")
