"""Term success and variant rates over many aligned pairs (batch scoring, MT benchmarks)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

from workbench.glossary.model import Glossary

__all__ = ["TermRates", "term_rates"]

_DEVIANT = {"deprecated", "equivalent", "probable"}
_ALLOWED = {"preferred", "variant"}


@dataclass
class TermRates:
    """Term success rate and variant rate over many aligned pairs.

    ``terms_in_source`` counts (pair, entry) occurrences in the Arabic;
    ``success`` those whose English uses the preferred or an allowed form;
    ``variant`` those rendered only by a deviating form (deprecated,
    normalisation-equivalent or probable); ``forbidden`` only by a forbidden
    form; ``missing`` not at all.  Pairs with an empty side (deletions,
    insertions) are not counted.  Rates are None when no term was found.
    """

    terms_in_source: int = 0
    success: int = 0
    variant: int = 0
    forbidden: int = 0
    missing: int = 0
    per_term: dict[str, Counter] = field(default_factory=dict)

    @property
    def success_rate(self) -> float | None:
        return self.success / self.terms_in_source if self.terms_in_source else None

    @property
    def variant_rate(self) -> float | None:
        return self.variant / self.terms_in_source if self.terms_in_source else None

    def merge(self, other: "TermRates") -> "TermRates":
        out = TermRates(self.terms_in_source + other.terms_in_source,
                        self.success + other.success, self.variant + other.variant,
                        self.forbidden + other.forbidden, self.missing + other.missing)
        for src in (self.per_term, other.per_term):
            for k, v in src.items():
                out.per_term.setdefault(k, Counter()).update(v)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"terms_in_source": self.terms_in_source, "success": self.success,
                "variant": self.variant, "forbidden": self.forbidden, "missing": self.missing,
                "success_rate": self.success_rate, "variant_rate": self.variant_rate,
                "per_term": {k: dict(v) for k, v in sorted(self.per_term.items())}}


def term_rates(glossary: Glossary, sources: Sequence[str], targets: Sequence[str]) -> TermRates:
    """Term success rate and variant rate over aligned pairs (see :class:`TermRates`)."""
    rates = TermRates()
    for s, t in zip(sources, targets):
        if not (s or "").strip() or not (t or "").strip():
            continue  # a deletion or an insertion: nothing to render
        src_ids = dict.fromkeys(m.entry_id for m in glossary.match_arabic(s or ""))
        if not src_ids:
            continue
        statuses: dict[str, set[str]] = {}
        for m in glossary.match_english(t or ""):
            statuses.setdefault(m.entry_id, set()).add(m.status)
        for eid in src_ids:
            st = statuses.get(eid, set())
            rates.terms_in_source += 1
            if st & _ALLOWED:
                outcome = "success"
            elif st & _DEVIANT:
                outcome = "variant"
            elif "forbidden" in st:
                outcome = "forbidden"
            else:
                outcome = "missing"
            setattr(rates, outcome, getattr(rates, outcome) + 1)
            rates.per_term.setdefault(eid, Counter())[outcome] += 1
    return rates
