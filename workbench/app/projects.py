"""Making a project for a pair: the application's side of project creation.

:func:`create_project` looks a ``COLLECTION:PAIR`` id up in the corpus registry,
aligns the two documents unless links are given (with ``aligner``, any object
with ``align_texts``, else :func:`workbench.align.api.align_texts`) and hands the
segments and links to the store, which only stores them
(:meth:`workbench.store.project.Project.create_aligned`).  :func:`new_project` is
``workbench project new``'s checks and call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from workbench.align.links import Link
from workbench.corpus import Pair, resolve_pair
from workbench.progress import CancelToken, ProgressEvent
from workbench.store.lifecycle import (
    check_new_project,
    default_project_path,
    new_documents,
    segments_and_links,
)
from workbench.store.project import Project

__all__ = ["create_project", "new_project", "open_default_project", "open_or_create_project"]


def create_project(path: str | Path, *, pair: Pair | str | None = None,
                   source_text: str | None = None, target_text: str | None = None,
                   unit: str = "paragraphs", links: Sequence[Link] | None = None,
                   glossary: Any = None, aligner: Any = None, source_name: str = "source",
                   target_name: str = "target", source_language: str = "ar",
                   target_language: str = "en", links_origin: str = "aligner",
                   overwrite: bool = False, corpus_roots: Iterable[Path] | None = None,
                   progress: Callable[[ProgressEvent], None] | None = None,
                   cancel: CancelToken | None = None) -> Project:
    """Segment, align (unless ``links`` are given) and store a pair; return the open project.

    ``pair`` is a :class:`workbench.corpus.Pair` or a ``COLLECTION:PAIR`` id; otherwise
    give ``source_text`` and ``target_text`` (with their names and languages).  An id is
    looked up in ``corpus_roots`` (default: the configured corpus folders).  The path,
    unit and origin are checked before anything is aligned.  ``glossary`` guides
    the aligner; ``links_origin`` says who made given links (``person`` for a gold
    alignment).
    """
    p = check_new_project(path, unit=unit, links_origin=links_origin, overwrite=overwrite)
    if isinstance(pair, str) and source_text is None and target_text is None:
        pair = resolve_pair(pair, corpus_roots)
    documents = new_documents(pair, source_text, target_text, source_name=source_name,
                              target_name=target_name, source_language=source_language,
                              target_language=target_language)
    align = None
    if links is None:
        if aligner is not None:
            align = aligner.align_texts
        else:
            from workbench.align.api import align_texts as align
    src_segs, tgt_segs, links = segments_and_links(documents, unit, links, align=align,
                                                   glossary=glossary, progress=progress,
                                                   cancel=cancel)
    return Project.create_aligned(p, documents, src_segs, tgt_segs, links, unit=unit,
                                  links_origin=links_origin, overwrite=overwrite,
                                  progress=progress, cancel=cancel)


def open_or_create_project(path: str | Path, **create_args: Any) -> Project:
    """Open ``path`` if it exists, else :func:`create_project` it with ``create_args``."""
    p = Path(path)
    if p.exists():
        return Project.open(p)
    return create_project(p, **create_args)


def open_default_project(pair: str, *, data_dir: str | Path, unit: str = "paragraphs",
                         aligner: Any = None, corpus_roots: Iterable[Path] | None = None,
                         progress: Callable[[ProgressEvent], None] | None = None,
                         cancel: CancelToken | None = None) -> Project:
    """The user's default project for a ``COLLECTION:PAIR`` under the user data folder
    ``data_dir`` (see :func:`workbench.store.project.default_project_path`), aligned and
    created on first use."""
    return open_or_create_project(default_project_path(pair, data_dir), pair=pair, unit=unit,
                                  aligner=aligner, corpus_roots=corpus_roots,
                                  progress=progress, cancel=cancel)


def new_project(path: str | Path, *, pair: str | None = None, source: str | Path | None = None,
                target: str | Path | None = None, unit: str = "paragraphs",
                links_file: str | Path | None = None, gold: bool = False,
                glossary_paths: Sequence[Path] = (), overwrite: bool = False,
                corpus_roots: Iterable[Path] | None = None,
                progress: Callable[[ProgressEvent], None] | None = None) -> Project:
    """``workbench project new``: a project for a corpus ``pair`` (its gold links with
    ``gold``) or for the ``source`` and ``target`` files, with the links of ``links_file``
    or aligned (guided by the glossaries of ``glossary_paths``).  Bad combinations are
    refused with one line before anything is read."""
    from workbench.align.links import read_links
    from workbench.errors import WorkbenchError
    from workbench.textio import read_text

    if pair and (source or target):
        raise WorkbenchError("give --pair or --source/--target, not both")
    if not pair and not (source and target):
        raise WorkbenchError("give --pair COLLECTION:PAIR, or both --source and --target")
    links = read_links(links_file) if links_file else None
    kwargs: dict[str, Any] = {}
    if pair:
        found = resolve_pair(pair, corpus_roots)
        kwargs["pair"] = found
        if gold:
            if found.gold_path is None:
                raise WorkbenchError(f"pair {found.qualified_id} has no gold alignment")
            if found.gold_unit != unit:
                raise WorkbenchError(f"the gold alignment of {found.qualified_id} is by "
                                     f"{found.gold_unit}; add --segments {found.gold_unit}")
            links = found.gold_links()
            kwargs["links_origin"] = "person"
    else:
        if gold:
            raise WorkbenchError("--gold needs --pair")
        kwargs.update(source_text=read_text(source, what="source file"),
                      target_text=read_text(target, what="target file"),
                      source_name=str(source), target_name=str(target))
    if glossary_paths:
        if links is not None:
            raise WorkbenchError("--glossary guides the aligner; it cannot be used with "
                                 "--links or --gold")
        from workbench.glossary import load_glossary

        kwargs["glossary"] = load_glossary([Path(g) for g in glossary_paths])
    return create_project(path, unit=unit, links=links, overwrite=overwrite, progress=progress,
                          **kwargs)
