"""Ambiguity in the termbase: the schema (ambiguous forms, senses, homonyms, context rules),
its lint checks, the bundled glossary's marks, and finding severities."""

from __future__ import annotations

import json

import pytest

from tests.conftest import GLOSSARIES
from workbench.cli.main import main
from workbench.glossary import lint_glossary
from workbench.glossary.qa import SEVERITIES, at_least, check_segments
from workbench.glossary.stats import glossary_stats

BASE = """\
entries:
  - id: hama
    type: place
    en: Hama
    ar: [حماة]
"""


def lint(write_yaml, extra: str, more: str = ""):
    return lint_glossary([write_yaml(BASE + extra + more)], near_duplicates=False)


# --- schema and lint -------------------------------------------------------------------

def test_a_full_ambiguity_record_loads(write_yaml):
    report = lint(write_yaml, """\
    ambiguous: true
    senses: ["protectors, guardians", "mother-in-law"]
    context:
      before: [مدينة, محافظة, ريف, بلدة]
      not_after: [الديار]
      en_not_after: [Maryland]
      en_other_sense: [guardian]
      capital: true
""")
    assert report.ok and not report.warnings, report.errors
    e = report.glossary["hama"]
    assert e.ambiguous == ["حماة"] and e.ambiguous_all and e.is_ambiguous
    assert e.context["before"] == ["مدينة", "محافظة", "ريف", "بلدة"]
    assert e.context["capital"] is True
    d = e.to_dict()
    assert d["ambiguous"] is True and d["senses"] == ["protectors, guardians", "mother-in-law"]


@pytest.mark.parametrize("extra,message", [
    ("    ambiguous: [حمص]\n", "ambiguous form 'حمص' is not one of the entry's"),
    ("    ambiguous: [Homs]\n", "ambiguous form 'Homs' is not one of the entry's"),
    ("    ambiguous: 3\n", "'ambiguous' must be a list of strings"),
    ("    ambiguous: true\n    context: [مدينة]\n", "'context' must be a mapping"),
    ("    ambiguous: true\n    context: {prefix: [مدينة]}\n", "unknown context key 'prefix'"),
    ("    ambiguous: true\n    context: {before: [city]}\n", "is not in Arabic script"),
    ("    ambiguous: true\n    context: {en_after: [مدينة]}\n", "is not English"),
    ("    ambiguous: true\n    context: {capital: yes please}\n", "must be true or false"),
    ("    ambiguous: true\n    context: {before: [ريف], not_before: [ريف]}\n",
     "is in both 'before' and 'not_before'"),
    ("    ambiguous: true\n    senses: [7]\n", "a sense must be a non-empty string"),
    ("    homonyms: [Jericho City]\n", "is not an entry id"),
    ("    homonyms: [hama]\n", "is its own homonym"),
    ("    homonyms: [jericho]\n", "homonym 'jericho' does not exist"),
])
def test_lint_rejects_bad_ambiguity_fields(write_yaml, extra, message):
    report = lint(write_yaml, extra)
    assert any(message in i.message for i in report.errors), [str(i) for i in report.errors]


def test_capital_needs_a_capital_letter(write_yaml):
    text = BASE.replace("en: Hama", "en: al-hama") + "    ambiguous: true\n" \
        "    context: {capital: true}\n"
    report = lint_glossary([write_yaml(text)], near_duplicates=False)
    assert any("has no capital letter" in i.message for i in report.errors)


def test_context_without_ambiguity_is_a_warning(write_yaml):
    report = lint(write_yaml, "    context: {before: [مدينة]}\n")
    assert report.ok and any("no form is marked 'ambiguous'" in w.message
                             for w in report.warnings)


def test_an_adjective_needs_no_ambiguity(write_yaml):
    report = lint(write_yaml, "    context: {en_adjective: [Hamawi]}\n")
    assert report.ok and not report.warnings, report.warnings
    report = lint(write_yaml, "    context: {en_adjective: [حموي]}\n")
    assert not report.ok  # an English word


SHARED = """\
  - id: jericho
    type: place
    en: Jericho
    ar: [حماة]
"""


def test_a_shared_arabic_form_needs_homonyms(write_yaml):
    report = lint(write_yaml, "", SHARED)
    assert any("unless the entries list each other under 'homonyms'" in i.message
               for i in report.errors)
    report = lint(write_yaml, "    homonyms: [jericho]\n", SHARED)
    assert report.ok, [str(i) for i in report.errors]
    # listed on one side, a homonym of both
    assert report.glossary["jericho"].homonyms == ["hama"]


