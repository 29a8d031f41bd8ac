"""What the editor is offered for a link, and the glossary's view of its texts (a part
of :class:`workbench.app.session.Session`).

:class:`Proposals` gives the translation-memory matches, the MT n-best (from the
project's cache, or the model), the aligned rewrite with the glossary's fixes, the
glossary terms in the Arabic and the live term findings of the editor's text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.glossary.qa import Finding, apply_fixes, check_pair
from workbench.store.project import Project, ProjectLink

__all__ = ["Candidate", "Proposals", "TermHit", "backend_for"]


@dataclass(frozen=True)
class Candidate:
    """A proposal for the editor: from the memory, the model, or the aligned rewrite."""

    kind: str                # tm | mt | rewrite
    text: str
    label: str               # "100%", "87%", "context", "MT 1", "rewrite"
    score: float = 0.0
    diff: tuple[tuple[str, str], ...] = ()   # TM: (equal|removed|added, text) of the sources
    findings: tuple[Finding, ...] = ()
    cached: bool = False


@dataclass(frozen=True)
class TermHit:
    """A glossary term in the Arabic: where, and its entry."""

    start: int
    end: int
    entry_id: str
    en: str
    variants: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    note: str = ""


class _CacheMiss(Exception):
    pass


class _CacheOnly:
    """A backend that only answers from the cache (a miss raises): proposals without
    loading the model."""

    def __init__(self, backend: Any) -> None:
        self.fingerprint = backend.fingerprint

    def translate(self, segments: list[str], **_kw: Any) -> list:
        raise _CacheMiss()


def backend_for(model: str | Path | None, models_dir: Path | None) -> tuple[Any, str]:
    """The configured model's backend (not loaded) or None with the notice to show."""
    from workbench.mt.modeldir import HOW_TO_GET_A_MODEL

    if model is None:
        where = models_dir if models_dir is not None else "the models folder"
        return None, ("no machine-translation model is configured; "
                      + HOW_TO_GET_A_MODEL.format(models_dir=where))
    from workbench.mt.backend import available_backend

    return available_backend(model, models_dir=models_dir)


