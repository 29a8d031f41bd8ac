"""What a command line names and how it is opened: a project file, a corpus pair's
default project in the user data folder, or a default project for two text files.

:func:`locate` makes a :class:`Target` (nothing is read or written but the two texts);
:func:`open_target` opens its project, creating and aligning it first through
:func:`workbench.app.projects.create_project` when it does not exist yet.  The user
data folder is an argument (the configuration's ``data_dir``, read at the edge).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.store.project import Project, default_project_path

__all__ = ["DEFAULT_PAIR", "Target", "locate", "open_target"]

DEFAULT_PAIR = "seeds:004-000"


@dataclass(frozen=True)
class Target:
    """A project to open: its path and, when it does not exist yet, how to make it."""

    path: Path
    label: str
    pair: Any = None                 # a workbench.corpus.Pair
    source_text: str | None = None
    target_text: str | None = None
    source_name: str = "source"
    target_name: str = "target"
    unit: str = "paragraphs"

    @property
    def exists(self) -> bool:
        return self.path.exists()


def _data_dir(data_dir: str | Path | None) -> Path:
    if data_dir is None:  # a caller's mistake: the edge reads the configuration, not this
        raise ValueError("locate: a pair or two texts need data_dir (the configuration's "
                         "data_dir, read at the edge)")
    return Path(data_dir)


def locate(spec: str | None = None, *, source: str | Path | None = None,
           target: str | Path | None = None, unit: str = "paragraphs",
           corpora: Iterable[Path] | None = None,
           data_dir: str | Path | None = None) -> Target:
    """The project for ``PROJECT`` (a ``.wbproj`` file), ``COLLECTION:PAIR`` (its default
    project under ``data_dir``), or ``source``/``target`` text files (a default project
    under ``data_dir`` keyed by their content); nothing at all is the bundled pair.
    ``data_dir`` (the user data folder) is needed for all but a project file."""
    from workbench.text.segment import check_unit

    check_unit(unit)
    if source is not None or target is not None:
        if spec is not None:
            raise WorkbenchError("give a project or pair, or --source and --target, not both")
        if source is None or target is None:
            raise WorkbenchError("--source and --target go together")
        from workbench.textio import read_text

        src = read_text(source, what="source file")
        tgt = read_text(target, what="target file")
        digest = hashlib.sha256(f"{unit}\0{src}\0{tgt}".encode()).hexdigest()[:16]
        path = (_data_dir(data_dir) / "projects"
                / f"texts-{Path(source).stem[:40]}-{digest}.wbproj")
        return Target(path, f"{Path(source).name} -> {Path(target).name}", source_text=src,
                      target_text=tgt, source_name=str(source), target_name=str(target),
                      unit=unit)
    spec = spec or DEFAULT_PAIR
    as_path = Path(spec).expanduser()
    if as_path.suffix == ".wbproj" or as_path.is_file():
        return Target(as_path, as_path.stem, unit=unit)
    from workbench.corpus import resolve_pair

    pair = resolve_pair(spec, list(corpora) if corpora is not None else None)
    key = pair.qualified_id if unit == "paragraphs" else f"{pair.qualified_id}:{unit}"
    return Target(default_project_path(key, _data_dir(data_dir)), pair.qualified_id, pair=pair,
                  unit=unit)


def open_target(target: Target, *, glossary: Any = None, links: Any = None,
                aligner: Any = None, progress: Callable[[Any], None] | None = None,
                cancel: Any = None) -> Project:
    """``target``'s project, created (the pair aligned unless ``links`` are given) when it
    does not exist yet."""
    from workbench.app.projects import create_project

    if target.exists:
        return Project.open(target.path)
    if target.pair is not None:
        return create_project(target.path, pair=target.pair, unit=target.unit, links=links,
                              glossary=glossary, aligner=aligner, progress=progress,
                              cancel=cancel)
    if target.source_text is not None:
        return create_project(target.path, source_text=target.source_text,
                              target_text=target.target_text, unit=target.unit, links=links,
                              glossary=glossary, aligner=aligner,
                              source_name=target.source_name, target_name=target.target_name,
                              progress=progress, cancel=cancel)
    raise WorkbenchError("project not found", path=target.path)
