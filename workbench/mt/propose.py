"""Glossary-aware translation proposals.

For each Arabic segment :func:`propose`:

1. finds the glossary terms of the source whose sense the Arabic context does not leave in
   doubt (:func:`workbench.glossary.senses.expected_matches`, the decision terminology QA
   makes): the *required* terms.  حماة الديار ("guardians of the homeland") requires no
   "Hama", في حماة does; أريحا alone (Ariha or Jericho) requires neither;
2. decodes an n-best list with the backend;
3. **reranks** it: a hypothesis that renders every required term (in any spelling the
   glossary knows) and uses no deprecated or forbidden form wins; the model score breaks
   ties (:func:`rank_key`);
4. **protects** terms when no hypothesis renders them all: the Arabic term is replaced by
   its preferred English form (the model copies Latin names), the protected source is
   decoded too and its hypotheses join the reranking;
5. **post-edits** the winner: variants, deprecated spellings and normalisation-equivalents
   become the preferred form (``workbench.glossary.qa.apply_fixes``);
6. attaches the terminology QA findings of the final text (``check_pair``).

Constrained beam search (``force_words_ids``) is not used: transformers 5 removed it.
Proposals are cached (:class:`~workbench.mt.cache.ProposalCache`) by model fingerprint,
options, glossary fingerprint and source text; a cache hit needs no model at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from workbench.mt.backend import Hypothesis, TranslationBackend
from workbench.mt.cache import ProposalCache, cache_key
from workbench.progress import CancelToken, ProgressEvent, Reporter

__all__ = ["Proposal", "propose", "protect_terms", "required_matches", "rank_key", "term_check",
           "glossary_fingerprint", "PROPOSAL_VERSION"]

#: Bumped when the proposal pipeline changes, so that old cache entries are not reused.
PROPOSAL_VERSION = 2  # 2: required terms follow the Arabic context (senses)

_ALLOWED = {"preferred", "variant"}
_FIXABLE = {"deprecated", "equivalent", "probable"}
_BAD = {"deprecated", "forbidden"}


@dataclass
class Proposal:
    """A proposed translation of one segment.

    ``n_best`` lists (text, model score) best first after reranking and post-editing;
    ``terms_required`` the glossary entry ids found in the source, ``terms_satisfied`` those
    the final text renders with the preferred or an allowed form; ``findings`` the
    terminology QA findings of the final text (dicts of ``Finding.to_dict()``).
    """

    source: str
    text: str
    n_best: list[tuple[str, float]] = field(default_factory=list)
    terms_required: list[str] = field(default_factory=list)
    terms_satisfied: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    raw: str = ""                 # the model's best hypothesis before the glossary steps
    score: float = 0.0            # model score of the chosen hypothesis
    protected: bool = False       # the chosen hypothesis came from the protected source
    post_edited: bool = False     # spellings were replaced by the preferred form
    model: str = ""               # backend fingerprint
    cached: bool = False

    @property
    def terms_missing(self) -> list[str]:
        return [t for t in self.terms_required if t not in self.terms_satisfied]

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "text": self.text,
                "n_best": [{"text": t, "score": round(s, 4)} for t, s in self.n_best],
                "terms_required": list(self.terms_required),
                "terms_satisfied": list(self.terms_satisfied),
                "terms_missing": self.terms_missing,
                "findings": list(self.findings), "raw": self.raw, "score": round(self.score, 4),
                "protected": self.protected, "post_edited": self.post_edited,
                "model": self.model, "cached": self.cached}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Proposal":
        return cls(source=d["source"], text=d["text"],
                   n_best=[(x["text"], float(x["score"])) for x in d.get("n_best", [])],
                   terms_required=list(d.get("terms_required", [])),
                   terms_satisfied=list(d.get("terms_satisfied", [])),
                   findings=list(d.get("findings", [])), raw=d.get("raw", ""),
                   score=float(d.get("score", 0.0)), protected=bool(d.get("protected", False)),
                   post_edited=bool(d.get("post_edited", False)), model=d.get("model", ""),
                   cached=bool(d.get("cached", False)))


def glossary_fingerprint(glossary: Any) -> str:
    """A hash of the glossary's entries, forms and ambiguity rules (proposals depend on
    them)."""
    if glossary is None:
        return ""
    items = []
    for eid in sorted(glossary.entries):
        e = glossary.entries[eid]
        items.append([eid, e.en, list(e.ar), list(getattr(e, "variants", []) or []),
                      list(getattr(e, "deprecated", []) or []),
                      list(getattr(e, "forbidden", []) or []),
                      # the required terms follow the ambiguity marks and context rules
                      list(getattr(e, "ambiguous", []) or []),
                      bool(getattr(e, "ambiguous_all", False)),
                      list(getattr(e, "homonyms", []) or []),
                      sorted((k, repr(v)) for k, v in (getattr(e, "context", {}) or {}).items())])
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()[:16]


def required_matches(glossary: Any, source: str) -> list[Any]:
    """The Arabic glossary matches of ``source`` that a proposal must render (and may
    protect): those :mod:`workbench.glossary.senses` expects, as QA does."""
    from workbench.glossary.senses import expected_matches

    return expected_matches(glossary, source)


def protect_terms(glossary: Any, source: str, matches: Sequence[Any] | None = None) -> str:
    """``source`` with each required Arabic glossary term (:func:`required_matches`) replaced
    by its preferred English form."""
    if matches is None:
        matches = required_matches(glossary, source)
    out = source
    for m in sorted(matches, key=lambda m: m.start, reverse=True):
        en = glossary.entries[m.entry_id].en
        out = out[:m.start] + en + out[m.end:]
    return out


@dataclass(frozen=True)
class TermCheck:
    """How one hypothesis renders the required terms."""

    missing: int          # required terms with no English form at all
    bad: int              # deprecated or forbidden forms used
    forbidden: int        # forbidden forms used (no post-edit can fix these)
    fixable: int          # forms the post-edit will replace (variant spellings)
    satisfied: tuple[str, ...]


def term_check(glossary: Any, required: Sequence[str], text: str) -> TermCheck:
    """Which required terms ``text`` renders, and how."""
    statuses: dict[str, set[str]] = {}
    bad = forbidden = 0
    for m in glossary.match_english(text) if text.strip() else []:
        statuses.setdefault(m.entry_id, set()).add(m.status)
        if m.status in _BAD:
            bad += 1
        if m.status == "forbidden":
            forbidden += 1
    missing = sum(1 for eid in required if eid not in statuses)
    fixable = sum(1 for eid in required if statuses.get(eid, set()) & _FIXABLE
                  and not statuses[eid] & _ALLOWED)
    satisfied = tuple(eid for eid in required if statuses.get(eid, set()) & _ALLOWED)
    return TermCheck(missing, bad, forbidden, fixable, satisfied)


def rank_key(check: TermCheck | None, score: float) -> tuple:
    """Sort key, smallest best: every required term first, then no bad forms, then score."""
    if check is None:
        return (0, 0, -score)
    return (check.missing, check.bad, -score)


def _post_edit(glossary: Any, source: str, text: str) -> str:
    from workbench.glossary.qa import apply_fixes, check_pair

    if not text.strip():
        return text
    return apply_fixes(text, check_pair(glossary, 0, source, text, numbers=False))


@dataclass
class _Work:
    index: int
    source: str
    key: str
    required: list[str] = field(default_factory=list)
    matches: list[Any] = field(default_factory=list)
    candidates: list[tuple[Hypothesis, bool]] = field(default_factory=list)  # (hyp, protected)


def _best(glossary: Any, work: _Work) -> list[tuple[tuple, Hypothesis, bool, TermCheck | None]]:
    ranked = []
    for hyp, protected in work.candidates:
        check = term_check(glossary, work.required, hyp.text) if glossary is not None else None
        ranked.append((rank_key(check, hyp.score), hyp, protected, check))
    ranked.sort(key=lambda r: r[0])
    return ranked


def _finish(glossary: Any, work: _Work, n_best: int, model: str) -> Proposal:
    ranked = _best(glossary, work)
    raw_hyps = [h for h, p in work.candidates if not p]
    raw = raw_hyps[0].text if raw_hyps else ""
    if not ranked:
        return Proposal(work.source, "", [], work.required, [], [], raw, 0.0, False, False, model)
    _key, best, protected, _check = ranked[0]
    n_list: list[tuple[str, float]] = []
    seen: set[str] = set()
    final = best.text
    for _k, hyp, _p, _c in ranked:
        text = _post_edit(glossary, work.source, hyp.text) if glossary is not None else hyp.text
        if hyp is best:
            final = text
        if text in seen:
            continue
        seen.add(text)
        n_list.append((text, hyp.score))
        if len(n_list) >= n_best:
            break
    findings: list[dict[str, Any]] = []
    satisfied: list[str] = []
    if glossary is not None and final.strip():
        from workbench.glossary.qa import check_pair

        findings = [f.to_dict() for f in check_pair(glossary, work.index, work.source, final)]
        satisfied = list(term_check(glossary, work.required, final).satisfied)
    return Proposal(work.source, final, n_list, list(work.required), satisfied, findings, raw,
                    best.score, protected, final != best.text, model)


def propose(backend: TranslationBackend, segments: Sequence[str], *, glossary: Any = None,
            n_best: int = 4, cache: ProposalCache | None = None, protect: bool = True,
            progress: Callable[[ProgressEvent], None] | None = None,
            cancel: CancelToken | None = None) -> list[Proposal]:
    """Glossary-aware proposals for ``segments`` (see the module docstring).

    ``glossary`` is a :class:`workbench.glossary.Glossary` or None (plain MT).  With
    ``cache`` the proposals are read from and written to the project's ``mt_cache``.
    """
    if n_best < 1:
        from workbench.errors import WorkbenchError

        raise WorkbenchError("n-best must be at least 1")
    segments = list(segments)
    options = {"v": PROPOSAL_VERSION, "n_best": n_best, "protect": protect,
               "glossary": glossary_fingerprint(glossary)}
    fingerprint = backend.fingerprint
    works = [_Work(i, s, cache_key(fingerprint, options, s)) for i, s in enumerate(segments)]
    results: dict[int, Proposal] = {}
    if cache is not None:
        hits = cache.get_many(w.key for w in works if w.source.strip())
        for w in works:
            if w.key in hits:
                p = Proposal.from_dict(hits[w.key])
                p.cached = True
                p.source = w.source
                results[w.index] = p
    todo = [w for w in works if w.index not in results]
    empty = [w for w in todo if not w.source.strip()]
    for w in empty:
        results[w.index] = Proposal(w.source, "", model=fingerprint)
    todo = [w for w in todo if w.source.strip()]
    reporter = Reporter("propose", len(segments), progress, cancel)
    reporter.start()
    if len(results):
        reporter.advance(len(results), "cached")
    if todo:
        if glossary is not None:
            for w in todo:
                w.matches = required_matches(glossary, w.source)
                w.required = list(dict.fromkeys(m.entry_id for m in w.matches))

        def sub_progress(ev: ProgressEvent) -> None:
            if progress is not None:
                progress(ProgressEvent("propose", len(results) + ev.done, len(segments),
                                       ev.detail))

        hyps = backend.translate([w.source for w in todo], n_best=n_best,
                                 progress=sub_progress, cancel=cancel)
        for w, hs in zip(todo, hyps):
            w.candidates = [(h, False) for h in hs]
        if glossary is not None and protect:
            need = []
            for w in todo:
                if not w.required:
                    continue
                ranked = _best(glossary, w)
                # deprecated spellings are fixed by the post-edit; a term the model dropped
                # or a forbidden form is not: decode again with the terms protected
                check = ranked[0][3] if ranked else None
                if check is None or check.missing > 0 or check.forbidden > 0:
                    need.append(w)
            if need:
                reporter.check()
                protected = backend.translate(
                    [protect_terms(glossary, w.source, w.matches) for w in need], n_best=n_best,
                    cancel=cancel)
                for w, hs in zip(need, protected):
                    w.candidates += [(h, True) for h in hs]
        new_rows = []
        for w in todo:
            reporter.check()
            p = _finish(glossary, w, n_best, fingerprint)
            results[w.index] = p
            new_rows.append((w.key, fingerprint, p.to_dict()))
        if cache is not None:
            cache.put_many(new_rows)
        if progress is not None:
            progress(ProgressEvent("propose", len(segments), len(segments), "done"))
    return [results[i] for i in range(len(segments))]
