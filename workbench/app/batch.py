"""Many documents at once: ``batch align`` and ``batch score`` as the user runs them.

:func:`align_batch` aligns every pair of a directory (:func:`workbench.align.batch.
align_directory`) and :func:`score_batch` scores them (:func:`workbench.scoring.batch.
score_directory`), writes the reports asked for and returns the summary.  Both run on
the shared batch runner (:mod:`workbench.runner`: local pool or Dask, cancel, resume,
progress).  Everything is an explicit argument: the glossary files and corpus folders
come from the caller (the configuration, read at the edge).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from workbench.align.batch import BatchPlan, BatchWarning, align_directory, plan_directory
from workbench.align.links import Link
from workbench.errors import WorkbenchError
from workbench.progress import CancelToken, ProgressEvent
from workbench.scoring.batch import BatchResult, ScoreSettings, score_directory, settings_glossary

__all__ = ["AlignRun", "ScoreRun", "align_batch", "default_score_out", "plan_batch",
           "score_batch"]


@dataclass
class AlignRun:
    """What :func:`align_batch` did: the links of every document, how many were resumed."""

    links: dict[str, list[Link]]
    resumed: int
    seconds: float

    @property
    def n_links(self) -> int:
        return sum(len(v) for v in self.links.values())


@dataclass
class ScoreRun:
    """What :func:`score_batch` did: the per-document results, the report dictionary and
    the reports written."""

    result: BatchResult
    summary: dict[str, Any]
    reports: list[Path] = field(default_factory=list)


def plan_batch(directory: str | Path, out_dir: str | Path) -> BatchPlan:
    """The documents of ``directory`` and the names skipped (layout errors first)."""
    return plan_directory(directory, out_dir)


def align_batch(directory: str | Path, out_dir: str | Path, *, unit: str = "lines",
                workers: int | None = None, glossary_paths: Sequence[Path] | None = None,
                source_lang: str = "ar", target_lang: str = "en", profile: str = "auto",
                max_link: int | None = None,
                progress: Callable[[ProgressEvent], None] | None = None,
                cancel: CancelToken | None = None) -> AlignRun:
    """Align every document pair of ``directory`` into ``out_dir`` (resuming a run cut
    short); the skipped names' warnings are :func:`plan_batch`'s."""
    if workers is not None and workers < 1:
        raise WorkbenchError(f"--workers must be at least 1 (got {workers})")
    started = time.perf_counter()
    first: list[int] = []

    def report(event: ProgressEvent) -> None:
        if not first:
            first.append(event.done)  # the documents resumed from OUT
        if progress is not None:
            progress(event)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BatchWarning)  # plan_batch tells them
        links = align_directory(directory, out_dir, unit=unit, workers=workers,
                                glossary_paths=glossary_paths, progress=report, cancel=cancel,
                                source_lang=source_lang, target_lang=target_lang,
                                profile=profile, max_link=max_link)
    return AlignRun(links, first[0] if first else 0, time.perf_counter() - started)


def default_score_out(source: str | Path, out: Path | None, pred: Path | None) -> Path:
    """Where ``batch score`` writes: OUT, else PRED, else ``./batch-DIRNAME``."""
    if out is not None:
        return out
    if pred is not None:
        return pred
    name = Path(str(source).rstrip("/")).name or "input"
    return Path(f"batch-{name}")


def score_batch(source: str | Path, out_dir: str | Path, *, glossary_paths: Iterable[Path],
                pred_dir: Path | None = None, unit: str | None = None,
                mt_model: str | None = None, models_dir: Path | None = None,
                terms: bool = True,
                workers: int | None = None, scheduler: str | None = None, fresh: bool = False,
                reports: Sequence[Path] = (), worst: int = 3,
                corpus_roots: Iterable[Path] | None = None,
                progress: Callable[[ProgressEvent], None] | None = None,
                cancel: CancelToken | None = None) -> ScoreRun:
    """Score every document of ``source`` (aligning it unless ``pred_dir`` holds links),
    with the term rates of the glossaries of ``glossary_paths`` and the MT model
    ``mt_model`` (a folder, or an id under ``models_dir``); write ``reports``
    (.json, .md, .html).  Bad arguments are refused before any work."""
    from workbench.scoring.report import REPORT_SUFFIXES, write_report

    if workers is not None and workers < 1:
        raise WorkbenchError("--workers must be at least 1")
    for path in reports:
        if path.suffix.lower() not in REPORT_SUFFIXES + (".htm", ".markdown"):
            raise WorkbenchError("unknown report format; name the file .json, .md or .html",
                                 path=path)
    if pred_dir is not None and not pred_dir.is_dir():
        raise WorkbenchError("--pred must be a folder of link files", path=pred_dir)
    settings = ScoreSettings(mt_model=mt_model,
                             glossary_paths=tuple(str(p) for p in glossary_paths),
                             terms=terms,
                             models_dir=str(models_dir) if models_dir is not None else None)
    result = score_directory(source, out_dir, pred_dir=pred_dir, unit=unit, settings=settings,
                             workers=workers, scheduler=scheduler, fresh=fresh,
                             corpus_roots=corpus_roots, progress=progress, cancel=cancel)
    summary = result.summary(settings_glossary(settings))
    for path in reports:
        write_report(summary, path, result.documents, worst=worst)
    return ScoreRun(result, summary, list(reports))
