"""The QA development set of benchmarks/glossary_qa.py: every pair gives exactly the
expected findings with the bundled glossary, and the benchmark runs."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from workbench.glossary.qa import check_segments

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "benchmarks/data/glossary/qa_pairs.tsv"


def _pairs():
    out = []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            ar, en, expected, cls = line.split("\t")
            out.append(pytest.param(ar, en, expected, id=f"{cls}:{en[:30]}"))
    return out


@pytest.mark.parametrize("ar,en,expected", _pairs())
def test_dev_pair(curated, ar, en, expected):
    want = Counter() if expected == "-" else Counter(tuple(x.split(":")) for x in
                                                     expected.split())
    got = Counter((f.kind, f.term) for f in check_segments(curated, [ar], [en], numbers=False))
    assert got == want


def test_the_dev_set_covers_every_class_and_kind():
    rows = [p.values for p in _pairs()]
    kinds = {x.split(":")[0] for _, _, e in rows if e != "-" for x in e.split()}
    assert {"missing", "variant", "forbidden", "unsourced", "check"} <= kinds
    assert sum(1 for _, _, e in rows if e == "-") >= 30  # homographs with no finding


def test_the_benchmark_runs(capsys):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import glossary_qa
    finally:
        sys.path.pop(0)
    assert glossary_qa.main([]) == 0
    out = capsys.readouterr().out
    assert "fresh3 (held out)" in out and "half B, threshold from A" in out
