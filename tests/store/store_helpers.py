"""Helpers shared by the store tests."""

from __future__ import annotations

from workbench.store.project import Project


def snapshot(project: Project) -> tuple:
    """Everything a user could lose: links with texts and versions, memory, history."""
    links = tuple((lk.id, lk.src, lk.tgt, lk.target_text, lk.status, lk.version, lk.origin)
                  for lk in project.links())
    memory = tuple((u["source"], u["target"], u["origin"]) for u in project.memory_units())
    history = tuple((e.id, e.kind, e.state) for e in project.history())
    return links, memory, history
