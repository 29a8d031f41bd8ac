"""``batch score --scheduler`` with something other than a working Dask scheduler (issue 17).

Each case runs the real command in a subprocess against a server started here and
asserts: exit 2, a single line on stderr naming the address and what answered, no
traceback (not even the client destructor's), and an answer within a few seconds
(before: 16 s for a refused port, 30 s and a traceback for another service, a hang for
ever on a silent port).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("distributed")

#: beyond the same command's run without a scheduler (python start-up and imports, about
#: 1 s on a quiet machine, several on a loaded one): the 3 s greeting timeout, with slack
#: for a loaded machine (two runs a second apart can differ by 4 s there); what this
#: guards against is a hang, or the client's own 30 s timeout
LIMIT = 12.0
#: beyond that run, for what needs no answer from the network (a malformed address, a
#: refused port: 16 s before issue 17)
FAST = 8.0


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("docs")
    for sub in ("ar", "en", "gold", "pred"):
        (d / sub).mkdir()
    (d / "ar" / "a").write_text("مرحبا بالعالم\nكيف حالك\n", encoding="utf-8")
    (d / "en" / "a").write_text("Hello world\nHow are you\n", encoding="utf-8")
    for sub in ("gold", "pred"):
        (d / sub / "a").write_text("[0]:[0]\n[1]:[1]\n", encoding="utf-8")
    return d


def score(docs: Path, out: Path, address: str) -> tuple[int, str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "batch", "score", str(docs), "--pred",
         str(docs / "pred"), "--out", str(out), "--no-terms", "--scheduler", address],
        cwd="/", stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=90, check=False)
    return proc.returncode, proc.stderr.decode("utf-8", "replace"), time.monotonic() - started


def startup(docs: Path, out: Path) -> float:
    """Wall time of the same command without ``--scheduler`` (scored in the process, a few
    milliseconds of work): start-up and imports under the machine's load of the moment, so
    that the bounds below measure what the scheduler check adds, not how busy the machine is."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "batch", "score", str(docs), "--pred",
         str(docs / "pred"), "--out", str(out), "--no-terms"],
        cwd="/", stdin=subprocess.DEVNULL, capture_output=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=90, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return time.monotonic() - started


@pytest.fixture(scope="module")
def base(docs, tmp_path_factory) -> float:
    return startup(docs, tmp_path_factory.mktemp("base") / "o")


def assert_one_line(code: int, err: str, elapsed: float, *needles: str,
                    base: float = 0.0) -> None:
    assert "Traceback" not in err and "Exception ignored" not in err, err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("workbench: error: "), err
    for needle in needles:
        assert needle in lines[0], err
    assert elapsed < base + LIMIT, f"took {elapsed:.1f} s (without a scheduler {base:.1f} s): {err}"


class Server:
    """A TCP server on a free port that does ``behaviour(conn)`` with every connection."""

    def __init__(self, behaviour):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.behaviour = behaviour
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self.behaviour, args=(conn,), daemon=True).start()

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.fixture
def server(request):
    made = []

    def make(behaviour):
        s = Server(behaviour)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _silent(conn):
    pass  # accept, keep open, never answer


def _http(conn):
    conn.settimeout(5)
    try:
        conn.recv(4096)  # the request (here: the client's binary handshake)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                     b"Connection: close\r\n\r\n")
    except OSError:
        pass
    conn.close()


def _banner(conn):
    try:
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    except OSError:
        pass


def _closes(conn):
    conn.close()


def _garbage(conn):
    try:  # a frame length of exabytes, the old client tried to allocate it
        conn.sendall(b"\xff" * 64)
    except OSError:
        pass


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_refused_port(docs, tmp_path):
    port = free_port()
    code, err, t = score(docs, tmp_path / "o", f"tcp://127.0.0.1:{port}")
    base = startup(docs, tmp_path / "b")
    assert_one_line(code, err, t, f"tcp://127.0.0.1:{port}", "connection refused", base=base)
    assert t < base + FAST, (t, base)
    assert not (tmp_path / "o" / "a").exists()


