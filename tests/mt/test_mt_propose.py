"""Glossary-aware proposals: each step on its own, then end to end with the tiny model."""

from __future__ import annotations

import sqlite3

import pytest

from workbench.app.projects import create_project
from workbench.mt.backend import load_backend
from workbench.mt.cache import ProposalCache
from workbench.mt.propose import (
    Proposal,
    glossary_fingerprint,
    propose,
    protect_terms,
    required_matches,
    rank_key,
    term_check,
)
from workbench.text.normalize import normalized_english

HTS_AR = "هيئة تحرير الشام"


def _hts_pair(pairs):
    return next((ar, en) for ar, en in pairs if HTS_AR in ar)


# --- single steps ----------------------------------------------------------------------

def test_required_terms_come_from_the_arabic(glossary, pairs):
    ar, _ = _hts_pair(pairs)
    ids = [m.entry_id for m in glossary.match_arabic(ar)]
    assert "hts" in ids


def test_protect_replaces_arabic_terms_with_the_preferred_english(glossary):
    src = "عقد قياديون من هيئة تحرير الشام اجتماعا في إدلب"
    out = protect_terms(glossary, src)
    assert glossary.entries["hts"].en in out
    assert glossary.entries["idlib"].en in out
    assert HTS_AR not in out and "إدلب" not in out
    assert out.startswith("عقد قياديون من ")


def test_term_check_and_rank_key(glossary):
    preferred = glossary.entries["hts"].en
    good = term_check(glossary, ["hts"], f"Leaders of {preferred} met.")
    deprecated = term_check(glossary, ["hts"], "Leaders of Hayat Tahrir Al sham met.")
    forbidden = term_check(glossary, ["hts"], "Leaders of the Levant Liberation Board met.")
    missing = term_check(glossary, ["hts"], "Leaders met.")
    assert good.satisfied == ("hts",) and good.missing == 0 and good.bad == 0
    assert deprecated.missing == 0 and deprecated.bad == 1 and deprecated.fixable == 1
    assert forbidden.forbidden == 1 and forbidden.satisfied == ()
    assert missing.missing == 1
    # every required term beats a better model score; then no bad forms; then the score
    assert rank_key(good, -0.9) < rank_key(deprecated, -0.1) < rank_key(missing, -0.01)
    assert rank_key(good, -0.1) < rank_key(good, -0.2)


def test_glossary_fingerprint_changes_with_entries(glossary):
    from workbench.glossary import Glossary

    fp = glossary_fingerprint(glossary)
    smaller = Glossary({k: v for k, v in glossary.entries.items() if k != "hts"})
    assert fp and fp != glossary_fingerprint(smaller)
    assert glossary_fingerprint(None) == ""


# --- end to end ------------------------------------------------------------------------

def test_model_writes_the_seed_spelling_and_the_proposal_the_preferred_one(
        tiny_backend, glossary, pairs):
    ar, en = _hts_pair(pairs)
    assert "Hayat Tahrir Al sham" in en  # as the English seed 000 spells it
    [raw] = tiny_backend.translate([ar])
    assert "Hayat Tahrir Al sham" in raw[0].text
    [p] = propose(tiny_backend, [ar], glossary=glossary, n_best=4)
    preferred = glossary.entries["hts"].en
    assert preferred == "Hay'at Tahrir al-Sham"
    assert preferred in p.text and "Hayat Tahrir Al sham" not in p.text
    assert p.raw == raw[0].text and p.post_edited
    assert "hts" in p.terms_required and "hts" in p.terms_satisfied
    assert not [f for f in p.findings if f["term"] == "hts"]
    assert p.text == en.replace("Hayat Tahrir Al sham", preferred)
    assert all(preferred in t for t, _ in p.n_best)


def test_rerank_prefers_a_hypothesis_with_every_term(tiny_backend, glossary):
    """A sentence the model never saw: the winner is the best-scoring hypothesis that renders
    the term, whichever position it had in the model's n-best list."""
    src = f"جملة غير معروفة عن {HTS_AR}"
    [hyps] = tiny_backend.translate([src], n_best=4)
    [p] = propose(tiny_backend, [src], glossary=glossary, n_best=4, protect=False)
    with_term = [h for h in hyps if term_check(glossary, ["hts"], h.text).missing == 0]
    if with_term:
        assert p.score == with_term[0].score
        assert "hts" in p.terms_satisfied
    else:
        assert p.score == hyps[0].score
        assert "hts" in p.terms_missing


