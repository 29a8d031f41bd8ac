"""Batch scoring of many document pairs, locally (all cores) or on a Dask cluster.

Input is a directory laid out as ``DIR/{ar,en}/NAME`` (one segment a line) with
optional ``DIR/gold/NAME`` (gold links) and ``DIR/ref/NAME`` (reference translations
of the Arabic, one a line), or a corpus collection (its name, e.g. ``seeds``, or its
folder): every pair with a gold alignment.

Each document is one task, :func:`score_task`, a plain function of plain data (texts,
links), so that it runs the same in this process, in a process pool or on a remote
Dask worker, and gives identical numbers everywhere.  Models (the aligner's embedder,
an MT model, the glossary) are loaded once per worker process and kept in a module
global.  Results are written per document as they finish (``OUT/.results/NAME.json``,
atomically) and reused by the next run if their inputs and settings are unchanged, so
an interrupted run resumes where it stopped.

:func:`score_directory` is the entry point; :func:`summarize` turns per-document
results into the report dictionary (stable keys, see :mod:`workbench.scoring.report`).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from workbench import __version__
from workbench.align.links import Link, check_coverage, format_links, parse_links
from workbench.errors import CancelledError, WorkbenchError
from workbench.progress import CancelToken, ProgressEvent, Reporter
from workbench.scoring.alignment import AlignmentCounts, AlignmentScore, count_document
from workbench.scoring.confidence import ConfidenceMetric, roc_auc
from workbench.scoring.linktypes import LinkTypeMetric, LinkTypeStats, link_type
from workbench.scoring.metric import AlignmentMetric, format_signature
from workbench.text.segment import UNITS, segment
from workbench.textio import read_text, write_text_atomic

__all__ = ["DocTask", "ScoreSettings", "BatchResult", "discover", "score_task",
           "settings_glossary", "score_directory", "summarize", "RESULTS_DIRNAME"]

RESULTS_DIRNAME = ".results"
#: Bumped when the content of per-document results changes (old ones are then recomputed).
RESULT_FORMAT = 2


# --- tasks ------------------------------------------------------------------------


@dataclass(frozen=True)
class DocTask:
    """Everything needed to score one document, as plain data (picklable, path-free)."""

    name: str
    unit: str
    source_text: str
    target_text: str
    gold: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] | None = None
    pred: tuple[tuple[tuple[int, ...], tuple[int, ...], float | None], ...] | None = None
    ref: tuple[str, ...] | None = None

    def fingerprint(self, settings: "ScoreSettings", stamp: str = "") -> str:
        """Identifies the inputs and settings of a result (``stamp``: glossary files etc.)."""
        h = hashlib.sha256()
        h.update(json.dumps([RESULT_FORMAT, __version__, asdict(self), asdict(settings), stamp],
                            ensure_ascii=False, sort_keys=True, default=list).encode("utf-8"))
        return h.hexdigest()[:24]


@dataclass(frozen=True)
class ScoreSettings:
    """How documents are scored; part of every result's fingerprint."""

    mt_model: str | None = None
    glossary_paths: tuple[str, ...] | None = None   # None: the configured glossaries
    terms: bool = True
    max_link: int = 3
    keep_similarity: bool = True

    def signature(self) -> str:
        return format_signature("batch", {
            "mt": self.mt_model or "none", "terms": self.terms, "max_link": self.max_link})


def _aligner_stamp() -> str:
    """The aligner's tuned parameters, so that re-tuning invalidates stored alignments."""
    try:
        from workbench.align.scorer import load_params
    except ImportError:
        return ""
    try:
        return repr(load_params())
    except (OSError, ValueError, TypeError):
        return ""


