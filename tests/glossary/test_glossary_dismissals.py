"""Dismissed findings persist in a project (workbench.store.dismissals) and `workbench qa
--project` honours them."""

from __future__ import annotations

import json
import sqlite3

from workbench.app.projects import create_project
from workbench.cli.main import main
from workbench.glossary.qa import check_segments
from workbench.mt.tm_schema import utc_timestamp
from workbench.store.dismissals import (
    dismiss,
    dismissal_key,
    dismissals,
    is_dismissed,
    undismiss,
    without_dismissed,
)
from workbench.store.project import Project

SRC = "وصلت القوات إلى حماة"
TGT = "The forces arrived there"


def _project(tmp_path):
    return create_project(tmp_path / "p.wbproj", source_text=SRC + "\n\nفي سراقب\n",
                          target_text=TGT + "\n\nin Sraqib\n", links_origin="person")


def test_a_dismissal_persists_and_is_keyed_by_the_texts(tmp_path, curated):
    (f,) = check_segments(curated, [SRC], [TGT], numbers=False)
    assert f.kind == "check"
    with _project(tmp_path) as project:
        assert dismissals(project) == []  # no table yet: nothing dismissed
        key = dismiss(project, f, SRC, TGT, link_id=0, note="guardians? no: the city, fine")
        assert dismiss(project, f, SRC, TGT, link_id=0) == key  # idempotent
    with Project.open(tmp_path / "p.wbproj") as project:
        (d,) = dismissals(project)
        assert (d.kind, d.term, d.link_id) == ("check", "hama", 0)
        assert len(d.created_at) == len(utc_timestamp()) and d.created_at.endswith("Z")
        assert dismissals(project, link_id=1) == []
        assert is_dismissed(project, f, SRC, "  " + TGT.replace(" ", "  "))  # whitespace
        assert not is_dismissed(project, f, SRC, "The forces arrived in the city")  # edited
        kept, dropped = without_dismissed(project, [f], lambda _: (SRC, TGT))
        assert (kept, dropped) == ([], 1)
        assert undismiss(project, key) and not undismiss(project, key)
        assert not is_dismissed(project, f, SRC, TGT)
    assert dismissal_key(f, SRC, TGT) == key


def test_the_table_is_separate_and_the_project_still_opens(tmp_path, curated):
    (f,) = check_segments(curated, [SRC], [TGT], numbers=False)
    with _project(tmp_path) as project:
        dismiss(project, f, SRC, TGT)
    conn = sqlite3.connect(tmp_path / "p.wbproj")
    assert conn.execute("SELECT count(*) FROM glossary_dismissal").fetchone() == (1,)
    conn.close()
    with Project.open(tmp_path / "p.wbproj") as project:
        assert len(project.links()) >= 2


def test_cli_qa_honours_and_records_dismissals(tmp_path, capsys):
    ar, en = tmp_path / "ar.txt", tmp_path / "en.txt"
    ar.write_text(SRC + "\nفي سراقب\n", encoding="utf-8")
    en.write_text(TGT + "\nin Sraqib\n", encoding="utf-8")
    _project(tmp_path).close()
    proj = str(tmp_path / "p.wbproj")
    base = ["qa", str(ar), str(en), "--aligned", "--format", "json", "--no-numbers"]
    assert main(base) == 1
    assert {f["kind"] for f in json.loads(capsys.readouterr().out)} == {"check", "variant"}
    assert main(base + ["--project", proj, "--dismiss", "check:hama"]) == 1
    assert [f["kind"] for f in json.loads(capsys.readouterr().out)] == ["variant"]
    # a later run honours it; without the project it is reported again
    assert main(base + ["--project", proj]) == 1
    assert [f["kind"] for f in json.loads(capsys.readouterr().out)] == ["variant"]
    assert main(["qa", str(ar), str(en), "--aligned", "--no-numbers", "--project", proj]) == 1
    assert "1 dismissed in the project not shown" in capsys.readouterr().err
    assert main(base + ["--project", proj, "--dismiss", "variant"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(base) == 1
    capsys.readouterr()


def test_cli_dismiss_bad_input(tmp_path, capsys):
    ar, en = tmp_path / "ar.txt", tmp_path / "en.txt"
    ar.write_text(SRC + "\n", encoding="utf-8")
    en.write_text(TGT + "\n", encoding="utf-8")
    assert main(["qa", str(ar), str(en), "--aligned", "--dismiss", "check"]) == 2
    assert "--dismiss needs --project" in capsys.readouterr().err
    _project(tmp_path).close()
    assert main(["qa", str(ar), str(en), "--aligned", "--project", str(tmp_path / "p.wbproj"),
                 "--dismiss", "bogus:hama"]) == 2
    err = capsys.readouterr().err
    assert "unknown kind 'bogus'" in err and "Traceback" not in err
    assert main(["qa", str(ar), str(en), "--aligned", "--project",
                 str(tmp_path / "none.wbproj")]) == 2
    assert "project not found" in capsys.readouterr().err
