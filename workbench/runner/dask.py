"""The cluster executor: the same tasks on a running Dask scheduler.

The address is checked first, with short timeouts (:mod:`workbench.runner.scheduler`):
a refused port, a silent one, another service or a malformed address is one line
within seconds.  ``fn`` and the items must be importable and picklable on the
workers (plain data, no paths a worker cannot read).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from workbench.runner.scheduler import DEFAULT_CONNECT_TIMEOUT, parse_scheduler_address

__all__ = ["DaskCluster"]


class DaskCluster:
    """Tasks on the Dask scheduler at ``address`` (``tcp://HOST:PORT``; a malformed one is
    refused here, before any work)."""

    def __init__(self, address: str, *, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        parse_scheduler_address(address)
        self.address = address
        self.timeout = timeout
        self.name = f"dask {address}"

    def run(self, fn: Callable[[Any], Any], items: Sequence[Any],
            on_result: Callable[[Any], None], check: Callable[[], None]) -> None:
        from distributed import as_completed

        from workbench.runner.scheduler import connect_client

        client = connect_client(self.address, self.timeout)
        try:
            futures = [client.submit(fn, item, pure=False) for item in items]
            try:
                for fut in as_completed(futures, loop=client.loop):
                    on_result(fut.result())
                    check()
            except BaseException:
                client.cancel(futures)
                raise
        finally:
            client.close()
