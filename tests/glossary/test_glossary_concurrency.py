"""Parallel glossary writers: no lost entries, no silent overwrite of an outside edit."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from workbench.glossary import load_glossary
from workbench.glossary.edit import add_entry, format_file
from workbench.glossary.filelock import FileChangedError, file_hash, lock_path, locked_file
from workbench.glossary.model import Entry

ROOT = Path(__file__).resolve().parents[2]
START = ('entries:\n  - id: idlib\n    type: place\n    en: "Idlib"\n    ar: ["إدلب"]\n')


def _add_cmd(path: Path, i: int) -> list[str]:
    return [sys.executable, "-m", "workbench", "glossary", "add", "--id", f"village-{i}",
            "--type", "place", "--en", f"Village Number {chr(65 + i)}{chr(97 + i) * 3}",
            "--ar", "قرية " + "بتثجحخدذ"[i] * 2 + "س", "--file", str(path),
            "--glossary", str(path)]


@pytest.mark.parametrize("n", [2, 8])
def test_parallel_cli_adds_keep_every_entry(tmp_path, n):
    path = tmp_path / "places.yaml"
    path.write_text(START, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen(_add_cmd(path, i), env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(n)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert all(code == 0 for code, _ in results), results
    ids = set(load_glossary([path]).entries)
    assert ids == {"idlib"} | {f"village-{i}" for i in range(n)}
    assert not list(tmp_path.glob(".places.yaml.*.tmp"))  # no temporary file left


def test_an_add_waits_for_a_writer_holding_the_lock(tmp_path):
    """A TUI-like writer holds the lock while the user edits; the CLI add waits, then
    sees (and keeps) the writer's entry."""
    path = tmp_path / "g.yaml"
    path.write_text(START, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with locked_file(path) as f:
        proc = subprocess.Popen(_add_cmd(path, 0), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=3)  # blocked on the lock
        f.write(f.text + '  - id: homs\n    type: place\n    en: "Homs"\n    ar: ["حمص"]\n')
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    proc.stderr.close()
    assert set(load_glossary([path]).entries) == {"idlib", "homs", "village-0"}


def test_threads_adding_through_the_api_keep_every_entry(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(START, encoding="utf-8")
    errors = []

    def add(i):
        try:
            add_entry(Entry(f"t-{i}", "place", f"Town {chr(65 + i)}{chr(97 + i) * 4}",
                            ["بلدة " + "بتثجحخ"[i] * 3]), path, glossary_paths=[])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(load_glossary([path])) == 7


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(START, encoding="utf-8")
    seen = file_hash(path)
    outside = START + '  - id: homs\n    type: place\n    en: "Homs"\n    ar: ["حمص"]\n'
    path.write_text(outside, encoding="utf-8")  # an editor saves in between
    entry = Entry("hama", "place", "Hama", ["حماة"])
    with pytest.raises(FileChangedError, match="changed since it was read"):
        add_entry(entry, path, glossary_paths=[], expected_hash=seen)
    with pytest.raises(FileChangedError):
        format_file(path, expected_hash=seen)
    assert path.read_text(encoding="utf-8") == outside
    add_entry(entry, path, glossary_paths=[], expected_hash=file_hash(path))
    assert set(load_glossary([path]).entries) == {"idlib", "homs", "hama"}


def test_an_edit_from_outside_during_the_write_is_refused(tmp_path, monkeypatch):
    """An editor that takes no lock saves while an add is being validated: refused."""
    import workbench.glossary.edit as edit

    path = tmp_path / "g.yaml"
    path.write_text(START, encoding="utf-8")
    outside = START.replace('"Idlib"', '"Idleb"')
    real = edit.lint_glossary

    def lint_and_meanwhile_edit(*args, **kw):
        path.write_text(outside, encoding="utf-8")
        return real(*args, **kw)

    monkeypatch.setattr(edit, "lint_glossary", lint_and_meanwhile_edit)
    with pytest.raises(FileChangedError, match="another program"):
        add_entry(Entry("hama", "place", "Hama", ["حماة"]), path, glossary_paths=[])
    assert path.read_text(encoding="utf-8") == outside


def test_a_lock_held_too_long_is_a_clear_error_and_is_released_after(tmp_path):
    from workbench.cli.main import main
    from workbench.errors import WorkbenchError

    path = tmp_path / "g.yaml"
    path.write_text(START, encoding="utf-8")
    done = threading.Event()
    release = threading.Event()

    def hold():
        with locked_file(path):
            done.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    done.wait(10)
    try:
        with pytest.raises(WorkbenchError, match="being written by another program"):
            with locked_file(path, timeout=0.2):
                pass
    finally:
        release.set()
        t.join()
    assert lock_path(path).exists() and path.read_text(encoding="utf-8") == START
    assert main(["glossary", "add", "--id", "hama", "--type", "place", "--en", "Hama",
                 "--ar", "حماة", "--file", str(path), "--glossary", str(path)]) == 0
