"""``workbench.align.batch.align_directory`` and ``workbench batch align`` on dev documents.

(Named test_align_batch.py, not test_batch.py: tests/scoring/test_batch.py exists and
pytest's default import mode needs unique basenames across test folders.)
"""

from __future__ import annotations

import multiprocessing
import shutil
import warnings
from pathlib import Path

import pytest

from workbench.align.batch import TASK, BatchWarning, align_directory, plan_directory
from workbench.align.links import check_coverage, format_links, read_links
from workbench.cli.main import main
from workbench.errors import CancelledError, WorkbenchError
from workbench.progress import CancelToken
from workbench.scoring.alignment import score_documents
from workbench.text.segment import lines

from tests.conftest import GLOSSARIES

# four of the shortest dev documents (sentences, one a line): fast, but with 1:2, 2:1 and nulls
NAMES = ["019", "054", "009", "015"]


def _make_dir(dev_dir: Path, root: Path, names=NAMES, unit: str = "sentences") -> Path:
    d = root / "in"
    for side in ("ar", "en", "gold"):
        (d / side).mkdir(parents=True)
        for n in names:
            shutil.copy(dev_dir / unit / side / n, d / side / n)
    return d


@pytest.fixture(scope="module")
def aligner():
    from workbench.align.api import Aligner

    return Aligner()


@pytest.fixture(scope="module")
def reference(dev_dir, aligner):
    """Links from one in-process Aligner, document by document: what batch must reproduce."""
    out = {}
    for n in NAMES:
        src = (dev_dir / "sentences" / "ar" / n).read_text(encoding="utf-8")
        tgt = (dev_dir / "sentences" / "en" / n).read_text(encoding="utf-8")
        out[n] = aligner.align_texts(src, tgt, "lines").links
    return out


def test_parallel_batch_writes_what_a_single_process_computes(dev_dir, tmp_path, reference):
    d = _make_dir(dev_dir, tmp_path)
    (d / "ar" / "077").write_text("نص بلا ترجمة\n", encoding="utf-8")  # one side only
    out = tmp_path / "out"

    # interrupted after the first document: the workers stop, what finished stays written
    token = CancelToken()

    def cancel_after_first(event):
        if event.detail in NAMES:
            token.cancel()

    with pytest.warns(BatchWarning, match=r"077"), pytest.raises(CancelledError):
        align_directory(d, out, workers=2, progress=cancel_after_first, cancel=token)
    assert not multiprocessing.active_children()
    first_run = sorted(p.name for p in out.iterdir())
    assert 1 <= len(first_run) < len(NAMES)

    events = []
    with pytest.warns(BatchWarning, match=r"077"):
        result = align_directory(d, out, unit="lines", workers=2, progress=events.append)
    assert not multiprocessing.active_children()
    assert sorted(result) == sorted(NAMES)
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)  # no 077, no temp files
    for n in NAMES:
        assert (out / n).read_text(encoding="utf-8") == format_links(reference[n]), n
        assert result[n] == reference[n]
        src = lines((d / "ar" / n).read_text(encoding="utf-8"))
        tgt = lines((d / "en" / n).read_text(encoding="utf-8"))
        check_coverage(read_links(out / n), len(src), len(tgt), require_complete=True)
    # one opening event (the resumed documents), then one per document aligned now
    assert {e.task for e in events} == {TASK}
    assert [e.done for e in events] == list(range(len(first_run), len(NAMES) + 1))
    assert events[-1].total == len(NAMES)
    assert sorted(e.detail for e in events[1:]) == sorted(set(NAMES) - set(first_run))
    # and the links are good ones: the aligner beats Gale-Church's 0.634 on these too
    gold = [read_links(d / "gold" / n) for n in NAMES]
    assert score_documents(gold, [result[n] for n in NAMES]).f1_strict > 0.7


def test_interrupted_run_resumes_without_redoing_finished_documents(dev_dir, tmp_path,
                                                                    reference, aligner):
    d = _make_dir(dev_dir, tmp_path)
    out = tmp_path / "out"
    token = CancelToken()
    seen = []

    def cancel_after_first(event):
        seen.append(event)
        if event.detail in NAMES:
            token.cancel()

    with pytest.raises(CancelledError):
        align_directory(d, out, workers=1, progress=cancel_after_first, cancel=token,
                        aligner=aligner)
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 1                       # the finished document, nothing else
    first = written[0]
    stamp = (out / first).stat().st_mtime_ns
    # a half-written file left by some other tool is redone, not trusted
    second = next(n for n in sorted(NAMES) if n != first)
    (out / second).write_text(format_links(reference[second][:1]), encoding="utf-8")
    # debris of an atomic write cut short by kill -9
    (out / f".{second}.k3x_9q.tmp").write_text("[0]:[", encoding="utf-8")

    events = []
    result = align_directory(d, out, workers=1, progress=events.append, aligner=aligner)
    assert events[0].done == 1 and events[0].total == len(NAMES)
    assert "1 already aligned" in events[0].detail
    aligned_now = {e.detail for e in events[1:]}
    assert first not in aligned_now and second in aligned_now
    assert (out / first).stat().st_mtime_ns == stamp
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)
    for n in NAMES:
        assert (out / n).read_text(encoding="utf-8") == format_links(reference[n]), n
        assert [lk.key() for lk in result[n]] == [lk.key() for lk in reference[n]]


