"""Loading and linting glossaries: the curated files are clean; malformed files get one clear
error each (``file:line:col: message``, exit 2), never a traceback."""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import GLOSSARIES
from workbench.cli.main import main
from workbench.errors import WorkbenchError
from workbench.glossary import lint_glossary, load_glossary
from workbench.glossary.model import TYPES

GOOD = """\
entries:
  - id: idlib
    type: place
    en: Idlib
    ar: [إدلب]
"""


def entry(**fields) -> str:
    base = {"id": "hama", "type": "place", "en": "Hama", "ar": "[حماة]"}
    base.update(fields)
    lines = ["  - " + "\n    ".join(f"{k}: {v}" for k, v in base.items() if v is not None)]
    return GOOD + "\n".join(lines) + "\n"


# (name, file text, expected line, expected message fragment)
MALFORMED = [
    ("yaml syntax", "entries:\n  - id: x\n    en: [unclosed\n", 4, "YAML error"),
    ("python tag", "entries: !!python/object/apply:os.system ['echo pwned']\n", 1, "YAML error"),
    ("top level is a list", "- id: idlib\n  en: Idlib\n", 1, "must be a mapping"),
    ("unknown top-level key", "terms:\n  - id: x\n", 2, "unknown top-level key 'terms'"),
    ("entries is a mapping", "entries: {id: x}\n", 1, "'entries' must be a list"),
    ("entry is a string", "entries:\n  - just a string\n", 2, "must be a mapping"),
    ("missing id", entry(id=None), 6, "has no 'id'"),
    ("invalid id", entry(id='"Hama City"'), 6, "must be lower-case letters"),
    ("duplicate id", entry(id="idlib"), 6, "duplicate id 'idlib'"),
    ("duplicate key", entry(note='"a"\n    note: "b"'), 11, "duplicate key 'note'"),
    ("missing type", entry(type=None), 6, "has no 'type'"),
    ("unknown type", entry(type="city"), 7, "unknown type 'city'"),
    ("missing en", entry(en=None), 6, "has no 'en'"),
    ("en is a list", entry(en="[Hama, Hamah]"), 8, "'en' must be a string"),
    ("en is empty", entry(en='""'), 8, "'en' is empty"),
    ("en in Arabic script", entry(en="حماة"), 8, "is in Arabic script"),
    ("missing ar", entry(ar=None), 6, "has no 'ar'"),
    ("ar is empty", entry(ar="[]"), 9, "'ar' is empty"),
    ("ar not Arabic script", entry(ar="[Hama]"), 9, "is not in Arabic script"),
    ("ar is a number", entry(ar="[12]"), 9, "must be a non-empty string"),
    ("variants not a list", entry(variants="{a: b}"), 10, "'variants' must be a list"),
    ("variant is a number", entry(variants="[Hamah, 7]"), 10, "must be a string"),
    ("related id missing", entry(related="[{id: homs, relation: see-also}]"), 10,
     "related id 'homs' does not exist"),
    ("unknown relation", entry(related="[{id: idlib, relation: cousin}]"), 10,
     "unknown relation 'cousin'"),
    ("related to itself", entry(related="[{id: hama, relation: see-also}]"), 10,
     "related to itself"),
    ("form in two entries", entry(variants="[Idlib]"), 6, "is also in entry 'idlib'"),
    ("normalised form in two entries", entry(deprecated="[IDLIB]"), 6,
     "is also in entry 'idlib'"),
    ("arabic form in two entries", entry(ar="[حماة, إدلب]"), 6,
     "Arabic form 'إدلب' is also in entry 'idlib'"),
    ("allowed and deprecated", entry(variants="[Hamah]", deprecated="[Hamah]"), 6,
     "listed both as variant and as deprecated"),
    ("forbidden equals allowed", entry(forbidden="[HAMA]"), 6,
     "forbidden form 'HAMA' is the same as an allowed form"),
    ("note is a mapping", entry(note="{a: b}"), 10, "'note' must be a string"),
    ("ignore is a mapping", GOOD + "ignore: {a: b}\n", 6, "'ignore' must be a list"),
]