def test_unrendered_terms_are_reported(tiny_backend, glossary):
    """Terms the model cannot render (it never saw them) show up as findings."""
    src = "زار وزير الدفاع السوري علي أيوب بلدة الهبيط"
    [p] = propose(tiny_backend, [src], glossary=glossary, n_best=3)
    assert p.terms_required == list(dict.fromkeys(m.entry_id
                                                  for m in required_matches(glossary, src)))
    assert len(p.terms_required) >= 2  # the minister and the town at least
    kinds = {(f["term"], f["kind"]) for f in p.findings}
    assert p.terms_missing  # the tiny model never saw these names
    for term in p.terms_missing:
        assert (term, "missing") in kinds or (term, "forbidden") in kinds
    assert p.to_dict()["terms_missing"] == p.terms_missing


def test_without_glossary_it_is_plain_mt(tiny_backend, pairs):
    ar, en = _hts_pair(pairs)
    [p] = propose(tiny_backend, [ar, ""], n_best=2)[:1]
    assert p.text == en and p.terms_required == [] and p.findings == []


def test_cache_hit_needs_no_model(tiny_model_dir, glossary, pairs):
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    cache = ProposalCache(conn)
    backend = load_backend(tiny_model_dir, threads=1)
    segs = [pairs[0][0], "", pairs[3][0]]
    first = propose(backend, segs, glossary=glossary, cache=cache, n_best=2)
    assert backend.loaded and len(cache) == 2
    fresh = load_backend(tiny_model_dir, threads=1)
    events = []
    second = propose(fresh, segs, glossary=glossary, cache=cache, n_best=2,
                     progress=events.append)
    assert not fresh.loaded  # nothing was translated
    assert [p.text for p in second] == [p.text for p in first]
    assert [p.cached for p in second] == [True, False, True]
    assert events[-1].done == 3
    # other options are other cache entries
    third = propose(fresh, segs[:1], cache=cache, n_best=2)
    assert not third[0].cached and fresh.loaded


def test_proposal_round_trips_through_dict(tiny_backend, glossary, pairs):
    [p] = propose(tiny_backend, [_hts_pair(pairs)[0]], glossary=glossary, n_best=2)
    d = p.to_dict()
    assert Proposal.from_dict(d).to_dict() == d
    assert set(d) >= {"source", "text", "n_best", "terms_required", "terms_satisfied",
                      "findings"}


def test_bad_n_best(tiny_backend):
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError):
        propose(tiny_backend, ["x"], n_best=0)


def test_seed_paragraph_terms(tiny_backend, glossary, seeds):
    """On the real Arabic seed the proposal carries term checks for every paragraph."""
    from workbench.text.segment import paragraphs

    paras = [p.text for p in paragraphs(seeds["004"])][:2]
    props = propose(tiny_backend, paras, glossary=glossary, n_best=2)
    for para, p in zip(paras, props):
        found = list(dict.fromkeys(m.entry_id for m in required_matches(glossary, para)))
        assert p.terms_required == found
        assert set(p.terms_satisfied) <= set(found)
        for term in p.terms_satisfied:
            forms = {normalized_english(f) for f, s in glossary.entries[term].english_forms()
                     if s in ("preferred", "variant")}
            assert any(f in normalized_english(p.text) for f in forms)


