"""Project creation in two parts: the application looks the pair up and aligns it
(workbench.app.projects), the store stores what it is given (Project.create_aligned)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.align.links import Link
from workbench.app.projects import create_project, open_default_project, open_or_create_project
from workbench.errors import CancelledError, WorkbenchError
from workbench.progress import CancelToken
from workbench.store.lifecycle import NewDocuments, new_documents, segments_and_links
from workbench.store.project import Project, default_project_path
from workbench.text.segment import segment

SRC = "قال المصدر أمس.\n\nوصل الوفد اليوم.\n\nانتهى الاجتماع."
TGT = "The source said yesterday.\n\nThe delegation arrived today."


def _content(p: Project) -> tuple:
    meta = {k: v for k, v in p.meta().items() if k not in ("created_at", "created_by")}
    docs = tuple(p.document(side) for side in ("source", "target"))
    segs = tuple(tuple(p.segments(side)) for side in ("source", "target"))
    links = tuple((lk.src, lk.tgt, lk.score, lk.origin, lk.target_text, lk.status)
                  for lk in p.links())
    return meta, docs, segs, links, p.history_count(), p.memory_count()


def test_a_pair_id_and_its_pair_make_the_same_project(tmp_path, main_pair):
    gold = main_pair.gold_links()
    with create_project(tmp_path / "a.wbproj", pair=main_pair, links=gold,
                        links_origin="person") as a, \
            create_project(tmp_path / "b.wbproj", pair="seeds:004-000", links=gold,
                           links_origin="person") as b:
        assert _content(a) == _content(b)
        assert b.pair_id == "seeds:004-000" and b.links()[0].origin == "person"
        assert b.document("source").name == "seeds:" + main_pair.source.id


def test_the_default_aligner_and_an_aligner_given_align_alike(tmp_path):
    from workbench.align.api import Aligner

    with create_project(tmp_path / "a.wbproj", source_text=SRC, target_text=TGT,
                        aligner=Aligner()) as a, \
            create_project(tmp_path / "b.wbproj", source_text=SRC, target_text=TGT) as b:
        assert _content(a) == _content(b)
        assert any(lk.origin == "aligner" and lk.score is not None for lk in b.links())


class _OneToOne:
    """An aligner that links segment i with segment i (and records how it was called)."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def align_texts(self, src, tgt, unit, *, glossary=None, progress=None, cancel=None):
        self.calls.append((unit, glossary))
        s, t = segment(src, unit, "ar"), segment(tgt, unit, "en")
        links = [Link((i,), (i,), 0.5) for i in range(min(len(s), len(t)))]

        class Result:
            source, target = s, t

        Result.links = links
        return Result


def test_the_app_uses_the_aligner_it_is_given(tmp_path):
    aligner = _OneToOne()
    with create_project(tmp_path / "p.wbproj", source_text=SRC, target_text=TGT,
                        aligner=aligner, glossary="G") as p:
        got = [(lk.src, lk.tgt, lk.score) for lk in p.links()]
    assert aligner.calls == [("paragraphs", "G")]
    assert got == [((0,), (0,), 0.5), ((1,), (1,), 0.5), ((2,), (), None)]  # completed 1:0
    with create_project(tmp_path / "q.wbproj", source_text=SRC, target_text=TGT,
                        aligner=aligner, links=[Link((0, 1, 2), (0, 1))]) as q:
        assert [(lk.src, lk.tgt) for lk in q.links()] == [((0, 1, 2), (0, 1))]
    assert len(aligner.calls) == 1  # given links: no aligning


def test_the_path_is_refused_before_anything_is_aligned(tmp_path):
    aligner = _OneToOne()
    create_project(tmp_path / "p.wbproj", source_text=SRC, target_text=TGT,
                   aligner=aligner).close()
    make = create_project
    with pytest.raises(WorkbenchError, match="already exists"):
        make(tmp_path / "p.wbproj", source_text=SRC, target_text=TGT)
    with pytest.raises(WorkbenchError, match="unknown link origin"):
        make(tmp_path / "x.wbproj", source_text=SRC, target_text=TGT, links_origin="robot")
    with pytest.raises(WorkbenchError, match="not both"):
        make(tmp_path / "x.wbproj", pair="seeds:004-000", source_text=SRC)
    with pytest.raises(WorkbenchError, match="needs a pair or both"):
        make(tmp_path / "x.wbproj", source_text=SRC)
    assert len(aligner.calls) == 1
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        create_project(tmp_path / "c.wbproj", source_text=SRC, target_text=TGT,
                       aligner=aligner, cancel=token)
    assert len(aligner.calls) == 1 and not (tmp_path / "c.wbproj").exists()


def test_the_store_checks_what_it_is_given(tmp_path):
    docs = new_documents(None, SRC.replace("\n", "\r\n"), TGT)
    assert "\r" not in docs.source_text  # checked for storing
    src, tgt, links = segments_and_links(docs, "paragraphs", [Link((0,), (0,))])
    with Project.create_aligned(tmp_path / "p.wbproj", docs, src, tgt, links) as p:
        assert len(p.links()) == 4  # 1:1 plus the 1:0 and 0:1 completions
    with pytest.raises(WorkbenchError, match="source index 0 appears in more than one link"):
        Project.create_aligned(tmp_path / "q.wbproj", docs, src, tgt,
                               [Link((0,), (0,)), Link((0,), (1,))])
    bad = NewDocuments("نص\x00", TGT)
    with pytest.raises(WorkbenchError, match="control character"):
        Project.create_aligned(tmp_path / "r.wbproj", bad, src, tgt, links)
    with pytest.raises(WorkbenchError, match="look the pair"):
        new_documents("seeds:004-000")
    with pytest.raises(WorkbenchError, match="aligner is not available"):
        segments_and_links(docs, "paragraphs", None)
    assert not (tmp_path / "q.wbproj").exists() and not (tmp_path / "r.wbproj").exists()


def test_open_or_create_and_the_default_project(tmp_path, main_pair):
    path = tmp_path / "p.wbproj"
    with open_or_create_project(path, pair=main_pair, links=main_pair.gold_links()) as p:
        link = p.links()[0]
        p.edit(link.id, "kept", base_version=link.version)
    with open_or_create_project(path, pair=main_pair) as p:  # opened, not re-made
        assert p.link(link.id).target_text == "kept"
    aligner = _OneToOne()
    with open_default_project("seeds:004-000", data_dir=tmp_path, aligner=aligner) as d:
        assert Path(d.path) == default_project_path("seeds:004-000", tmp_path)
        assert Path(d.path).parent == tmp_path / "projects"
    with open_default_project("seeds:004-000", data_dir=tmp_path, aligner=aligner):
        pass
    assert len(aligner.calls) == 1
