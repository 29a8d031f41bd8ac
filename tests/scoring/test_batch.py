"""Batch scoring on the development benchmark, with predictions derived from the gold."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tests.conftest import DEV
from workbench.align.links import Link, format_links, read_links
from workbench.cli.main import main
from workbench.errors import CancelledError, WorkbenchError
from workbench.progress import CancelToken
from workbench.scoring.alignment import score_alignment
from workbench.scoring.batch import ScoreSettings, score_directory, summarize
from workbench.scoring.report import to_html, to_markdown, write_report

NAMES = ["000", "003", "011", "025", "040"]
NO_TERMS = ScoreSettings(terms=False)


def perturb(links, rng):
    """Wrong in the ways aligners are: split a link into two nulls, merge neighbours.
    Right links get high confidences, wrong ones low (with overlap)."""
    out = []
    i = 0
    while i < len(links):
        lk = links[i]
        r = rng.random()
        if r < 0.2 and lk.src and lk.tgt:
            out += [Link(lk.src, (), rng.uniform(0.1, 0.6)),
                    Link((), lk.tgt, rng.uniform(0.1, 0.6))]
        elif r < 0.3 and i + 1 < len(links) and links[i + 1].src and lk.src:
            nxt = links[i + 1]
            out.append(Link(lk.src + nxt.src, lk.tgt + nxt.tgt, rng.uniform(0.3, 0.8)))
            i += 1
        else:
            out.append(Link(lk.src, lk.tgt, rng.uniform(0.4, 1.0)))
        i += 1
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    if not DEV.is_dir():
        pytest.skip("dev benchmark missing")
    root = tmp_path_factory.mktemp("dev")
    src = DEV / "paragraphs"
    rng = random.Random(5)
    for sub in ("ar", "en", "gold"):
        (root / "in" / sub).mkdir(parents=True)
    (root / "pred").mkdir()
    for name in NAMES:
        for sub in ("ar", "en", "gold"):
            shutil.copy(src / sub / name, root / "in" / sub / name)
        (root / "pred" / name).write_text(format_links(perturb(read_links(src / "gold" / name),
                                                               rng)))
    return root


def _copy(data: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(data / "in", tmp_path / "in")
    shutil.copytree(data / "pred", tmp_path / "pred")
    return tmp_path / "in", tmp_path / "pred"


def test_per_document_and_overall_scores(data, tmp_path):
    res = score_directory(data / "in", tmp_path / "out", pred_dir=data / "pred",
                          settings=NO_TERMS, workers=1)
    assert [d["name"] for d in res.documents] == NAMES
    for d in res.documents:
        gold = read_links(data / "in" / "gold" / d["name"])
        pred = read_links(data / "pred" / d["name"])
        assert d["alignment"] == score_alignment(gold, pred).as_dict()
        assert d["links_from"] == "given" and d["n_src"] == len(
            (data / "in" / "ar" / d["name"]).read_text().splitlines())
    s = summarize(res.documents, info=res.info, settings=NO_TERMS)
    a = s["overall"]["alignment"]
    assert set(a) == {"strict", "lax"} and set(a["strict"]) == {"P", "R", "F1"}
    assert 0.3 < a["strict"]["F1"] < 1.0 and a["lax"]["F1"] >= a["strict"]["F1"]
    conf = s["overall"]["confidence"]
    # wrong links are less confident by construction, so confidence predicts errors
    assert conf["n"] == sum(len(d["links"]) for d in res.documents)
    assert conf["roc_auc"] > 0.7
    by_type = conf["by_type"]
    assert sum(r["n"] for r in by_type.values()) == conf["n"]
    # the perturbation turns right 1:1 links into wrong null pairs
    assert by_type["null"]["accuracy"] < by_type["1:1"]["accuracy"] == 1.0
    assert s["overall"]["link_types"]["types"]["1:1"]["gold"] > 0
    assert s["overall"]["mt"] is None and s["overall"]["terms"] is None


def test_cli_json_report_agrees_with_vecalign_score(data, tmp_path):
    sentweave_score = pytest.importorskip("sentweave.score")
    report = tmp_path / "r.json"
    rc = main(["batch", "score", str(data / "in"), "--pred", str(data / "pred"),
               "--out", str(tmp_path / "out"), "--no-terms", "--workers", "1",
               "--report", str(report)])
    assert rc == 0
    got = json.loads(report.read_text())
    golds = [read_links(data / "in" / "gold" / n) for n in NAMES]
    preds = [read_links(data / "pred" / n) for n in NAMES]
    ref = sentweave_score.score_multiple(gold_list=[[(lk.src, lk.tgt) for lk in g] for g in golds],
                                         test_list=[[(lk.src, lk.tgt) for lk in t] for t in preds])
    ov = got["overall"]["alignment"]
    for mode in ("strict", "lax"):
        assert round(ov[mode]["P"], 4) == round(ref[f"precision_{mode}"], 4)
        assert round(ov[mode]["R"], 4) == round(ref[f"recall_{mode}"], 4)
        assert round(ov[mode]["F1"], 4) == round(ref[f"f1_{mode}"], 4)
    assert [d["name"] for d in got["documents"]] == NAMES
    assert got["signatures"]["alignment"].startswith("vecalign-pr|")


def test_resumes_and_recomputes_only_changed_documents(data, tmp_path):
    src, pred = _copy(data, tmp_path)
    out = tmp_path / "out"
    token = CancelToken()
    seen = []

    def progress(ev):
        seen.append(ev.done)
        if ev.done == 2:
            token.cancel()

    with pytest.raises(CancelledError):
        score_directory(src, out, pred_dir=pred, settings=NO_TERMS, workers=1,
                        progress=progress, cancel=token)
    assert len(list((out / ".results").glob("*.json"))) == 2
    first = score_directory(src, out, pred_dir=pred, settings=NO_TERMS, workers=1)
    assert first.reused == 2
    again = score_directory(src, out, pred_dir=pred, settings=NO_TERMS, workers=1)
    assert again.reused == len(NAMES)
    assert again.documents == first.documents
    # a changed prediction invalidates that document only
    links = read_links(pred / "003")
    (pred / "003").write_text(format_links([Link(lk.src, lk.tgt, 0.5) for lk in links]))
    third = score_directory(src, out, pred_dir=pred, settings=NO_TERMS, workers=1)
    assert third.reused == len(NAMES) - 1
    fresh = score_directory(src, out, pred_dir=pred, settings=NO_TERMS, workers=1, fresh=True)
    assert fresh.reused == 0 and fresh.documents == third.documents


def test_process_pool_gives_identical_results(data, tmp_path):
    one = score_directory(data / "in", tmp_path / "a", pred_dir=data / "pred",
                          settings=NO_TERMS, workers=1)
    two = score_directory(data / "in", tmp_path / "b", pred_dir=data / "pred",
                          settings=NO_TERMS, workers=2)
    strip = [{k: v for k, v in d.items() if k != "fingerprint"} for d in one.documents]
    assert [{k: v for k, v in d.items() if k != "fingerprint"} for d in two.documents] == strip


def test_dask_cluster_gives_identical_numbers(data, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = score_directory(data / "in", tmp_path / "local", pred_dir=data / "pred",
                            settings=NO_TERMS, workers=2)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        remote = score_directory(data / "in", tmp_path / "dask", pred_dir=data / "pred",
                                 settings=NO_TERMS, scheduler=cluster.scheduler_address)
    assert remote.info["executor"].startswith("dask ")
    assert remote.documents == local.documents
    a = summarize(local.documents, info=local.info, settings=NO_TERMS)
    b = summarize(remote.documents, info=local.info, settings=NO_TERMS)
    assert a == b


def test_unreachable_scheduler_is_a_user_error(data, tmp_path):
    pytest.importorskip("distributed")
    with pytest.raises(WorkbenchError, match="cannot reach the Dask scheduler at tcp://127.0"):
        score_directory(data / "in", tmp_path / "o", pred_dir=data / "pred", settings=NO_TERMS,
                        scheduler="tcp://127.0.0.1:9", connect_timeout=1.0)


def test_seeds_collection_scores_its_gold_pair(tmp_path):
    pred = tmp_path / "pred"
    pred.mkdir()
    from workbench.corpus import resolve_pair

    for pair_id in ("004-000", "004-001"):  # every seed pair with a gold alignment
        gold = resolve_pair(f"seeds:{pair_id}").gold_links()
        (pred / pair_id).write_text(format_links(gold))
    res = score_directory("seeds", tmp_path / "out", pred_dir=pred, settings=NO_TERMS, workers=1)
    assert [d["name"] for d in res.documents] == ["004-000", "004-001"]
    for doc in res.documents:
        assert doc["unit"] == "paragraphs"
        assert doc["alignment"]["strict"]["F1"] == 1.0


def test_reports_are_written_and_readable(data, tmp_path):
    res = score_directory(data / "in", tmp_path / "out", pred_dir=data / "pred",
                          settings=NO_TERMS, workers=1)
    s = res.summary()
    md = to_markdown(s)
    assert "| strict |" in md and "## Link types" in md and "| 040 |" in md
    page = to_html(s, res.documents, worst=2)
    assert page.count("data:image/png;base64,") == 4  # F1 bars, confidence, 2 heatmaps
    assert "<h2>Worst documents</h2>" in page
    for ext in ("json", "md", "html"):
        p = write_report(s, tmp_path / f"report.{ext}", res.documents)
        assert p.stat().st_size > 500
    assert json.loads((tmp_path / "report.json").read_text())["overall"] == json.loads(
        json.dumps(s["overall"]))
    with pytest.raises(WorkbenchError, match="report.pdf"):
        write_report(s, tmp_path / "report.pdf")


def test_bad_inputs_name_the_file(data, tmp_path, capsys):
    src, pred = _copy(data, tmp_path)
    (pred / "011").unlink()
    with pytest.raises(WorkbenchError, match=r"pred/011.*no predicted links"):
        score_directory(src, tmp_path / "out", pred_dir=pred, settings=NO_TERMS, workers=1)
    (pred / "011").write_text("[0]:[0]\n[99]:[1]\n")
    rc = main(["batch", "score", str(src), "--pred", str(pred), "--out", str(tmp_path / "o"),
               "--no-terms"])
    err = capsys.readouterr().err
    assert rc == 2 and "pred/011" in err and "source index 99" in err
    (pred / "011").write_text("[0]:[0]\nnot a link\n")
    rc = main(["batch", "score", str(src), "--pred", str(pred), "--out", str(tmp_path / "o")])
    assert rc == 2 and "pred/011:2" in capsys.readouterr().err
    rc = main(["batch", "score", str(tmp_path / "nowhere"), "--pred", str(pred)])
    assert rc == 2 and "not a directory and not a collection" in capsys.readouterr().err
    rc = main(["batch", "score", str(src), "--pred", str(pred), "--report", "x.pdf"])
    assert rc == 2 and "x.pdf" in capsys.readouterr().err


def test_term_rates_of_the_seed_pair_follow_the_glossary(tmp_path):
    from tests.conftest import GLOSSARIES
    from workbench.corpus import resolve_pair
    from workbench.glossary import load_glossary
    from workbench.glossary.qa import term_rates

    pair = resolve_pair("seeds:004-000")
    gold = pair.gold_links()
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / "004-000").write_text(format_links(gold))
    (pred / "004-001").write_text(format_links(resolve_pair("seeds:004-001").gold_links()))
    gloss = tmp_path / "glossaries"
    shutil.copytree(GLOSSARIES, gloss)
    settings = ScoreSettings(glossary_paths=(str(gloss),))
    res = score_directory("seeds", tmp_path / "out", pred_dir=pred, settings=settings, workers=1)
    src = [s.text for s in pair.source.segments("paragraphs")]
    tgt = [s.text for s in pair.target.segments("paragraphs")]
    pairs = [lk for lk in gold if lk.src and lk.tgt]
    expected = term_rates(load_glossary([gloss]),
                          [" ".join(src[i] for i in lk.src) for lk in pairs],
                          [" ".join(tgt[j] for j in lk.tgt) for lk in pairs]).as_dict()
    doc = res.documents[0]
    assert doc["terms"]["pairs_from"] == "gold"
    assert doc["terms"]["target"] == json.loads(json.dumps(expected))
    assert expected["terms_in_source"] > 5
    # the overall rate pools both seed pairs with a gold alignment (004-000, 004-001)
    all_src, all_tgt = [], []
    for p in (pair, resolve_pair("seeds:004-001")):
        ps = [s.text for s in p.source.segments("paragraphs")]
        pt = [s.text for s in p.target.segments("paragraphs")]
        for lk in p.gold_links():
            if lk.src and lk.tgt:
                all_src.append(" ".join(ps[i] for i in lk.src))
                all_tgt.append(" ".join(pt[j] for j in lk.tgt))
    pooled = term_rates(load_glossary([gloss]), all_src, all_tgt).as_dict()
    summary = res.summary(load_glossary([gloss]))
    assert summary["overall"]["terms"]["target"]["success_rate"] == pooled["success_rate"]
    assert "terms" in summary["signatures"]
    # an edited glossary invalidates the stored result
    again = score_directory("seeds", tmp_path / "out", pred_dir=pred, settings=settings,
                            workers=1)
    assert again.reused == 2
    first = sorted(gloss.rglob("*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert score_directory("seeds", tmp_path / "out", pred_dir=pred, settings=settings,
                           workers=1).reused == 0


def test_aligns_when_no_predictions_are_given(data, tmp_path):
    import workbench.align.api as api

    src = tmp_path / "in"
    for sub in ("ar", "en", "gold"):
        (src / sub).mkdir(parents=True)
        for name in NAMES[:2]:
            shutil.copy(data / "in" / sub / name, src / sub / name)
    out = tmp_path / "out"
    res = score_directory(src, out, settings=NO_TERMS, workers=1)
    aligner = api.Aligner()
    for d in res.documents:
        assert d["links_from"] == "aligned"
        ar = (src / "ar" / d["name"]).read_text(encoding="utf-8")
        en = (src / "en" / d["name"]).read_text(encoding="utf-8")
        expected = aligner.align_texts(ar, en, "lines").links
        written = read_links(out / d["name"])
        assert [lk.key() for lk in written] == [lk.key() for lk in expected]
        assert d["alignment"] == score_alignment(read_links(src / "gold" / d["name"]),
                                                 written).as_dict()
        assert d["similarity"] is not None and len(d["similarity"]) == d["n_src"]
    assert score_directory(src, out, settings=NO_TERMS, workers=1).reused == 2


@pytest.mark.slow
def test_dask_workers_align_like_the_local_pool(data, tmp_path):
    """The real distributed path: each worker loads the embedder and aligns."""
    distributed = pytest.importorskip("distributed")
    src = tmp_path / "in"
    for sub in ("ar", "en", "gold"):
        (src / sub).mkdir(parents=True)
        for name in NAMES[2:4]:
            shutil.copy(data / "in" / sub / name, src / sub / name)
    local = score_directory(src, tmp_path / "local", settings=NO_TERMS, workers=2)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        remote = score_directory(src, tmp_path / "dask", settings=NO_TERMS,
                                 scheduler=cluster.scheduler_address)
    assert [d["links_from"] for d in remote.documents] == ["aligned", "aligned"]
    assert remote.documents == local.documents
    for name in NAMES[2:4]:
        assert (tmp_path / "dask" / name).read_text() == (tmp_path / "local" / name).read_text()


def test_missing_model_and_one_sided_documents(data, tmp_path, capsys):
    src, pred = _copy(data, tmp_path)
    (src / "ar" / "999").write_text("نص عربي\n", encoding="utf-8")
    res = score_directory(src, tmp_path / "o1", pred_dir=pred, settings=NO_TERMS, workers=1)
    assert res.info["skipped"] == ["999"] and len(res.documents) == len(NAMES)
    rc = main(["batch", "score", str(src), "--pred", str(pred), "--out", str(tmp_path / "o2"),
               "--no-terms", "--workers", "1", "--mt", str(tmp_path / "no-such-model")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1
    assert "document 000:" in err and "no-such-model" in err
