"""Finding the documents of a batch score: a ``DIR/{ar,en}`` directory (with optional
``gold/`` and ``ref/``) or a corpus collection, read and checked into
tasks (:class:`~workbench.scoring.tasks.DocTask`) before any work starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from workbench.align.links import Link, check_coverage, parse_links
from workbench.errors import WorkbenchError
from workbench.scoring.tasks import DocTask
from workbench.text.segment import UNITS, segment
from workbench.textio import read_text

__all__ = ["discover", "segments_of"]

def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


def segments_of(text: str, unit: str, lang: str) -> list[str]:
    return [s.text for s in segment(text, unit, lang)]


def _read_links_checked(path: Path, n_src: int, n_tgt: int, what: str) -> list[Link]:
    links = parse_links(read_text(path, what=what, allow_empty=True), path)
    check_coverage(links, n_src, n_tgt, path=path)
    return links


def _as_gold(links: Iterable[Link]) -> tuple:
    return tuple((lk.src, lk.tgt) for lk in links)


def _as_pred(links: Iterable[Link]) -> tuple:
    return tuple((lk.src, lk.tgt, lk.score) for lk in links)


def discover(source: str | Path, *, pred_dir: str | Path | None = None,
             unit: str | None = None, corpus_roots: Iterable[Path] | None = None
             ) -> tuple[list[DocTask], dict[str, Any]]:
    """Read every document pair of ``source`` into tasks; returns ``(tasks, info)``.

    ``source`` is a ``DIR/{ar,en}`` directory, a collection folder or a collection
    name (looked up in ``corpus_roots``; default: the bundled corpora).  ``pred_dir``
    holds predicted links, one file per document name.  ``info`` describes the input
    (kind, unit, skipped names) for the report.
    """
    p = Path(source)
    if p.is_dir() and (p / "ar").is_dir() and (p / "en").is_dir():
        return _discover_dir(p, pred_dir, unit or "lines")
    from workbench.corpus import find_collections, load_collection
    from workbench.corpus.manifest import MANIFEST_NAME

    if p.is_dir() and (p / MANIFEST_NAME).is_file():
        coll = load_collection(p)
    elif p.is_dir():
        raise WorkbenchError("expected DIR/ar and DIR/en folders (or a collection with a "
                             "manifest.yaml)", path=p)
    else:
        collections = find_collections(corpus_roots)
        if str(source) not in collections:
            raise WorkbenchError(f"{source}: not a directory and not a collection (known "
                                 f"collections: {', '.join(sorted(collections)) or 'none'})")
        coll = collections[str(source)]
    return _discover_collection(coll, pred_dir, unit)


def _discover_dir(root: Path, pred_dir, unit: str) -> tuple[list[DocTask], dict]:
    if unit not in UNITS:
        raise WorkbenchError(f"unknown segment unit {unit!r}; choose one of {', '.join(UNITS)}")
    ar, en = _names(root / "ar"), _names(root / "en")
    names = sorted(ar & en)
    if not names:
        raise WorkbenchError("no document is in both ar/ and en/", path=root)
    tasks = []
    for name in names:
        src_text = read_text(root / "ar" / name, what="Arabic document")
        tgt_text = read_text(root / "en" / name, what="English document")
        n_src = len(segment(src_text, unit, "ar"))
        n_tgt = len(segment(tgt_text, unit, "en"))
        gold = None
        if (root / "gold" / name).is_file():
            gold = _as_gold(_read_links_checked(root / "gold" / name, n_src, n_tgt,
                                                "gold alignment"))
        ref = None
        if (root / "ref" / name).is_file():
            ref_lines = segments_of(read_text(root / "ref" / name, what="reference translation"),
                                  "lines", "en")
            if len(ref_lines) != n_src:
                raise WorkbenchError(f"reference has {len(ref_lines)} lines but the Arabic "
                                     f"document has {n_src} segments", path=root / "ref" / name)
            ref = tuple(ref_lines)
        pred = _read_pred(pred_dir, name, n_src, n_tgt)
        tasks.append(DocTask(name, unit, src_text, tgt_text, gold, pred, ref))
    info = {"input": str(root), "folder": str(root), "kind": "directory", "unit": unit,
            "skipped": sorted(ar ^ en)}
    return tasks, info


def _read_pred(pred_dir, name: str, n_src: int, n_tgt: int):
    if pred_dir is None:
        return None
    path = Path(pred_dir) / name
    if not path.is_file():
        raise WorkbenchError(f"no predicted links for document {name!r}", path=path)
    return _as_pred(_read_links_checked(path, n_src, n_tgt, "predicted links"))


def _discover_collection(coll, pred_dir, unit: str | None) -> tuple[list[DocTask], dict]:
    tasks = []
    skipped = []
    for pair in coll.pairs.values():
        if pair.gold_path is None:
            skipped.append(pair.id)
            continue
        if unit is not None and unit != pair.gold_unit:
            raise WorkbenchError(f"pair {pair.qualified_id} has a gold alignment of "
                                 f"{pair.gold_unit}, not {unit}; leave out --segments")
        n_src = len(pair.source.segments(pair.gold_unit))
        n_tgt = len(pair.target.segments(pair.gold_unit))
        gold = _as_gold(pair.gold_links() or [])
        pred = _read_pred(pred_dir, pair.id, n_src, n_tgt)
        tasks.append(DocTask(pair.id, pair.gold_unit, pair.source.text, pair.target.text,
                             gold, pred, None))
    if not tasks:
        raise WorkbenchError(f"collection {coll.name!r} has no pair with a gold alignment",
                             path=coll.manifest)
    units = sorted({t.unit for t in tasks})
    return tasks, {"input": f"{coll.name} ({coll.manifest})", "folder": str(coll.root),
                   "kind": "collection",
                   "unit": ",".join(units), "skipped": skipped}
