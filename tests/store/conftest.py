from __future__ import annotations

from pathlib import Path

import pytest

from workbench.app.projects import create_project
from workbench.corpus import resolve_pair
from workbench.store.project import Project


@pytest.fixture(scope="session")
def main_pair():
    return resolve_pair("seeds:004-000")


@pytest.fixture
def project(tmp_path: Path, main_pair) -> Project:
    """The Sputnik/Al-Watan pair by paragraphs with its gold alignment (no model needed)."""
    p = create_project(tmp_path / "p.wbproj", pair=main_pair, links=main_pair.gold_links())
    yield p
    p.close()
