"""Fixtures for the TUI tests: projects on the bundled pair (gold links: no aligner
needed), the curated glossary, and the tiny Marian model of tests/mt."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GLOSSARIES
from tests.mt.conftest import tiny_model_dir  # noqa: F401  (a fixture, shared)
from workbench.app.projects import create_project
from workbench.app.session import Session, locate
from workbench.corpus import resolve_pair


@pytest.fixture(scope="session")
def main_pair():
    return resolve_pair("seeds:004-000")


@pytest.fixture(scope="session")
def curated():
    from workbench.glossary import load_glossary

    return load_glossary([GLOSSARIES])


@pytest.fixture
def project_path(tmp_path: Path, main_pair) -> Path:
    """The bundled pair by paragraphs with its gold alignment, as a closed project file."""
    path = tmp_path / "p.wbproj"
    create_project(path, pair=main_pair, links=main_pair.gold_links()).close()
    return path


@pytest.fixture
def session(project_path, curated):
    s = Session.open(locate(str(project_path)), glossary=curated)
    yield s
    s.close()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def loose_path(tmp_path: Path) -> Path:
    """The loose rewrite seeds:004-001 by paragraphs with the aligner's links (fixed in
    tests/app/conftest.py), as a closed project file."""
    from tests.app.conftest import ALIGNED_004_001

    path = tmp_path / "loose.wbproj"
    create_project(path, pair=resolve_pair("seeds:004-001"), links=ALIGNED_004_001).close()
    return path
