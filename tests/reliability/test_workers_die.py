"""Workers die with their parent (issue 17).

``batch align`` and ``batch score`` run documents in a pool of worker processes
(about 215 MB each).  Before: after SIGTERM of the command, or when it was killed, the
workers stayed alive for good.  Now SIGTERM runs the same abort as Ctrl-C (the workers
are ended, exit 143, no traceback) and each worker watches its parent and exits when it
is gone, even after SIGKILL.

Each case runs the real command on a copy of development documents with 2 workers,
waits until the workers are busy (the first document written), signals the command,
and checks with psutil that no process it started is left.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.slow

#: seconds the workers may take to go after the signal (SIGKILL: the watchdog polls 2/s)
GONE_WITHIN = 8.0


@pytest.fixture(scope="module")
def docs(tmp_path_factory, dev_dir) -> Path:
    src = dev_dir / "paragraphs"
    d = tmp_path_factory.mktemp("docs")
    names = sorted(p.name for p in (src / "ar").iterdir())[:24]
    for sub in ("ar", "en", "gold"):
        (d / sub).mkdir()
        for name in names:
            shutil.copy(src / sub / name, d / sub / name)
    return d


def start(argv: list[str], out: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "workbench", *argv], cwd="/",
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env, start_new_session=True)


def wait_busy(proc: subprocess.Popen, out: Path, timeout: float = 240.0) -> list:
    """The command's descendants once two workers run and a first document is written."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode("utf-8", "replace")
        kids = parent.children(recursive=True)
        workers = [k for k in kids if "spawn_main" in " ".join(_cmdline(k))]
        if len(workers) >= 2 and any(p.is_file() for p in out.glob("[0-9]*")):
            return kids
        time.sleep(0.2)
    raise AssertionError("the workers never got busy")


def _cmdline(p) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def assert_all_gone(kids: list) -> None:
    _, alive = psutil.wait_procs(kids, timeout=GONE_WITHIN)
    try:
        assert not alive, f"still alive {GONE_WITHIN} s after: {[p.pid for p in alive]}"
    finally:
        for p in alive:  # only processes this test started
            try:
                p.kill()
            except psutil.Error:
                pass


def commands(docs: Path, out: Path) -> dict[str, list[str]]:
    return {
        "align": ["batch", "align", str(docs), "--out", str(out), "--workers", "2"],
        "score": ["batch", "score", str(docs), "--out", str(out), "--workers", "2",
                  "--no-terms"],
    }


@pytest.mark.parametrize("command", ["align", "score"])
def test_sigterm_ends_the_workers(docs, tmp_path, command):
    out = tmp_path / "out"
    proc = start(commands(docs, out)[command], out)
    try:
        kids = wait_busy(proc, out)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        err = proc.stderr.read().decode("utf-8", "replace")
        assert_all_gone(kids)
        assert code == 128 + signal.SIGTERM, (code, err)
        assert "Traceback" not in err, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # stopped part-way: some documents were written, not all
    written = sorted(p.name for p in out.glob("[0-9]*"))
    assert written and len(written) < 24


@pytest.mark.parametrize("command", ["align", "score"])
def test_workers_exit_when_the_parent_is_killed(docs, tmp_path, command):
    out = tmp_path / "out"
    proc = start(commands(docs, out)[command], out)
    try:
        kids = wait_busy(proc, out)
        proc.kill()
        proc.wait(timeout=30)
        assert_all_gone(kids)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_watchdog_exits_a_worker_whose_parent_is_gone(tmp_path):
    """The watchdog alone, fast: a grandchild whose parent exits (it is handed to init)
    exits within a second instead of sleeping on."""
    flag = tmp_path / "child.pid"
    child = tmp_path / "child.py"
    child.write_text("import os, sys, time\n"
                     "from workbench.align.batch import watch_parent\n"
                     "watch_parent(os.getppid(), 0.1)\n"
                     "open(sys.argv[1], 'w').write(str(os.getpid()))\n"
                     "time.sleep(60)\n", encoding="utf-8")
    middle = ("import os, subprocess, sys, time\n"
              "subprocess.Popen([sys.executable, sys.argv[1], sys.argv[2]])\n"
              "while not os.path.exists(sys.argv[2]): time.sleep(0.05)\n"
              "time.sleep(0.3)\n"
              "os._exit(0)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", middle, str(child), str(flag)], env=env,
                   timeout=60, check=True)
    pid = int(flag.read_text())
    try:
        proc = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return  # already gone
    _, alive = psutil.wait_procs([proc], timeout=3)
    for p in alive:
        p.kill()
    assert not alive, "the orphaned child kept running"
