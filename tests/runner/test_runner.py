"""The shared batch runner (workbench.runner): resume, progress, cancel, and the same
results in this process, in a process pool and from the executor chooser."""

from __future__ import annotations

import operator
import os

import pytest

from workbench.errors import CancelledError, WorkbenchError
from workbench.progress import CancelToken
from workbench.runner import DaskCluster, InProcess, LocalPool, local_executor, run_batch


def _run(items, executor, *, stored=None, cancel_after=None, finished=None):
    events = []
    finished = [] if finished is None else finished
    token = CancelToken()

    def finish(result):
        finished.append(result)
        if cancel_after is not None and len(finished) == cancel_after:
            token.cancel()
        return f"r{result}"

    reused = run_batch(items, operator.neg, executor=executor, finish=finish, task="t",
                       reuse=(stored or {}).get, progress=events.append, cancel=token)
    return reused, finished, events


def test_stored_results_are_reused_and_the_rest_run_with_one_event_each():
    reused, finished, events = _run([1, 2, 3, 4, 5], InProcess(), stored={2: "kept", 4: "kept"})
    assert reused == {2: "kept", 4: "kept"}
    assert finished == [-1, -3, -5]
    assert [(e.task, e.done, e.total, e.detail) for e in events] == [
        ("t", 2, 5, "2 reused"), ("t", 3, 5, "r-1"), ("t", 4, 5, "r-3"), ("t", 5, 5, "r-5")]


def test_nothing_left_to_do_reports_once_and_runs_nothing():
    reused, finished, events = _run([1, 2], InProcess(), stored={1: "a", 2: "b"})
    assert finished == [] and len(events) == 1 and events[0].done == 2


def test_cancel_stops_between_results_and_keeps_what_was_finished():
    finished = []
    with pytest.raises(CancelledError):
        _run(list(range(1, 9)), InProcess(), cancel_after=2, finished=finished)
    assert finished == [-1, -2]


def test_a_process_pool_gives_the_same_results_and_ends_its_workers():
    _, here, _ = _run(list(range(1, 13)), InProcess())
    _, pooled, events = _run(list(range(1, 13)), LocalPool(2))
    assert sorted(pooled) == sorted(here) and len(events) == 13
    assert [e.done for e in events] == list(range(0, 13))
    psutil = pytest.importorskip("psutil")
    assert [c for c in psutil.Process(os.getpid()).children() if c.is_running()
            and c.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in
            " ".join(c.cmdline())] == []


def test_a_cancel_in_a_pool_raises_and_writes_nothing_more():
    finished = []
    token = CancelToken()

    def finish(result):
        finished.append(result)
        token.cancel()
        return ""

    with pytest.raises(CancelledError):
        run_batch(list(range(20)), operator.neg, executor=LocalPool(2), finish=finish,
                  task="t", cancel=token)
    assert len(finished) == 1


def test_the_local_chooser_runs_one_item_here_and_several_in_a_pool():
    assert isinstance(local_executor(4, 1), InProcess)
    assert isinstance(local_executor(1, 10), InProcess)
    pool = local_executor(4, 3)
    assert isinstance(pool, LocalPool) and pool.workers == 3
    here = object()
    assert local_executor(2, 1, in_process=lambda: here) is here


def test_the_executor_may_be_chosen_for_the_items_left():
    sizes = []

    def choose(n):
        sizes.append(n)
        return InProcess()

    _run([1, 2, 3], choose, stored={1: "x"})
    assert sizes == [2]


def test_a_malformed_scheduler_address_is_refused_at_once():
    with pytest.raises(WorkbenchError, match="expected tcp://HOST:PORT"):
        DaskCluster("tcp://127.0.0.1")
