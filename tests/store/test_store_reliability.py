"""Crash safety and concurrent writers, with real processes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap

from workbench.store.project import Project

EDITOR = textwrap.dedent("""
    import sys
    from workbench.store.project import Project

    p = Project.open(sys.argv[1])
    start = int(sys.argv[2])
    links = [lk for lk in p.links() if lk.src]
    versions = {lk.id: lk.version for lk in links}
    n = start
    while True:
        lk = links[n % len(links)]
        if n % 10 == 9:
            new = p.accept(lk.id, f"edit {n}", base_version=versions[lk.id])
        else:
            new = p.edit(lk.id, f"edit {n}", base_version=versions[lk.id])
        versions[lk.id] = new.version
        print(n, flush=True)
        n += 1
""")


def _run_and_kill(path, start: int, confirmations: int) -> int:
    """Start an editing loop, SIGKILL it after ``confirmations`` confirmed edits; return the
    number of the last confirmed edit."""
    proc = subprocess.Popen([sys.executable, "-c", EDITOR, str(path), str(start)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    last = start - 1
    try:
        for line in proc.stdout:
            last = int(line)
            if last - start + 1 >= confirmations:
                os.kill(proc.pid, signal.SIGKILL)
                break
        # read through the same file object: communicate() reads the pipes' descriptors and
        # would miss the lines the iterator had already buffered (seen under load)
        rest, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    for line in rest.split():
        last = max(last, int(line))
    assert proc.returncode == -signal.SIGKILL, err
    return last


def _check_after_crash(path, last_confirmed: int) -> int:
    with Project.open(path) as p:
        assert p.integrity_check() == "ok"
        edits = [e for e in p.history() if e.kind == "edit"]
        committed = len(edits) - 1
        # every confirmed edit is there; at most the one in flight committed unconfirmed
        assert committed in (last_confirmed, last_confirmed + 1)
        assert [e.new["text"] for e in reversed(edits)] == [f"edit {n}"
                                                             for n in range(committed + 1)]
        links = [lk for lk in p.links() if lk.src]
        for i, lk in enumerate(links):
            mine = [n for n in range(committed + 1) if n % len(links) == i]
            if mine:
                assert lk.target_text == f"edit {mine[-1]}"
                assert lk.status == ("translated" if mine[-1] % 10 == 9 else "draft")
        accepted = {f"edit {n}" for n in range(committed + 1) if n % 10 == 9}
        assert {u["target"] for u in p.memory_units()} == accepted
    return committed


def test_kill_9_during_hundreds_of_edits_loses_nothing_committed(project):
    path = project.path
    project.close()
    rng = random.Random(6)
    start = 0
    for _ in range(2):  # crash, reopen, carry on, crash again
        last = _run_and_kill(path, start, rng.randint(200, 300))
        start = _check_after_crash(path, last) + 1
    assert start > 400


RACER = textwrap.dedent("""
    import sys
    from workbench.store.project import ConflictError, Project

    p = Project.open(sys.argv[1])
    link_id, tag, n = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    done = conflicts = 0
    while done < n:
        lk = p.link(link_id)
        try:
            p.edit(link_id, f"{lk.target_text} {tag}{done}", base_version=lk.version)
            done += 1
        except ConflictError:
            conflicts += 1
    print(conflicts)
""")


def test_two_processes_appending_to_one_link_lose_no_update(project):
    link = project.links()[0]
    project.edit(link.id, "start", base_version=link.version)
    n = 40
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(project.path), str(link.id),
                               tag, str(n)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for tag in ("a", "b")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    words = project.link(link.id).target_text.split()
    assert words[0] == "start"
    assert sorted(words[1:]) == sorted([f"a{i}" for i in range(n)] + [f"b{i}" for i in range(n)])
    # each process's own appends stay in order
    for tag in "ab":
        mine = [w for w in words if w[0] == tag]
        assert mine == [f"{tag}{i}" for i in range(n)]
    assert project.integrity_check() == "ok"


LOSER = textwrap.dedent("""
    import sys
    from workbench.store.project import ConflictError, Project

    p = Project.open(sys.argv[1])
    lk = p.link(int(sys.argv[2]))
    print("read", lk.version, flush=True)
    sys.stdin.readline()
    try:
        p.edit(lk.id, "the loser's text", base_version=lk.version)
        print("saved")
    except ConflictError as exc:
        print("conflict:", exc)
""")


def test_the_second_writer_is_told(project):
    link = project.links()[3]
    proc = subprocess.Popen([sys.executable, "-c", LOSER, str(project.path), str(link.id)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().split() == ["read", str(link.version)]
    project.edit(link.id, "the winner's text", base_version=link.version)
    out, err = proc.communicate("go\n", timeout=60)
    assert out.startswith("conflict:") and "changed elsewhere" in out, (out, err)
    assert project.link(link.id).target_text == "the winner's text"


RESHAPER = textwrap.dedent("""
    import random, sys
    from workbench.store.project import Project

    p = Project.open(sys.argv[1])
    rng = random.Random(int(sys.argv[2]))
    n = 0
    while True:
        links = p.links()
        op = rng.choice(["merge", "split", "edit", "accept", "undo", "redo"])
        lk = rng.choice(links)
        i = links.index(lk)
        if op == "merge" and i + 1 < len(links):
            nxt = links[i + 1]
            p.merge([lk.id, nxt.id], base_versions={lk.id: lk.version, nxt.id: nxt.version})
        elif op == "split" and len(lk.src) + len(lk.tgt) >= 2:
            s_at = 1 if lk.src else 0
            t_at = 0 if s_at and (len(lk.src) > 1 or lk.tgt) else 1
            p.split(lk.id, s_at, t_at, base_version=lk.version)
        elif op == "edit":
            p.edit(lk.id, f"text {n}", base_version=lk.version)
        elif op == "accept" and lk.src:
            p.accept(lk.id, f"accepted {n}", base_version=lk.version)
        elif op == "undo":
            p.undo()
        elif op == "redo":
            p.redo()
        print(n, flush=True)
        n += 1
""")


def test_kill_9_during_alignment_edits_keeps_history_and_links_consistent(project):
    start = [(lk.src, lk.tgt, lk.target_text, lk.status) for lk in project.links()]
    path = project.path
    project.close()
    proc = subprocess.Popen([sys.executable, "-c", RESHAPER, str(path), "11"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if int(line) >= 150:
                os.kill(proc.pid, signal.SIGKILL)
                break
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, err
    with Project.open(path) as p:
        assert p.integrity_check() == "ok"
        links = p.links()
        assert sorted(i for lk in links for i in lk.src) == list(range(12))
        assert sorted(j for lk in links for j in lk.tgt) == list(range(7))
        assert any(e.kind in ("merge", "split") for e in p.history())
        # the history matches the data: undoing everything gives back the new project
        steps = 0
        while p.undo() is not None:
            steps += 1
        assert steps > 0
        assert [(lk.src, lk.tgt, lk.target_text, lk.status) for lk in p.links()] == start
        assert p.memory_units() == []
