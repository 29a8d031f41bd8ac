"""Batch scoring of many document pairs, locally (all cores) or on a Dask cluster.

Input is a directory laid out as ``DIR/{ar,en}/NAME`` (one segment a line) with
optional ``DIR/gold/NAME`` (gold links) and ``DIR/ref/NAME`` (reference translations
of the Arabic, one a line), or a corpus collection (its name, e.g. ``seeds``, or its
folder): every pair with a gold alignment (:mod:`workbench.scoring.discover`).

Each document is one task (:func:`~workbench.scoring.work.score_task` on a
:class:`~workbench.scoring.tasks.DocTask`), run by the shared batch runner
(:mod:`workbench.runner`) in this process, in a local process pool or on a Dask
cluster.  Results are written per document as they finish (``OUT/.results/NAME.json``,
atomically) and reused by the next run if their inputs and settings are unchanged, so
an interrupted run resumes where it stopped.

:func:`score_directory` is the entry point; :func:`summarize` turns per-document
results into the report dictionary (:mod:`workbench.scoring.summary`).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from workbench.align.links import Link, format_links, parse_links
from workbench.errors import WorkbenchError
from workbench.progress import CancelToken, ProgressEvent
from workbench.runner import DaskCluster, available_cores, local_executor, run_batch
from workbench.scoring.discover import discover
from workbench.scoring.summary import summarize
from workbench.scoring.tasks import RESULT_FORMAT, DocTask, ScoreSettings, files_stamp
from workbench.scoring.work import score_task, settings_glossary
from workbench.textio import write_text_atomic

__all__ = ["DocTask", "ScoreSettings", "BatchResult", "discover", "score_task",
           "settings_glossary", "score_directory", "summarize", "RESULTS_DIRNAME",
           "RESULT_FORMAT", "TASK"]

RESULTS_DIRNAME = ".results"
#: ``ProgressEvent.task`` of the per-document events.
TASK = "score documents"


@dataclass
class BatchResult:
    """Per-document results (sorted by name) and the input description."""

    documents: list[dict]
    info: dict[str, Any] = field(default_factory=dict)
    settings: ScoreSettings = field(default_factory=ScoreSettings)
    reused: int = 0
    elapsed: float = 0.0

    def summary(self, glossary=None) -> dict:
        return summarize(self.documents, info=self.info, settings=self.settings,
                         glossary=glossary)


def _safe_name(name: str) -> str:
    return name.replace(os.sep, "_").replace("/", "_")


def _load_result(path: Path, fingerprint: str) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("fingerprint") == fingerprint else None


def score_directory(source: str | Path, out_dir: str | Path, *, pred_dir: str | Path | None = None,
                    unit: str | None = None, settings: ScoreSettings | None = None,
                    workers: int | None = None, scheduler: str | None = None,
                    fresh: bool = False, connect_timeout: float = 3.0,
                    corpus_roots: Iterable[Path] | None = None,
                    progress: Callable[[ProgressEvent], None] | None = None,
                    cancel: CancelToken | None = None) -> BatchResult:
    """Score every document of ``source`` and return the per-document results.

    Without ``pred_dir`` every document is aligned first and its links are written to
    ``out_dir/NAME``; per-document results go to ``out_dir/.results/NAME.json`` as they
    finish and are reused on the next run (unless ``fresh``).  ``workers`` processes
    run locally (default: all cores when documents are aligned or translated, else
    this process); ``scheduler`` (``tcp://HOST:PORT``) sends the same tasks to a
    running Dask cluster instead.  A collection name is looked up in ``corpus_roots``.
    With ``settings.terms`` the settings name the glossary files (``glossary_paths``).
    """
    settings = settings or ScoreSettings()
    if settings.terms and settings.glossary_paths is None:
        raise WorkbenchError("the term rates need glossary files (ScoreSettings."
                             "glossary_paths) or terms=False")
    started = time.monotonic()
    # a malformed --scheduler address is refused before the documents are read
    cluster = DaskCluster(scheduler, timeout=connect_timeout) if scheduler is not None else None
    tasks, info = discover(source, pred_dir=pred_dir, unit=unit, corpus_roots=corpus_roots)
    out = Path(out_dir)
    aligning = any(t.pred is None for t in tasks)
    _check_out(source, out, info, aligning=aligning)
    results_dir = out / RESULTS_DIRNAME
    try:
        results_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbenchError(f"cannot create the output folder: {exc.strerror} (choose "
                             "another with --out)", path=results_dir) from None
    stamp = files_stamp(settings, aligning=aligning)
    fingerprints = {t.name: t.fingerprint(settings, stamp) for t in tasks}

    def reuse(task: DocTask) -> dict | None:
        if fresh:
            return None
        cached = _load_result(results_dir / f"{_safe_name(task.name)}.json",
                              fingerprints[task.name])
        if cached is not None and cached.get("links_from") == "aligned" \
                and not (out / _safe_name(task.name)).exists():
            _write_links(out / _safe_name(task.name), cached["links"])
        return cached

    done: dict[str, dict] = {}

    def finish(result: dict) -> str:
        name = result["name"]
        result["fingerprint"] = fingerprints[name]
        if result["links_from"] == "aligned":
            _write_links(out / _safe_name(name), result["links"])
        write_text_atomic(results_dir / f"{_safe_name(name)}.json",
                          json.dumps(result, ensure_ascii=False))
        done[name] = result
        return name

    executor: Any
    if cluster is not None:
        executor = cluster
    else:
        n = workers if workers is not None else _default_workers(tasks, settings)
        executor = partial(local_executor, n)
    reused = run_batch(tasks, partial(score_task, settings=settings), executor=executor,
                       finish=finish, task=TASK, reuse=reuse, progress=progress,
                       cancel=cancel, key=lambda t: t.name)
    done.update(reused)
    docs = [done[t.name] for t in sorted(tasks, key=lambda t: t.name)]
    _write_mt_files(out, docs)
    info = dict(info, executor=f"dask {scheduler}" if scheduler is not None else "local",
                documents=len(docs))
    return BatchResult(docs, info, settings, len(reused), time.monotonic() - started)


def _write_links(path: Path, links: Sequence[str]) -> None:
    write_text_atomic(path, format_links(Link(*_parse_one(x)) for x in links))


def _write_mt_files(out: Path, docs: Sequence[dict]) -> None:
    """The pooled segments, so that anyone can check the figures with the sacrebleu CLI:
    ``sacrebleu OUT/mt-ref.txt -i OUT/mt-hyp.txt -m bleu chrf ter --chrf-word-order 2``."""
    mt_docs = [d for d in docs if d.get("mt")]
    if not mt_docs:
        return
    from workbench.scoring.mt import one_line

    for kind in ("hyp", "ref"):
        write_text_atomic(out / f"mt-{kind}.txt", "".join(
            one_line(x) + "\n" for d in mt_docs for x in d["mt"][kind]))


def _check_out(source: str | Path, out: Path, info: dict, aligning: bool) -> None:
    """Never write over the inputs: OUT may not be (inside) DIR/ar, en, gold or ref, nor
    DIR itself or a collection's folder when aligned links are written."""
    from workbench.textio import check_output_dir

    root = Path(info.get("folder") or source)
    if not root.is_dir():
        return
    dirs = [root / s for s in ("ar", "en", "gold", "ref")]
    if aligning and out.exists() and out.resolve() == root.resolve():
        raise WorkbenchError("the output folder is the input directory; aligned links would "
                             "be written among the inputs: choose another --out", path=out)
    if info.get("kind") == "collection":
        dirs.append(root)
    check_output_dir(out, input_dirs=dirs)


def _default_workers(tasks: Sequence[DocTask], settings: ScoreSettings) -> int:
    """All cores when there are models to run; scoring given links alone is faster in
    this process than the time it takes to start a pool."""
    heavy = settings.mt_model or any(t.pred is None for t in tasks)
    return available_cores() if heavy else 1


def _parse_one(text: str) -> tuple:
    lk = parse_links(text)[0]
    return lk.src, lk.tgt, lk.score