@pytest.mark.parametrize("name,text,line,fragment", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_glossaries_get_one_clear_error(write_yaml, capsys, name, text, line,
                                                  fragment):
    path = write_yaml(text)
    report = lint_glossary([path])
    assert report.errors, name
    first = report.errors[0]
    assert fragment in first.message
    assert first.path == str(path) and first.line == line
    assert str(first).startswith(f"{path}:{line}:" if first.col else f"{path}:{line}: ")
    with pytest.raises(WorkbenchError) as info:
        load_glossary([path])
    assert str(info.value).startswith(f"{path}:{line}") and fragment in str(info.value)
    # the CLI: one line per error on stderr, exit 2, no traceback
    assert main(["glossary", "lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    assert main(["qa", str(path), str(path), "--aligned", "--glossary", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workbench: error: ") and err.count("\n") == 1


def test_there_are_at_least_twenty_kinds():
    assert len({m[3] for m in MALFORMED}) >= 20


@pytest.mark.parametrize("data,fragment", [
    (b"entries:\n  - id: x\x00\n", "looks binary"),
    ("entries:\n  - en: Halab\n".encode("cp1256") + b"\xe1\xe4\n", "not valid UTF-8"),
])
def test_unreadable_files(tmp_path, data, fragment):
    p = tmp_path / "bad.yaml"
    p.write_bytes(data)
    (issue,) = lint_glossary([p]).errors
    assert fragment in issue.message and issue.path == str(p)


def test_missing_file_and_duplicate_ids_across_files(tmp_path, write_yaml):
    report = lint_glossary([tmp_path / "nope.yaml"])
    assert "not found" in report.errors[0].message
    a = write_yaml(GOOD, "a.yaml")
    b = write_yaml(GOOD.replace("Idlib", "Idleb").replace("إدلب", "ادلب2"), "b.yaml")
    errors = lint_glossary([a, b]).errors
    assert any("duplicate id 'idlib'" in e.message and e.path == str(b) and str(a) in e.message
               for e in errors)


def test_a_billion_laughs_is_harmless(write_yaml):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
        for i in range(8))
    report = lint_glossary([write_yaml(bomb)])
    assert report.errors and "alias bomb" in report.errors[0].message  # refused by the loader


def test_tags_never_construct_objects(write_yaml, tmp_path):
    marker = tmp_path / "pwned"
    text = f"entries:\n  - !!python/object/apply:os.system ['touch {marker}']\n"
    assert lint_glossary([write_yaml(text)]).errors
    assert not marker.exists()


def test_near_duplicates_are_warnings(write_yaml, capsys):
    text = GOOD + ("  - id: jisr\n    type: place\n    en: Jisr al-Shughur\n    ar: [جسر الشغور]\n"
                   "  - id: jisr2\n    type: place\n    en: Jisr al-Shughour\n"
                   "    ar: [جسر الشغور الجديد]\n")
    path = write_yaml(text)
    report = lint_glossary([path])
    assert not report.errors
    (w,) = report.warnings
    assert "near-duplicate" in w.message and w.line == 10
    assert main(["glossary", "lint", str(path)]) == 0
    assert "warning: entry 'jisr2'" in capsys.readouterr().out


def test_the_curated_glossary_is_clean(capsys):
    report = lint_glossary([GLOSSARIES])
    assert report.errors == [] and report.warnings == []
    assert main(["glossary", "lint"]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_curated_entries_have_the_schema(curated):
    assert len(curated) >= 60
    for e in curated:
        assert e.type in TYPES and e.en and e.ar and e.path is not None
    hts = curated["hts"]
    assert "Hayat Tahrir Al sham" in hts.deprecated and "Levant Liberation Board" in hts.forbidden
    assert curated.related_ids("hts")["nusra"] == "predecessor"
    assert curated.related_ids("nusra")["hts"] == "successor"
    assert "Syrian" in curated.ignore


REQUIRED = """hts nusra jfs jaish-al-izza tip ahrar-al-sham zenki ajnad-al-sham ansar-al-sharia
tamkeen-brigade hujra-brigade fajr-al-islam-brigade jaysh-al-islam nlf fsa saa
russian-reconciliation-centre sputnik al-watan chinese-principality idlib hama aleppo latakia
jisr-al-shughur khan-shaykhun saraqib sarmada al-dana harem salqin bab-al-hawa ariha hazarin
al-habit sakik al-tamanah hmeimim eastern-ghouta daraa quneitra homs eastern-qalamoun turkey
ali-ayoub bashar-al-assad""".split()


def test_the_issue_s_list_is_covered(curated):
    assert set(REQUIRED) <= set(curated.entries)


def test_extra_fields_are_kept(write_yaml):
    g = load_glossary([write_yaml(GOOD.rstrip() + "\n    status: draft\n    sources: [x]\n")])
    assert g["idlib"].extra == {"status": "draft", "sources": ["x"]}


def test_directories_merge_their_yaml_files(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(textwrap.dedent("""\
        entries:
          - {id: hama, type: place, en: Hama, ar: [حماة]}
        """), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not yaml", encoding="utf-8")
    g = load_glossary([tmp_path])
    assert set(g.entries) == {"idlib", "hama"} and len(g.files) == 2