def test_port_that_accepts_and_never_answers(docs, tmp_path, server, base):
    s = server(_silent)
    code, err, t = score(docs, tmp_path / "o", f"tcp://127.0.0.1:{s.port}")
    assert_one_line(code, err, t, f"127.0.0.1:{s.port}", "sent nothing within 3 s", base=base)


@pytest.mark.parametrize(("behaviour", "said"), [
    (_http, "an HTTP server answers there ('HTTP/1.1 400 Bad Request"),
    (_banner, "an SSH server answers there ('SSH-2.0-OpenSSH_9.6')"),
    (_closes, "closed without a greeting"),
    (_garbage, "not a Dask handshake"),
], ids=["http", "ssh-banner", "closes", "garbage"])
def test_something_else_on_the_port(docs, tmp_path, server, behaviour, said, base):
    s = server(behaviour)
    code, err, t = score(docs, tmp_path / "o", f"tcp://127.0.0.1:{s.port}")
    assert_one_line(code, err, t, f"127.0.0.1:{s.port}", said, "not a Dask scheduler", base=base)


@pytest.mark.parametrize(("address", "said"), [
    ("tcp://not a host:x", "'not a host' is not a host name"),
    ("garbage::", "no port"),
    ("tcp://127.0.0.1", "no port"),
    ("tcp://127.0.0.1:0", "from 1 to 65535, got '0'"),
    ("tcp://127.0.0.1:99999", "from 1 to 65535, got '99999'"),
    ("tcp://127.0.0.1:8786x", "got '8786x'"),
    ("", "no port"),
    ("udp://127.0.0.1:8786", "the udp:// protocol is not supported"),
    ("tcp://:8786", "no host"),
], ids=["spaces", "colons", "no-port", "port-0", "port-big", "port-text", "empty", "udp",
        "no-host"])
def test_malformed_address(docs, tmp_path, address, said):
    code, err, t = score(docs, tmp_path / "o", address)
    base = startup(docs, tmp_path / "b")
    assert_one_line(code, err, t, "--scheduler", said, "expected tcp://HOST:PORT", base=base)
    assert t < base + FAST, (t, base)


def test_unknown_host(docs, tmp_path, base):
    code, err, t = score(docs, tmp_path / "o", "tcp://no-such-host.invalid:8786")
    assert_one_line(code, err, t, "tcp://no-such-host.invalid:8786", base=base)
    assert "unknown host" in err or "no answer" in err, err


def run_python(code: str) -> tuple[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, check=False,
                          env=env, timeout=90)
    return proc.stderr.decode("utf-8", "replace"), time.monotonic() - started


def test_greeting_then_hang_up_is_one_line(server):
    """Greets like Dask, then closes: the real client fails inside its constructor."""
    from workbench.runner.scheduler import _our_greeting

    greeting = _our_greeting()

    def greet_and_hang_up(conn):
        try:
            conn.sendall(greeting)
            conn.settimeout(2)
            conn.recv(4096)
        except OSError:
            pass
        conn.close()

    s = server(greet_and_hang_up)
    err, elapsed = run_python(
        "import sys\n"
        "from workbench.runner.scheduler import connect_client\n"
        "from workbench.errors import WorkbenchError\n"
        f"try:\n    connect_client('tcp://127.0.0.1:{s.port}', 1.0)\n"
        "except WorkbenchError as e:\n    print('ERR', e, file=sys.stderr)\n")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.startswith("ERR cannot reach the Dask scheduler at tcp://127.0.0.1:"), err
    assert len(err.strip().splitlines()) == 1, err
    assert elapsed < 15, (elapsed, err)


def test_half_built_client_is_disarmed():
    """An address the client itself cannot parse (the check before it normally refuses
    these): the half-built client's destructor used to print a traceback after 30 s."""
    err, elapsed = run_python(
        "import sys\n"
        "from workbench.runner.scheduler import _make_client\n"
        "from workbench.errors import WorkbenchError\n"
        "try:\n    _make_client('tcp://not a host:x', 1.0)\n"
        "except WorkbenchError as e:\n    print('ERR', e, file=sys.stderr)\n")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.startswith("ERR cannot reach the Dask scheduler at tcp://not a host:x"), err
    assert elapsed < 10, (elapsed, err)
