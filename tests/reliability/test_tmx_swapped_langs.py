"""TMX import with swapped ``xml:lang`` labels (issue 17).

Before: English text labelled ``ar`` and Arabic labelled ``en`` went into the project's
translation memory as is (exit 0).  Now the sides are checked by script and the file is
refused in one line naming the file, the line of the offending ``<tuv>`` and the count;
the project is left byte-for-byte unchanged.  Units that merely lack Arabic letters on
the Arabic side (a product name, a number) still import.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.errors import WorkbenchError
from workbench.formats.tmx import load_tmx as _load_tmx

AR = "قال مصدر في المدينة إن الوضع هادئ."
EN = "A source in the city said the situation was calm."


def load_tmx(path):
    return _load_tmx(path, check_scripts=True)  # as the project import reads


def tmx(units: list[tuple[str, str, str, str]]) -> str:
    """``units``: (lang1, text1, lang2, text2); one element a line, so lines are known."""
    header = ('<header creationtool="t" creationtoolversion="1" segtype="sentence" '
              'o-tmf="t" adminlang="en" srclang="ar" datatype="plaintext"/>')
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<tmx version="1.4">', header, "<body>"]
    for l1, t1, l2, t2 in units:
        out += ["<tu>", f'<tuv xml:lang="{l1}"><seg>{t1}</seg></tuv>',
                f'<tuv xml:lang="{l2}"><seg>{t2}</seg></tuv>', "</tu>"]
    out += ["</body>", "</tmx>", ""]
    return "\n".join(out)


def write(tmp_path: Path, units) -> Path:
    p = tmp_path / "m.tmx"
    p.write_text(tmx(units), encoding="utf-8")
    return p


def test_swapped_labels_refused_naming_file_line_and_field(tmp_path):
    p = write(tmp_path, [("ar", AR, "en", EN), ("ar", EN, "en", AR), ("ar", AR, "en", EN)])
    with pytest.raises(WorkbenchError) as info:
        load_tmx(p)
    msg = str(info.value)
    # the second unit starts on line 9; its en <tuv> (holding the Arabic) is line 11
    assert msg.startswith(f"{p}:11: "), msg
    assert '<tuv xml:lang="en"> holds Arabic text' in msg
    assert '<tuv xml:lang="ar"> (line 10) holds none' in msg
    assert "look swapped (1 of 3 units); nothing imported" in msg
    assert "\n" not in msg


def test_whole_file_swapped_with_regional_codes(tmp_path):
    p = write(tmp_path, [("en-GB", AR, "ar-SY", EN)] * 4)
    with pytest.raises(WorkbenchError, match=r'xml:lang="en-GB"> holds Arabic text and <tuv '
                       r'xml:lang="ar-SY"> \(line 7\) holds none.*\(4 of 4 units\)'):
        load_tmx(p)


def test_presentation_forms_count_as_arabic(tmp_path):
    pres = "\ufe91\ufef4\ufe8e\ufee5 \ufead\ufeb3\ufee4\ufef2"  # "bayan rasmi" copied from a PDF
    p = write(tmp_path, [("ar", EN, "en", pres)])
    with pytest.raises(WorkbenchError, match="look swapped"):
        load_tmx(p)
    assert load_tmx(write(tmp_path, [("ar", pres, "en", EN)])).units[0].source == pres


def test_english_side_in_arabic_refused(tmp_path):
    p = write(tmp_path, [("ar", AR, "en", AR)])
    with pytest.raises(WorkbenchError, match=r':7: <tuv xml:lang="en"> holds Arabic text, '
                       r"not en \(1 of 1 units\)"):
        load_tmx(p)


def test_plain_reader_reads_any_text(tmp_path):
    """Without the import check the reader is faithful (the round-trip property)."""
    units = _load_tmx(write(tmp_path, [("ar", EN, "en", AR)])).units
    assert [(u.source, u.target) for u in units] == [(EN, AR)]


@pytest.mark.parametrize(("ar_side", "en_side"), [
    ("iPhone 15 Pro", "iPhone 15 Pro"),          # a name kept in Latin letters
    ("2024", "2024"),                            # no letters at all
    (f"{AR} (UNHCR)", f"{EN} (UNHCR)"),          # Latin inside Arabic
    (AR, "Mr. محمد (Mohammed) said so."),         # Arabic inside English, not most of it
])
def test_legitimate_units_still_import(tmp_path, ar_side, en_side):
    units = load_tmx(write(tmp_path, [("ar", ar_side, "en", en_side)])).units
    assert [(u.source, u.target) for u in units] == [(ar_side, en_side)]


def test_cli_import_refused_and_project_unchanged(tmp_path, capsys):
    proj = tmp_path / "p.wbproj"
    assert main(["project", "new", str(proj), "--pair", "seeds:004-000", "--gold"]) == 0
    before = hashlib.sha256(proj.read_bytes()).hexdigest()
    capsys.readouterr()
    p = write(tmp_path, [("ar", EN, "en", AR), ("ar", AR, "en", EN)])
    code = main(["project", "import", str(proj), str(p)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"workbench: error: {p}:7: ") and "look swapped" in err, err
    assert hashlib.sha256(proj.read_bytes()).hexdigest() == before
    # the same units labelled right import
    p.write_text(tmx([("ar", AR, "en", EN)]), encoding="utf-8")
    assert main(["project", "import", str(proj), str(p)]) == 0
    assert "1 translation unit" in capsys.readouterr().out