class Proposals:
    """Proposals and term checks of a session's links."""

    project: Project
    glossary: Any
    backend: Any
    n_best: int
    tm_threshold: int
    _finding_cache: dict[tuple[str, str], list[Finding]]
    dismissals: Any                   # the session's Dismissals (app.findings)
    links: list[ProjectLink]          # the session's links (a property there)

    def _findings_of(self, link: ProjectLink, text: str | None = None) -> list[Finding]:
        if self.glossary is None or link.is_insertion:
            return []
        text = link.target_text if text is None else text
        key = (link.source_text, text)
        got = self._finding_cache.get(key)
        if got is None:
            got = check_pair(self.glossary, 0, link.source_text, text)
            if len(self._finding_cache) > 20_000:
                self._finding_cache.clear()
            self._finding_cache[key] = got
        return self.dismissals.open(got, link.source_text, text)    # not the dismissed

    # ---- the editor

    def check(self, link: ProjectLink, text: str) -> list[Finding]:
        """Term findings of ``text`` as the English of ``link`` (live, as one types)."""
        return list(self._findings_of(link, text))

    def fix(self, link: ProjectLink, text: str) -> str:
        """``text`` with every variant and deprecated spelling replaced by the preferred form."""
        if not text.strip():
            return text
        return apply_fixes(text, self._findings_of(link, text))

    def terms(self, link: ProjectLink) -> list[TermHit]:
        """The glossary terms in the link's Arabic, for highlights and the entry view."""
        if self.glossary is None or not link.source_text.strip():
            return []
        out = []
        for m in self.glossary.match_arabic(link.source_text):
            e = self.glossary.entries[m.entry_id]
            out.append(TermHit(m.start, m.end, m.entry_id, e.en, tuple(e.variants),
                               tuple(e.deprecated), tuple(e.forbidden), e.note or ""))
        return out

    def rewrite_marks(self, link: ProjectLink) -> list[Finding]:
        """Deprecated or forbidden spellings in the aligned rewrite (``variant`` and
        ``forbidden`` findings with their spans in ``link.reference_text``)."""
        if self.glossary is None or not link.reference_text.strip():
            return []
        return [f for f in check_pair(self.glossary, 0, link.source_text, link.reference_text,
                                      numbers=False)
                if f.kind in ("variant", "forbidden") and f.target_span is not None]

    def initial_text(self, link: ProjectLink, *, prefill: str = "empty",
                     candidates: list[Candidate] | None = None) -> str:
        """What the editor shows for ``link``: the translator's text once there is one;
        for a new link nothing, or the best proposal with ``prefill="best"``."""
        if link.status != "new":
            return link.target_text
        if prefill == "best" and candidates:
            return candidates[0].text
        return ""

    # ---- proposals

    def tm_candidates(self, link: ProjectLink, limit: int = 3) -> list[Candidate]:
        if not link.source_text.strip():
            return []
        segs = self.project.segments("source")
        prev = segs[link.src[0] - 1].text if link.src[0] > 0 else None
        nxt = segs[link.src[-1] + 1].text if link.src[-1] + 1 < len(segs) else None
        matches = self.project.memory().lookup(link.source_text, limit=limit,
                                               threshold=self.tm_threshold,
                                               context_prev=prev, context_next=nxt)
        return [Candidate("tm", m.target, m.label, float(m.score), tuple(map(tuple, m.diff)),
                          tuple(self.check(link, m.target)))
                for m in matches]

    def rewrite_candidate(self, link: ProjectLink) -> Candidate | None:
        if not link.reference_text.strip() or link.is_insertion:
            return None
        fixed = self.fix(link, link.reference_text)
        return Candidate("rewrite", fixed, "rewrite", 0.0, (), tuple(self.check(link, fixed)))

    def mt_candidates(self, link: ProjectLink, *, cached_only: bool = False,
                      cancel: Any = None) -> list[Candidate]:
        """MT n-best for the link (best first, with term checks); from the project's cache
        when there (no model loaded), else from the model unless ``cached_only``."""
        if self.backend is None or not link.source_text.strip():
            return []
        from workbench.mt.propose import propose

        backend = _CacheOnly(self.backend) if cached_only else self.backend
        try:
            (p,) = propose(backend, [link.source_text], glossary=self.glossary,
                           n_best=self.n_best, cache=self.project.proposal_cache(),
                           cancel=cancel)
        except _CacheMiss:
            return []
        out = []
        for k, (text, score) in enumerate(p.n_best or [(p.text, p.score)]):
            if not text.strip():
                continue
            out.append(Candidate("mt", text, f"MT {k + 1}", score, (),
                                 tuple(self.check(link, text)), p.cached))
        return out

    def translate_all(self, *, progress: Callable[[Any], None] | None = None,
                      cancel: Any = None) -> int:
        """MT proposals for every link into the project's cache (what is cached already is
        not translated again); returns how many segments were proposed."""
        if self.backend is None:
            return 0
        from workbench.mt.propose import propose

        sources = [lk.source_text for lk in self.links if lk.source_text.strip()]
        propose(self.backend, sources, glossary=self.glossary, n_best=self.n_best,
                cache=self.project.proposal_cache(), progress=progress, cancel=cancel)
        return len(sources)

    def candidates(self, link: ProjectLink, *, mt: bool = True, cached_only: bool = True,
                   ) -> list[Candidate]:
        """TM matches, then MT (cached only by default), then the rewrite with its fixes."""
        out = self.tm_candidates(link)
        if mt:
            out += self.mt_candidates(link, cached_only=cached_only)
        rw = self.rewrite_candidate(link)
        if rw is not None:
            out.append(rw)
        return out
