"""Shared fixtures: paths to the bundled corpora and the shared development data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SEEDS = CORPORA / "seeds"
GLOSSARIES = ROOT / "glossaries"
# ../shared sits beside the checkout (in CI as in development)
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "data" / "ntrex-rewrites-dev"
NTREX = SHARED / "data" / "ntrex"

SEED_FILES = {
    "000": SEEDS / "000_54ac8f1f5784a3e2.txt",
    "001": SEEDS / "001_96d72dea09257f2d.txt",
    "002": SEEDS / "002_089e1193fa8b4d0a.txt",
    "003": SEEDS / "003_a2ca1a7cfa9f2611.txt",
    "004": SEEDS / "004_fc843bc12e8cb1da.txt",
}


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never read or write the developer's real configuration or data directory."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(home / "config.yaml"))
    monkeypatch.setenv("WORKBENCH_DATA", str(home / "data"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return {k: p.read_text(encoding="utf-8") for k, p in SEED_FILES.items()}


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    if not DEV.is_dir():
        pytest.skip(f"development benchmark not found at {DEV}")
    return DEV


def dev_doc(dev_dir: Path, unit: str, name: str):
    """A dev benchmark document: (Arabic segments, English segments, gold links)."""
    from workbench.align.links import read_links

    src = [s for s in (dev_dir / unit / "ar" / name).read_text("utf-8").splitlines() if s.strip()]
    tgt = [t for t in (dev_dir / unit / "en" / name).read_text("utf-8").splitlines() if t.strip()]
    return src, tgt, read_links(dev_dir / unit / "gold" / name)
