"""Aligning every document pair of a directory, in parallel and resumably.

Layout: ``DIR/ar/NAME`` (Arabic source) and ``DIR/en/NAME`` (English target) for
every document NAME.  :func:`align_directory` writes ``OUT/NAME`` in the links
format (:func:`workbench.align.links.format_links`, one ``[i,j]:[k]:score`` a line),
atomically, as each document finishes.  An interrupted run resumes: a NAME whose
output already exists and covers every segment of both sides is read back, not
aligned again.

Documents run in parallel on all cores in worker processes; each worker builds one
:class:`~workbench.align.api.Aligner` (so the embedder is loaded once a process)
and, when glossary files are given, loads the glossary once.  Every input file is
checked before any work starts (readable UTF-8 text, an Arabic source and a
non-Arabic target), so a bad or swapped file stops the run at once, with nothing
written, and a one-line error naming it.  A document with one side empty gets
all-null links (score 1.0).  Names found on one side only are skipped with a
:class:`BatchWarning`.

Models are loaded in the workers, never at import time; this module imports only
the standard library at import time.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from workbench.align.links import Link, check_coverage, format_links, parse_links
from workbench.errors import CancelledError, InputFileError, OutputFileError, WorkbenchError
from workbench.progress import CancelToken, ProgressEvent
from workbench.text.segment import check_unit, segment
from workbench.textio import check_output_dir, read_text, write_text_atomic

__all__ = ["align_directory", "plan_directory", "BatchPlan", "BatchWarning", "SOURCE_DIR",
           "TARGET_DIR", "TASK", "abort_pool", "close_pool", "sigterm_raises", "watch_parent"]

SOURCE_DIR = "ar"
TARGET_DIR = "en"
#: Other input folders a batch directory may hold (gold links, reference translations).
INPUT_DIRS = ("gold", "ref")
#: ``ProgressEvent.task`` of the per-document events.
TASK = "aligning documents"


class BatchWarning(UserWarning):
    """Something in the directory was skipped (a document present on one side only)."""


@dataclass
class BatchPlan:
    """What :func:`align_directory` will do with a directory."""

    directory: Path
    out_dir: Path
    names: list[str]                                       # on both sides, sorted
    only_source: list[str] = field(default_factory=list)   # in ar/ but not en/
    only_target: list[str] = field(default_factory=list)   # in en/ but not ar/

    def warnings(self) -> list[str]:
        out = []
        for side, names, other in (("ar", self.only_source, "en"),
                                   ("en", self.only_target, "ar")):
            if names:
                shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
                out.append(f"{self.directory / side}: {len(names)} document(s) with no "
                           f"counterpart in {other}/, skipped: {shown}")
        return out


def _document_names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(".") and not p.name.endswith("~")}


def plan_directory(directory: str | Path, out_dir: str | Path) -> BatchPlan:
    """Check the layout of ``directory`` and list its documents (no file is read)."""
    d = Path(directory)
    out = Path(out_dir)
    if not d.exists():
        raise InputFileError("directory not found", path=d)
    if not d.is_dir():
        raise InputFileError("not a directory; expected a folder with ar/ and en/ inside", path=d)
    missing = [s for s in (SOURCE_DIR, TARGET_DIR) if not (d / s).is_dir()]
    if missing:
        raise InputFileError(
            f"no {' or '.join(m + '/' for m in missing)} folder here; expected DIR/{SOURCE_DIR}/NAME "
            f"(Arabic source) and DIR/{TARGET_DIR}/NAME (English target) for every document",
            path=d)
    # never over the inputs: not DIR itself, nor inside ar/, en/, gold/ or ref/ (gold
    # files there would be taken as finished results)
    if out.exists() and out.resolve() == d.resolve():
        raise OutputFileError("the output folder is the input directory itself; choose "
                              "another --out", path=out)
    check_output_dir(out, input_dirs=[d / s for s in (SOURCE_DIR, TARGET_DIR) + INPUT_DIRS])
    src, tgt = _document_names(d / SOURCE_DIR), _document_names(d / TARGET_DIR)
    names = sorted(src & tgt)
    plan = BatchPlan(d, out, names, sorted(src - tgt), sorted(tgt - src))
    if not names:
        raise InputFileError(f"no documents to align: {SOURCE_DIR}/ and {TARGET_DIR}/ have no "
                             "file names in common", path=d)
    return plan


# --- one document -----------------------------------------------------------------------


def _read_pair(directory: Path, name: str) -> tuple[str, str]:
    src = read_text(directory / SOURCE_DIR / name, what="source document", allow_empty=True)
    tgt = read_text(directory / TARGET_DIR / name, what="target document", allow_empty=True)
    return src, tgt


def _null_links(n_src: int, n_tgt: int) -> list[Link]:
    # certain: with one side empty there is nothing to link to (as the aligner itself says)
    return ([Link((i,), (), 1.0) for i in range(n_src)]
            + [Link((), (j,), 1.0) for j in range(n_tgt)])


def _check_pair_scripts(src: str, tgt: str, directory: Path, name: str,
                        langs: dict | None = None) -> None:
    """Refuse a source or a target not in its language's script (swapped files) before any
    work starts."""
    from workbench.align.langs import check_scripts

    try:
        check_scripts(src, tgt, **(langs or {}))
    except WorkbenchError as exc:
        raise WorkbenchError(f"{directory}/{{{SOURCE_DIR},{TARGET_DIR}}}/{name}: {exc}") from None


def _existing(path: Path, n_src: int, n_tgt: int) -> list[Link] | None:
    """The links already written at ``path`` if they cover both sides completely."""
    if not path.is_file():
        return None
    try:
        links = parse_links(path.read_text(encoding="utf-8"), path)
        check_coverage(links, n_src, n_tgt, path=path, require_complete=True)
    except (OSError, UnicodeDecodeError, WorkbenchError):
        return None  # partial or foreign content: align again
    return links


_WORKER: dict = {}


def _init_worker(glossary_paths: Sequence[str] | None, threads: int | None,
                 parent: int | None = None) -> None:
    """Process-pool initializer: one Aligner (and glossary) for the life of the process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if parent is not None:
        watch_parent(parent)
    _WORKER.clear()
    _WORKER["aligner"] = _new_aligner(threads)
    _WORKER["glossary"] = _load_glossary(glossary_paths)


