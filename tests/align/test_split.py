"""The translation profile's n:m links on real German-French text: decomposable blocks
(workbench.align.split) and the cost of each extra segment (profile.py).

Excerpts of the Text+Berg development set (GNU GPL v2, read where it is shared,
``../shared/data/textberg-dev``, never copied into the project: skipped where absent): a
range of German lines and the French lines their gold links reach.  Lines 330-359 hold two
consecutive 1:1 translations (German 339 and 340) that the translation profile used to take
as one 2:2 link, and two real crossing 2:2 links (346-347 and 352-353, whose sentence
boundaries differ on the two sides); lines 382-393 a German sentence rendered as four
French ones (391) before a 1:1 link (392), which the profile used to cut as 1:3 and 1:2.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from workbench.align import profile
from workbench.align.api import Aligner
from workbench.align.links import read_links
from workbench.align.params import FEATURES

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
TEXTBERG = SHARED / "data" / "textberg-dev"
FIRST, STOP = 330, 360

pytestmark = pytest.mark.skipif(not (TEXTBERG / "dev.defr").is_file(),
                                reason="the Text+Berg dev set is not in ../shared/data/textberg-dev")


def _excerpt(first: int = FIRST, stop: int = STOP):
    de = (TEXTBERG / "dev.de").read_text(encoding="utf-8").splitlines()
    fr = (TEXTBERG / "dev.fr").read_text(encoding="utf-8").splitlines()
    gold = [lk for lk in read_links(TEXTBERG / "dev.defr")
            if lk.src and first <= lk.src[0] < stop]
    t0 = min(lk.tgt[0] for lk in gold if lk.tgt)
    t1 = max(lk.tgt[-1] for lk in gold if lk.tgt) + 1
    keys = {(tuple(i - first for i in lk.src), tuple(j - t0 for j in lk.tgt)) for lk in gold}
    return de[first:stop], fr[t0:t1], keys, t0


def test_two_one_to_one_translations_are_not_one_crossing_link():
    de, fr, gold, t0 = _excerpt()
    assert ((339 - FIRST, 340 - FIRST), (392 - t0, 393 - t0)) not in gold
    assert ((346 - FIRST, 347 - FIRST), (400 - t0, 401 - t0)) in gold  # real crossings
    assert ((352 - FIRST, 353 - FIRST), (406 - t0, 407 - t0)) in gold
    links = Aligner().align_segments(de, fr, source_lang="de", target_lang="fr")
    assert {(lk.src, lk.tgt) for lk in links} == gold  # exactly the human alignment


def test_without_the_split_penalty_the_pair_is_merged(monkeypatch):
    """The same excerpt under the translation profile with no charge for a decomposable
    block: German 339-340 and French 392-393 come back as one 2:2 link."""
    de, fr, gold, t0 = _excerpt()
    plain = profile.translation_params

    def no_split(params):
        return dataclasses.replace(plain(params), split_penalty=0.0)

    monkeypatch.setattr(profile, "translation_params", no_split)
    links = Aligner().align_segments(de, fr, source_lang="de", target_lang="fr",
                                     profile="translation")
    keys = {(lk.src, lk.tgt) for lk in links}
    assert ((339 - FIRST, 340 - FIRST), (392 - t0, 393 - t0)) in keys
    assert len(keys & gold) == len(gold) - 2


def test_a_long_link_before_a_one_to_one_link_is_not_balanced(monkeypatch):
    """German 391 is four French lines (457-460), German 392 one (461): found exactly; with
    the earlier n:m prior (-1 an extra segment, +1 once: a 1:2 link cost nothing) the
    French 460 went to the next link, two 1:2-ish links instead of a 1:4 and a 1:1."""
    de, fr, gold, t0 = _excerpt(382, 394)
    four = ((391 - 382,), tuple(j - t0 for j in range(457, 461)))
    assert four in gold and ((392 - 382,), (461 - t0,)) in gold
    links = Aligner().align_segments(de, fr, source_lang="de", target_lang="fr")
    assert {(lk.src, lk.tgt) for lk in links} == gold
    plain = profile.translation_params

    def earlier(params):
        p = plain(params)
        w = list(p.weights)
        w[FEATURES.index("extra")] = -1.0
        return dataclasses.replace(p, weights=w, multi_bonus=1.0)

    monkeypatch.setattr(profile, "translation_params", earlier)
    links = Aligner().align_segments(de, fr, source_lang="de", target_lang="fr",
                                     profile="translation")
    keys = {(lk.src, lk.tgt) for lk in links}
    assert four not in keys
    assert ((391 - 382,), tuple(j - t0 for j in range(457, 460))) in keys
