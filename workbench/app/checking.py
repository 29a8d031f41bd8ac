"""Checking a translation: terminology QA of an English document against its Arabic source.

:func:`check_documents` pairs the two texts (one to one with ``aligned``, else by
aligning them with the given aligner or :func:`workbench.align.api.align_texts`)
and checks every pair against the glossary
(:func:`workbench.glossary.documents.check_pairs`).  The result keeps each pair's
offsets in the documents, so :func:`workbench.glossary.documents.fix_document`
can write the fixes into the original English.
"""

from __future__ import annotations

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

__all__ = ["DocumentQA", "check_documents", "fix_document"]


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
