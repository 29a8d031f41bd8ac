"""What one document of a batch score is: :class:`DocTask` (plain, picklable, path-free
data), the :class:`ScoreSettings` it is scored with, and the fingerprint that says
whether a stored result still fits them (inputs, settings, glossary and model files,
the aligner's parameters)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from workbench import __version__
from workbench.scoring.metric import format_signature

__all__ = ["DocTask", "RESULT_FORMAT", "ScoreSettings", "files_stamp"]

#: Bumped when the content of per-document results changes (old ones are then recomputed).
RESULT_FORMAT = 2

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
        where = {k: v for k, v in asdict(settings).items() if k not in _NOT_FINGERPRINTED}
        h.update(json.dumps([RESULT_FORMAT, __version__, asdict(self), where, stamp],
                            ensure_ascii=False, sort_keys=True, default=list).encode("utf-8"))
        return h.hexdigest()[:24]


@dataclass(frozen=True)
class ScoreSettings:
    """How documents are scored; part of every result's fingerprint."""

    mt_model: str | None = None
    #: glossary files or folders for the term rates (needed when ``terms``; the CLI passes
    #: the configured ones): resolved paths, so that workers need no configuration
    glossary_paths: tuple[str, ...] | None = None
    terms: bool = True
    max_link: int = 3
    keep_similarity: bool = True
    #: where a model id given as ``mt_model`` is looked up (the configured models folder);
    #: not part of the fingerprint: the model's files are (:func:`files_stamp`)
    models_dir: str | None = None

    def signature(self) -> str:
        return format_signature("batch", {
            "mt": self.mt_model or "none", "terms": self.terms, "max_link": self.max_link})


#: Settings that say where things are, not what is computed.
_NOT_FINGERPRINTED = frozenset({"models_dir"})


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


def files_stamp(settings: ScoreSettings, aligning: bool = False) -> str:
    """Name, size and modification time of the glossary and MT model files the settings
    use (and the aligner's parameters when aligning), so that changing them invalidates
    stored results."""
    roots: list[Path] = []
    if settings.terms:
        roots += [Path(p) for p in settings.glossary_paths or ()]
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
