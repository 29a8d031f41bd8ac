"""Translating a text with the memory and a model: what ``workbench translate`` does.

:func:`translate_text` proposes an English line for every Arabic line (glossary-aware
MT, :func:`workbench.mt.propose.propose`, cached), looks every line up in a translation
memory when one is given, and decides per line: a 100% memory match replaces the MT
proposal.  Everything is an explicit argument (model, folders, glossary files).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from workbench.errors import WorkbenchError
from workbench.progress import ProgressEvent

__all__ = ["TranslatedLine", "Translation", "translate_text"]


@dataclass
class TranslatedLine:
    """One input line: its MT proposal, its memory matches and what was chosen."""

    number: int                      # 1-based line number
    source: str                      # the line, whitespace collapsed
    proposal: Any                    # workbench.mt.propose.Proposal
    matches: list = field(default_factory=list)   # workbench.mt.memory.TMMatch, best first

    @property
    def chosen(self) -> str:
        """``tm`` when the memory has the line exactly (100%), else ``mt``."""
        return "tm" if self.matches and self.matches[0].exact else "mt"

    @property
    def output(self) -> str:
        if not self.source:
            return ""
        return self.matches[0].target if self.chosen == "tm" else self.proposal.text

    def to_dict(self) -> dict:
        return {"line": self.number, **self.proposal.to_dict(),
                "tm": [m.to_dict() for m in self.matches], "chosen": self.chosen,
                "output": self.output}


@dataclass
class Translation:
    """Every line of the input, the model's fingerprint and whether a glossary was used."""

    lines: list[TranslatedLine]
    model: str
    glossary: bool


def translate_text(source: str | Path, *, model: str | Path | None, models_dir: Path | None,
                   data_dir: Path, glossary_paths: Sequence[Path] | None = None,
                   n_best: int = 1, batch_size: int = 16, device: str = "auto",
                   tm: Path | None = None, cache: Path | None = None, use_cache: bool = True,
                   threshold: float = 70.0,
                   progress: Callable[[ProgressEvent], None] | None = None) -> Translation:
    """Translate the file ``source`` (``-``: standard input) line by line (see the module
    docstring), read once the model is found.  ``glossary_paths``
    None: no glossary.  The proposals are cached in ``cache``, else in the memory file
    ``tm``, else in ``data_dir``'s stand-alone cache (unless ``use_cache`` is false)."""
    from workbench.mt.backend import load_backend
    from workbench.mt.cache import ProposalCache
    from workbench.mt.db import default_cache_path, open_tm_db
    from workbench.mt.memory import TranslationMemory
    from workbench.mt.propose import propose

    if n_best < 1:
        raise WorkbenchError("--n-best must be at least 1")
    if batch_size < 1:
        raise WorkbenchError("--batch-size must be at least 1")
    if not 0 <= threshold <= 100:
        raise WorkbenchError("--threshold must be a percentage (0-100)")
    backend = load_backend(model, models_dir=models_dir, device=device, batch_size=batch_size)
    glossary = None
    if glossary_paths is not None:
        from workbench.glossary import load_glossary

        glossary = load_glossary(list(glossary_paths))
    from workbench.textio import read_text

    lines = read_text(source, what="input").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    segments = [" ".join(line.split()) for line in lines]

    memory = None
    tm_conn = None
    if tm is not None:
        tm_conn = open_tm_db(tm, create=False)
        memory = TranslationMemory(tm_conn)
    proposal_cache = None
    if use_cache:
        if cache is not None:
            proposal_cache = ProposalCache(open_tm_db(cache, what="proposal cache"))
        elif tm_conn is not None:
            proposal_cache = ProposalCache(tm_conn)
        else:
            proposal_cache = ProposalCache(open_tm_db(default_cache_path(data_dir),
                                                      what="proposal cache"))
    proposals = propose(backend, segments, glossary=glossary, n_best=n_best,
                        cache=proposal_cache, progress=progress)
    out = []
    for i, (seg, p) in enumerate(zip(segments, proposals)):
        matches = []
        if memory is not None and seg:
            prev = segments[i - 1] if i > 0 and segments[i - 1] else None
            nxt = segments[i + 1] if i + 1 < len(segments) and segments[i + 1] else None
            matches = memory.lookup(seg, threshold=threshold, context_prev=prev,
                                    context_next=nxt)
        out.append(TranslatedLine(i + 1, seg, p, matches))
    return Translation(out, backend.fingerprint, glossary is not None)
