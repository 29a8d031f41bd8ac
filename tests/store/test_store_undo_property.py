"""Property: any sequence of edits, accepts, merges, splits, undos and redos behaves like
a linear undo stack, keeps every segment in exactly one link, and keeps the file sound."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.app.projects import create_project
from workbench.corpus import resolve_pair
from workbench.store.project import Project

PAIR = resolve_pair("seeds:004-000")
GOLD = PAIR.gold_links()

TEXTS = st.text(alphabet=st.sampled_from(list("ab إدلب\n")), min_size=0, max_size=12)
OPS = st.lists(st.tuples(st.sampled_from(["edit", "accept", "merge", "split", "undo", "redo"]),
                         st.integers(0, 4), TEXTS), min_size=1, max_size=30)


def _state(project: Project) -> list[tuple]:
    return [(lk.src, lk.tgt, lk.target_text, lk.status) for lk in project.links()]


def _apply(project: Project, op: str, n: int, text: str) -> bool:
    """Apply one operation; False if it does not apply to the current links."""
    links = project.links()
    link = links[n % len(links)]
    if op == "edit":
        before = (link.target_text, link.status)
        after = project.edit(link.id, text, base_version=link.version)
        return (after.target_text, after.status) != before
    if op == "accept":
        if link.is_insertion or not link.target_text.strip() and not text.strip():
            return False
        before = (link.target_text, link.status)
        after = project.accept(link.id, text or None, base_version=link.version)
        return (after.target_text, after.status) != before
    if op == "merge":
        i = n % len(links)
        if i + 1 >= len(links):
            return False
        a, b = links[i], links[i + 1]
        project.merge([a.id, b.id], base_versions={a.id: a.version, b.id: b.version})
        return True
    if op == "split":
        cuts = [(s, t) for s, t in ((1, 1), (1, 0), (0, 1), (2, 1))
                if s <= len(link.src) and t <= len(link.tgt) and (s or t)
                and (len(link.src) - s or len(link.tgt) - t)]
        if not cuts:
            return False
        s_at, t_at = cuts[n % len(cuts)]
        parts = project.split(link.id, s_at, t_at, base_version=link.version)
        assert [(p.src, p.tgt) for p in parts] == [(link.src[:s_at], link.tgt[:t_at]),
                                                   (link.src[s_at:], link.tgt[t_at:])]
        return True
    raise AssertionError(op)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_undo_redo_is_a_linear_stack(ops):
    with tempfile.TemporaryDirectory() as tmp:
        with create_project(Path(tmp) / "h.wbproj", pair=PAIR, links=GOLD) as project:
            states = [_state(project)]
            pos = 0
            for op, n, text in ops:
                if op == "undo":
                    entry = project.undo()
                    assert (entry is None) == (pos == 0)
                    pos = max(0, pos - 1)
                    assert _state(project) == states[pos]
                elif op == "redo":
                    entry = project.redo()
                    assert (entry is None) == (pos == len(states) - 1)
                    pos = min(len(states) - 1, pos + 1)
                    assert _state(project) == states[pos]
                elif _apply(project, op, n, text):
                    del states[pos + 1:]
                    states.append(_state(project))
                    pos += 1
                    assert not project.can_redo()
            links = project.links()
            assert sorted(i for lk in links for i in lk.src) == list(range(12))
            assert sorted(j for lk in links for j in lk.tgt) == list(range(7))
            memory = {(u["source"], u["target"]) for u in project.memory_units()}
            for lk in links:
                if lk.accepted and lk.src and lk.target_text.strip():
                    assert (lk.source_text, lk.target_text) in memory
            assert project.integrity_check() == "ok"
