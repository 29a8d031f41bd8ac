"""Fixtures for the MT tests: a tiny Marian model trained on seed-like pairs, built once.

The model is built by :mod:`tests.mt.tiny_model` (about 10-30 s) into pytest's cache
directory under a key that changes with the builder and the library versions, behind a
file lock so that pytest-xdist workers build it only once.  No weights are committed.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from filelock import FileLock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tiny_model  # noqa: E402


@pytest.fixture(autouse=True)
def _one_torch_thread(monkeypatch):
    """Tiny matrices: one thread is fastest and leaves the second core to the other worker."""
    monkeypatch.setenv("WORKBENCH_MT_THREADS", "1")


def _build_once(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"tiny-marian-{tiny_model.builder_key()}"
    with FileLock(str(root / "tiny-marian.lock"), timeout=600):
        if not (target / "TRAINING.txt").is_file():
            tmp = root / (target.name + ".partial")
            shutil.rmtree(tmp, ignore_errors=True)
            tiny_model.build_tiny_model(tmp)
            shutil.rmtree(target, ignore_errors=True)
            tmp.rename(target)
    return target


@pytest.fixture(scope="session")
def tiny_model_dir(request, tmp_path_factory) -> Path:
    """Directory of the tiny Arabic->English Marian model (do not modify it: copy it)."""
    try:
        root = Path(request.config.cache.mkdir("mt-models"))
    except (AttributeError, OSError):  # cache plugin disabled or read-only checkout
        root = tmp_path_factory.getbasetemp().parent / "mt-models"
    return _build_once(root)


@pytest.fixture(scope="session")
def tiny_backend(tiny_model_dir):
    """One loaded backend for the session (loading costs a few seconds)."""
    from workbench.mt.backend import load_backend

    return load_backend(tiny_model_dir, threads=1, lazy=False)


@pytest.fixture(scope="session")
def pairs() -> list[tuple[str, str]]:
    return tiny_model.training_pairs()


@pytest.fixture(scope="session")
def glossary():
    from workbench.glossary import load_glossary

    from tests.conftest import GLOSSARIES

    return load_glossary([GLOSSARIES])
