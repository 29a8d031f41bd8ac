"""``batch score --mt``: MT scores of the tiny test model agree with the sacrebleu CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from workbench.align.links import format_links
from workbench.cli.main import main

pytest.importorskip("torch")
SACREBLEU = Path(sys.executable).with_name("sacrebleu")


@pytest.fixture(scope="module")
def tiny_model(request, tmp_path_factory) -> Path:
    """The tiny Marian model the MT tests build (shared cache, built once)."""
    from tests.mt.conftest import _build_once

    try:
        root = Path(request.config.cache.mkdir("mt-models"))
    except (AttributeError, OSError):
        root = tmp_path_factory.getbasetemp().parent / "mt-models"
    return _build_once(root)


@pytest.fixture()
def seed_dir(tmp_path) -> Path:
    """The main seed pair as DIR/{ar,en,gold}/pair, one paragraph a line, plus ref/."""
    from workbench.corpus import resolve_pair

    pair = resolve_pair("seeds:004-000")
    root = tmp_path / "in"
    for sub in ("ar", "en", "gold"):
        (root / sub).mkdir(parents=True)
    src = [s.text for s in pair.source.segments("paragraphs")]
    tgt = [s.text for s in pair.target.segments("paragraphs")]
    (root / "ar" / "p1").write_text("\n".join(src) + "\n", encoding="utf-8")
    (root / "en" / "p1").write_text("\n".join(tgt) + "\n", encoding="utf-8")
    (root / "gold" / "p1").write_text(format_links(pair.gold_links()), encoding="utf-8")
    return root


def doc_hyps(out: Path) -> list[str]:
    return (out / "mt-hyp.txt").read_text(encoding="utf-8").splitlines()


def _cli_scores(out: Path) -> dict:
    res = subprocess.run([str(SACREBLEU), str(out / "mt-ref.txt"), "-i", str(out / "mt-hyp.txt"),
                          "-m", "bleu", "chrf", "ter", "--chrf-word-order", "2", "-w", "6",
                          "-f", "json"], capture_output=True, text=True, check=True)
    return {m["name"]: m for m in json.loads(res.stdout)}


def test_mt_scores_equal_the_sacrebleu_command_line(seed_dir, tiny_model, tmp_path,
                                                    monkeypatch):
    monkeypatch.setenv("WORKBENCH_MT_THREADS", "1")
    assert (SEEDS / "gold").is_dir()
    (tmp_path / "pred").mkdir()
    shutil.copy(seed_dir / "gold" / "p1", tmp_path / "pred" / "p1")
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    rc = main(["batch", "score", str(seed_dir), "--pred", str(tmp_path / "pred"), "--out",
               str(out), "--mt", str(tiny_model), "--workers", "1", "--report", str(report)])
    assert rc == 0
    got = json.loads(report.read_text())
    mt = got["overall"]["mt"]
    cli = _cli_scores(out)
    for key, name in (("bleu", "BLEU"), ("chrf", "chrF2++"), ("ter", "TER")):
        assert round(mt[key]["score"], 6) == cli[name]["score"], key
        assert mt[key]["signature"] == cli[name]["signature"] == got["signatures"][key]
    doc = got["documents"][0]
    assert doc["mt"]["ref_from"] == "gold"
    assert doc["mt"]["bleu"]["score"] == mt["bleu"]["score"]  # one document: same corpus
    # the tiny model was trained on sentences of this pair: its paragraph translations are
    # poor but not empty
    assert 0 < mt["chrf"]["score"] < 100 and all(h.strip() for h in doc_hyps(out))
    hyps = doc_hyps(out)
    refs = (out / "mt-ref.txt").read_text(encoding="utf-8").splitlines()
    assert len(hyps) == len(refs) == sum(1 for ln in (seed_dir / "gold" / "p1").read_text()
                                         .splitlines() if "[]" not in ln)

    # with DIR/ref the reference translations are used, one per Arabic segment
    ref_dir = seed_dir / "ref"
    ref_dir.mkdir()
    ar_lines = (seed_dir / "ar" / "p1").read_text(encoding="utf-8").splitlines()
    ref_dir.joinpath("p1").write_text("\n".join(f"reference {i}" for i in range(len(ar_lines)))
                                      + "\n", encoding="utf-8")
    rc = main(["batch", "score", str(seed_dir), "--pred", str(tmp_path / "pred"), "--out",
               str(out), "--mt", str(tiny_model), "--workers", "1", "--report", str(report)])
    assert rc == 0
    got = json.loads(report.read_text())
    assert got["documents"][0]["mt"]["ref_from"] == "ref"
    assert len((out / "mt-ref.txt").read_text().splitlines()) == len(ar_lines)
    assert round(got["overall"]["mt"]["ter"]["score"], 6) == _cli_scores(out)["TER"]["score"]
