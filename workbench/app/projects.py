"""Making a project for a pair: the application's side of project creation.

:func:`create_project` looks a ``COLLECTION:PAIR`` id up in the corpus registry,
aligns the two documents unless links are given (with ``aligner``, any object
with ``align_texts``, else :func:`workbench.align.api.align_texts`) and hands the
segments and links to the store, which only stores them
(:meth:`workbench.store.project.Project.create_aligned`).  The project it makes is
the one :meth:`Project.create <workbench.store.project.Project.create>` makes
(that method keeps working for its callers).
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

__all__ = ["create_project", "open_default_project", "open_or_create_project"]


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


def open_default_project(pair: str, *, unit: str = "paragraphs", aligner: Any = None,
                         progress: Callable[[ProgressEvent], None] | None = None,
                         cancel: CancelToken | None = None) -> Project:
    """The user's default project for a ``COLLECTION:PAIR`` (see
    :func:`workbench.store.project.default_project_path`), aligned and created on first use."""
    return open_or_create_project(default_project_path(pair), pair=pair, unit=unit,
                                  aligner=aligner, progress=progress, cancel=cancel)
