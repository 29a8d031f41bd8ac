"""Connecting to a Dask scheduler (``batch score --scheduler``) quickly, or failing in one line.

The ``distributed`` client handles bad addresses badly: a refused port is retried
until the connect timeout, a port that accepts and never answers hangs for ever,
something that is not Dask on the port sends bytes the client takes for a frame
length (an allocation of exabytes), and a malformed address raises and then prints
a second traceback from the half-built client's destructor 30 s later.

So before a :class:`distributed.Client` is built, :func:`check_scheduler` checks the
address itself and then speaks the first step of the Dask protocol over a plain
socket, with short timeouts: a Dask scheduler greets every new connection at once
with a small handshake message (its Python version, pickle protocol, compression),
so one connect and one read tell a scheduler from a refused port, an unknown host,
a silent port or another service, each with its own one-line
:class:`~workbench.errors.WorkbenchError`.
"""

from __future__ import annotations

import re
import socket
import struct
import time
from typing import Any

from workbench.errors import WorkbenchError

__all__ = ["DEFAULT_CONNECT_TIMEOUT", "check_scheduler", "connect_client",
           "parse_scheduler_address"]

#: Seconds for the TCP connect and, again, for the scheduler's greeting.
DEFAULT_CONNECT_TIMEOUT = 3.0
#: A handshake is about 60 bytes; anything announcing more than this is not one.
_MAX_GREETING = 1 << 16

_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)$")
_EXAMPLE = "expected tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786"


def _fail(address: str, why: str) -> WorkbenchError:
    return WorkbenchError(f"cannot reach the Dask scheduler at {address}: {why}")


def parse_scheduler_address(address: str) -> tuple[str, int]:
    """``(host, port)`` of ``tcp://HOST:PORT`` (or ``HOST:PORT``); a one-line error otherwise."""
    shown = repr(address) if address != address.strip() or not address else address
    text = address.strip()
    rest = text
    if "://" in text:
        scheme, rest = text.split("://", 1)
        if scheme.lower() != "tcp":
            raise WorkbenchError(f"--scheduler {shown}: the {scheme}:// protocol is not "
                                 f"supported ({_EXAMPLE})")
    rest = rest.rstrip("/")
    host, sep, port_text = rest.rpartition(":")
    if not sep or not port_text:
        raise WorkbenchError(f"--scheduler {shown}: malformed address, no port ({_EXAMPLE})")
    if not host:
        raise WorkbenchError(f"--scheduler {shown}: malformed address, no host ({_EXAMPLE})")
    if not _HOST.match(host):
        raise WorkbenchError(f"--scheduler {shown}: malformed address, {host!r} is not a host "
                             f"name or IP address ({_EXAMPLE})")
    if not port_text.isascii() or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise WorkbenchError(f"--scheduler {shown}: malformed address, the port must be a "
                             f"number from 1 to 65535, got {port_text!r} ({_EXAMPLE})")
    return host.strip("[]"), int(port_text)


def _our_greeting() -> bytes:
    """The handshake a Dask client sends on connecting (one msgpack frame), so that a
    service that waits for a request (HTTP) answers and shows what it is."""
    import pickle
    import sys

    import msgpack

    payload = msgpack.packb({"compression": None, "python": tuple(sys.version_info[:3]),
                             "pickle-protocol": pickle.HIGHEST_PROTOCOL}, use_bin_type=True)
    body = struct.pack("<QQ", 1, len(payload)) + payload
    return struct.pack("<Q", len(body)) + body


def _recv_exactly(sock: socket.socket, n: int, deadline: float) -> bytes:
    data = b""
    while len(data) < n:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _describe(data: bytes) -> str:
    """What another service sent, for the message (its first printable bytes)."""
    text = data[:60].decode("latin-1")
    shown = "".join(c if " " <= c <= "~" else " " for c in text).strip()
    shown = re.sub(r"\s+", " ", shown)
    if data[:5] == b"HTTP/":
        return f"an HTTP server answers there ({shown!r}), not a Dask scheduler"
    if data[:4] == b"SSH-":
        return f"an SSH server answers there ({shown!r}), not a Dask scheduler"
    if shown:
        return f"something else answers there (it sent {shown!r}), not a Dask scheduler"
    return f"something else answers there (it sent {len(data)} bytes that are not a Dask " \
           f"handshake), not a Dask scheduler"


