"""Glossary statistics: entries by type, and how the corpora use them (coverage)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable

from workbench.glossary.model import TYPES, Glossary
from workbench.text.normalize import ARABIC_LETTER_CLASS

_ARABIC = re.compile(f"[{ARABIC_LETTER_CLASS}]")

__all__ = ["glossary_stats"]


def glossary_stats(glossary: Glossary, collections: Iterable[Any] | None = None, *,
                   progress=None, cancel=None) -> dict[str, Any]:
    """Counts by type and field; with ``collections`` (:class:`workbench.corpus.Collection`),
    term occurrences per document and per entry, and the entries no document uses."""
    from workbench.progress import Reporter

    by_type = Counter(e.type for e in glossary)
    out: dict[str, Any] = {
        "entries": len(glossary),
        "files": [str(f) for f in glossary.files],
        "by_type": {t: by_type.get(t, 0) for t in TYPES},
        "arabic_forms": sum(len(e.ar) for e in glossary),
        "english_forms": {
            "preferred": len(glossary),
            "variants": sum(len(e.variants) for e in glossary),
            "deprecated": sum(len(e.deprecated) for e in glossary),
            "forbidden": sum(len(e.forbidden) for e in glossary),
        },
        "related_links": sum(len(e.related) for e in glossary),
        "ambiguous": _ambiguity_counts(glossary),
    }
    if collections is None:
        return out
    docs = [(c.name, d) for c in collections for d in c.documents.values()]
    reporter = Reporter("glossary coverage", len(docs), progress, cancel)
    per_entry: Counter = Counter()
    per_status: Counter = Counter()
    documents = []
    for cname, doc in docs:
        text = doc.text
        matches = glossary.match_arabic(text) if doc.language == "ar" else \
            glossary.match_english(text)
        ids = Counter(m.entry_id for m in matches)
        per_entry.update(ids)
        if doc.language == "en":
            per_status.update(m.status for m in matches)
        documents.append({"document": f"{cname}:{doc.id}", "language": doc.language,
                          "occurrences": len(matches), "distinct_terms": len(ids)})
        reporter.advance(detail=f"{cname}:{doc.id}")
    used = set(per_entry)
    out["coverage"] = {
        "documents": documents,
        "entries_used": len(used),
        "entries_unused": sorted(set(glossary.entries) - used),
        "english_statuses": dict(per_status),
        "most_frequent": per_entry.most_common(10),
        "by_type_used": {t: sum(1 for e in glossary if e.type == t and e.id in used)
                         for t in TYPES},
    }
    return out


def _ambiguity_counts(glossary: Glossary) -> dict[str, int]:
    """How many entries are marked ambiguous (forms, homonyms) and how to tell them apart."""
    arabic = _ARABIC
    marked = [e for e in glossary if e.is_ambiguous]
    return {
        "entries": len(marked),
        "arabic_forms": sum(1 for e in glossary for f in e.ambiguous if arabic.search(f)),
        "english_forms": sum(1 for e in glossary for f in e.ambiguous if not arabic.search(f)),
        "with_homonyms": sum(1 for e in marked if e.homonyms),
        "with_context": sum(1 for e in marked if e.context),
        "with_senses": sum(1 for e in marked if e.senses),
    }
