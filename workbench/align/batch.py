"""Aligning every document pair of a directory, in parallel and resumably.

Layout: ``DIR/ar/NAME`` (Arabic source) and ``DIR/en/NAME`` (English target) for
every document NAME.  :func:`align_directory` writes ``OUT/NAME`` in the links
format (:func:`workbench.align.links.format_links`, one ``[i,j]:[k]:score`` a line),
atomically, as each document finishes.  An interrupted run resumes: a NAME whose
output already exists and covers every segment of both sides is read back, not
aligned again.

Documents run in parallel on all cores in worker processes (the shared batch runner,
:mod:`workbench.runner`, whose pool helpers are re-exported here); each worker builds
one :class:`~workbench.align.api.Aligner` (so the embedder is loaded once a process)
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

import warnings
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from workbench.align.links import Link, check_coverage, format_links, parse_links
from workbench.errors import CancelledError, InputFileError, OutputFileError, WorkbenchError
from workbench.progress import CancelToken, ProgressEvent
from workbench.runner import (
    InProcess,
    abort_pool,
    available_cores,
    close_pool,
    local_executor,
    run_batch,
    sigterm_raises,
    watch_parent,
)
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


def _init_worker(glossary_paths: Sequence[str] | None, threads: int | None) -> None:
    """Process-pool initializer: one Aligner (and glossary) for the life of the process."""
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


def _worker_align(name: str, directory: str, unit: str, langs: dict | None = None,
                  opts: dict | None = None) -> tuple[str, list[Link] | str]:
    """Runs in a worker: (name, links) or (name, error message) for a user error."""
    try:
        src, tgt = _read_pair(Path(directory), name)
        return name, _align_texts(_WORKER["aligner"], _WORKER["glossary"], src, tgt, unit,
                                  Path(directory), name, langs=langs, opts=opts)
    except WorkbenchError as exc:
        return name, str(exc)


# --- the batch --------------------------------------------------------------------------


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

    # every input is checked (and its segments counted) before anything is aligned; the
    # documents written completely in OUT are resumed
    existing: dict[str, list[Link]] = {}
    for name in plan.names:
        if cancel is not None:
            cancel.raise_if_cancelled()
        src, tgt = _read_pair(plan.directory, name)
        _check_pair_scripts(src, tgt, plan.directory, name, langs)
        n_src, n_tgt = _counts(src, tgt, unit, langs)
        links = _existing(plan.out_dir / name, n_src, n_tgt)
        if links is not None:
            existing[name] = links
    done: dict[str, list[Link]] = {}
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(plan.out_dir, plan.names)

    def finish(result: tuple[str, list[Link] | str]) -> str:
        name, links = result
        if isinstance(links, str):  # a user error in a worker, as one line
            raise WorkbenchError(links)
        write_text_atomic(plan.out_dir / name, format_links(links))
        done[name] = links
        return name

    def here() -> InProcess:
        # this process: the caller's aligner (or one made now), cancel checked inside
        # a document too
        nonlocal aligner
        if aligner is None:
            aligner = _new_aligner(None)
        return _AlignHere(aligner, glossary, plan.directory, unit, cancel, langs, opts)

    def executor(n_todo: int):
        # worker processes: one BLAS thread each, since the documents use every core
        return local_executor(workers or available_cores(), n_todo, initializer=_init_worker,
                              initargs=(gpaths, 1), in_process=here)

    resumed = run_batch(plan.names, partial(_worker_align, directory=str(plan.directory),
                                            unit=unit, langs=langs, opts=opts),
                        executor=executor, finish=finish, task=TASK, reuse=existing.get,
                        reused=lambda n: f"{n} already aligned", progress=progress,
                        cancel=cancel)
    done.update(resumed)
    return {name: done[name] for name in plan.names if name in done}


class _AlignHere(InProcess):
    """The documents in this process, with an aligner already loaded (no pickling)."""

    def __init__(self, aligner, glossary, directory: Path, unit: str,
                 cancel: CancelToken | None, langs: dict, opts: dict) -> None:
        self.args = (aligner, glossary, directory, unit, cancel, langs, opts)

    def run(self, fn, items, on_result, check) -> None:
        aligner, glossary, directory, unit, cancel, langs, opts = self.args

        def one(name: str) -> tuple[str, list[Link]]:
            src, tgt = _read_pair(directory, name)
            return name, _align_texts(aligner, glossary, src, tgt, unit, directory, name,
                                      cancel, langs, opts)

        super().run(one, items, on_result, check)


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
