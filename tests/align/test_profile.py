"""Profiles (``--profile auto|translation|rewrite``) and long links (1:6, 6:1, 2:3, 3:2).

The faithful translation is built here from NTREX lines (documents 0-79 only, read where
they are shared, ``../shared/data/ntrex``): NTREX is 1:1 by line, so joining consecutive
Arabic lines into one long sentence (each sentence end but the last made a comma) gives
1:4 and 1:6 links as in literary translation, and joining English lines a 3:1 link.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import dev_doc
from workbench.align.api import Aligner
from workbench.align.links import Link
from workbench.align.profile import combine, regions
from workbench.align.search import link_shapes
from workbench.errors import WorkbenchError

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
NTREX = SHARED / "data" / "ntrex"
_END = re.compile(r"[.!?\u061f\u06d4]+[\"'\u201d\u00bb]*\s*$")


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


def _ntrex_doc(k: int) -> tuple[list[str], list[str]]:
    assert k < 80, "NTREX documents 80-122 are reserved"
    if not (NTREX / "DOCUMENT_IDS.tsv").is_file():
        pytest.skip(f"NTREX not found at {NTREX}")
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    ar = (NTREX / "newstest2019-ref.arb.txt").read_text(encoding="utf-8").splitlines()
    en = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    order = list(dict.fromkeys(ids))
    rows = [i for i, d in enumerate(ids) if d == order[k]]
    return [ar[i] for i in rows], [en[i] for i in rows]


def _translation(k: int, plan) -> tuple[list[str], list[str], list[Link]]:
    """NTREX document ``k`` with the lines at ``(start, a, b)`` of ``plan`` made one a:b
    link (1:n: n Arabic lines joined into one sentence; n:1: n English lines joined)."""
    a, e = _ntrex_doc(k)
    src: list[str] = []
    tgt: list[str] = []
    gold: list[Link] = []
    j = 0
    for start, p, q in [*plan, (len(a), 0, 0)]:
        while j < start:
            gold.append(Link((len(src),), (len(tgt),)))
            src.append(a[j])
            tgt.append(e[j])
            j += 1
        if p == 0:
            break
        size = max(p, q)
        s0, t0 = len(src), len(tgt)
        if p == 1:
            parts = a[j:j + size]
            src.append("\u060c ".join([_END.sub("", x.rstrip()) for x in parts[:-1]]
                                      + [parts[-1]]))
        else:
            src.extend(a[j:j + size])
        if q == 1:
            tgt.append(" ".join(e[j:j + size]))
        else:
            tgt.extend(e[j:j + size])
        gold.append(Link(tuple(range(s0, len(src))), tuple(range(t0, len(tgt)))))
        j += size
    return src, tgt, gold


PLAN = [(1, 1, 4), (7, 1, 6), (14, 3, 1)]  # a 1:4, a 1:6 and a 3:1 link


def _keys(links):
    return [lk.key() for lk in links]


@pytest.mark.parametrize("doc", [2, 13])
def test_faithful_translation_with_long_links_is_aligned_exactly(aligner, doc):
    src, tgt, gold = _translation(doc, PLAN)
    assert {len(g.tgt) for g in gold} >= {4, 6} and max(len(g.src) for g in gold) == 3
    links = aligner.align_segments(src, tgt, profile="translation")
    assert _keys(links) == _keys(gold)
    # the 1:6 link is found, with a confidence
    six = [lk for lk in links if len(lk.tgt) == 6]
    assert len(six) == 1 and 0.0 <= six[0].score <= 1.0
    # auto finds the same here (the rewrite links, merged where the blocks agree)
    assert _keys(aligner.align_segments(src, tgt)) == _keys(gold)
    # the rewrite profile has no link above 3 segments a side and leaves lines unlinked
    rewrite = aligner.align_segments(src, tgt, profile="rewrite")
    assert max(max(len(lk.src), len(lk.tgt)) for lk in rewrite) <= 3
    assert _keys(rewrite) != _keys(gold)


def test_max_link_bounds_every_profile(aligner):
    src, tgt, gold = _translation(2, PLAN)
    for profile in ("auto", "translation"):
        links = aligner.align_segments(src, tgt, profile=profile, max_link=3)
        assert max(max(len(lk.src), len(lk.tgt)) for lk in links) <= 3
        covered = sorted(i for lk in links for i in lk.src)
        assert covered == list(range(len(src)))


@pytest.mark.parametrize("name", ["000", "013"])
def test_rewrite_with_deletions_and_insertions_still_exact(aligner, dev_dir, name):
    src, tgt, gold = dev_doc(dev_dir, "sentences", name)
    assert any(not g.tgt for g in gold) and any(not g.src for g in gold)
    for profile in ("auto", "rewrite"):
        links = aligner.align_segments(src, tgt, profile=profile)
        assert sorted(_keys(links)) == sorted(_keys(gold)), profile
    # forced the other way, the translation prior merges added material: not the gold
    links = aligner.align_segments(src, tgt, profile="translation")
    assert sorted(_keys(links)) != sorted(_keys(gold))


def test_cli_profile_and_long_links(tmp_path, capsys):
    from workbench.cli.main import main

    src, tgt, gold = _translation(2, PLAN)
    ar, en = tmp_path / "ar.txt", tmp_path / "en.txt"
    ar.write_text("\n".join(src) + "\n", encoding="utf-8")
    en.write_text("\n".join(tgt) + "\n", encoding="utf-8")
    expected = [lk.format(False) for lk in gold]
    code = main(["align", str(ar), str(en), "--segments", "lines", "--no-scores",
                 "--profile", "translation", "--no-cache"])
    assert code == 0 and capsys.readouterr().out.split() == expected
    code = main(["align", str(ar), str(en), "--segments", "lines", "--no-scores",
                 "--profile", "rewrite", "--no-cache"])
    assert code == 0 and capsys.readouterr().out.split() != expected
    with pytest.raises(SystemExit) as exc:
        main(["align", str(ar), str(en), "--profile", "loose"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--profile" in err[0]


def test_batch_align_takes_the_profile(tmp_path, capsys):
    from workbench.align.links import read_links
    from workbench.cli.main import main

    src, tgt, gold = _translation(2, PLAN)
    d = tmp_path / "pairs"
    for sub, lines in (("ar", src), ("en", tgt)):
        (d / sub).mkdir(parents=True)
        (d / sub / "002").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["batch", "align", str(d), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--profile", "translation"])
    capsys.readouterr()
    assert code == 0
    assert _keys(read_links(tmp_path / "out" / "002")) == _keys(gold)


def test_unknown_profile_is_a_user_error(aligner):
    with pytest.raises(WorkbenchError, match="--profile 'loose'"):
        aligner.align_segments(["a"], ["b"], profile="loose")


def test_long_shapes_are_the_translation_ones():
    assert link_shapes(3) == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (3, 1)]
    six = set(link_shapes(6))
    assert six == {(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (2, 3), (3, 2),
                   (1, 4), (4, 1), (1, 5), (5, 1), (1, 6), (6, 1)}
    assert set(link_shapes(8)) == six  # at most 6 segments a side
    assert (3, 3) not in six and (2, 4) not in six


def test_regions_and_merges():
    rewrite = [Link((0,), (0,), 0.9), Link((1,), (1, 2), 0.8), Link((), (3,), 0.7),
               Link((2,), (4,), 0.9)]
    translation = [Link((0,), (0,), 0.9), Link((1,), (1, 2, 3), 0.8), Link((2,), (4,), 0.9)]
    regs = regions(rewrite, translation)
    assert sorted(len(r) + len(t) for r, t in regs) == [2, 2, 3]

    class FakeSide:  # block a at position k: unit vector k scaled by sims[a]
        def __init__(self, sims):
            self.sims = sims

        def block_emb(self, a):
            return np.eye(8) * self.sims.get(a, 1.0)

    # the rewrite's 1:2 link (similarity 0.5) merged with the insertion beside it (0.9)
    src, tgt = FakeSide({}), FakeSide({2: 0.5, 3: 0.9})
    links, taken = combine(rewrite, translation, src, tgt)
    assert taken == 1 and sorted(_keys(links)) == sorted(_keys(translation))
    # the merge loses similarity: the rewrite links stay
    links, taken = combine(rewrite, translation, src, FakeSide({2: 0.9, 3: 0.5}))
    assert taken == 0 and sorted(_keys(links)) == sorted(_keys(rewrite))


def test_auto_reads_the_regime_from_the_document(aligner):
    """NTREX document 4 with its first three English lines rendering one long Arabic
    sentence (a 1:3 link, the rest 1:1): the rewrite profile, whose prior is against long
    links, does not find it and leaves a line unlinked; the translation profile links
    every segment, and its longer link is about as similar as the rewrite's shorter one,
    so the document reads as a translation and ``auto`` gives the gold (the region by
    region rule of the last session kept the rewrite's links here)."""
    src, tgt, gold = _translation(4, [(0, 1, 3)])
    rewrite = aligner.align_segments(src, tgt, profile="rewrite")
    assert _keys(rewrite) != _keys(gold)
    assert any(lk.is_null for lk in rewrite)
    assert max(max(len(lk.src), len(lk.tgt)) for lk in rewrite) < 3
    assert _keys(aligner.align_segments(src, tgt, profile="translation")) == _keys(gold)
    assert _keys(aligner.align_segments(src, tgt)) == _keys(gold)


class _FlatSide:
    """Every block of ``a`` segments is the same one-dimensional vector ``sims[a]``: the
    similarity of a link is the product of its two sides' values."""

    def __init__(self, sims):
        self.sims = sims

    def block_emb(self, a):
        return np.full((16, 1), self.sims.get(a, 1.0))


def test_translation_like_signals():
    from workbench.align.profile import MAX_REWRITE_NULLS, translation_like

    one = _FlatSide({})
    # the rewrite's 1:2 link and the insertion before it; the translation's 1:3 link
    rewrite = [Link((), (0,)), Link((0,), (1, 2)), Link((1,), (3,))]
    translation = [Link((0,), (0, 1, 2)), Link((1,), (3,))]
    # more similar: translation-like however many segments are linked
    assert translation_like(rewrite, translation, one, _FlatSide({2: 0.70, 3: 0.71}))
    # a little less similar: translation-like only because the translation links everything
    assert translation_like(rewrite, translation, one, _FlatSide({2: 0.70, 3: 0.69}))
    assert not translation_like(rewrite, translation + [Link((), (4,))], one,
                                _FlatSide({2: 0.70, 3: 0.69}))
    # clearly less similar: added material, not a longer sentence
    assert not translation_like(rewrite, translation, one, _FlatSide({2: 0.70, 3: 0.60}))
    # a rewrite that left most segments unlinked (a loose rewrite) needs the clear signal
    loose = [Link((), (0,)), Link((0,), (1, 2)), Link((1,), ()), Link((2,), ()),
             Link((), (3,))]
    linked = [Link((0,), (0, 1, 2)), Link((1, 2), (3,))]
    assert 4 / 7 > MAX_REWRITE_NULLS
    assert not translation_like(loose, linked, one, _FlatSide({2: 0.70, 3: 0.69}))
    assert translation_like(loose, linked, one, _FlatSide({2: 0.70, 3: 0.71}))
    # a rewrite link of three segments on one side is enough on its own in a short document
    long_link = [Link((0,), (0, 1, 2))]
    assert translation_like(long_link, long_link, one, one)
    # a long document needs signals throughout: one in 400 segments is chance (a long
    # rewrite: tests/align/test_long_real.py), five are not
    single = long_link + [Link((1 + k,), (3 + k,)) for k in range(199)]
    assert not translation_like(single, single, one, one)
    five = ([Link((i,), (3 * i, 3 * i + 1, 3 * i + 2)) for i in range(5)]
            + [Link((5 + k,), (15 + k,)) for k in range(195)])
    assert translation_like(five, five, one, one)
