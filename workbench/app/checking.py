"""Checking a translation: terminology QA of an English document against its Arabic source.

:func:`check_documents` pairs the two texts (one to one with ``aligned``, else by
aligning them with the given aligner or :func:`workbench.align.api.align_texts`)
and checks every pair against the glossary
(:func:`workbench.glossary.documents.check_pairs`).  The result keeps each pair's
offsets in the documents, so :func:`workbench.glossary.documents.fix_document`
can write the fixes into the original English.
"""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.glossary.documents import (
    DocumentQA,
    aligned_pairs,
    check_pairs,
    check_scripts,
    fix_document,
    pairs_from_links,
)
from workbench.glossary.model import Glossary
from workbench.text.segment import check_unit

__all__ = ["DocumentQA", "apply_dismissals", "check_documents", "fix_document"]


def check_documents(glossary: Glossary, ar_text: str, en_text: str, *, aligned: bool = False,
                    unit: str | None = None, numbers: bool = True, ar_name: str = "AR",
                    en_name: str = "EN", aligner=None, progress=None, cancel=None) -> DocumentQA:
    """QA of ``en_text`` against ``ar_text``.

    ``aligned``: line i (or segment i of ``unit``) pairs with line i; otherwise the texts
    are aligned first by ``unit`` (default paragraphs) with ``aligner`` (any object with
    ``align_texts``) or the default aligner.
    """
    if unit is not None:
        check_unit(unit)
    check_scripts(ar_text, en_text, ar_name, en_name)
    links = None
    if aligned:
        pairs = aligned_pairs(ar_text, en_text, unit, ar_name, en_name)
    else:
        unit = unit or "paragraphs"
        if aligner is None:
            from workbench.align.api import align_texts as align
        else:
            align = aligner.align_texts
        result = align(ar_text, en_text, unit, glossary=glossary, progress=progress,
                       cancel=cancel)
        links = result.links
        pairs = pairs_from_links(ar_text, en_text, result.source, result.target, links)
    return check_pairs(glossary, pairs, numbers=numbers, links=links, progress=progress,
                       cancel=cancel)


def apply_dismissals(project_path, result: DocumentQA, findings: list, dismiss: list[str]
                     ) -> tuple[list, int]:
    """Dismiss, in the project at ``project_path``, the findings named by ``dismiss``
    (``KIND`` or ``KIND:TERM``), then drop every finding dismissed there; returns the
    findings left and how many were hidden."""
    from workbench.glossary.qa import KINDS
    from workbench.store.dismissals import dismiss as dismiss_finding
    from workbench.store.dismissals import without_dismissed
    from workbench.store.project import Project

    if project_path is None:
        raise WorkbenchError("--dismiss needs --project (the project that keeps dismissals)")
    wanted = []
    for item in dismiss:
        kind, _, term = item.partition(":")
        if kind not in KINDS:
            raise WorkbenchError(f"--dismiss {item!r}: unknown kind {kind!r} (one of "
                                 f"{', '.join(KINDS)})")
        wanted.append((kind, term or None))

    def texts(f):
        pair = result.pairs[f.segment]
        return pair.source, pair.target

    with Project.open(project_path) as project:
        for f in findings:
            if any(f.kind == k and (t is None or f.term == t) for k, t in wanted):
                dismiss_finding(project, f, *texts(f), note="workbench qa --dismiss")
        return without_dismissed(project, findings, texts)
