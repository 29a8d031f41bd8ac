"""Fixtures for the glossary tests: the curated glossary and small hand-made ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GLOSSARIES
from workbench.glossary import load_glossary
from workbench.glossary.model import Entry, Glossary


@pytest.fixture(scope="session")
def curated() -> Glossary:
    return load_glossary([GLOSSARIES])


@pytest.fixture
def make_glossary():
    def make(*entries: Entry) -> Glossary:
        return Glossary({e.id: e for e in entries})
    return make


@pytest.fixture
def write_yaml(tmp_path: Path):
    def write(text: str, name: str = "g.yaml") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p
    return write
