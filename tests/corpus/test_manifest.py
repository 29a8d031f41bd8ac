from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.conftest import CORPORA, SEEDS
from workbench.corpus import find_collections, load_collection, resolve_pair
from workbench.errors import CorpusError, WorkbenchError


def test_bundled_collection():
    coll = load_collection(SEEDS)
    assert coll.name == "seeds"
    assert sorted(coll.documents) == ["000", "001", "002", "003", "004"]
    assert coll.documents["004"].language == "ar"
    assert {p.relation for p in coll.pairs.values()} == {"rewrite", "loose-rewrite"}
    pair = coll.pairs["004-000"]
    assert pair.qualified_id == "seeds:004-000"
    gold = pair.gold_links()
    assert [lk.format() for lk in gold[:4]] == ["[0]:[0]", "[1]:[1]", "[2]:[2,3]", "[3]:[4,5]"]
    assert gold[-1].format() == "[]:[6]"
    # seeds are the shared seeds, verbatim
    shared = SEEDS.parent.parent.parent / "shared" / "seeds"
    if shared.is_dir():
        for f in shared.iterdir():
            assert (SEEDS / f.name).read_bytes() == f.read_bytes()


def test_resolve_pair():
    assert resolve_pair("seeds:004-001", [CORPORA]).target.id == "001"
    assert resolve_pair("004-000", [CORPORA]).source.id == "004"
    with pytest.raises(CorpusError, match="unknown collection"):
        resolve_pair("nope:004-000", [CORPORA])
    with pytest.raises(CorpusError, match="has no pair"):
        resolve_pair("seeds:999", [CORPORA])


@pytest.fixture
def coll_dir(tmp_path) -> Path:
    d = tmp_path / "c"
    d.mkdir()
    for f in SEEDS.glob("00[04]_*.txt"):
        shutil.copy(f, d / f.name)
    (d / "g.gold").write_text((SEEDS / "gold" / "004-000.paragraphs.gold").read_text())
    return d


def _manifest(d: Path, body: str) -> Path:
    (d / "manifest.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return d


GOOD = """\
collection: c
documents:
  - {id: "004", file: 004_fc843bc12e8cb1da.txt, language: ar}
  - {id: "000", file: 000_54ac8f1f5784a3e2.txt, language: en}
pairs:
  - {id: p, source: "004", target: "000", relation: rewrite, gold: g.gold}
"""


def test_valid_minimal(coll_dir):
    assert load_collection(_manifest(coll_dir, GOOD)).pairs["p"].gold_path is not None


@pytest.mark.parametrize("change,message,line", [
    (("000_54ac8f1f5784a3e2.txt", "missing.txt"), "file 'missing.txt' not found", 4),
    (("language: en", "language: fr"), "unknown language code 'fr'", 4),
    (('id: "000"', 'id: "004"'), "duplicate document id '004'", 4),
    (("target: \"000\"", "target: \"009\""), "target document '009' is not declared", 6),
    (("relation: rewrite", "relation: cousin"), "unknown relation 'cousin'", 6),
    (("gold: g.gold", "gold: nope.gold"), "gold file 'nope.gold' not found", 6),
])
def test_manifest_errors_name_file_line_and_problem(coll_dir, change, message, line):
    _manifest(coll_dir, GOOD.replace(*change))
    with pytest.raises(CorpusError) as info:
        load_collection(coll_dir)
    err = str(info.value)
    assert message in err
    assert err.startswith(f"{coll_dir / 'manifest.yaml'}:{line}:")


def test_gold_index_out_of_range(coll_dir):
    (coll_dir / "g.gold").write_text("[0]:[0]\n[12]:[1]\n")
    _manifest(coll_dir, GOOD)
    with pytest.raises(CorpusError, match="source index 12, but the source has 12 segments"):
        load_collection(coll_dir)


def test_bad_yaml_and_binary_document(coll_dir):
    _manifest(coll_dir, "collection: [unclosed\n")
    with pytest.raises(WorkbenchError, match=r"manifest.yaml:\d+:\d+: YAML"):
        load_collection(coll_dir)
    (coll_dir / "000_54ac8f1f5784a3e2.txt").write_bytes(b"\x00\x01binary")
    _manifest(coll_dir, GOOD)
    with pytest.raises(CorpusError, match="looks binary"):
        load_collection(coll_dir)


def test_duplicate_collection_names(coll_dir, tmp_path):
    _manifest(coll_dir, GOOD)
    other = tmp_path / "d"
    shutil.copytree(coll_dir, other)
    with pytest.raises(CorpusError, match="declared twice"):
        find_collections([tmp_path])
