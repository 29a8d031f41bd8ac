"""`workbench tui` from the command line: keys, bad configuration, a killed app."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT
from workbench.store.project import Project


def _run(*args, env=None, **kw):
    e = dict(os.environ, **(env or {}))
    e.pop("WORKBENCH_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, cwd=ROOT, env=e, timeout=120, **kw)


def test_keys_prints_the_bindings_after_the_keymap(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("tui:\n  keymap: {accept_next: f5}\n", encoding="utf-8")
    r = _run("tui", "--keys", env={"WORKBENCH_CONFIG": str(cfg)})
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.startswith("Accept and next"))
    assert "f5" in line and "ctrl+j" not in line
    assert any(x.startswith("Insert proposal 1") for x in r.stdout.splitlines())


def test_a_bad_keymap_is_one_line_and_exit_2(tmp_path):
    cfg = tmp_path / "config.yaml"
    for body, said in (("tui:\n  keymap: {no_such_action: f5}\n", "unknown binding id"),
                       ("tui:\n  keymap: {accept_next: 'ctrl+nokey'}\n", "is not a key")):
        cfg.write_text(body, encoding="utf-8")
        r = _run("tui", "--keys", env={"WORKBENCH_CONFIG": str(cfg)})
        assert r.returncode == 2 and said in r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_missing_project_is_one_line(tmp_path):
    r = _run("tui", str(tmp_path / "none.wbproj"))
    assert r.returncode == 2 and "project not found" in r.stderr and "Traceback" not in r.stderr


def _wait(cond, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False


def test_sigkill_after_typing_and_accepting_loses_nothing(project_path, tmp_path):
    """The real app in a pseudo-terminal: accept one link, type in the next, kill -9."""
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="140", LINES="40")
    env.pop("WORKBENCH_DEBUG", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "workbench", "tui",
                                   str(project_path)], env)
    try:
        out = bytearray()

        def read_some():
            import select

            while select.select([fd], [], [], 0.05)[0]:
                try:
                    out.extend(os.read(fd, 65536))
                except OSError:
                    break
            return out

        def state():
            p = Project.open(project_path)
            try:
                return {lk.id: (lk.status, lk.target_text) for lk in p.links()}
            finally:
                p.close()

        first_state = state()
        assert _wait(lambda: b"Accept and next" in read_some(), 60), out[-2000:]
        time.sleep(1.0)
        os.write(fd, b"accepted words")
        time.sleep(0.5)
        os.write(fd, b"\x1b[20~")            # F9: Accept and next
        assert _wait(lambda: any(v == ("translated", "accepted words")
                                 for v in state().values()), 20)
        os.write(fd, b"typed not accepted")
        assert _wait(lambda: any(v == ("draft", "typed not accepted")
                                 for v in state().values()), 20)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pid = 0
        after = state()
        assert ("translated", "accepted words") in after.values()
        assert ("draft", "typed not accepted") in after.values()
        assert sum(v != first_state[k] for k, v in after.items()) == 2
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
