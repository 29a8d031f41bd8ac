"""The project store on the Sputnik/Al-Watan pair: creation, edits, conflicts, undo/redo."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import SEED_FILES
from tests.store.store_helpers import snapshot
from workbench.align.links import Link
from workbench.app.projects import create_project, open_default_project, open_or_create_project
from workbench.errors import CancelledError, WorkbenchError
from workbench.progress import CancelToken
from workbench.store.project import (
    ConflictError,
    Project,
    default_project_path,
)
from workbench.store.schema import SCHEMA_VERSION
from workbench.text.segment import segment


def test_create_stores_documents_segments_and_gold_links(project, main_pair, seeds):
    src, tgt = project.document("source"), project.document("target")
    assert src.text == seeds["004"] and tgt.text == seeds["000"]
    assert src.sha256 == hashlib.sha256(SEED_FILES["004"].read_bytes().decode(
        "utf-8-sig").replace("\r\n", "\n").encode()).hexdigest()
    assert (src.language, tgt.language) == ("ar", "en")
    assert project.segments("source") == segment(seeds["004"], "paragraphs", "ar")
    assert len(project.segments("source")) == 12 and len(project.segments("target")) == 7
    links = project.links()
    assert {lk.as_link().key() for lk in links} == {lk.key() for lk in main_pair.gold_links()}
    # every segment in exactly one link; links in source order
    assert sorted(i for lk in links for i in lk.src) == list(range(12))
    assert sorted(j for lk in links for j in lk.tgt) == list(range(7))
    firsts = [lk.src[0] for lk in links if lk.src]
    assert firsts == sorted(firsts)
    # the insertion []:[6] ("Share it...") sits right after the link holding target 5
    order = [lk.as_link().format(False) for lk in links]
    assert order.index("[]:[6]") == order.index("[3]:[4,5]") + 1
    first = links[0]
    assert first.status == "new" and first.origin == "aligner" and first.version == 1
    assert first.target_text == first.reference_text == project.segments("target")[0].text
    assert first.source_text.startswith("كشفت مصادر مطلعة في إدلب")
    assert project.pair_id == "seeds:004-000" and project.unit == "paragraphs"
    assert project.integrity_check() == "ok"
    assert project.status_counts() == {"new": 12, "draft": 0, "translated": 0, "reviewed": 0}


def test_the_file_is_wal_with_foreign_keys_and_a_schema_version(project):
    conn = sqlite3.connect(project.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    assert {"document", "segment", "link", "link_segment", "history", "tm_unit",
            "mt_cache", "meta"} <= tables
    assert project.connection().execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert project.connection().execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_reopen_keeps_everything(project):
    link = project.links()[1]
    project.accept(link.id, "The sources said chaos spread.", base_version=link.version)
    before = snapshot(project)
    project.close()
    with Project.open(project.path) as again:
        assert snapshot(again) == before
        assert again.link(link.id).status == "translated"


def test_create_from_texts_completes_partial_links(tmp_path, seeds):
    p = create_project(tmp_path / "t.wbproj", source_text=seeds["004"], target_text=seeds["000"],
                       links=[Link((0,), (0,)), Link((1,), (1,))])
    with p:
        links = p.links()
        assert len(links) == 2 + 10 + 5  # the rest become 1:0 and 0:1 links
        assert sorted(i for lk in links for i in lk.src) == list(range(12))
        assert p.pair_id == ""


def test_create_refuses_bad_input(tmp_path, project, main_pair, seeds):
    with pytest.raises(WorkbenchError, match="already exists"):
        create_project(project.path, pair=main_pair, links=main_pair.gold_links())
    with pytest.raises(WorkbenchError, match="index 12"):
        create_project(tmp_path / "x.wbproj", pair=main_pair, links=[Link((12,), (0,))])
    with pytest.raises(WorkbenchError, match="more than one link"):
        create_project(tmp_path / "x.wbproj", pair=main_pair,
                       links=[Link((0,), (0,)), Link((0,), (1,))])
    with pytest.raises(WorkbenchError, match="unknown segment unit"):
        create_project(tmp_path / "x.wbproj", pair=main_pair, unit="words")
    with pytest.raises(WorkbenchError, match="pair or both"):
        create_project(tmp_path / "x.wbproj", source_text=seeds["004"])
    assert not (tmp_path / "x.wbproj").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_cancelled_create_leaves_no_file(tmp_path, main_pair):
    token = CancelToken()

    def progress(event):
        if event.done >= 3:
            token.cancel()

    with pytest.raises(CancelledError):
        create_project(tmp_path / "c.wbproj", pair=main_pair, links=main_pair.gold_links(),
                       progress=progress, cancel=token)
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_the_project(project, main_pair):
    link = project.links()[0]
    project.edit(link.id, "changed", base_version=link.version)
    with pytest.raises(WorkbenchError, match="open in another window"):
        create_project(project.path, pair=main_pair, links=main_pair.gold_links(),
                       overwrite=True)
    assert project.link(link.id).target_text == "changed"
    project.close()
    with create_project(project.path, pair=main_pair, links=main_pair.gold_links(),
                        overwrite=True) as fresh:
        assert fresh.history() == []
        assert fresh.links()[0].status == "new"


def test_open_refuses_what_is_not_a_project(tmp_path, project):
    with pytest.raises(WorkbenchError, match="project not found"):
        Project.open(tmp_path / "missing.wbproj")
    text = tmp_path / "notes.wbproj"
    text.write_text("just some text, long enough to have a header")
    with pytest.raises(WorkbenchError, match="not an SQLite database"):
        Project.open(text)
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(WorkbenchError, match="another application"):
        Project.open(other)
    with pytest.raises(WorkbenchError, match="directory"):
        Project.open(tmp_path)
    data = project.path.read_bytes()
    half = tmp_path / "half.wbproj"
    half.write_bytes(data[: len(data) // 2])
    with pytest.raises(WorkbenchError, match="malformed"):
        Project.open(half)
    project.close()
    conn = sqlite3.connect(project.path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(WorkbenchError, match="newer workbench"):
        Project.open(project.path)


def test_edit_sets_draft_and_accept_fills_the_memory(project):
    link = project.links()[0]
    edited = project.edit(link.id, "Informed sources in Idlib told Sputnik", base_version=1)
    assert (edited.status, edited.version) == ("draft", 2)
    assert project.memory_units() == []
    accepted = project.accept(link.id, base_version=2)
    assert (accepted.status, accepted.version) == ("translated", 3)
    (unit,) = project.memory_units()
    assert unit["source"] == link.source_text
    assert unit["target"] == "Informed sources in Idlib told Sputnik"
    assert unit["context_prev"] is None
    assert unit["context_next"] == project.segments("source")[1].text
    assert unit["origin"] == project.origin
    # the key is the normalised Arabic, for fuzzy lookup
    key = project.connection().execute("SELECT source_key FROM tm_unit").fetchone()[0]
    from workbench.text.normalize import normalized_arabic

    assert key == normalized_arabic(link.source_text)
    # an edit that changes nothing records nothing
    same = project.edit(link.id, "Informed sources in Idlib told Sputnik", base_version=3)
    assert same.version == 3 and len(project.history()) == 2
    with pytest.raises(WorkbenchError, match="accept needs status"):
        project.accept(link.id, base_version=3, status="draft")
    with pytest.raises(WorkbenchError, match="unknown status"):
        project.edit(link.id, status="done", base_version=3)


def test_text_that_cannot_be_stored_is_refused(project):
    link = project.links()[0]
    with pytest.raises(WorkbenchError, match="U\\+0007"):
        project.edit(link.id, "bell\x07", base_version=1)
    crlf = project.edit(link.id, "two\r\nlines", base_version=1)
    assert crlf.target_text == "two\nlines"


def test_stale_version_is_refused_and_nothing_is_overwritten(project):
    other = Project.open(project.path)  # a second window: its own connection
    try:
        link = project.links()[2]
        mine = project.edit(link.id, "my text", base_version=link.version)
        with pytest.raises(ConflictError, match="changed elsewhere"):
            other.edit(link.id, "their text", base_version=link.version)
        assert other.link(link.id).target_text == "my text"
        assert other.link(link.id).version == mine.version
        # reloading and editing again works
        theirs = other.edit(link.id, "their text", base_version=other.link(link.id).version)
        assert project.link(link.id).target_text == "their text" == theirs.target_text
    finally:
        other.close()


def test_batch_edits_are_all_or_nothing(project):
    a, b = project.links()[:2]
    before = snapshot(project)
    with pytest.raises(ConflictError):
        project.apply_edits([(a.id, "one", "translated", a.version),
                             (b.id, "two", None, b.version + 5)])
    assert snapshot(project) == before
    project.apply_edits([(a.id, "one", "translated", a.version), (b.id, "two", None, b.version)])
    assert [project.link(i).status for i in (a.id, b.id)] == ["translated", "draft"]
    (entry,) = project.history()
    assert entry.kind == "import"
    project.undo()  # one undo step for the whole batch
    assert _state(project) == [(s, t, x, st) for _, s, t, x, st, _, _ in before[0]]
    assert project.link(a.id).target_text == a.target_text
    assert project.link(b.id).status == "new"
    assert project.memory_units() == []


def _state(project):
    return [(lk.src, lk.tgt, lk.target_text, lk.status) for lk in project.links()]


def test_merge_split_relink_and_their_undo(project):
    start = _state(project)
    links = project.links()
    a, b = links[1], links[2]  # [1]:[1] and [2]:[2,3]
    project.accept(a.id, "Chaos spread among them.", base_version=a.version)
    a = project.link(a.id)
    merged = project.merge([a.id, b.id], base_versions={a.id: a.version, b.id: b.version})
    assert (merged.src, merged.tgt, merged.origin) == ((1, 2), (1, 2, 3), "person")
    assert merged.target_text == "Chaos spread among them. " + b.target_text
    assert merged.status == "draft"
    parts = project.split(merged.id, 1, 1, base_version=merged.version)
    assert [(p.src, p.tgt) for p in parts] == [((1,), (1,)), ((2,), (2, 3))]
    # the translator's text follows the first part, as a draft; the other part starts fresh
    assert parts[0].target_text == merged.target_text and parts[0].status == "draft"
    assert parts[1].target_text == parts[1].reference_text and parts[1].status == "new"
    moved = project.relink([p.id for p in parts], [((1, 2), (1, 2)), ((), (3,))],
                           base_versions={p.id: p.version for p in parts})
    assert [(m.src, m.tgt) for m in moved] == [((1, 2), (1, 2)), ((), (3,))]
    after = _state(project)
    kinds = [e.kind for e in project.history()]
    assert kinds == ["relink", "split", "merge", "edit"]
    for _ in range(4):
        assert project.undo() is not None
    assert _state(project) == start
    assert project.undo() is None and not project.can_undo()
    assert project.memory_units() == []  # the accept was undone too
    for _ in range(4):
        assert project.redo() is not None
    assert _state(project) == after
    assert project.redo() is None
    assert len(project.memory_units()) == 0  # nothing accepted remains after the relink
    assert project.integrity_check() == "ok"


def test_alignment_edits_are_validated(project):
    links = project.links()
    a, b = links[0], links[1]
    bv = {a.id: a.version, b.id: b.version}
    with pytest.raises(WorkbenchError, match="leaves out source"):
        project.relink([a.id, b.id], [((0,), (0, 1))], base_versions=bv)
    with pytest.raises(WorkbenchError, match="not in the links being replaced"):
        project.relink([a.id], [((0, 5), (0,))], base_versions={a.id: a.version})
    with pytest.raises(WorkbenchError, match="twice"):
        project.relink([a.id, b.id], [((0, 1), (0,)), ((), (0, 1))], base_versions=bv)
    with pytest.raises(WorkbenchError, match="both sides of the cut"):
        project.split(a.id, 1, 1, base_version=a.version)
    with pytest.raises(WorkbenchError, match="at least two"):
        project.merge([a.id], base_versions=bv)
    with pytest.raises(ConflictError):
        project.merge([a.id, b.id], base_versions={a.id: a.version + 1, b.id: b.version})
    project.merge([a.id, b.id], base_versions=bv)
    with pytest.raises(ConflictError, match="does not exist"):
        project.edit(a.id, "late edit to a merged link", base_version=a.version)
    assert project.integrity_check() == "ok"


def test_a_new_edit_clears_redo(project):
    link = project.links()[0]
    project.edit(link.id, "first", base_version=1)
    project.edit(link.id, "second", base_version=2)
    project.undo()
    assert project.can_redo()
    project.edit(link.id, "third", base_version=project.link(link.id).version)
    assert not project.can_redo()
    states = [e.state for e in project.history()]
    assert states == ["done", "log", "dropped", "done"]
    project.undo()
    assert project.link(link.id).target_text == "first"


def test_undo_refuses_when_the_link_was_changed_behind_its_back(project):
    link = project.links()[0]
    project.edit(link.id, "mine", base_version=1)
    # a change that bypassed the history (e.g. a tool writing SQL directly)
    conn = sqlite3.connect(project.path)
    conn.execute("UPDATE link SET target_text = 'sneaky' WHERE id = ?", (link.id,))
    conn.commit()
    conn.close()
    with pytest.raises(ConflictError, match="cannot undo"):
        project.undo()
    assert project.link(link.id).target_text == "sneaky"


def test_worker_threads_can_edit(project):
    links = [lk for lk in project.links() if lk.src]
    errors = []

    def work(link):
        try:
            v = link.version
            for n in range(5):
                v = project.edit(link.id, f"{link.id} v{n}", base_version=v).version
            project.accept(link.id, base_version=v)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, links))
    assert errors == []
    assert project.status_counts()["translated"] == len(links)
    assert len(project.history()) == 6 * len(links)
    assert len(project.memory_units()) == len(links)
    assert threading.active_count() >= 1


def test_revision_grows_with_edits_from_other_processes(project):
    rev = project.revision
    with Project.open(project.path) as other:
        link = other.links()[0]
        other.edit(link.id, "elsewhere", base_version=link.version)
    assert project.revision > rev


def test_changed_links_tells_a_window_what_to_refresh(project):
    rev = project.revision
    assert project.changed_links(rev) == set()
    with Project.open(project.path) as other:
        a, b, c = other.links()[:3]
        other.edit(a.id, "one", base_version=a.version)
        other.apply_edits([(b.id, "two", None, b.version), (c.id, "three", None, c.version)])
        assert project.changed_links(rev) == {a.id, b.id, c.id}
        rev = project.revision
        other.undo()
        assert project.changed_links(rev) == {b.id, c.id}
        rev = project.revision
        b, c = other.link(b.id), other.link(c.id)
        other.merge([b.id, c.id], base_versions={b.id: b.version, c.id: c.version})
        assert project.changed_links(rev) is None


def test_default_project_path_is_in_the_data_dir(tmp_path):
    path = default_project_path("seeds:004-000", tmp_path / "data")
    assert path.parent == tmp_path / "data" / "projects"
    assert path.name == "seeds__004-000.wbproj"
    assert default_project_path("a/b:../c", tmp_path / "data").parent == path.parent


def test_open_or_create(tmp_path, main_pair):
    path = tmp_path / "deep" / "x.wbproj"
    with open_or_create_project(path, pair=main_pair, links=main_pair.gold_links()) as p:
        link = p.links()[0]
        p.edit(link.id, "kept", base_version=1)
    with open_or_create_project(path, pair=main_pair, links=main_pair.gold_links()) as p:
        assert p.link(link.id).target_text == "kept"


def test_sentence_projects(tmp_path, main_pair, seeds):
    src = segment(seeds["004"], "sentences", "ar")
    tgt = segment(seeds["000"], "sentences", "en")
    links = [Link((i,), (i,)) for i in range(min(len(src), len(tgt)))]
    with create_project(tmp_path / "s.wbproj", pair=main_pair, unit="sentences",
                        links=links) as p:
        assert p.unit == "sentences"
        assert len(p.segments("source")) == len(src) and len(p.links()) == max(len(src),
                                                                               len(tgt))
        assert Path(p.path).stat().st_size > 0


def test_memory_and_proposal_cache_of_the_mt_package_work_on_the_project(project):
    links = [lk for lk in project.links() if lk.src]
    project.accept(links[0].id, "Informed sources in Idlib told Sputnik.",
                   base_version=links[0].version)
    memory = project.memory()
    (match,) = memory.lookup(links[0].source_text, threshold=90)
    assert match.exact and match.score == 100
    assert match.target == "Informed sources in Idlib told Sputnik."
    # a near repeat (diacritics and one word changed) is a fuzzy match
    near = links[0].source_text.replace("كشفت", "كَشَفَتْ").replace("الأخيرة", "الماضية")
    (fuzzy,) = memory.lookup(near, threshold=70)
    assert 70 <= fuzzy.score < 100 and not fuzzy.exact
    cache = project.proposal_cache()
    cache.put("k1", "tiny-model", {"text": "cached proposal"})
    project.close()
    with Project.open(project.path) as again:
        assert again.proposal_cache().get("k1") == {"text": "cached proposal"}
        assert len(again.memory()) == 1


def test_open_default_aligns_once_then_reopens(tmp_path):
    with open_default_project("seeds:004-000", data_dir=tmp_path / "data") as p:
        assert p.path == default_project_path("seeds:004-000", tmp_path / "data")
        assert p.path.is_file()
        link = p.links()[0]
        p.edit(link.id, "kept between sessions", base_version=link.version)
    with open_default_project("seeds:004-000", data_dir=tmp_path / "data") as p:
        assert p.link(link.id).target_text == "kept between sessions"


def test_a_writer_holding_the_lock_too_long_gives_a_clear_busy_error(project, monkeypatch):
    import workbench.store.project as store
    from workbench.store import connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    with Project.open(project.path) as impatient:
        blocker = sqlite3.connect(project.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
        link = impatient.links()[0]  # readers are not blocked (WAL)
        with pytest.raises(store.ProjectBusyError, match="busy"):
            impatient.edit(link.id, "waiting", base_version=link.version)
        blocker.execute("ROLLBACK")
        blocker.close()
        assert impatient.edit(link.id, "now", base_version=link.version).target_text == "now"


def test_forward_migration_runs_once_and_a_failed_one_changes_nothing(project, monkeypatch):
    import workbench.store.lifecycle as store

    link = project.links()[0]
    project.edit(link.id, "before the upgrade", base_version=link.version)
    project.close()

    def broken(conn):
        conn.execute("ALTER TABLE link ADD COLUMN comment TEXT NOT NULL DEFAULT ''")
        raise RuntimeError("power cut in the middle of the migration")

    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, broken])
    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(RuntimeError):
        Project.open(project.path)
    conn = sqlite3.connect(project.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "comment" not in {r[1] for r in conn.execute("PRAGMA table_info(link)")}
    conn.close()

    def add_comment(conn):
        conn.execute("ALTER TABLE link ADD COLUMN comment TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS[:-1], add_comment])
    with Project.open(project.path) as upgraded:
        assert upgraded.link(link.id).target_text == "before the upgrade"
        conn = upgraded.connection()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert "comment" in {r[1] for r in conn.execute("PRAGMA table_info(link)")}
    with Project.open(project.path) as again:  # already migrated: nothing runs twice
        assert again.link(link.id).target_text == "before the upgrade"
