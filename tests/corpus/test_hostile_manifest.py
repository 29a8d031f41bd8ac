"""Hostile corpus manifests (issue 17): alias bombs, unknown keys, wrong types, paths
that leave the collection.  Each runs ``workbench corpus list`` in a subprocess under
a memory limit and expects exit 2, one line naming manifest.yaml, and no traceback."""

from __future__ import annotations

import shutil
import textwrap
import time
from pathlib import Path

import pytest

from tests.cli.test_hostile_io import refused, run
from tests.conftest import SEEDS

BOMB = "".join([
    "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    *(f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]\n" for i in range(1, 10)),
])

GOOD = """\
collection: c
documents:
  - {id: "004", file: 004_fc843bc12e8cb1da.txt, language: ar}
  - {id: "000", file: 000_54ac8f1f5784a3e2.txt, language: en}
pairs:
  - {id: p, source: "004", target: "000", relation: rewrite}
"""


@pytest.fixture
def coll(tmp_path) -> Path:
    d = tmp_path / "c"
    d.mkdir()
    for f in SEEDS.glob("00[04]_*.txt"):
        shutil.copy(f, d / f.name)
    return d


def _list(coll: Path, **kw):
    """``workbench corpus list`` with the collection's parent as the configured corpora."""
    cfg = coll.parent / "config.yaml"
    cfg.write_text(f"corpora: [{coll.parent}]\n", encoding="utf-8")
    return run("--config", cfg, "corpus", "list", **kw)


def _write(d: Path, body: str) -> Path:
    m = d / "manifest.yaml"
    m.write_text(textwrap.dedent(body), encoding="utf-8")
    return m


def test_good_manifest_loads(coll):
    _write(coll, GOOD)
    code, out, err = _list(coll, limit=True)
    assert code == 0, err


def test_alias_bomb_is_refused_quickly(coll):
    m = _write(coll, GOOD.replace("collection: c\n", "collection: c\ntitle: *a9\n", 1)
               .replace("collection: c\n", BOMB + "collection: c\n", 1))
    started = time.monotonic()
    code, _, err = _list(coll, limit=True, timeout=60)
    refused(code, err, str(m), "alias")
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("change,needle", [
    (("collection: c\n", "collection: c\ncolection: typo\n"), "unknown key 'colection'"),
    (("collection: c\n", "collection: c\ntitle: [1, 2]\n"), "'title' must be a string"),
    (("language: ar}", "language: ar, langauge: en}"), "unknown key 'langauge'"),
    (("relation: rewrite}", "relation: rewrite, gld: x}"), "unknown key 'gld'"),
    (("file: 004_fc843bc12e8cb1da.txt", "file: ../../../../../../etc/passwd"),
     "outside the collection"),
    (("collection: c\n", "collection: c\nallow_outside: yes please\n"), "allow_outside"),
])
def test_bad_manifest_is_one_line(coll, change, needle):
    m = _write(coll, GOOD.replace(*change))
    code, out, err = _list(coll, limit=True)
    refused(code, err, str(m), needle)
    assert "root:" not in out  # nothing of /etc/passwd shown


def test_allow_outside_lets_a_file_outside_in(coll, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    shutil.copy(next(SEEDS.glob("000_*.txt")), outside)
    _write(coll, "allow_outside: true\n" + GOOD.replace("file: 000_54ac8f1f5784a3e2.txt",
                                                        "file: ../elsewhere.txt"))
    code, _, err = _list(coll)
    assert code == 0, err
