"""Translation memory: exact, context and fuzzy matches on normalised Arabic; the cache table."""

from __future__ import annotations

import json
import sqlite3

import pytest

from workbench.app.projects import create_project
from workbench.errors import WorkbenchError
from workbench.mt.cache import ProposalCache, cache_key
from workbench.mt.db import open_tm_db
from workbench.mt.memory import TranslationMemory, match_score, word_diff
from workbench.text.segment import paragraphs


@pytest.fixture
def memory():
    return TranslationMemory(sqlite3.connect(":memory:", check_same_thread=False))


@pytest.fixture
def seed_memory(memory, seeds):
    """The first Arabic paragraphs of seed 004 with the English of 000 (gold 0:0, 1:1)."""
    ar = [p.text for p in paragraphs(seeds["004"])]
    en = [p.text for p in paragraphs(seeds["000"])]
    memory.add(ar[0], en[0], context_next=ar[1], origin="seeds:004-000")
    memory.add(ar[1], en[1], context_prev=ar[0], context_next=ar[2], origin="seeds:004-000")
    return memory, ar, en


def test_repeated_segment_is_an_exact_match(seed_memory):
    memory, ar, en = seed_memory
    [m] = memory.lookup(ar[0])
    assert (m.score, m.exact, m.target, m.label) == (100, True, en[0], "100%")
    assert all(kind == "equal" for kind, _ in m.diff)
    assert m.origin == "seeds:004-000"


def test_normalisation_differences_still_match_exactly(seed_memory):
    memory, ar, en = seed_memory
    variant = ar[0].replace("إدلب", "ادلب").replace("تمهيداً", "تمهيدا")  # hamza, tanwin
    assert variant != ar[0]
    [m] = memory.lookup(variant)
    assert m.exact and m.score == 100 and m.target == en[0]


def test_near_repeat_is_a_fuzzy_match_with_marked_words(seed_memory):
    memory, ar, en = seed_memory
    near = ar[0].replace("إدلب", "حلب", 1).replace("الأخيرة", "الماضية")
    matches = memory.lookup(near)
    assert matches and matches[0].target == en[0]
    m = matches[0]
    assert 80 <= m.score < 100 and not m.exact
    removed = {t.strip() for k, t in m.diff if k == "removed"}
    added = {t.strip() for k, t in m.diff if k == "added"}
    assert removed == {"إدلب", "الأخيرة"} and added == {"حلب", "الماضية"}
    assert "[-إدلب-]" in m.diff_markup() and "{+حلب+}" in m.diff_markup()


def test_unrelated_segment_has_no_match(seed_memory):
    memory, ar, _ = seed_memory
    assert memory.lookup(ar[5]) == []
    assert memory.lookup("") == []


def test_context_match_comes_first(memory):
    memory.add("قال المصدر ذلك.", "The source said so.", context_prev="أ", context_next="ب")
    memory.add("قال المصدر ذلك.", "The source said that.", context_prev="ج", context_next="د")
    memory.add("قال المصدر ذلك اليوم.", "The source said so that day.")
    ms = memory.lookup("قال المصدر ذلك.", context_prev="ج", context_next="د")
    assert [m.target for m in ms[:2]] == ["The source said that.", "The source said so."]
    assert ms[0].context and ms[0].label == "context"
    assert ms[1].exact and not ms[1].context
    assert not ms[2].exact and ms[2].score < 100


def test_threshold_and_limit(seed_memory):
    memory, ar, _ = seed_memory
    near = ar[0].replace("إدلب", "حلب", 1)
    assert memory.lookup(near, threshold=100) == []
    assert len(memory.lookup(ar[0], limit=1)) == 1


def test_add_is_idempotent_and_add_many_counts_new_units(memory):
    from workbench.formats.tmx import TMUnit

    memory.add("نص", "text")
    memory.add("نص", "text")
    assert len(memory) == 1
    n = memory.add_many([TMUnit("نص آخر", "other text", note="from TMX"),
                         {"source": "نص", "target": "text"},
                         ("نص ثالث", "third text")], origin="import.tmx")
    assert n == 2 and len(memory) == 3
    [m] = memory.lookup("نص آخر", threshold=100)
    assert m.note == "from TMX" and m.origin == "import.tmx"
    with pytest.raises(WorkbenchError, match="empty source"):
        memory.add(" ", "x")


def test_memory_sees_rows_added_by_others(memory):
    """The store adds accepted segments with plain SQL; the lookup index notices."""
    memory.add("نص أول", "first")
    assert memory.lookup("نص ثان", threshold=0)
    from workbench.text.normalize import normalized_arabic

    memory.conn.execute("INSERT INTO tm_unit (source, target, source_key, created_at) "
                        "VALUES (?, ?, ?, '2026-01-01T00:00:00Z')",
                        ("نص ثان", "second", normalized_arabic("نص ثان")))
    [m] = memory.lookup("نص ثان", threshold=100)
    assert m.target == "second"


