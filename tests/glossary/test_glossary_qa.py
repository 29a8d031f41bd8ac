"""Terminology QA, fixes and term rates, on the Sputnik/Al-Watan pair and small cases."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEED_FILES
from workbench.app.checking import check_documents
from workbench.cli.main import main
from workbench.corpus import resolve_pair
from workbench.glossary.documents import fix_document, pairs_from_links
from workbench.glossary.model import Entry
from workbench.glossary.qa import KINDS, apply_fixes, case_like, check_segments, term_rates


@pytest.fixture(scope="module")
def gold_pairs():
    """The main pair, paired by its gold paragraph alignment."""
    pair = resolve_pair("seeds:004-000")
    pairs = pairs_from_links(pair.source.text, pair.target.text,
                             pair.source.segments("paragraphs"),
                             pair.target.segments("paragraphs"), pair.gold_links())
    return pair, pairs


def by_kind(findings, kind):
    return [f for f in findings if f.kind == kind]


def test_the_main_pair_shows_the_deprecated_spellings_and_the_substitution(curated, gold_pairs):
    _, pairs = gold_pairs
    findings = check_segments(curated, [p.source for p in pairs], [p.target for p in pairs])
    variants = {(f.segment, f.term, f.found, f.fix) for f in by_kind(findings, "variant")}
    assert variants == {
        (0, "hts", "Hayat Tahrir Al sham", "Hay'at Tahrir al-Sham"),
        (0, "jaish-al-izza", "Jaish Al Izzah", "Jaish al-Izza"),
        (2, "hts", "Hayat Tahrir Al Sham", "Hay'at Tahrir al-Sham"),
        (3, "tip", "Islamic Party of Turkistan", "Turkistan Islamic Party"),
        (3, "tip", "Turkestan Party", "Turkistan Islamic Party"),
        (3, "jisr-al-shughur", "Jisr Al Shughour", "Jisr al-Shughur"),
    }
    # 004 says جبهة النصرة where 000 says "Hayat Tahrir Al sham": never silently clean
    (nusra,) = [f for f in by_kind(findings, "missing") if f.term == "nusra"]
    (hts,) = [f for f in by_kind(findings, "unsourced") if f.term == "hts"]
    assert nusra.segment == hts.segment == 0
    assert pairs[0].source[slice(*nusra.source_span)] == "جبهة النصرة"
    assert pairs[0].target[slice(*hts.target_span)] == "Hayat Tahrir Al sham"
    assert "Hay'at Tahrir al-Sham" in nusra.note and "al-Nusra Front" in hts.note
    # in paragraph 2 the Arabic says «تحرير الشام»: the same term, only the spelling is wrong
    assert not [f for f in findings if f.segment == 2 and f.kind in ("missing", "unsourced")]
    for f in findings:
        assert f.kind in KINDS
        if f.target_span:
            assert pairs[f.segment].target[slice(*f.target_span)] == (f.found or
                                                                        pairs[f.segment].target[
                                                                            slice(*f.target_span)])


def test_deleted_paragraphs_are_not_missing_terms(curated, gold_pairs):
    _, pairs = gold_pairs
    findings = check_segments(curated, [p.source for p in pairs], [p.target for p in pairs])
    deleted = {p.index for p in pairs if not p.target}
    assert deleted and not [f for f in findings if f.segment in deleted]


def test_fixes_change_only_the_variants(curated, gold_pairs):
    pair, pairs = gold_pairs
    findings = check_segments(curated, [p.source for p in pairs], [p.target for p in pairs])
    fixed = apply_fixes(pairs[0].target, [f for f in findings if f.segment == 0])
    assert fixed == pairs[0].target.replace("Hayat Tahrir Al sham", "Hay'at Tahrir al-Sham") \
        .replace("Jaish Al Izzah", "Jaish al-Izza")
    # on the whole document
    from workbench.glossary.documents import DocumentQA

    doc = fix_document(pair.target.text, DocumentQA(pairs, findings))
    expected = pair.target.text
    for old, new in [("Hayat Tahrir Al sham", "Hay'at Tahrir al-Sham"),
                     ("Hayat Tahrir Al Sham", "Hay'at Tahrir al-Sham"),
                     ("Jaish Al Izzah", "Jaish al-Izza"),
                     ("Islamic Party of Turkistan", "Turkistan Islamic Party"),
                     ("Turkestan Party", "Turkistan Islamic Party"),
                     ("Jisr Al Shughour", "Jisr al-Shughur")]:
        expected = expected.replace(old, new)
    assert doc == expected
    # a fixed text has no variant left
    again = check_segments(curated, [pairs[0].source], [fixed])
    assert not by_kind(again, "variant")


def test_apply_fixes_keeps_sentence_case_and_skips_stale_findings(make_glossary):
    g = make_glossary(Entry("jisr", "place", "al-Jisr", ["الجسر"], deprecated=["el-Jisr"]))
    target = "el-Jisr fell. They left el-Jisr. “el-Jisr” is quiet"
    findings = check_segments(g, ["الجسر الجسر الجسر"], [target])
    assert [f.fix for f in findings] == ["Al-Jisr", "al-Jisr", "Al-Jisr"]
    assert apply_fixes(target, findings) == "Al-Jisr fell. They left al-Jisr. “Al-Jisr” is quiet"
    assert apply_fixes("something else entirely", findings) == "something else entirely"
    assert case_like("al-Dana", "x. ", 3) == "Al-Dana" and case_like("al-Dana", "in ", 3) == \
        "al-Dana"


def test_kinds_on_small_cases(make_glossary):
    g = make_glossary(
        Entry("idlib", "place", "Idlib", ["إدلب"], variants=["Idleb"]),
        Entry("hts", "faction", "Hay'at Tahrir al-Sham", ["هيئة تحرير الشام"],
              forbidden=["Levant Liberation Board"]),
        Entry("saraqib", "place", "Saraqib", ["سراقب"]),
    )
    cases = [
        ("في إدلب", "in Idlib", []),
        ("في إدلب", "in Idleb", []),
        ("في إدلب", "in the north", ["missing"]),
        ("في إدلب", "in IDLIB-", []),  # headline capitals are exact
        ("هيئة تحرير الشام", "the Levant Liberation Board", ["forbidden"]),
        ("في الشمال", "in Idlib", ["unsourced"]),
        ("في سراقب", "in Saraqeb", ["variant"]),
        ("قتل 23 جنديا وأصيب ٧", "23 soldiers were killed and seven hurt", []),
        ("قتل 23 جنديا", "32 soldiers were killed", ["number", "number"]),
        ("قتل جنديان", "two soldiers were killed", []),  # number words are not reported
        ("في عام 2019م قتل 1,500", "in 2019, 1500 were killed", []),  # letters touch Arabic digits
        ("في ٢٠١٩م", "in 2019", []),
        ("الطائرة إف 16", "the F16 jet", ["number"]),  # 16 is in the Arabic, not the English
        ("في اليوم 3", "on the 3rd day", []),
        ("قتل 2.50 بالمئة", "2.5 percent were killed", []),
        ("", "in Idlib", []),  # an insertion: no unsourced finding
        ("في إدلب", "", []),  # a deletion: no missing finding
    ]
    for i, (src, tgt, kinds) in enumerate(cases):
        got = [f.kind for f in check_segments(g, [src], [tgt])]
        assert got == kinds, (i, src, tgt, got)


def test_findings_are_json_ready(curated):
    (f,) = check_segments(curated, ["في سراقب"], ["in Sraqib"])
    d = f.to_dict()
    assert set(d) >= {"segment", "kind", "term", "expected", "found", "source_span",
                      "target_span", "fix"}
    assert d["kind"] == "variant" and d["term"] == "saraqib" and d["fix"] == "Saraqib"
    assert d["source_span"] == [3, 8] and d["target_span"] == [3, 9]
    json.dumps(d)


def test_term_rates(curated, gold_pairs):
    _, pairs = gold_pairs
    rates = term_rates(curated, [p.source for p in pairs], [p.target for p in pairs])
    # terms in the paragraphs that have English (0-3): counted once per pair
    assert rates.terms_in_source == rates.success + rates.variant + rates.forbidden + \
        rates.missing
    assert rates.per_term["hts"]["variant"] == 1 and rates.per_term["nusra"]["missing"] == 1
    assert rates.per_term["hama"]["success"] >= 1
    assert 0 < rates.success_rate < 1 and 0 < rates.variant_rate < 1
    d = rates.as_dict()
    assert d["success_rate"] == rates.success_rate and json.dumps(d)
    assert term_rates(curated, ["لا شيء"], ["nothing"]).success_rate is None
    perfect = term_rates(curated, ["في إدلب وحماة"], ["in Idlib and Hama"])
    assert perfect.success_rate == 1.0 and perfect.variant_rate == 0.0
    merged = rates.merge(perfect)
    assert merged.terms_in_source == rates.terms_in_source + 2


def test_check_segments_refuses_unequal_lengths(curated):
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError):
        check_segments(curated, ["a", "b"], ["a"])


# --- the command -------------------------------------------------------------------

def test_cli_aligned_lines(tmp_path, capsys):
    ar = tmp_path / "ar.txt"
    en = tmp_path / "en.txt"
    ar.write_text("قاتلوا في جسر الشغور\nفي إدلب\n\nقتل 23 جنديا\n", encoding="utf-8")
    en.write_text("They fought in Jisr Al Shughour\nin Idlib\n\n23 soldiers died\n",
                  encoding="utf-8")
    assert main(["qa", str(ar), str(en), "--aligned", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [(f["segment"], f["kind"], f["term"], f["found"], f["fix"]) for f in out] == [
        (0, "variant", "jisr-al-shughur", "Jisr Al Shughour", "Jisr al-Shughur")]
    assert out[0]["target_span"] == [15, 31]
    fixed = tmp_path / "fixed.txt"
    assert main(["qa", str(ar), str(en), "--aligned", "--fix", str(fixed)]) == 1
    captured = capsys.readouterr()
    assert "pair 0: variant jisr-al-shughur" in captured.out and "⟦Jisr Al Shughour⟧" in \
        captured.out
    assert fixed.read_text(encoding="utf-8") == en.read_text(encoding="utf-8").replace(
        "Jisr Al Shughour", "Jisr al-Shughur")
    assert main(["qa", str(ar), str(fixed), "--aligned"]) == 0


def test_cli_bad_input_exit_2(tmp_path, capsys):
    ar = tmp_path / "ar.txt"
    en = tmp_path / "en.txt"
    ar.write_text("سطر\nسطر\n", encoding="utf-8")
    en.write_text("one line\n", encoding="utf-8")
    assert main(["qa", str(ar), str(en), "--aligned"]) == 2
    err = capsys.readouterr().err
    assert "same number of lines" in err and err.count("\n") == 1
    assert main(["qa", str(en), str(ar), "--aligned"]) == 2
    assert "swapped" in capsys.readouterr().err
    assert main(["qa", str(tmp_path / "missing.txt"), str(en), "--aligned"]) == 2
    assert "not found" in capsys.readouterr().err


def test_cli_aligned_paragraphs_on_the_seeds(capsys):
    # 004 has 12 paragraphs, 000 has 7: --aligned by paragraph is refused
    assert main(["qa", str(SEED_FILES["004"]), str(SEED_FILES["000"]), "--aligned",
                 "--segments", "paragraphs"]) == 2
    assert "12" in capsys.readouterr().err


def test_cli_aligns_first_without_aligned(capsys, tmp_path):
    """The unaligned path runs the aligner; what it must find holds for any alignment."""
    fixed = tmp_path / "fixed.txt"
    code = main(["qa", str(SEED_FILES["004"]), str(SEED_FILES["000"]), "--format", "json",
                 "--fix", str(fixed)])
    assert code == 1
    out = json.loads(capsys.readouterr().out)
    found = {f["found"] for f in out if f["kind"] == "variant"}
    assert {"Hayat Tahrir Al sham", "Hayat Tahrir Al Sham", "Jaish Al Izzah",
            "Islamic Party of Turkistan", "Turkestan Party", "Jisr Al Shughour"} <= found
    for f in out:
        assert f["kind"] in KINDS
        if f["kind"] in ("missing", "unsourced", "number"):
            # only pairs with both sides: deletions and insertions are not term findings
            assert f["source_segments"] and f["target_segments"]
    text = fixed.read_text(encoding="utf-8")
    assert "Hayat Tahrir" not in text and text.count("Hay'at Tahrir al-Sham") == 2
    assert "Jisr al-Shughur" in text and "Share it..." in text


def test_check_documents_with_an_aligner_object(curated, gold_pairs):
    """The unaligned path takes any object with align_texts (the batch code passes its own)."""
    pair, _ = gold_pairs
    from types import SimpleNamespace

    def align_texts(ar, en, unit, **kw):
        return SimpleNamespace(source=pair.source.segments(unit),
                               target=pair.target.segments(unit), links=pair.gold_links())

    qa = check_documents(curated, pair.source.text, pair.target.text,
                         aligner=SimpleNamespace(align_texts=align_texts))
    assert qa.links == pair.gold_links() and len(qa.pairs) == len(qa.links)
    lines = [qa.describe(f) for f in qa.findings]
    assert any(line.startswith("pair 2 [2]:[2,3]: variant hts") for line in lines)
    assert any("missing nusra" in line and "instead" in line for line in lines)


def test_long_operations_report_progress_and_can_be_cancelled(curated, gold_pairs):
    from workbench.corpus import find_collections
    from workbench.errors import CancelledError
    from workbench.glossary.mine import mine_collections
    from workbench.glossary.stats import glossary_stats
    from workbench.progress import CancelToken

    pair, pairs = gold_pairs
    collections = list(find_collections().values())
    runs = [
        lambda **kw: check_segments(curated, [p.source for p in pairs],
                                    [p.target for p in pairs], **kw),
        lambda **kw: check_documents(curated, "في إدلب\nفي حماة", "in Idlib\nin Hama",
                                     aligned=True, **kw),
        lambda **kw: mine_collections(curated, collections, **kw),
        lambda **kw: glossary_stats(curated, collections, **kw),
    ]
    for run in runs:
        events = []
        run(progress=events.append)
        assert events and events[-1].done == events[-1].total
        token = CancelToken()
        token.cancel()
        with pytest.raises(CancelledError):
            run(cancel=token)


def test_a_misspelt_variant_is_fixed_to_the_preferred_form(make_glossary):
    g = make_glossary(Entry("hts", "faction", "Hay'at Tahrir al-Sham", ["هيئة تحرير الشام"],
                            variants=["Tahrir al-Sham"]))
    (f,) = check_segments(g, ["هيئة تحرير الشام"], ["the TAHRIR al-sham group"])
    assert (f.kind, f.status, f.fix) == ("variant", "equivalent", "Hay'at Tahrir al-Sham")
    assert "'Tahrir al-Sham'" in f.note
    assert apply_fixes("the TAHRIR al-sham group", [f]) == "the Hay'at Tahrir al-Sham group"