def _is_handshake(body: bytes) -> bool:
    try:
        from distributed.protocol.core import loads
        from distributed.protocol.utils import unpack_frames

        frames, rest = unpack_frames(body, partial=True)
        msg = loads(frames, deserialize=False) if not rest else None
    except Exception:  # noqa: BLE001 - any decoding failure means "not Dask"
        return False
    return isinstance(msg, dict) and "python" in msg


def check_scheduler(address: str, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
    """Check that a Dask scheduler answers at ``address`` within ``timeout`` seconds (for
    the connect, then for its greeting); raise a one-line WorkbenchError otherwise."""
    host, port = parse_scheduler_address(address)
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except socket.gaierror:
        raise _fail(address, f"unknown host {host!r}") from None
    except ConnectionRefusedError:
        raise _fail(address, "connection refused (nothing listens on that port; start a "
                             "scheduler there with `dask scheduler --port "
                             f"{port}`)") from None
    except TimeoutError:
        raise _fail(address, f"no answer to the connection within {timeout:g} s (a "
                             "firewall, or no such machine)") from None
    except OSError as exc:
        raise _fail(address, exc.strerror or str(exc)) from None
    deadline = time.monotonic() + timeout
    try:
        with sock:
            try:
                sock.sendall(_our_greeting())
            except OSError:
                pass  # the peer may already have closed; the read below says so
            try:
                head = _recv_exactly(sock, 8, deadline)
            except TimeoutError:
                raise _fail(address, f"the port accepts connections but sent nothing within "
                                     f"{timeout:g} s; a Dask scheduler greets at once, so "
                                     "this is not one (or it is hung)") from None
            except (ConnectionResetError, BrokenPipeError):
                head = b""  # it hung up on our handshake
            if len(head) < 8:
                if head:
                    raise _fail(address, _describe(head))
                raise _fail(address, "the connection was closed without a greeting; this "
                                     "is not a Dask scheduler")
            (size,) = struct.unpack("<Q", head)
            if not 16 <= size <= _MAX_GREETING:
                raise _fail(address, _describe(head + _peek(sock, deadline)))
            try:
                body = _recv_exactly(sock, size, deadline)
            except TimeoutError:
                body = b""
            if len(body) < size or not _is_handshake(body):
                raise _fail(address, _describe(head + body))
    except OSError as exc:
        raise _fail(address, exc.strerror or str(exc)) from None


def _peek(sock: socket.socket, deadline: float) -> bytes:
    try:
        sock.settimeout(max(0.01, min(0.5, deadline - time.monotonic())))
        return sock.recv(52)
    except OSError:
        return b""


def connect_client(address: str, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> Any:
    """A :class:`distributed.Client` for the scheduler at ``address``, after
    :func:`check_scheduler`; any failure is one line."""
    check_scheduler(address, timeout)
    host, port = parse_scheduler_address(address)
    canonical = f"tcp://[{host}]:{port}" if ":" in host else f"tcp://{host}:{port}"
    return _make_client(canonical, timeout, shown=address)


def _make_client(address: str, timeout: float, shown: str | None = None) -> Any:
    """The client; if it fails half-way it is disarmed, so that its destructor neither
    prints a traceback nor waits for 30 s."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - dask[distributed] is a dependency
        raise WorkbenchError("--scheduler needs dask.distributed (pip install "
                             "'dask[distributed]')") from None
    try:
        return Client(address, timeout=f"{max(timeout, 1.0) * 2:g}s", set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - the client raises many kinds
        _disarm(exc)
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fail(shown or address, why) from None


def _disarm(exc: BaseException) -> None:
    """Find the half-built Client in the traceback and stop it without waiting, so that
    ``Client.__del__`` (which would call ``close()`` with a 30 s timeout and print a
    traceback) has nothing to do."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover
        return
    tb = exc.__traceback__
    while tb is not None:
        obj = tb.tb_frame.f_locals.get("self")
        if isinstance(obj, Client):
            try:
                obj.status = "closed"
                runner = getattr(obj, "_loop_runner", None)
                if runner is not None:
                    runner.stop()
            except Exception:  # noqa: BLE001, S110 - best effort
                pass
            break
        tb = tb.tb_next
    exc.__traceback__ = None