def test_scores_and_diff_helpers():
    assert match_score("قال المصدر", "قال المصدر") == 100
    assert match_score("قال المصدر", "قَالَ المَصدر") == 100
    assert 0 < match_score("قال المصدر أمس", "قال المصدر اليوم") < 100
    assert match_score("قال المصدر أمس", "قال المصدر اليوم") > match_score(
        "قال المصدر أمس", "ذهب الجيش اليوم")
    diff = word_diff("قال المصدر أمس.", "قال المصدر اليوم.")
    assert "".join(t for k, t in diff if k != "added") == "قال المصدر أمس."
    assert "".join(t for k, t in diff if k != "removed") == "قال المصدر اليوم."


def test_memory_in_a_file_is_shared_with_the_project_schema(tmp_path):
    path = tmp_path / "tm.sqlite"
    TranslationMemory(open_tm_db(path)).add("نص", "text")
    conn = open_tm_db(path, create=False)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert TranslationMemory(conn).lookup("نص")[0].target == "text"
    (tmp_path / "junk.sqlite").write_text("not a database")
    with pytest.raises(WorkbenchError, match="not an SQLite database"):
        open_tm_db(tmp_path / "junk.sqlite")
    with pytest.raises(WorkbenchError, match="not found"):
        open_tm_db(tmp_path / "absent.sqlite", create=False)


def test_memory_over_a_project_file(tmp_path, seeds):
    """A project's own database (the store's SQLite file) is a valid memory."""
    from workbench.align.links import Link
    from workbench.store.project import Project

    ar = [p.text for p in paragraphs(seeds["004"])][:2]
    en = [p.text for p in paragraphs(seeds["000"])][:2]
    project = create_project(tmp_path / "p.sqlite", source_text="\n\n".join(ar),
                             target_text="\n\n".join(en),
                             links=[Link((0,), (0,), 1.0), Link((1,), (1,), 1.0)])
    project.close()
    memory = TranslationMemory(open_tm_db(tmp_path / "p.sqlite", create=False))
    memory.add(ar[0], en[0])
    assert memory.lookup(ar[0])[0].target == en[0]
    assert Project.open(tmp_path / "p.sqlite").memory_units()[0]["target"] == en[0]


# --- cache -------------------------------------------------------------------------------

def test_cache_put_get_clear():
    cache = ProposalCache(sqlite3.connect(":memory:"))
    k1 = cache_key("m@1", {"n_best": 4}, "نص")
    assert k1 != cache_key("m@2", {"n_best": 4}, "نص")
    assert k1 != cache_key("m@1", {"n_best": 2}, "نص")
    assert k1 == cache_key("m@1", {"n_best": 4}, "نص")
    assert cache.get(k1) is None and cache.misses == 1
    cache.put(k1, "m@1", {"text": "text"})
    assert cache.get(k1) == {"text": "text"} and cache.hits == 1
    cache.put(k1, "m@1", {"text": "new"})
    assert cache.get(k1) == {"text": "new"} and len(cache) == 1
    cache.conn.execute("UPDATE mt_cache SET proposal = '{broken' WHERE key = ?", (k1,))
    assert cache.get(k1) is None
    cache.put(cache_key("m@2", {}, "x"), "m@2", {"text": "x"})
    assert cache.clear("m@1") == 1 and len(cache) == 1
    assert cache.clear() == 1 and len(cache) == 0
    assert json.loads(json.dumps(cache.get_many([]))) == {}


# --- properties ----------------------------------------------------------------------------

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.text.normalize import normalized_arabic

_WORDS = st.sampled_from(["قال", "المصدر", "إن", "الجيش", "السوري", "سيطر", "على", "قرى",
                          "في", "ريف", "حماة", "إدلب", "ادلب", "مدينةً", "،", ".", "23"])
_TEXT = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT)
def test_score_is_100_exactly_for_equal_normalised_text(a, b):
    score = match_score(a, b)
    assert 0 <= score <= 100
    assert (score == 100) == (normalized_arabic(a) == normalized_arabic(b))
    assert match_score(a, a) == 100


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT)
def test_diff_rebuilds_both_sides(a, b):
    diff = word_diff(a, b)
    assert {k for k, _ in diff} <= {"equal", "removed", "added"}
    assert "".join(t for k, t in diff if k != "added").split() == a.split()
    # equal runs are shown in the TM's spelling: the new side is rebuilt up to normalisation
    rebuilt = "".join(t for k, t in diff if k != "removed").split()
    assert [normalized_arabic(w) for w in rebuilt] == [normalized_arabic(w) for w in b.split()]
