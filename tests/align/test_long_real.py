"""A long rewrite with the real embedder: forty dev documents back to back.

The short dev documents are aligned whole; joined end to end (about 600 segments a
side) the pair goes through the coarse-to-fine path (a band around the path found on
downsampled sides), which must keep the quality of aligning each document alone.
"""

from __future__ import annotations

import pytest

from workbench.align.api import Aligner
from workbench.align.engine import AlignStats
from workbench.align.links import Link, check_coverage, read_links
from workbench.scoring.alignment import score_documents

DOCS = range(0, 40)


@pytest.mark.slow
def test_forty_documents_back_to_back(dev_dir):
    aligner = Aligner()
    src: list[str] = []
    tgt: list[str] = []
    gold: list[Link] = []
    alone_gold, alone_pred = [], []
    for k in DOCS:
        name = f"{k:03d}"
        ar, en = ([x for x in (dev_dir / "sentences" / lang / name).read_text("utf-8")
                   .splitlines() if x.strip()] for lang in ("ar", "en"))
        doc_gold = read_links(dev_dir / "sentences" / "gold" / name)
        alone_gold.append(doc_gold)
        alone_pred.append(aligner.align_segments(ar, en))
        gold += [Link(tuple(len(src) + i for i in g.src), tuple(len(tgt) + j for j in g.tgt))
                 for g in doc_gold]
        src += ar
        tgt += en
    stats = AlignStats()
    links = aligner.align_segments(src, tgt, stats=stats)
    check_coverage(links, len(src), len(tgt), require_complete=True)
    assert stats.levels >= 1  # the band path, not the whole table
    # auto searches twice (the rewrite and the translation profile), each in its band
    assert stats.band_cells < len(src) * len(tgt)
    rewrite_stats = AlignStats()
    aligner.align_segments(src, tgt, stats=rewrite_stats, profile="rewrite")
    assert rewrite_stats.band_cells < len(src) * len(tgt) / 2
    alone = score_documents(alone_gold, alone_pred).f1_strict
    joined = score_documents([gold], [links]).f1_strict
    assert joined >= 0.95 and joined >= alone - 0.02, (alone, joined)
