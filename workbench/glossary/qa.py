"""Terminology QA on aligned Arabic/English pairs.

The record and its fixes are in :mod:`.findings`, numbers in :mod:`.numbers`, term rates in
:mod:`.rates`, the source-side sense of each term (shared with MT) in :mod:`.senses`; they
are importable from here as before.

For every aligned pair (source i with target i) :func:`check_segments` reports
:class:`Finding` objects of these kinds:

* ``missing``: a term found in the Arabic has no English form at all (neither
  acceptable nor deviating) in the aligned English;
* ``variant``: the English uses a deprecated form, a normalisation-equivalent
  of an allowed form that is not spelled exactly as it, a probable
  transliteration variant, or (for a term of the Arabic that the English lacks) a
  house-style spelling (:mod:`.evidence`: ``Deraa`` for Daraa) (``fix`` is the
  preferred form, capitalised at a sentence start);
* ``forbidden``: the English uses a forbidden form (``fix`` is null: the
  translator must decide);
* ``unsourced``: an English term whose Arabic is not in the aligned source
  (not reported for probable matches alone);
* ``number``: a number in one side that the other side lacks;
* ``check``: something for the translator to look at that is probably fine (an
  ambiguous Arabic form that the English does not render as a name, a probable
  variant of a term the source does not have).

Ambiguous entries (:mod:`.context`): the Arabic is matched with every homonym (أريحا is
Ariha and Jericho; the English having either sense is clean).  An ambiguous Arabic form the
English lacks is no finding when its context shows another sense (``حماة الديار``, tanween,
an ``en_other_sense`` word in the English), ``missing`` when the context confirms the term
(``مدينة حماة``), and otherwise a ``check``.  An ambiguous English form the Arabic lacks is
no finding when its English context rules it out ("Damascus, Maryland"), ``unsourced`` when
the entry has rules to tell its senses apart (capital, words before/after) and none ruled it
out, and otherwise a ``check``.

Every finding has a ``severity`` (:data:`SEVERITIES`): ``error`` for forbidden
forms and for substitutions (a term rendered as a related one: Nusra -> HTS),
``warning`` for missing, variant, unsourced and number findings, ``info`` for
checks; :func:`at_least` keeps the findings of a minimum severity.

A pair with an empty side (a deleted source segment or an inserted target
segment) yields no ``missing``, ``unsourced`` or ``number`` findings: that is
a matter of alignment, not terminology.  Spelling findings (``variant``,
``forbidden``) are reported wherever the English is.

A ``missing`` term whose related entry (predecessor, successor...) shows up
``unsourced`` in the same pair gets a ``note`` naming the substitution, and so
does that ``unsourced`` finding: e.g. Arabic جبهة النصرة rendered as
"Hayat Tahrir Al sham".  Spans are character offsets into the pair's texts.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from workbench.glossary.context import (
    adjective_in,
    english_verdict,
    has_english_rules,
    is_ambiguous_english,
    other_sense_in,
)
from workbench.glossary.evidence import HouseVariant, find_house_variant, house_score, name_key
from workbench.glossary.findings import (
    KINDS,
    SEVERITIES,
    Finding,
    apply_fixes,
    at_least,
    case_like,
    severity_of,
    shift_finding,
)
from workbench.glossary.model import Glossary, TermMatch
from workbench.glossary.numbers import number_findings, numbers_in
from workbench.glossary.rates import TermRates, term_rates
from workbench.glossary.senses import SourceTerm, source_terms

__all__ = ["Finding", "TermRates", "KINDS", "SEVERITIES", "check_segments", "check_pair",
           "apply_fixes", "term_rates", "numbers_in", "case_like", "at_least", "severity_of",
           "shift_finding"]

_DEVIANT = {"deprecated", "equivalent", "probable"}


# --- the check -------------------------------------------------------------------

def check_pair(glossary: Glossary, index: int, source: str, target: str, *,
               numbers: bool = True) -> list[Finding]:
    """Findings for one aligned pair (``index`` is reported as the finding's segment)."""
    src_matches = glossary.match_arabic(source, homonyms=True) if source.strip() else []
    tgt_matches = glossary.match_english(target) if target.strip() else []
    return _findings(glossary, index, source, target, src_matches, tgt_matches, numbers)


#: verdicts on a term of one side that the other side lacks, weakest first
_NONE, _CHECK, _REPORT, _VARIANT = 0, 1, 2, 3


def _source_verdict(glossary: Glossary, m: TermMatch, verdict: str, target: str,
                    taken: list[tuple[int, int]]) -> tuple[int, str, HouseVariant | None]:
    """Whether the Arabic term ``m`` that the English lacks is reported, given its
    source-side ``verdict`` (:mod:`.senses`): (_NONE | _CHECK | _REPORT | _VARIANT, note, the
    house-style spelling found)."""
    entry = glossary.entries[m.entry_id]
    if verdict == "other":
        return _NONE, "", None
    if verdict != "term" and other_sense_in(entry, target):
        return _NONE, "", None
    house = find_house_variant(entry, target, taken)
    if house is not None:
        return _VARIANT, (f"house-style spelling of {house.form!r} "
                          f"({house.score:.0f}% similar)"), house
    if adjective_in(entry, target):
        return _NONE, "", None  # "Syrian Democratic Forces" renders سوريا
    if verdict == "term":
        return _REPORT, "", None
    senses = "; ".join(entry.senses) or "another word"
    return _CHECK, (f"{m.surface!r} is ambiguous ({senses}) and the context does not confirm "
                    f"{entry.en!r}: check that the English needs it"), None


def _longer_spelling(entry, m: TermMatch, target: str) -> HouseVariant | None:
    """A house-style spelling of the preferred form around an allowed shorter form ("Bashar
    Assad" around "Assad": AP's style, not the glossary's), or None."""
    if m.status not in ("preferred", "variant") or m.form == entry.en \
            or len(name_key(entry.en)) <= len(name_key(m.form or "")):
        return None
    house = find_house_variant(entry, target, forms=[entry.en], covering=(m.start, m.end))
    if house is None or house.end - house.start <= m.end - m.start \
            or house.surface == case_like(entry.en, target, house.start):
        return None
    return house


def _target_verdict(glossary: Glossary, m: TermMatch, target: str) -> tuple[int, str]:
    """Whether the English term ``m`` that the Arabic lacks is reported as unsourced."""
    entry = glossary.entries[m.entry_id]
    if not entry.context and not entry.ambiguous:
        return _REPORT, ""
    verdict = english_verdict(entry, target, m.start, m.end)
    if verdict == "other":
        return _NONE, ""
    if verdict == "term" or not is_ambiguous_english(entry, m.form or m.surface) \
            or has_english_rules(entry):
        return _REPORT, ""
    senses = "; ".join(entry.senses) or "another name"
    return _CHECK, (f"{m.surface!r} may be another name ({senses}), not {entry.en!r}: "
                    "the source does not have the term")


def _findings(glossary: Glossary, index: int, source: str, target: str,
              src_matches: list[TermMatch], tgt_matches: list[TermMatch],
              numbers: bool) -> list[Finding]:
    out: list[Finding] = []
    # a probable English match is a spelling of the term only if its vowels and consonants
    # can be (evidence.house_score): "Khan al-Sabil" is another village than Khan al-Subul
    tgt_matches = [m for m in tgt_matches if m.status != "probable"
                   or house_score(name_key(m.form), name_key(m.surface)) is not None]
    # the source's terms by span: homonyms (أريحا: ariha, jericho) share one span
    terms: list[SourceTerm] = source_terms(glossary, source, src_matches)
    src_by_id: dict[str, TermMatch] = {}
    for m in src_matches:
        src_by_id.setdefault(m.entry_id, m)
    tgt_by_id: dict[str, list[TermMatch]] = {}
    for m in tgt_matches:
        tgt_by_id.setdefault(m.entry_id, []).append(m)
    # a deleted source segment (empty target) has no missing terms, and an inserted target
    # segment (empty source) no unsourced ones: that is alignment, not terminology
    both = bool(source.strip()) and bool(target.strip())

    # unsourced: an English term (not only a probable match) whose Arabic is not in the source
    unsourced: dict[str, tuple[int, TermMatch, str]] = {}
    for eid, ms in tgt_by_id.items():
        if not both or eid in src_by_id:
            continue
        best = None
        for m in ms:
            if m.status == "probable":
                continue
            level, note = _target_verdict(glossary, m, target)
            if best is None or level > best[0]:
                best = (level, m, note)
        if best is not None and best[0] > _NONE:
            unsourced[eid] = best
    # missing: a source term none of whose senses the English has
    missing: dict[str, tuple[int, TermMatch, str, HouseVariant | None]] = {}
    taken = [(m.start, m.end) for m in tgt_matches]
    if both:
        for term in terms:
            group = term.matches
            if any(m.entry_id in tgt_by_id for m in group):
                continue  # the English renders this term (or one of its homonyms)
            verdicts = [(*_source_verdict(glossary, m, v, target, taken), m)
                        for m, v in zip(group, term.verdicts)]
            if any(v[0] == _NONE for v in verdicts):
                continue  # another sense
            level, note, house, m = max(verdicts, key=lambda v: v[0])  # the first confirmed
            if len(group) > 1 and level == _CHECK:
                names = ", ".join(repr(glossary.entries[x.entry_id].en) for x in group)
                note = f"{m.surface!r} is one of {names}; the context does not tell which"
            old = missing.get(m.entry_id)
            if old is None or level > old[0]:
                missing[m.entry_id] = (level, m, note, house)
    report_missing = [eid for eid, v in missing.items() if v[0] == _REPORT]
    report_unsourced = [eid for eid, v in unsourced.items() if v[0] == _REPORT]

    def substitution(eid: str, candidates: Iterable[str], side: str) -> tuple[str, str | None]:
        rel = glossary.related_ids(eid)
        hits = [(other, rel[other]) for other in candidates if other in rel]
        if not hits:
            return "", None
        other, relation = hits[0]
        name = glossary.entries[other].en
        if side == "missing":
            return (f"the English has {name!r} ({other}, its {relation}) instead: "
                    "a substitution the source does not make"), other
        return (f"the source has {glossary.entries[other].en!r} ({other}, its {relation}), "
                "not this term"), other

    for m in tgt_matches:
        entry = glossary.entries[m.entry_id]
        src = src_by_id.get(m.entry_id)
        sspan = (src.start, src.end) if src else None
        longer = _longer_spelling(entry, m, target)
        if longer is not None:
            out.append(Finding(index, "variant", m.entry_id, entry.en, longer.surface, sspan,
                               (longer.start, longer.end), case_like(entry.en, target,
                                                                     longer.start),
                               "probable", f"house-style spelling of {entry.en!r} around the "
                                           f"allowed {m.form!r}"))
            continue
        if m.status in _DEVIANT:
            fix = case_like(entry.en, target, m.start)  # always the preferred form
            if fix == m.surface:
                continue
            note = ""
            if m.status == "probable":
                note = f"probable transliteration variant of {m.form!r} ({m.score:.0f}% similar)"
                if both and src is None:
                    # a name that looks like the term, which the source does not have
                    out.append(Finding(index, "check", m.entry_id, entry.en, m.surface, None,
                                       (m.start, m.end), None, m.status,
                                       note + "; the source does not have the term"))
                    continue
            elif m.status == "equivalent" and m.form != entry.en:
                note = f"a misspelling of the allowed variant {m.form!r}"
            out.append(Finding(index, "variant", m.entry_id, entry.en, m.surface, sspan,
                               (m.start, m.end), fix, m.status, note))
        elif m.status == "forbidden":
            out.append(Finding(index, "forbidden", m.entry_id, entry.en, m.surface, sspan,
                               (m.start, m.end), None, m.status,
                               f"{m.surface!r} is never acceptable for {entry.en!r}"))
    for eid, (level, m, note, house) in missing.items():
        entry = glossary.entries[eid]
        if level == _VARIANT:
            fix = case_like(entry.en, target, house.start)
            if fix != house.surface:
                out.append(Finding(index, "variant", eid, entry.en, house.surface,
                                   (m.start, m.end), (house.start, house.end), fix, "probable",
                                   note))
            continue
        if level == _CHECK:
            out.append(Finding(index, "check", eid, entry.en, None, (m.start, m.end), None, None,
                               None, note))
            continue
        note, other = substitution(eid, report_unsourced, "missing")
        out.append(Finding(index, "missing", eid, entry.en, None, (m.start, m.end), None, None,
                           None, note, swapped_with=other))
    for eid, (level, first, note) in unsourced.items():
        entry = glossary.entries[eid]
        if level == _CHECK:
            out.append(Finding(index, "check", eid, entry.en, first.surface, None,
                               (first.start, first.end), None, first.status, note))
            continue
        note, other = substitution(eid, report_missing, "unsourced")
        out.append(Finding(index, "unsourced", eid, entry.en, first.surface, None,
                           (first.start, first.end), None, first.status, note,
                           swapped_with=other))
    if numbers and both:
        out.extend(number_findings(index, source, target))
    out.sort(key=lambda f: (KINDS.index(f.kind),
                            (f.target_span or f.source_span or (0, 0))[0]))
    return out


def check_segments(glossary: Glossary, sources: Sequence[str], targets: Sequence[str], *,
                   numbers: bool = True, progress=None, cancel=None) -> list[Finding]:
    """Findings for aligned pairs: ``sources[i]`` is the Arabic of ``targets[i]``."""
    if len(sources) != len(targets):
        from workbench.errors import WorkbenchError

        raise WorkbenchError(f"{len(sources)} source segments but {len(targets)} target "
                             "segments; aligned input needs the same number")
    from workbench.progress import Reporter

    reporter = Reporter("terminology QA", len(sources), progress, cancel)
    out: list[Finding] = []
    for i, (s, t) in enumerate(zip(sources, targets)):
        out.extend(check_pair(glossary, i, s or "", t or "", numbers=numbers))
        reporter.advance()
    return out