def _files_stamp(settings: ScoreSettings, aligning: bool = False) -> str:
    """Name, size and modification time of the glossary and MT model files the settings
    use (and the aligner's parameters when aligning), so that changing them invalidates
    stored results."""
    roots: list[Path] = []
    if settings.terms:
        if settings.glossary_paths is None:
            from workbench.config import load_config

            roots += load_config().glossary_paths()
        else:
            roots += [Path(p) for p in settings.glossary_paths]
    if settings.mt_model and Path(settings.mt_model).exists():
        roots.append(Path(settings.mt_model))
    parts = [_aligner_stamp()] if aligning else []
    for root in roots:
        files = [root] if root.is_file() else sorted(
            f for f in root.rglob("*") if f.is_file()) if root.is_dir() else []
        for f in files:
            try:
                st = f.stat()
            except OSError:
                continue
            parts.append(f"{f}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


# --- discovering documents ------------------------------------------------------------


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


def _segments(text: str, unit: str, lang: str) -> list[str]:
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
             unit: str | None = None) -> tuple[list[DocTask], dict[str, Any]]:
    """Read every document pair of ``source`` into tasks; returns ``(tasks, info)``.

    ``source`` is a ``DIR/{ar,en}`` directory, a collection folder or a collection
    name.  ``pred_dir`` holds predicted links, one file per document name.  ``info``
    describes the input (kind, unit, skipped names) for the report.
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
        collections = find_collections()
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
            ref_lines = _segments(read_text(root / "ref" / name, what="reference translation"),
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


# --- per-document work (runs in workers) ------------------------------------------

_CACHE: dict[Any, Any] = {}


def _limit_threads_in_workers() -> None:
    """One compute thread per worker process: N workers share N cores, no oversubscription,
    and the same arithmetic in every worker (identical numbers locally and on Dask)."""
    if _CACHE.get("threads") or multiprocessing.parent_process() is None:
        return
    _CACHE["threads"] = True
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is optional (pip install workbench[mt])
        pass


def settings_glossary(settings: ScoreSettings):
    """The glossary the settings name (cached per process; None if terms are off)."""
    if not settings.terms:
        return None
    key = ("glossary", settings.glossary_paths)
    if key not in _CACHE:
        try:
            from workbench.glossary import load_glossary
        except ImportError:
            _CACHE[key] = None
        else:
            paths = None if settings.glossary_paths is None else [
                Path(p) for p in settings.glossary_paths]
            _CACHE[key] = load_glossary(paths)
    return _CACHE[key]


def _aligner():
    if "aligner" not in _CACHE:
        _limit_threads_in_workers()
        try:
            from workbench.align.api import Aligner
        except ImportError:
            raise WorkbenchError("the aligner is not available in this installation; "
                                 "score existing links with --pred") from None
        if multiprocessing.parent_process() is not None:
            # a worker process: one embedding thread, the pool has one process per core
            from workbench.align.embed import USEEmbedder

            _CACHE["aligner"] = Aligner(USEEmbedder(threads=1))
        else:
            _CACHE["aligner"] = Aligner()
    return _CACHE["aligner"]


def _backend(model: str):
    key = ("mt", model)
    if key not in _CACHE:
        _limit_threads_in_workers()
        try:
            from workbench.mt.backend import load_backend
        except ImportError:
            raise WorkbenchError("machine translation is not available in this "
                                 "installation") from None
        _CACHE[key] = load_backend(model)
    return _CACHE[key]


def _translate(model: str, segments: list[str]) -> list[str]:
    if not segments:
        return []
    out = []
    for hyps in _backend(model).translate(segments, n_best=1):
        best = hyps[0] if hyps else ""
        out.append(best if isinstance(best, str) else str(getattr(best, "text", best)))
    return out


def _term_rates(glossary, sources: Sequence[str], targets: Sequence[str]) -> dict | None:
    if glossary is None:
        return None
    from workbench.glossary.qa import term_rates

    return term_rates(glossary, list(sources), list(targets)).as_dict()


def score_task(task: DocTask, settings: ScoreSettings) -> dict:
    """Score one document: align it (unless links are given), then compute every figure.

    Returns a JSON-ready dict (see :func:`summarize` for how documents combine).
    User errors name the document.
    """
    try:
        return _score_task(task, settings)
    except CancelledError:
        raise
    except WorkbenchError as exc:
        if exc.path is None and not str(exc).startswith(f"{task.name}: "):
            raise WorkbenchError(f"document {task.name}: {exc}") from None
        raise


def _score_task(task: DocTask, settings: ScoreSettings) -> dict:
    src_segs = _segments(task.source_text, task.unit, "ar")
    tgt_segs = _segments(task.target_text, task.unit, "en")
    glossary = settings_glossary(settings)
    similarity = None
    if task.pred is not None:
        links = [Link(s, t, c) for s, t, c in task.pred]
        origin = "given"
    else:
        res = _aligner().align_texts(task.source_text, task.target_text, task.unit,
                                     glossary=glossary, max_link=settings.max_link)
        if len(res.source) != len(src_segs) or len(res.target) != len(tgt_segs):
            raise WorkbenchError(f"the aligner segmented the document differently "
                                 f"({len(res.source)}x{len(res.target)} instead of "
                                 f"{len(src_segs)}x{len(tgt_segs)} segments)")
        links = list(res.links)
        origin = "aligned"
        if settings.keep_similarity and res.similarity is not None:
            similarity = [[round(float(v), 4) for v in row] for row in res.similarity]

    out: dict[str, Any] = {
        "name": task.name, "unit": task.unit, "n_src": len(src_segs), "n_tgt": len(tgt_segs),
        "links_from": origin, "links": [lk.format() for lk in links],
        "has_gold": task.gold is not None, "similarity": similarity,
    }
    gold = [Link(s, t) for s, t in task.gold] if task.gold is not None else None
    gold_keys = {lk.key() for lk in gold} if gold is not None else set()
    if gold is not None:
        counts = count_document(gold, links)
        out["counts"] = asdict(counts)
        out["alignment"] = AlignmentScore(counts).as_dict()
        out["link_types"] = LinkTypeMetric().count(gold, links)
        out["gold_links"] = [lk.format(False) for lk in gold]
    else:
        out["counts"] = out["alignment"] = out["link_types"] = out["gold_links"] = None
    # confidence of each predicted link (and whether it is right, when gold is known)
    out["confidence"] = [[round(float(lk.score), 6), lk.key() in gold_keys if gold else None,
                          link_type(lk)]
                         for lk in links if lk.score is not None]

    # the aligned pairs the MT and terminology figures are computed on
    ref_links = gold if gold is not None else links
    pairs_from = "gold" if gold is not None else ("links" if origin == "given" else "aligned")
    pairs = [lk for lk in ref_links if not lk.is_null]
    sources = [" ".join(src_segs[i] for i in lk.src) for lk in pairs]
    targets = [" ".join(tgt_segs[j] for j in lk.tgt) for lk in pairs]

    out["mt"] = None
    mt_sources, mt_hyps = None, None
    if settings.mt_model:
        from workbench.scoring.mt import mt_metrics

        translated = _translate(settings.mt_model, src_segs)
        if task.ref is not None:
            mt_sources, mt_hyps, refs, ref_from = src_segs, translated, list(task.ref), "ref"
        else:
            mt_sources = sources
            mt_hyps = [" ".join(translated[i] for i in lk.src) for lk in pairs]
            refs, ref_from = targets, pairs_from
        out["mt"] = {"ref_from": ref_from, "hyp": mt_hyps, "ref": refs,
                     "scores": mt_metrics(mt_hyps, refs)}

    out["terms"] = None
    if glossary is not None:
        out["terms"] = {
            "pairs_from": pairs_from, "sources": sources, "targets": targets,
            "target": _term_rates(glossary, sources, targets),
            "mt_sources": mt_sources,
            "mt": _term_rates(glossary, mt_sources, mt_hyps) if mt_hyps is not None else None,
        }
    return out


# --- running everything ---------------------------------------------------------------


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
                    progress: Callable[[ProgressEvent], None] | None = None,
                    cancel: CancelToken | None = None) -> BatchResult:
    """Score every document of ``source`` and return the per-document results.

    Without ``pred_dir`` every document is aligned first and its links are written to
    ``out_dir/NAME``; per-document results go to ``out_dir/.results/NAME.json`` as they
    finish and are reused on the next run (unless ``fresh``).  ``workers`` processes
    run locally (default: all cores when documents are aligned or translated, else
    this process); ``scheduler`` (``tcp://HOST:PORT``) sends the same tasks to a
    running Dask cluster instead.
    """
    settings = settings or ScoreSettings()
    if settings.terms and settings.glossary_paths is None:
        # resolved here, so that workers (possibly on other machines) need no configuration
        from workbench.config import load_config

        settings = replace(settings, glossary_paths=tuple(
            str(p) for p in load_config().glossary_paths()))
    started = time.monotonic()
    tasks, info = discover(source, pred_dir=pred_dir, unit=unit)
    out = Path(out_dir)
    _check_out(source, out, info, aligning=any(t.pred is None for t in tasks))
    results_dir = out / RESULTS_DIRNAME
    try:
        results_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbenchError(f"cannot create the output folder: {exc.strerror} (choose "
                             "another with --out)", path=results_dir) from None
    done: dict[str, dict] = {}
    todo: list[tuple[DocTask, str]] = []
    stamp = _files_stamp(settings, aligning=any(t.pred is None for t in tasks))
    for task in tasks:
        fp = task.fingerprint(settings, stamp)
        cached = None if fresh else _load_result(results_dir / f"{_safe_name(task.name)}.json", fp)
        if cached is not None:
            done[task.name] = cached
            if cached.get("links_from") == "aligned" and not (out / _safe_name(task.name)).exists():
                write_text_atomic(out / _safe_name(task.name), format_links(
                    Link(*_parse_one(x)) for x in cached["links"]))
        else:
            todo.append((task, fp))
    reused = len(done)
    reporter = Reporter("score documents", total=len(tasks), progress=progress, cancel=cancel)
    reporter.done = reused
    reporter.start(f"{reused} reused" if reused else "")
    fingerprints = {t.name: fp for t, fp in todo}

    def finish(result: dict) -> None:
        name = result["name"]
        result["fingerprint"] = fingerprints[name]
        if result["links_from"] == "aligned":
            write_text_atomic(out / _safe_name(name),
                              format_links(Link(*_parse_one(s)) for s in result["links"]))
        write_text_atomic(results_dir / f"{_safe_name(name)}.json",
                          json.dumps(result, ensure_ascii=False))
        done[name] = result
        reporter.advance(1, name)

    pending = [t for t, _ in todo]
    if pending:
        if scheduler is not None:
            _run_dask(scheduler, pending, settings, finish, reporter, connect_timeout)
        else:
            n = workers if workers is not None else _default_workers(pending, settings)
            _run_local(pending, settings, max(1, n), finish, reporter)
    docs = [done[t.name] for t in sorted(tasks, key=lambda t: t.name)]
    mt_docs = [d for d in docs if d.get("mt")]
    if mt_docs:
        # the pooled segments, so that anyone can check the figures with the sacrebleu CLI:
        #   sacrebleu OUT/mt-ref.txt -i OUT/mt-hyp.txt -m bleu chrf ter --chrf-word-order 2
        from workbench.scoring.mt import one_line

        for kind in ("hyp", "ref"):
            write_text_atomic(out / f"mt-{kind}.txt", "".join(
                one_line(x) + "\n" for d in mt_docs for x in d["mt"][kind]))
    info = dict(info, executor=("dask " + scheduler) if scheduler is not None else "local",
                documents=len(docs))
    return BatchResult(docs, info, settings, reused, time.monotonic() - started)


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
    return (os.cpu_count() or 1) if heavy else 1


def _parse_one(text: str) -> tuple:
    lk = parse_links(text)[0]
    return lk.src, lk.tgt, lk.score


def _init_worker(parent: int) -> None:
    """Pool initializer.  Ctrl-C stops the parent, which ends the pool; workers need not
    print tracebacks.  A worker exits by itself if the parent dies (even by SIGKILL)."""
    import signal

    from workbench.align.batch import watch_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)


def _run_local(tasks: list[DocTask], settings: ScoreSettings, workers: int,
               finish: Callable[[dict], None], reporter: Reporter) -> None:
    if workers == 1 or len(tasks) == 1:
        for task in tasks:
            reporter.check()
            finish(score_task(task, settings))
        return
    # the same pool life as batch align: SIGTERM, Ctrl-C, an error or a cancel end the
    # workers at once; a worker whose parent is gone exits by itself
    from workbench.align.batch import close_pool, sigterm_raises

    # spawn: fresh workers that see this process's current environment (configuration,
    # data directory) and inherit no threads or locks, whatever the caller is doing
    ctx = multiprocessing.get_context("spawn")
    clean = False
    with sigterm_raises():
        pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=ctx,
                                   initializer=_init_worker, initargs=(os.getpid(),))
        try:
            pending = {pool.submit(score_task, task, settings) for task in tasks}
            while pending:
                finished, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                for fut in finished:
                    finish(fut.result())
                reporter.check()
            clean = True
        finally:
            close_pool(pool, clean)


def _run_dask(address: str, tasks: list[DocTask], settings: ScoreSettings,
              finish: Callable[[dict], None], reporter: Reporter, timeout: float) -> None:
    from distributed import as_completed

    from workbench.scoring.scheduler import connect_client

    # checked first, with short timeouts: a refused port, a silent one, another service
    # or a malformed address is one line within seconds (workbench.scoring.scheduler)
    client = connect_client(address, timeout)
    try:
        futures = [client.submit(score_task, task, settings, pure=False) for task in tasks]
        try:
            for fut in as_completed(futures, loop=client.loop):
                finish(fut.result())
                reporter.check()
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        client.close()


# --- combining documents ----------------------------------------------------------


def summarize(documents: Sequence[dict], *, info: dict | None = None,
              settings: ScoreSettings | None = None, glossary=None) -> dict:
    """The report dictionary: overall and per-document figures, with metric signatures.

    Overall alignment, link-type and confidence figures are micro averages (counts and
    links pooled over documents); MT scores are corpus-level over all pooled segments;
    term rates are recomputed over all pooled aligned pairs.
    """
    settings = settings or ScoreSettings()
    conf_metric = ConfidenceMetric()
    with_gold = [d for d in documents if d.get("counts") is not None]
    counts = AlignmentCounts()
    for d in with_gold:
        counts += AlignmentCounts(**d["counts"])
    unit = (info or {}).get("unit", "")
    signatures = {
        "alignment": AlignmentMetric(unit or "?").signature(),
        "link_types": LinkTypeMetric().signature(),
        "confidence": conf_metric.signature(),
        "batch": settings.signature(),
    }
    overall: dict[str, Any] = {
        "documents": len(documents),
        "documents_with_gold": len(with_gold),
        "alignment": AlignmentScore(counts).as_dict() if with_gold else None,
        "counts": asdict(counts) if with_gold else None,
        "link_types": (LinkTypeStats.from_counts(d["link_types"] for d in with_gold).as_dict()
                       if with_gold else None),
    }
    entries = [e for d in documents for e in d.get("confidence") or []]
    scored = [(e[0], e[1]) for e in entries if e[1] is not None]
    all_conf = [e[0] for e in entries]
    conf = conf_metric.summarize(scored) if scored else conf_metric.summarize([])
    if not scored and all_conf:
        # no gold: the distribution only
        dist = conf_metric.summarize([(c, True) for c in all_conf])
        conf.update({k: dist[k] for k in ("n", "mean", "quantiles", "histogram")})
    # per link type: is the confidence informative within each kind of link?
    conf["by_type"] = {}
    for kind in ("1:1", "1:2", "2:1", "other", "null"):
        rows = [(e[0], e[1]) for e in entries if e[1] is not None and e[2] == kind]
        if rows:
            conf["by_type"][kind] = {
                "n": len(rows), "mean": sum(c for c, _ in rows) / len(rows),
                "accuracy": sum(ok for _, ok in rows) / len(rows),
                "roc_auc": roc_auc([c for c, _ in rows], [ok for _, ok in rows])}
    overall["confidence"] = conf

    mt_docs = [d for d in documents if d.get("mt")]
    overall["mt"] = None
    if mt_docs:
        from workbench.scoring.mt import MTMetrics

        hyps = [h for d in mt_docs for h in d["mt"]["hyp"]]
        refs = [r for d in mt_docs for r in d["mt"]["ref"]]
        overall["mt"] = MTMetrics().score(hyps, refs)
        for key in ("bleu", "chrf", "ter"):
            if key in overall["mt"]:
                signatures[key] = overall["mt"][key]["signature"]

    term_docs = [d for d in documents if d.get("terms")]
    overall["terms"] = None
    if term_docs and glossary is not None:
        from workbench.glossary.qa import term_rates

        srcs = [s for d in term_docs for s in d["terms"]["sources"]]
        tgts = [t for d in term_docs for t in d["terms"]["targets"]]
        overall["terms"] = {"target": term_rates(glossary, srcs, tgts).as_dict(), "mt": None}
        mt_term_docs = [d for d in term_docs if d["terms"].get("mt") is not None]
        if mt_term_docs:
            ms = [s for d in mt_term_docs for s in d["terms"]["mt_sources"]]
            mh = [h for d in mt_term_docs for h in d["mt"]["hyp"]]
            overall["terms"]["mt"] = term_rates(glossary, ms, mh).as_dict()
        signatures["terms"] = format_signature("terms", {
            "glossary": ",".join(Path(p).name for p in settings.glossary_paths or ())
            or "configured",
            "entries": len(getattr(glossary, "entries", {}) or {})})

    per_doc = []
    for d in documents:
        conf_pairs = [(e[0], e[1]) for e in d.get("confidence") or [] if e[1] is not None]
        confs = [e[0] for e in d.get("confidence") or []]
        lt = LinkTypeStats.from_counts([d["link_types"]]).as_dict() if d.get("link_types") else None
        per_doc.append({
            "name": d["name"], "unit": d["unit"], "source_segments": d["n_src"],
            "target_segments": d["n_tgt"], "links": len(d["links"]),
            "links_from": d["links_from"], "gold": d["has_gold"],
            "alignment": d.get("alignment"),
            "null": lt["null"] if lt else None,
            "moved": lt["types"]["moved"] if lt else None,
            "confidence": {
                "mean": sum(confs) / len(confs) if confs else None,
                "roc_auc": roc_auc([c for c, _ in conf_pairs], [ok for _, ok in conf_pairs])
                if conf_pairs else None,
            },
            "mt": ({k: v for k, v in d["mt"]["scores"].items()} | {"ref_from": d["mt"]["ref_from"]}
                   if d.get("mt") else None),
            "terms": ({"target": d["terms"]["target"], "mt": d["terms"]["mt"]}
                      if d.get("terms") else None),
        })
    return {
        "format": "workbench-batch-score/1",
        "workbench_version": __version__,
        "input": dict(info or {}),
        "signatures": signatures,
        "overall": overall,
        "documents": per_doc,
    }