def test_a_homonym_must_share_an_arabic_form(write_yaml):
    report = lint(write_yaml, "    homonyms: [jericho]\n", SHARED.replace("[حماة]", "[أريحا]"))
    assert any("shares no Arabic form" in i.message for i in report.errors)


# --- the bundled glossary ------------------------------------------------------------------

def test_the_bundled_glossary_marks_its_ambiguous_entries(curated):
    for eid in ("hama", "nusra", "daraa", "ariha", "jericho", "turkey", "kelli", "syria"):
        assert curated[eid].is_ambiguous, eid
    assert curated["nusra"].ambiguous == ["النصرة"]  # جبهة النصرة is not ambiguous
    assert set(curated["ariha"].homonyms) == {"jericho"}
    assert set(curated["jericho"].homonyms) == {"ariha"}
    assert not curated["hts"].is_ambiguous and not curated["jisr-al-shughur"].is_ambiguous
    report = lint_glossary([GLOSSARIES], near_duplicates=True)
    assert report.ok and not report.warnings


def test_stats_count_the_ambiguous_entries(curated, capsys):
    amb = glossary_stats(curated)["ambiguous"]
    marked = [e for e in curated if e.is_ambiguous]
    assert amb["entries"] == len(marked) >= 20
    assert amb["with_homonyms"] == 2
    assert amb["arabic_forms"] + amb["english_forms"] == sum(len(e.ambiguous) for e in marked)
    assert main(["glossary", "stats", "--no-corpora"]) == 0
    assert f"ambiguous: {len(marked)} entries marked" in capsys.readouterr().out
    assert main(["glossary", "stats", "--no-corpora", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ambiguous"]["entries"] == len(marked)


# --- severities ------------------------------------------------------------------------------

def test_severities_by_kind(curated):
    cases = [
        ("هيئة تحرير الشام", "the Levant Liberation Board", "forbidden", "error"),
        ("في سراقب", "in Sraqib", "variant", "warning"),
        ("في مدينة إدلب", "in the city", "missing", "warning"),
        ("في الشمال", "in Idlib", "unsourced", "warning"),
        ("قتل 23", "32 killed", "number", "warning"),
    ]
    for src, tgt, kind, severity in cases:
        found = [f for f in check_segments(curated, [src], [tgt]) if f.kind == kind]
        assert found and {f.severity for f in found} == {severity}, (src, tgt, found)
        assert found[0].to_dict()["severity"] == severity


def test_a_substitution_is_an_error(curated):
    findings = check_segments(curated, ["قاتلت جبهة النصرة"], ["Hay'at Tahrir al-Sham fought"])
    assert {(f.kind, f.severity, f.swapped_with) for f in findings} == {
        ("missing", "error", "hts"), ("unsourced", "error", "nusra")}


def test_min_severity_filters(curated):
    findings = check_segments(curated, ["في سراقب، وهيئة تحرير الشام"],
                              ["in Sraqib, and the Levant Liberation Board"])
    assert {f.severity for f in findings} == {"warning", "error"}
    assert {f.kind for f in at_least(findings, "error")} == {"forbidden"}
    assert at_least(findings, "info") == findings
    assert SEVERITIES == ("info", "warning", "error")


def test_cli_min_severity(tmp_path, capsys):
    ar = tmp_path / "ar.txt"
    en = tmp_path / "en.txt"
    ar.write_text("في سراقب\nهيئة تحرير الشام\n", encoding="utf-8")
    en.write_text("in Sraqib\nthe Levant Liberation Board\n", encoding="utf-8")
    assert main(["qa", str(ar), str(en), "--aligned", "--format", "json"]) == 1
    assert {f["severity"] for f in json.loads(capsys.readouterr().out)} == {"warning", "error"}
    assert main(["qa", str(ar), str(en), "--aligned", "--format", "json",
                 "--min-severity", "error"]) == 1
    assert [f["kind"] for f in json.loads(capsys.readouterr().out)] == ["forbidden"]
    en.write_text("in Sraqib\nHay'at Tahrir al-Sham\n", encoding="utf-8")
    assert main(["qa", str(ar), str(en), "--aligned", "--min-severity", "error"]) == 0