def _new_aligner(threads: int | None):
    from workbench.align.api import Aligner

    if threads is not None:
        try:
            from workbench.align.embed import CachedEmbedder, USEEmbedder

            return Aligner(embedder=CachedEmbedder(USEEmbedder(threads=threads)))
        except TypeError:  # an Aligner without a pluggable embedder
            pass
    return Aligner()


def _load_glossary(glossary_paths: Sequence[str] | None):
    if glossary_paths is None:
        return None
    from workbench.glossary import load_glossary

    return load_glossary([Path(p) for p in glossary_paths])


def _counts(src: str, tgt: str, unit: str, langs: dict | None) -> tuple[int, int]:
    from workbench.align.langs import segment_lang

    langs = langs or {}
    return (len(segment(src, unit, segment_lang(langs.get("source_lang", "ar")))),
            len(segment(tgt, unit, segment_lang(langs.get("target_lang", "en")))))


def _align_texts(aligner, glossary, src: str, tgt: str, unit: str, directory: Path,
                 name: str, cancel: CancelToken | None = None,
                 langs: dict | None = None, opts: dict | None = None) -> list[Link]:
    n_src, n_tgt = _counts(src, tgt, unit, langs)
    if n_src == 0 or n_tgt == 0:
        return _null_links(n_src, n_tgt)  # nothing to compare: every segment is unmatched
    try:
        return list(aligner.align_texts(src, tgt, unit, glossary=glossary, cancel=cancel,
                                        **(langs or {}), **(opts or {})).links)
    except CancelledError:
        raise
    except WorkbenchError as exc:  # e.g. the files are swapped: name the document
        raise WorkbenchError(f"{directory}/{{{SOURCE_DIR},{TARGET_DIR}}}/{name}: {exc}") from None


def _worker_align(directory: str, name: str, unit: str, langs: dict | None = None,
                  opts: dict | None = None) -> tuple[str, list[Link] | str]:
    """Runs in a worker: (name, links) or (name, error message) for a user error."""
    try:
        src, tgt = _read_pair(Path(directory), name)
        return name, _align_texts(_WORKER["aligner"], _WORKER["glossary"], src, tgt, unit,
                                  Path(directory), name, langs=langs, opts=opts)
    except WorkbenchError as exc:
        return name, str(exc)