def test_empty_side_gives_null_links_without_failing(dev_dir, tmp_path):
    d = _make_dir(dev_dir, tmp_path, names=["019"])
    (d / "en" / "019").write_text("\n\n", encoding="utf-8")
    result = align_directory(d, tmp_path / "out", workers=1)
    n_src = len(lines((d / "ar" / "019").read_text(encoding="utf-8")))
    assert [lk.key() for lk in result["019"]] == [((i,), ()) for i in range(n_src)]
    assert read_links(tmp_path / "out" / "019") == result["019"]


# --- bad layouts and files: one line, exit 2, before any model is loaded ------------


def _cli(capsys, *argv) -> tuple[int, str]:
    code = main(["batch", "align", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.err


def test_cli_rejects_missing_directory(tmp_path, capsys):
    code, err = _cli(capsys, tmp_path / "nope", "--out", tmp_path / "out")
    assert code == 2
    assert "nope" in err and "directory not found" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_cli_rejects_directory_without_ar_en(tmp_path, capsys):
    (tmp_path / "in" / "ar").mkdir(parents=True)
    code, err = _cli(capsys, tmp_path / "in", "--out", tmp_path / "out")
    assert code == 2
    assert "no en/ folder" in err and str(tmp_path / "in") in err
    assert err.count("\n") == 1


def test_cli_rejects_directory_with_no_common_names(tmp_path, capsys):
    for side, name in (("ar", "a1"), ("en", "b1")):
        (tmp_path / "in" / side).mkdir(parents=True)
        (tmp_path / "in" / side / name).write_text("x\n", encoding="utf-8")
    code, err = _cli(capsys, tmp_path / "in", "--out", tmp_path / "out")
    assert code == 2
    assert "no file names in common" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("content, reason", [
    (b"\x00\x01\x02binary", "looks binary"),
    ("نص عربي\n".encode("cp1256"), "not valid UTF-8"),
])
def test_cli_names_a_bad_file_and_writes_nothing(dev_dir, tmp_path, capsys, content, reason):
    d = _make_dir(dev_dir, tmp_path, names=["019", "054"])
    (d / "en" / "054").write_bytes(content)
    code, err = _cli(capsys, d, "--out", tmp_path / "out", "--workers", "1")
    assert code == 2
    assert str(d / "en" / "054") in err and reason in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_cli_refuses_out_that_is_a_file_or_an_input_folder(dev_dir, tmp_path, capsys):
    d = _make_dir(dev_dir, tmp_path, names=["019"])
    (tmp_path / "file").write_text("", encoding="utf-8")
    code, err = _cli(capsys, d, "--out", tmp_path / "file")
    assert code == 2 and "not a directory" in err
    code, err = _cli(capsys, d, "--out", d / "en")
    assert code == 2 and "input folder en/" in err
    assert (d / "en" / "019").read_bytes() == (dev_dir / "sentences" / "en" / "019").read_bytes()


def test_swapped_files_are_named_in_a_one_line_error(dev_dir, tmp_path, capsys):
    d = _make_dir(dev_dir, tmp_path, names=["019", "054"])
    shutil.copy(d / "en" / "054", d / "ar" / "054")  # English where the Arabic should be
    code, err = _cli(capsys, d, "--out", tmp_path / "out", "--workers", "2")
    assert code == 2, err
    assert f"{d}/{{ar,en}}/054" in err and "not Arabic" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_cli_names_a_bad_glossary_before_aligning(dev_dir, tmp_path, capsys):
    d = _make_dir(dev_dir, tmp_path, names=["019"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries:\n  - id: x\n    en: [unclosed\n", encoding="utf-8")
    code, err = _cli(capsys, d, "--out", tmp_path / "out", "--glossary", bad)
    assert code == 2 and str(bad) in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_cli_rejects_bad_worker_count(dev_dir, tmp_path, capsys):
    d = _make_dir(dev_dir, tmp_path, names=["019"])
    with pytest.raises(SystemExit) as exc:  # refused by argparse (workbench.cli.argtypes)
        _cli(capsys, d, "--out", tmp_path / "out", "--workers", "0")
    assert exc.value.code == 2 and "--workers" in capsys.readouterr().err


def test_plan_lists_one_sided_names(tmp_path):
    for side, names in (("ar", ["a", "b", "c"]), ("en", ["b", "c", "d", ".hidden"])):
        (tmp_path / side).mkdir()
        for n in names:
            (tmp_path / side / n).write_text("x\n", encoding="utf-8")
    plan = plan_directory(tmp_path, tmp_path / "out")
    assert plan.names == ["b", "c"]
    assert plan.only_source == ["a"] and plan.only_target == ["d"]
    msgs = plan.warnings()
    assert len(msgs) == 2 and "a" in msgs[0] and "d" in msgs[1]


def test_unknown_unit_is_a_user_error(tmp_path):
    with pytest.raises(WorkbenchError, match="unknown segment unit"):
        align_directory(tmp_path, tmp_path / "out", unit="words")


def test_cli_end_to_end_with_glossary_and_resume(dev_dir, tmp_path, capsys, aligner):
    from workbench.glossary import load_glossary

    d = _make_dir(dev_dir, tmp_path, names=NAMES[:2])
    out = tmp_path / "out"
    code, err = _cli(capsys, d, "--out", out, "--workers", "1", "--glossary", GLOSSARIES)
    assert code == 0, err
    assert "2 documents (2 aligned)" in err
    glossary = load_glossary([GLOSSARIES])
    for n in NAMES[:2]:
        expected = aligner.align_texts((d / "ar" / n).read_text(encoding="utf-8"),
                                       (d / "en" / n).read_text(encoding="utf-8"), "lines",
                                       glossary=glossary).links
        assert (out / n).read_text(encoding="utf-8") == format_links(expected)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, err = _cli(capsys, d, "--out", out)
    assert code == 0 and "2 already done" in err
