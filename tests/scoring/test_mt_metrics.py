"""BLEU, chrF++ and TER agree exactly with the sacrebleu command line on the same files."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NTREX
from workbench.scoring.mt import MTMetrics, mt_metrics

SACREBLEU = Path(sys.executable).with_name("sacrebleu")


def _noisy(line: str, rng: random.Random) -> str:
    """A plausible system output: some words dropped, swapped or repeated."""
    words = line.split()
    out = []
    for w in words:
        r = rng.random()
        if r < 0.1:
            continue
        if r < 0.15 and out:
            out.insert(len(out) - 1, w)
        elif r < 0.2:
            out += [w, w.lower()]
        else:
            out.append(w)
    return " ".join(out) or words[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    src = NTREX / "newstest2019-src.eng.txt"
    if not src.is_file():
        pytest.skip("NTREX not found")
    refs = [ln for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()][:150]
    rng = random.Random(11)
    hyps = [_noisy(r, rng) for r in refs]
    d = tmp_path_factory.mktemp("mt")
    (d / "ref.txt").write_text("\n".join(refs) + "\n", encoding="utf-8")
    (d / "hyp.txt").write_text("\n".join(hyps) + "\n", encoding="utf-8")
    return d, hyps, refs


def _cli(d: Path, width: int = 6) -> dict:
    if not SACREBLEU.exists():
        pytest.skip("sacrebleu command not installed")
    out = subprocess.run([str(SACREBLEU), str(d / "ref.txt"), "-i", str(d / "hyp.txt"),
                          "-m", "bleu", "chrf", "ter", "--chrf-word-order", "2",
                          "-w", str(width), "-f", "json"],
                         capture_output=True, text=True, check=True).stdout
    return {m["name"]: m for m in json.loads(out)}


def test_scores_and_signatures_equal_the_command_line(files):
    d, hyps, refs = files
    cli = _cli(d)
    ours = mt_metrics(hyps, refs)
    assert ours["segments"] == len(refs)
    for key, name in (("bleu", "BLEU"), ("chrf", "chrF2++"), ("ter", "TER")):
        assert ours[key]["name"] == name
        assert round(ours[key]["score"], 6) == pytest.approx(cli[name]["score"], abs=0), key
        assert ours[key]["signature"] == cli[name]["signature"], key
    # a noisy copy is neither perfect nor hopeless
    assert 20 < ours["bleu"]["score"] < 95 and 0 < ours["ter"]["score"] < 60


def test_identical_output_scores_perfectly(files):
    _, _, refs = files
    res = MTMetrics().score(refs, refs)
    assert res["bleu"]["score"] == pytest.approx(100.0)
    assert res["chrf"]["score"] == pytest.approx(100.0)
    assert res["ter"]["score"] == 0.0


def test_length_mismatch_is_a_user_error():
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError):
        mt_metrics(["a"], ["a", "b"])
