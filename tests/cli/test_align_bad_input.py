"""Bad input to ``workbench align`` and ``workbench batch align`` (issue 4, "Bad input").

Expected of every case: a clear one-line message and exit code 2, or a correct
(possibly all-null) alignment with exit code 0; never a traceback.  Cases already
covered elsewhere (``tests/align/test_align_api.py``: empty, blank or binary source,
English source, bad ``--max-link`` and gold; ``tests/align/test_align_batch.py``:
binary or cp1256 target document, swapped document, blank target side) are not
repeated here.  The 100,000-line case runs in ``benchmarks/align_long.py`` (minutes,
not a test).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED_FILES
from workbench.align.links import check_coverage, parse_links
from workbench.cli.main import main
from workbench.text.segment import segment

AR, EN = SEED_FILES["004"], SEED_FILES["000"]


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err and err.startswith("workbench: error:")
    assert err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, err


# --- workbench align: refused with one line --------------------------------------------

def _write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    p = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    p.write_bytes(content)
    return p


@pytest.mark.parametrize("side", ["source", "target"])
@pytest.mark.parametrize("case, content, needle", [
    ("empty", b"", "is empty"),
    ("blank", " \n\n\t\n", "is empty"),
    ("binary", bytes(range(256)) * 4, "looks binary"),
    ("cp1256", "نص عربي لا يقرأ\n".encode("cp1256"), "not valid UTF-8"),
    ("latin1", "Jisr al-Shughur café\n".encode("latin-1"), "not valid UTF-8"),
])
def test_align_refuses_unreadable_side(tmp_path, capsys, side, case, content, needle):
    bad = _write(tmp_path, f"{case}.txt", content)
    ar, en = (bad, EN) if side == "source" else (AR, bad)
    _one_line_error(*_run(capsys, "align", ar, en), str(bad), needle)


def test_align_refuses_empty_stdin(capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    _one_line_error(*_run(capsys, "align", "-", EN), "<stdin>", "is empty")


def test_align_swapped_files_say_so(capsys):
    _one_line_error(*_run(capsys, "align", EN, AR), "not Arabic", "look swapped")


def test_align_english_on_both_sides(capsys):
    code, out, err = _run(capsys, "align", EN, SEED_FILES["001"])
    _one_line_error(code, out, err, "not Arabic")
    assert "swapped" not in err  # the target is English too: not a swap


@pytest.mark.parametrize("fmt", ["links", "json"])
def test_align_arabic_given_as_target(capsys, fmt):
    _one_line_error(*_run(capsys, "align", AR, AR, "--format", fmt), str(AR), "mostly Arabic")


# --- workbench align: one side with nothing to align --------------------------------

@pytest.mark.parametrize("side", ["source", "target"])
@pytest.mark.parametrize("unit", ["paragraphs", "sentences", "lines"])
@pytest.mark.parametrize("content", [
    "...\n\n— !!! ؟\n\n«»\n",            # punctuation only
    "\u200b\u200f\n\n\u200e\n",        # zero-width and direction marks only
])
def test_align_side_without_words_gives_all_null_links(tmp_path, capsys, side, unit, content):
    hollow = _write(tmp_path, "hollow.txt", content)
    ar, en = (hollow, EN) if side == "source" else (AR, hollow)
    code, out, err = _run(capsys, "align", ar, en, "--segments", unit)
    assert code == 0, err
    assert "Traceback" not in err
    links = parse_links(out)
    n = len(segment(Path(ar).read_text("utf-8"), unit, "ar"))
    m = len(segment(Path(en).read_text("utf-8"), unit, "en"))
    assert n > 0 and m > 0
    check_coverage(links, n, m, require_complete=True)
    assert all(lk.is_null for lk in links), out
    assert all(0.0 <= lk.score <= 1.0 for lk in links)


# --- workbench batch align -----------------------------------------------------------

def _batch_dir(dev_dir: Path, tmp_path: Path, names=("019",)) -> Path:
    d = tmp_path / "in"
    for side in ("ar", "en"):
        (d / side).mkdir(parents=True)
        for n in names:
            shutil.copy(dev_dir / "sentences" / side / n, d / side / n)
    return d


def _batch(capsys, d: Path, out: Path, *extra) -> tuple[int, str, str]:
    return _run(capsys, "batch", "align", d, "--out", out, "--workers", "1", *extra)


def _nothing_written(out: Path) -> bool:
    return not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("case", ["arabic-target", "english-both", "swapped"])
def test_batch_wrong_languages_stop_before_anything_is_written(dev_dir, tmp_path, capsys, case):
    # 019 is fine and comes first: it must not be aligned (or written) before 054 is refused
    d = _batch_dir(dev_dir, tmp_path, names=("019", "054"))
    ar, en = dev_dir / "sentences" / "ar" / "054", dev_dir / "sentences" / "en" / "054"
    src, tgt = {"arabic-target": (ar, ar), "english-both": (en, en), "swapped": (en, ar)}[case]
    shutil.copy(src, d / "ar" / "054")
    shutil.copy(tgt, d / "en" / "054")
    code, out, err = _batch(capsys, d, tmp_path / "out")
    needle = "mostly Arabic" if case == "arabic-target" else "not Arabic"
    _one_line_error(code, out, err, f"{d}/{{ar,en}}/054", needle)
    assert _nothing_written(tmp_path / "out")


@pytest.mark.parametrize("content, needle", [
    (bytes(range(256)) * 4, "looks binary"),
    ("نص عربي\n".encode("cp1256"), "not valid UTF-8"),
])
def test_batch_bad_source_file_is_named(dev_dir, tmp_path, capsys, content, needle):
    d = _batch_dir(dev_dir, tmp_path, names=("019", "054"))
    (d / "ar" / "054").write_bytes(content)
    code, out, err = _batch(capsys, d, tmp_path / "out")
    _one_line_error(code, out, err, str(d / "ar" / "054"), needle)
    assert _nothing_written(tmp_path / "out")


@pytest.mark.parametrize("side, content", [
    ("ar", b""),                                   # an empty source file
    ("en", b""),                                   # an empty target file
    ("en", " \n\n".encode()),                      # whitespace only
])
def test_batch_empty_side_gives_certain_null_links(dev_dir, tmp_path, capsys, side, content):
    d = _batch_dir(dev_dir, tmp_path)
    (d / side / "019").write_bytes(content)
    code, out, err = _batch(capsys, d, tmp_path / "out")
    assert code == 0, err
    assert "Traceback" not in err
    links = parse_links((tmp_path / "out" / "019").read_text("utf-8"))
    other = "en" if side == "ar" else "ar"
    n = len(segment((d / other / "019").read_text("utf-8"), "lines", other))
    assert n > 0 and len(links) == n
    assert all(lk.is_null for lk in links)
    # nothing to link to: every null link is certain (as the aligner itself scores them)
    assert all(lk.score == 1.0 for lk in links)


def test_batch_punctuation_only_target_gives_all_null_links(dev_dir, tmp_path, capsys):
    d = _batch_dir(dev_dir, tmp_path)
    (d / "en" / "019").write_text("...\n— !!!\n\u200b\n", encoding="utf-8")
    code, out, err = _batch(capsys, d, tmp_path / "out")
    assert code == 0, err
    links = parse_links((tmp_path / "out" / "019").read_text("utf-8"))
    n = len(segment((d / "ar" / "019").read_text("utf-8"), "lines", "ar"))
    check_coverage(links, n, 3, require_complete=True)
    assert all(lk.is_null for lk in links)


def test_align_refuses_an_empty_gold_file(dev_dir, tmp_path, capsys):
    gold = tmp_path / "empty.gold"
    gold.write_text("", encoding="utf-8")
    d = dev_dir / "sentences"
    assert main(["align", str(d / "ar" / "003"), str(d / "en" / "003"), "--segments", "lines",
                 "--gold", str(gold)]) == 2
    err = capsys.readouterr().err
    assert "empty.gold" in err and "no links" in err and "Traceback" not in err
