"""Hostile and careless input to the commands that read and write files (issue 17).

Every case runs the real command in a subprocess, on real files, and asserts: exit
code 2, one line on stderr naming the file or option, no traceback, and every input
(and the project) byte-for-byte unchanged.  Memory-hungry cases run under an address
space limit, so a regression fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GLOSSARIES, ROOT, SEED_FILES

AR, EN = SEED_FILES["004"], SEED_FILES["000"]
MEMORY_LIMIT = 3 * 1024 ** 3  # bytes of address space for a command reading /dev/zero


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(*argv, cwd: Path | None = None, stdin: bytes | None = None, limit: bool = False,
        timeout: float = 120) -> tuple[int, str, str]:
    env = dict(os.environ, PYTHONPATH=os.environ.get("HOSTILE_ROOT", str(ROOT)), WORKBENCH_DEBUG="")
    env.pop("WORKBENCH_DEBUG")
    # (cwd: `python -m` puts the current folder first on sys.path, before PYTHONPATH)
    proc = subprocess.run([sys.executable, "-m", "workbench", *map(str, argv)], cwd=cwd or "/",
                          input=stdin if stdin is not None else b"", capture_output=True,
                          env=env, timeout=timeout, preexec_fn=_limit_memory if limit else None)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), \
        proc.stderr.decode("utf-8", "replace")


def refused(code: int, err: str, *needles: str) -> None:
    """Exit 2, exactly one stderr line, no traceback, and every needle in that line."""
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, (code, err)
    assert len(lines) == 1, err
    for n in needles:
        assert n in lines[0], (n, lines[0])


def digest(*paths: Path) -> list[bytes]:
    return [Path(p).read_bytes() for p in paths]


@pytest.fixture
def texts(tmp_path) -> tuple[Path, Path]:
    ar, en = tmp_path / "ar.txt", tmp_path / "en.txt"
    shutil.copy(AR, ar)
    shutil.copy(EN, en)
    return ar, en


@pytest.fixture
def project(tmp_path) -> Path:
    p = tmp_path / "p.wbproj"
    code, _, err = run("project", "new", p, "--pair", "seeds:004-000", "--gold")
    assert code == 0, err
    code, _, err = run("project", "edit", p, "1", "--text", "edited", "--status", "translated")
    assert code == 0, err
    return p


# --- never write over an input, never over a foreign file without --force ------------------


@pytest.mark.parametrize("fmt", ["tmx", "xliff", "csv", "txt"])
def test_project_export_over_the_project_is_refused(project, fmt):
    before = digest(project)
    code, _, err = run("project", "export", project, "--format", fmt, project, "--no-glossary")
    refused(code, err, str(project), "input")
    assert digest(project) == before
    code, out, err = run("project", "status", project, "--no-glossary")
    assert code == 0 and "translated" in out, err


def test_project_export_over_a_foreign_file_needs_force(project, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("my notes\n", encoding="utf-8")
    code, _, err = run("project", "export", project, "--format", "tmx", other)
    refused(code, err, str(other), "--force")
    assert other.read_text(encoding="utf-8") == "my notes\n"
    # an earlier export of the same format is the command's own: replaced without --force
    out = tmp_path / "p.tmx"
    assert run("project", "export", project, "--format", "tmx", out)[0] == 0
    first = out.read_bytes()
    assert run("project", "export", project, "--format", "tmx", out)[0] == 0
    assert b"<tmx" in out.read_bytes() and len(out.read_bytes()) == len(first)
    assert run("project", "export", project, "--format", "tmx", other, "--force")[0] == 0
    assert b"<tmx" in other.read_bytes()


def test_project_export_through_a_hard_link_to_the_project_is_refused(project, tmp_path):
    alias = tmp_path / "alias.tmx"
    os.link(project, alias)
    before = digest(project)
    code, _, err = run("project", "export", project, "--format", "tmx", alias, "--force")
    refused(code, err, "input")
    assert digest(project) == before


def test_qa_fix_over_the_arabic_source_is_refused(texts):
    ar, en = texts
    before = digest(ar, en)
    for target in (ar, en):
        code, _, err = run("qa", ar, en, "--aligned", "--fix", target, "--force")
        refused(code, err, str(target), "input")
    assert digest(ar, en) == before


def test_qa_fix_over_an_existing_file_needs_force(texts, tmp_path):
    ar, en = texts
    keep = tmp_path / "keep.txt"
    keep.write_text("keep me\n", encoding="utf-8")
    code, _, err = run("qa", ar, en, "--fix", keep)
    refused(code, err, str(keep), "--force")
    assert keep.read_text(encoding="utf-8") == "keep me\n"


def test_glossary_export_over_its_own_glossary_is_refused(tmp_path):
    g = tmp_path / "g.yaml"
    shutil.copy(GLOSSARIES / "places.yaml", g)
    before = digest(g)
    for fmt in ("csv", "tbx"):
        code, _, err = run("glossary", "export", "--format", fmt, "-o", g, "--glossary", g,
                           "--force")
        refused(code, err, str(g), "input")
    assert digest(g) == before


def test_glossary_import_over_its_input_is_refused(tmp_path):
    g = tmp_path / "g.yaml"
    shutil.copy(GLOSSARIES / "places.yaml", g)
    csv_file = tmp_path / "g.csv"
    code, _, err = run("glossary", "export", "--format", "csv", "-o", csv_file, "--glossary", g)
    assert code == 0, err
    before = digest(csv_file)
    code, _, err = run("glossary", "import", csv_file, "-o", csv_file, "--force",
                       "--glossary", g)
    refused(code, err, str(csv_file), "input")
    assert digest(csv_file) == before


def test_align_plot_over_an_input_is_refused(texts):
    ar, en = texts
    before = digest(ar, en)
    code, _, err = run("align", ar, en, "--plot", en, "--force")
    refused(code, err, "input")
    assert digest(ar, en) == before


def test_csv_exports_neutralise_formulas(project, tmp_path):
    code, _, err = run("project", "edit", project, "2", "--text",
                       '=HYPERLINK("http://example.com/x","click")')
    assert code == 0, err
    out = tmp_path / "p.csv"
    assert run("project", "export", project, "--format", "csv", out)[0] == 0
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert ',=HYPERLINK' not in text and '"=HYPERLINK' not in text


# --- unwritable outputs: one line, nothing half-written ------------------------------------


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_one_line(project, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        code, _, err = run("project", "export", project, "--format", "tmx", ro / "x.tmx")
        refused(code, err, "cannot write", str(ro / "x.tmx"))
    finally:
        ro.chmod(0o700)


def test_output_under_a_regular_file_is_one_line(project, texts, tmp_path):
    ar, en = texts
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = run("project", "export", project, "--format", "tmx", blocker / "x.tmx")
    refused(code, err, "cannot write", str(blocker / "x.tmx"))
    code, _, err = run("qa", ar, en, "--aligned", "--segments", "lines", "--fix",
                       blocker / "fixed.txt")
    refused(code, err, str(blocker / "fixed.txt"))
    code, _, err = run("glossary", "export", "--format", "csv", "-o", blocker / "g.csv",
                       "--glossary", GLOSSARIES)
    refused(code, err, str(blocker / "g.csv"))
    assert blocker.read_text(encoding="utf-8") == "x"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_full_disk_leaves_the_old_file_whole(tmp_path):
    """A write that fails half-way (ENOSPC) must not touch the existing file: simulated
    in-process by making the write to the temporary file fail."""
    from workbench.errors import OutputFileError
    from workbench.textio import write_output

    target = tmp_path / "out.txt"
    target.write_text("old content\n", encoding="utf-8")

    class Full:
        def __init__(self, *a, **k):
            self.fh = open("/dev/full", "wb")

        def __enter__(self):
            return self.fh

        def __exit__(self, *exc):
            try:
                self.fh.close()
            except OSError:
                pass

    import workbench.textio as textio

    real = textio.os.fdopen
    textio.os.fdopen = lambda fd, mode: (os.close(fd), Full())[1]
    try:
        with pytest.raises(OutputFileError, match="cannot write"):
            write_output(target, "x" * 100000, force=True)
    finally:
        textio.os.fdopen = real
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left


# --- bounded reads: devices, FIFOs, NUL bytes, UTF-16, stdin twice -------------------------


def test_align_dev_zero_is_refused_at_once(texts):
    ar, _ = texts
    code, _, err = run("align", ar, "/dev/zero", limit=True, timeout=60)
    refused(code, err, "/dev/zero", "device")


def test_project_edit_text_file_dev_zero_is_refused(project):
    before = digest(project)
    code, _, err = run("project", "edit", project, "1", "--text-file", "/dev/zero", limit=True,
                       timeout=60)
    refused(code, err, "/dev/zero", "device")
    assert digest(project) == before


def test_glossary_lint_dev_zero_is_refused():
    code, _, err = run("glossary", "lint", "/dev/zero", limit=True, timeout=60)
    assert code == 2 and "Traceback" not in err and "/dev/zero" in err


def test_a_fifo_is_refused_without_blocking(texts, tmp_path):
    ar, _ = texts
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    code, _, err = run("align", ar, fifo, timeout=60)  # no writer: a plain open would block
    refused(code, err, str(fifo), "pipe")


def test_nul_bytes_after_64_kib_are_refused(texts, tmp_path):
    ar, _ = texts
    en = tmp_path / "late-nul.txt"
    en.write_bytes(b"Hello world.\n" * 6000 + b"bad\x00byte\n")
    code, _, err = run("qa", ar, en, "--aligned")
    refused(code, err, str(en), "NUL")


def test_utf16_is_named_with_a_conversion(texts, tmp_path):
    ar, _ = texts
    for name, data in (("bom.txt", EN.read_text("utf-8").encode("utf-16")),
                       ("le.txt", EN.read_text("utf-8").encode("utf-16-le"))):
        p = tmp_path / name
        p.write_bytes(data)
        code, _, err = run("qa", ar, p, "--aligned")
        refused(code, err, str(p), "UTF-16", "iconv")


def test_stdin_given_twice_is_named(texts):
    code, _, err = run("align", "-", "-", stdin=AR.read_bytes())
    refused(code, err, "standard input", "already read")


def test_missing_config_file_is_an_error(texts):
    ar, en = texts
    code, _, err = run("--config", "/nonexistent/config.yaml", "qa", ar, en, "--aligned")
    refused(code, err, "/nonexistent/config.yaml", "not found")


def test_base_version_from_the_future_is_named(project):
    before = digest(project)
    code, _, err = run("project", "edit", project, "1", "--text", "x", "--base-version", "99999")
    refused(code, err, "--base-version", "no version 99999")
    assert digest(project) == before
