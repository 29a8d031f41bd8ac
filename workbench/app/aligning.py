"""Aligning two text files, checked against a gold alignment when one is given: what
``workbench align`` does before it prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from workbench.align.links import Link
from workbench.errors import WorkbenchError
from workbench.progress import ProgressEvent

__all__ = ["AlignedFiles", "align_files", "align_pair"]


@dataclass
class AlignedFiles:
    """The alignment (:class:`workbench.align.api.AlignmentResult`), and with a gold file
    its links and the score (:class:`workbench.scoring.alignment.AlignmentScore`)."""

    result: Any
    gold: list[Link] | None = None
    score: Any = None


def align_files(source: str | Path, target: str | Path, *, unit: str = "paragraphs",
                glossary_paths: Sequence[Path] | None = None, gold: Path | None = None,
                max_link: int | None = None, profile: str = "auto", source_lang: str = "ar",
                target_lang: str = "en", disk_cache: bool = True,
                progress: Callable[[ProgressEvent], None] | None = None) -> AlignedFiles:
    """Read, check (scripts, gold coverage) and align ``source`` with ``target``; one-line
    errors name the file."""
    from workbench.align.api import Aligner
    from workbench.align.langs import check_lang, check_scripts
    from workbench.align.links import check_coverage, read_links
    from workbench.textio import read_text

    if max_link is not None and (max_link < 1 or max_link > 8):
        raise WorkbenchError(f"--max-link must be between 1 and 8 (got {max_link})")
    src_text = read_text(source, what="source file")
    tgt_text = read_text(target, what="target file")
    gold_links = read_links(gold) if gold else None
    if gold_links is not None and not gold_links:
        raise WorkbenchError("the gold file has no links", path=gold)
    glossary = None
    if glossary_paths:
        from workbench.glossary import load_glossary

        glossary = load_glossary([Path(p) for p in glossary_paths])
    aligner = Aligner(disk_cache=disk_cache)
    langs = dict(source_lang=check_lang(source_lang, "--source-lang"),
                 target_lang=check_lang(target_lang, "--target-lang"))
    check_scripts(src_text, tgt_text, src_name=f"source {source}", tgt_name=f"target {target}",
                  **langs)
    result = aligner.align_texts(src_text, tgt_text, unit, glossary=glossary,
                                 max_link=max_link, progress=progress, profile=profile, **langs)
    score = None
    if gold_links is not None:
        check_coverage(gold_links, len(result.source), len(result.target), path=gold)
        from workbench.scoring.alignment import score_alignment

        score = score_alignment(gold_links, result.links)
    return AlignedFiles(result, gold_links, score)


def align_pair(pair: Any, unit: str = "paragraphs", *, disk_cache: bool = True,
               progress: Callable[[ProgressEvent], None] | None = None) -> AlignedFiles:
    """Align a corpus pair (:class:`workbench.corpus.Pair`), scored against its gold
    alignment when it has one by ``unit``."""
    from workbench.align.api import Aligner

    result = Aligner(disk_cache=disk_cache).align_texts(pair.source.text, pair.target.text,
                                                       unit, progress=progress)
    gold = pair.gold_links() if pair.gold_unit == unit else None
    score = None
    if gold is not None:
        from workbench.scoring.alignment import score_alignment

        score = score_alignment(gold, result.links)
    return AlignedFiles(result, gold, score)
