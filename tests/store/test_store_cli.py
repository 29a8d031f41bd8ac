"""`workbench project ...` on the bundled pair."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import GLOSSARIES, SEED_FILES
from workbench.cli.main import main
from workbench.formats.tmx import read_tmx
from workbench.formats.xliff import read_xliff
from workbench.store.project import Project


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_project_commands_on_the_bundled_pair(tmp_path, capsys):
    p = str(tmp_path / "idlib.wbproj")
    code, out, _ = run(capsys, "project", "new", p, "--pair", "seeds:004-000", "--gold")
    assert code == 0 and "12 source and 7 target paragraphs, 13 links" in out

    code, out, _ = run(capsys, "project", "status", p, "--format", "json", "--no-glossary")
    info = json.loads(out)
    assert info["status"] == {"new": 12, "draft": 0, "translated": 0, "reviewed": 0}
    assert (info["links"], info["insertions"], info["term_findings"]) == (13, 1, None)

    code, out, _ = run(capsys, "project", "edit", p, "1", "--text", "Sources in Idlib said.",
                       "--status", "translated")
    assert code == 0 and out.strip() == "link 1: translated, version 2"
    code, _, err = run(capsys, "project", "edit", p, "1", "--text", "stale",
                       "--base-version", "1")
    assert code == 2 and "changed elsewhere" in err and err.count("\n") == 1

    code, out, _ = run(capsys, "project", "status", p)
    assert code == 0 and "  translated     1" in out and "open term findings" in out

    code, out, _ = run(capsys, "project", "show", p, "--status", "translated")
    assert "#1" in out and "Sources in Idlib said." in out and "#2 " not in out

    for fmt, name in (("tmx", "a.tmx"), ("xliff", "a.xlf"), ("csv", "a.csv"), ("txt", "a.txt")):
        code, out, _ = run(capsys, "project", "export", p, "--format", fmt,
                           str(tmp_path / name))
        assert code == 0 and out.startswith("wrote"), (fmt, out)
    assert [u.target for u in read_tmx(tmp_path / "a.tmx")] == ["Sources in Idlib said."]
    with Project.open(p) as project:  # the gold alignment was made by people
        assert {lk.origin for lk in project.links()} == {"person"}
    assert len(read_xliff(tmp_path / "a.xlf").units) == 12

    code, out, _ = run(capsys, "project", "import", p, str(tmp_path / "a.xlf"))
    assert code == 0 and "0 segments updated, 12 unchanged" in out
    code, out, _ = run(capsys, "project", "import", p, str(tmp_path / "a.tmx"))
    assert code == 0 and "0 translation units added" in out

    code, out, _ = run(capsys, "project", "history", p)
    assert code == 0 and "edit link 1: new -> translated" in out
    code, out, _ = run(capsys, "project", "undo", p)
    assert code == 0 and out.startswith("undid #1")
    with Project.open(p) as project:
        assert project.link(1).status == "new" and project.memory_units() == []
    code, out, _ = run(capsys, "project", "redo", p)
    assert code == 0 and out.startswith("redid #1")
    code, out, _ = run(capsys, "project", "redo", p)
    assert code == 1
    code, out, _ = run(capsys, "project", "history", p, "--format", "json")
    assert [e["kind"] for e in json.loads(out)] == ["redo", "undo", "edit"]


def _collection_without_gold(tmp_path) -> None:
    """A collection 'nogold' (004 -> 001 with no gold file), added to the corpus folders."""
    root = tmp_path / "corp" / "nogold"
    root.mkdir(parents=True)
    for doc in ("004", "001"):
        shutil.copy(SEED_FILES[doc], root / SEED_FILES[doc].name)
    (root / "manifest.yaml").write_text(
        "collection: nogold\ndocuments:\n"
        f"  - {{id: '004', file: {SEED_FILES['004'].name}, language: ar}}\n"
        f"  - {{id: '001', file: {SEED_FILES['001'].name}, language: en}}\n"
        "pairs:\n  - {id: 004-001, source: '004', target: '001'}\n", encoding="utf-8")
    Path(os.environ["WORKBENCH_CONFIG"]).write_text(f"corpora: [{tmp_path / 'corp'}]\n",
                                                    encoding="utf-8")


@pytest.mark.parametrize("argv, message", [
    (["project", "status", "{tmp}/missing.wbproj"], "project not found"),
    (["project", "new", "{tmp}/x.wbproj"], "give --pair"),
    (["project", "new", "{tmp}/x.wbproj", "--pair", "nogold:004-001", "--gold"],
     "has no gold alignment"),
    (["project", "new", "{tmp}/x.wbproj", "--pair", "seeds:004-000", "--gold",
      "--segments", "sentences"], "add --segments paragraphs"),
    (["project", "new", "{tmp}/x.wbproj", "--source", "{tmp}/none.txt", "--target",
      "{tmp}/none.txt", "--links", "{tmp}/none.links"], "not found"),
    (["project", "import", "{tmp}/p.wbproj", "{tmp}/bad.tmx"], "not well-formed"),
    (["project", "new", "{tmp}/x.wbproj", "--pair", "seeds:004-000", "--gold", "--glossary",
      "glossaries"], "cannot be used with --links or --gold"),
    (["project", "export", "{tmp}/p.wbproj", "--format", "tmx", "{tmp}/o.tmx"],
     "no segment is accepted"),
])
def test_errors_are_one_line_exit_2(tmp_path, capsys, argv, message):
    _collection_without_gold(tmp_path)
    run(capsys, "project", "new", str(tmp_path / "p.wbproj"), "--pair", "seeds:004-000", "--gold")
    (tmp_path / "bad.tmx").write_text("<tmx version='1.4'><body>")
    code, _, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "x.wbproj").exists()


def test_new_refuses_to_overwrite_without_force(tmp_path, capsys):
    p = str(tmp_path / "p.wbproj")
    assert run(capsys, "project", "new", p, "--pair", "seeds:004-000", "--gold")[0] == 0
    code, _, err = run(capsys, "project", "new", p, "--pair", "seeds:004-000", "--gold")
    assert code == 2 and "already exists" in err
    assert run(capsys, "project", "new", p, "--pair", "seeds:004-000", "--gold", "--force")[0] == 0


def test_new_from_files_with_a_links_file(tmp_path, capsys, seeds):
    (tmp_path / "ar.txt").write_text(seeds["004"], encoding="utf-8")
    (tmp_path / "en.txt").write_text(seeds["000"], encoding="utf-8")
    (tmp_path / "a.links").write_text("[0]:[0]\n[1]:[1]\n[2,3]:[2]\n")
    p = str(tmp_path / "f.wbproj")
    code, out, _ = run(capsys, "project", "new", p, "--source", str(tmp_path / "ar.txt"),
                       "--target", str(tmp_path / "en.txt"), "--links", str(tmp_path / "a.links"))
    assert code == 0
    with Project.open(p) as project:
        assert project.links()[2].as_link().format(False) == "[2,3]:[2]"
        assert project.document("source").name.endswith("ar.txt")


def test_new_aligns_with_the_aligner(tmp_path, capsys):
    p = str(tmp_path / "aligned.wbproj")
    code, out, err = run(capsys, "project", "new", p, "--pair", "seeds:004-000",
                         "--glossary", str(GLOSSARIES))
    assert code == 0, err
    with Project.open(p) as project:
        links = project.links()
        assert sorted(i for lk in links for i in lk.src) == list(range(12))
        assert sorted(j for lk in links for j in lk.tgt) == list(range(7))
        assert all(lk.origin == "aligner" for lk in links)
        scored = [lk.score for lk in links if lk.score is not None]
        assert scored and all(0.0 <= s <= 1.0 for s in scored)
        # the project holds exactly what the aligner produced
        from workbench.align.api import align_texts

        from workbench.glossary import load_glossary

        result = align_texts(project.document("source").text, project.document("target").text,
                             "paragraphs", glossary=load_glossary([GLOSSARIES]))
        assert {lk.as_link().key() for lk in links} == {lk.key() for lk in result.links}


def test_merge_split_and_undo_from_the_command_line(tmp_path, capsys):
    p = str(tmp_path / "m.wbproj")
    run(capsys, "project", "new", p, "--pair", "seeds:004-000", "--gold")
    code, out, _ = run(capsys, "project", "merge", p, "2", "3")
    assert code == 0 and "[1,2]:[1,2,3] (new)" in out
    merged = int(out.split()[1].rstrip(":"))
    code, out, _ = run(capsys, "project", "split", p, str(merged), "--source-at", "1",
                       "--target-at", "1")
    assert code == 0 and "[1]:[1]" in out and "[2]:[2,3]" in out
    code, _, err = run(capsys, "project", "split", p, str(merged), "--source-at", "1",
                       "--target-at", "1")
    assert code == 2 and "does not exist" in err
    assert run(capsys, "project", "undo", p)[0] == 0
    assert run(capsys, "project", "undo", p)[0] == 0
    with Project.open(p) as project:
        assert [lk.as_link().format(False) for lk in project.links()][1:3] == ["[1]:[1]",
                                                                             "[2]:[2,3]"]
        assert {lk.id for lk in project.links()} >= {2, 3}