# --- the batch --------------------------------------------------------------------------


def _default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def align_directory(directory: str | Path, out_dir: str | Path, *, unit: str = "lines",
                    workers: int | None = None, glossary_paths: Sequence[str | Path] | None = None,
                    progress: Callable[[ProgressEvent], None] | None = None,
                    cancel: CancelToken | None = None, aligner=None, source_lang: str = "ar",
                    target_lang: str = "en", profile: str = "auto",
                    max_link: int | None = None) -> dict[str, list[Link]]:
    """Align every ``DIR/ar/NAME`` with ``DIR/en/NAME`` and write ``OUT/NAME`` (links format).

    ``unit`` is how both sides are segmented (``lines``: every non-empty line is one
    segment, as in pre-segmented benchmarks).  ``workers`` defaults to every core
    available; with 1 (or a single document to do) everything runs in this process.
    ``glossary_paths`` are glossary files or folders loaded once per worker (None:
    align without a glossary).  ``aligner`` is an already loaded
    :class:`~workbench.align.api.Aligner` to use when the documents run in this process
    (the TUI passes its own; worker processes always build theirs).  Documents already
    written completely in OUT are read back instead of aligned again, so an interrupted
    run resumes.

    Returns ``{NAME: links}`` for every document aligned or resumed, in name order.
    Progress events (task :data:`TASK`) come one per document, ``detail`` = NAME;
    ``cancel`` stops the run (the documents already finished stay written) with
    :class:`~workbench.errors.CancelledError`: in this process the aligner checks it
    inside a document too; worker processes are ended at once.  ``source_lang`` and
    ``target_lang`` name the languages of ``ar/`` (the source folder) and ``en/`` (the
    target folder) (:mod:`workbench.align.langs`); ``profile`` and ``max_link`` are
    passed to the aligner (:mod:`workbench.align.profile`).
    """
    from workbench.align.langs import check_lang
    from workbench.align.profile import check_profile

    check_unit(unit)
    langs = dict(source_lang=check_lang(source_lang, "--source-lang"),
                 target_lang=check_lang(target_lang, "--target-lang"))
    opts: dict = {"profile": check_profile(profile)}
    if max_link is not None:
        opts["max_link"] = max_link
    plan = plan_directory(directory, out_dir)
    for message in plan.warnings():
        warnings.warn(message, BatchWarning, stacklevel=2)
    if workers is not None and workers < 1:
        raise WorkbenchError(f"--workers must be at least 1, not {workers}")
    gpaths = [str(p) for p in glossary_paths] if glossary_paths is not None else None
    glossary = _load_glossary(gpaths)  # errors (file:line) before any work starts

    # every input is checked (and its segments counted) before anything is aligned
    done: dict[str, list[Link]] = {}
    todo: list[str] = []
    for name in plan.names:
        if cancel is not None:
            cancel.raise_if_cancelled()
        src, tgt = _read_pair(plan.directory, name)
        _check_pair_scripts(src, tgt, plan.directory, name, langs)
        n_src, n_tgt = _counts(src, tgt, unit, langs)
        links = _existing(plan.out_dir / name, n_src, n_tgt)
        if links is not None:
            done[name] = links
        else:
            todo.append(name)
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(plan.out_dir, plan.names)

    total = len(plan.names)
    report = progress or (lambda event: None)
    resumed = f"{len(done)} already aligned" if done else ""
    report(ProgressEvent(TASK, len(done), total, resumed))

    def finish(name: str, links: list[Link]) -> None:
        write_text_atomic(plan.out_dir / name, format_links(links))
        done[name] = links
        report(ProgressEvent(TASK, len(done), total, name))

    n_workers = min(workers or _default_workers(), max(1, len(todo)))
    if todo and n_workers == 1:
        if aligner is None:
            aligner = _new_aligner(None)
        for name in todo:
            if cancel is not None:
                cancel.raise_if_cancelled()
            src, tgt = _read_pair(plan.directory, name)
            finish(name, _align_texts(aligner, glossary, src, tgt, unit, plan.directory, name,
                                      cancel, langs, opts))
    elif todo:
        _run_pool(plan, todo, unit, n_workers, gpaths, cancel, finish, langs, opts)
    return {name: done[name] for name in plan.names if name in done}


