"""The side-by-side benchmark's harness (benchmarks/align.py) is right.

Gale-Church needs no model and takes milliseconds, so it checks the whole harness
(loading the dev sets and the seed pair, converting the peer's output to links,
Vecalign-exact scoring) against the figures published for it on this benchmark.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys

import pytest

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("bench_align", ROOT / "benchmarks" / "align.py")
bench = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = bench  # dataclasses look their module up
spec.loader.exec_module(bench)


@pytest.mark.parametrize("set_name", ["dev-sentences", "dev-paragraphs", "seed-004-000"])
def test_galechurch_reproduces_the_published_f1(dev_dir, set_name):
    docs = bench.load_set(set_name)
    assert len(docs) == (1 if set_name == "seed-004-000" else 80)
    result = bench.evaluate(set_name, "galechurch", docs, [bench.Systems().run("galechurch", docs)])
    published = bench.PUBLISHED_F1[(set_name, "galechurch")]
    assert result.score.f1_strict == pytest.approx(published, abs=0.006)


def test_dev_loader_never_reads_the_acceptance_documents(dev_dir, tmp_path):
    for side in ("ar", "en", "gold"):
        (tmp_path / "sentences" / side).mkdir(parents=True)
        for name in ("078", "079"):
            shutil.copy(dev_dir / "sentences" / side / name, tmp_path / "sentences" / side / name)
        # a reserved document (080-122) placed beside them must be ignored
        shutil.copy(dev_dir / "sentences" / side / "000", tmp_path / "sentences" / side / "080")
    docs = bench.load_dev_set("sentences", root=tmp_path)
    assert [d.name for d in docs] == ["078", "079"]
    assert bench.load_dev_set("sentences", limit=1, root=tmp_path)[0].name == "078"


def test_markdown_table_lists_every_run(dev_dir, capsys):
    docs = bench.load_set("dev-sentences", limit=5)
    systems = bench.Systems()
    results = [bench.evaluate("dev-sentences", "galechurch", docs, [systems.run("galechurch", docs)])]
    bench.print_table(results, set(), markdown=True, load_seconds={})
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("| set | docs | system | P strict")
    row = out[2].split(" | ")
    assert row[0] == "| dev-sentences" and row[1] == "5" and row[2] == "galechurch"
    assert row[9] == "(0.634)"  # partial set: the published figure is shown in parentheses