def test_protection_lets_the_model_copy_a_term_it_cannot_translate(tiny_backend, glossary):
    """The model never saw أحرار الشام, only "Ahrar al-Sham" already inside Arabic text (as
    protect_terms writes it): the raw n-best misses the term, the protected decoding has it."""
    src = "عقد قياديون من أحرار الشام اجتماعا في مدينة إدلب."
    preferred = glossary.entries["ahrar-al-sham"].en
    [raw] = tiny_backend.translate([src], n_best=4)
    assert not any(preferred in h.text for h in raw)
    [plain] = propose(tiny_backend, [src], glossary=glossary, protect=False)
    assert "ahrar-al-sham" in plain.terms_missing and not plain.protected
    assert any(f["kind"] == "missing" and f["term"] == "ahrar-al-sham" for f in plain.findings)
    [p] = propose(tiny_backend, [src], glossary=glossary)
    assert p.protected and p.text == f"Leaders of {preferred} held a meeting in Idlib city."
    assert p.terms_satisfied == p.terms_required and p.findings == []


def test_proposals_cached_in_a_project_and_accepted_segments_in_its_memory(
        tiny_model_dir, glossary, pairs, tmp_path):
    """With the store: proposals survive closing the project; an accepted segment is a TM
    match for a repeated and a near-repeated segment."""
    from workbench.align.links import Link
    from workbench.store.project import Project

    (a_ar, a_en), (b_ar, b_en) = pairs[0], pairs[7]
    path = tmp_path / "p.wbproj"
    project = create_project(path, source_text=f"{a_ar}\n\n{b_ar}", target_text="x\n\ny",
                             links=[Link((0,), (0,), 1.0), Link((1,), (1,), 1.0)])
    backend = load_backend(tiny_model_dir, threads=1)
    first = propose(backend, [a_ar, b_ar], glossary=glossary, cache=project.proposal_cache())
    link = project.links()[0]
    project.edit(link.id, first[0].text, base_version=link.version)
    link = project.links()[0]
    project.accept(link.id, base_version=link.version)
    project.close()

    project = Project.open(path)
    fresh = load_backend(tiny_model_dir, threads=1)
    again = propose(fresh, [a_ar, b_ar], glossary=glossary, cache=project.proposal_cache())
    assert [p.text for p in again] == [p.text for p in first] and not fresh.loaded
    memory = project.memory()
    [exact] = memory.lookup(a_ar)
    assert exact.exact and exact.target == first[0].text
    near = memory.lookup(a_ar.replace("الحدود التركية", "الحدود السورية"))
    assert near and near[0].target == first[0].text and 70 <= near[0].score < 100
    project.close()


def test_backend_is_safe_to_share_between_threads(tiny_backend, pairs):
    from concurrent.futures import ThreadPoolExecutor

    texts = [ar for ar, _ in pairs[:8]]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: tiny_backend.translate([t])[0][0].text, texts))
    assert results == [en for _, en in pairs[:8]]


# --- the Arabic context decides which terms are forced (issue 18) -----------------------

def test_a_homograph_gets_no_term_forced(tiny_backend, glossary):
    """حماة الديار is "the guardians of the homeland": the matcher sees Hama, the senses
    decision (the one QA makes) rules it out, so nothing asks for Hama or protects it."""
    src = "اتهمت حماة الديار قياديين محليين بالعمالة."
    assert "hama" in [m.entry_id for m in glossary.match_arabic(src)]
    assert required_matches(glossary, src) == []
    assert protect_terms(glossary, src) == src
    [p] = propose(tiny_backend, [src], glossary=glossary, n_best=4)
    assert p.terms_required == [] and not p.protected
    assert not any(f["term"] == "hama" for f in p.findings)


def test_in_hama_still_gets_hama(tiny_backend, glossary):
    src = "سيطرت القوات على قرى في حماة."
    assert [m.entry_id for m in required_matches(glossary, src)] == ["hama"]
    assert "Hama" in protect_terms(glossary, src)
    [p] = propose(tiny_backend, [src], glossary=glossary, n_best=4)
    assert p.terms_required == ["hama"] and p.terms_satisfied == ["hama"]
    assert "Hama" in p.text


def test_homonyms_the_context_does_not_resolve_are_not_forced(glossary):
    # أريحا is Ariha (Idlib) and Jericho: alone it is neither; "أريحا بإدلب" is Ariha
    assert required_matches(glossary, "وصل الوفد إلى أريحا") == []
    ids = [m.entry_id for m in required_matches(glossary, "قتل ثلاثة في أريحا بإدلب")]
    assert ids[0] == "ariha" and "jericho" not in ids