def _remove_stale_temp_files(out_dir: Path, names: Sequence[str]) -> None:
    """Temporary files of atomic writes cut short by a kill (``.NAME.*.tmp``) are debris."""
    wanted = set(names)
    for p in out_dir.glob(".*.tmp"):
        name = p.name[1:].rsplit(".", 2)[0]
        if name in wanted and p.is_file():
            try:
                p.unlink()
            except OSError:  # pragma: no cover - permissions; harmless to leave
                pass


def _run_pool(plan: BatchPlan, todo: list[str], unit: str, n_workers: int,
              gpaths: list[str] | None, cancel: CancelToken | None,
              finish: Callable[[str, list[Link]], None], langs: dict | None = None,
              opts: dict | None = None) -> None:
    import multiprocessing

    # spawn: workers start clean (no copied threads or locks from a TUI or progress bar);
    # one BLAS thread each, since the documents themselves use every core
    threads = 1 if n_workers > 1 else None
    ctx = multiprocessing.get_context("spawn")
    directory = str(plan.directory)
    queue = list(reversed(todo))
    pending: set[Future] = set()
    clean = False
    with sigterm_raises():  # SIGTERM ends the workers too, as Ctrl-C does
        # each worker watches this process and exits if it dies (even by SIGKILL)
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx,
                                   initializer=_init_worker,
                                   initargs=(gpaths, threads, os.getpid()))
        try:
            # keep a few documents in flight per worker; the rest wait in the queue so
            # that a cancel does not have to drain hundreds of submitted futures
            while queue or pending:
                while queue and len(pending) < 2 * n_workers:
                    pending.add(pool.submit(_worker_align, directory, queue.pop(), unit,
                                            langs, opts))
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for fut in finished:
                    name, result = fut.result()
                    if isinstance(result, str):
                        raise WorkbenchError(result)
                    finish(name, result)
                    if cancel is not None and cancel.cancelled:
                        break  # once cancelled, write nothing more (even if already done)
                if cancel is not None and cancel.cancelled:
                    raise CancelledError("operation cancelled")
            clean = True
        finally:
            close_pool(pool, clean)


def close_pool(pool: ProcessPoolExecutor, clean: bool) -> None:
    """Wait for the workers after a clean run; otherwise (an error, Ctrl-C, SIGTERM, a
    cancel) end them at once with :func:`abort_pool`."""
    if clean:
        try:
            pool.shutdown(wait=True)
            return
        except BaseException:
            abort_pool(pool)
            raise
    abort_pool(pool)


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While a process pool runs: SIGTERM raises ``SystemExit(143)`` in this (main) thread,
    so that the pool's abort path runs and ends the workers (SIGTERM's default action
    ends this process alone and leaves them running).  A second SIGTERM during the abort
    is ignored.  Outside the main thread (the TUI's workers) nothing changes: signals
    reach the main thread only, and the parent watchdog of :func:`watch_parent` remains."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # pragma: no cover - not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def watch_parent(parent: int, interval: float = 0.5) -> None:
    """In a worker process: a daemon thread that ends the process at once when ``parent``
    is no longer its parent (the parent died, even by SIGKILL, and the worker was handed
    to init or a subreaper), so that no worker outlives the command that started it."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="workbench-parent-watchdog", daemon=True).start()


def abort_pool(pool: ProcessPoolExecutor) -> None:
    """Stop at once: drop queued documents and end the workers (their output is not written)."""
    # (shutdown forgets the processes: take them first)
    processes = dict(getattr(pool, "_processes", None) or {})
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    processes.update(getattr(pool, "_processes", None) or {})
    for proc in list(processes.values()):
        try:
            proc.terminate()
        except (OSError, AttributeError):  # pragma: no cover - already gone
            pass
    for proc in list(processes.values()):
        try:
            proc.join(timeout=5)
            if proc.is_alive():  # a busy machine: SIGTERM not handled yet
                proc.kill()
                proc.join(timeout=5)
        except (OSError, AttributeError, AssertionError, ValueError):  # pragma: no cover
            pass
    if manager is not None:  # it reaps the workers too: let it finish before returning
        manager.join(timeout=5)
