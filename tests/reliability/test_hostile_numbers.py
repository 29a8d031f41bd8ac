"""Hostile numbers on every numeric CLI option (issue 17): refused at parse time.

Each case runs the real command in a subprocess and asserts exit 2, an error line naming
the option and its range, and no traceback -- instead of a traceback, a hang or a memory
blow-up later on (``--n-best 100000`` used to decode for minutes, ``--limit -1`` crashed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

from workbench.cli.argtypes import float_range, int_range

P = "/nonexistent/P.wbproj"  # never opened: the option is refused first
HOSTILE_INT = ["0", "-3", "1e9", "1000000000", "nan", "inf", "2.5", "", "0x10"]
HOSTILE_PERCENT = ["-1", "500", "nan", "inf", "-inf", "1e400"]

CASES = [
    # (argv before the option, option, hostile values)
    (["batch", "align", "/tmp"], "--workers", HOSTILE_INT),
    (["batch", "score", "/tmp"], "--workers", HOSTILE_INT),
    (["batch", "score", "/tmp"], "--worst", ["-1", "1000000", "nan"]),
    (["align", "a.txt", "b.txt"], "--max-link", ["0", "-1", "9", "100000"]),
    (["translate", "-"], "--n-best", ["0", "-1", "100000", "nan"]),
    (["translate", "-"], "--threshold", ["-1", "101", "2000", "nan"]),
    (["translate", "-"], "--batch-size", ["0", "-4", "100000000"]),
    (["glossary", "find", "x"], "--limit", ["0", "-1", "10000000000"]),
    (["glossary", "find", "x"], "--min-score", HOSTILE_PERCENT),
    (["glossary", "mine", "x.txt"], "--cutoff", HOSTILE_PERCENT),
    (["models", "fetch", "x/y"], "--timeout", ["0", "-1", "nan", "inf", "1e9"]),
    (["project", "edit", P, "1", "--text", "x"], "--base-version",
     ["0", "-1", "99999999999999999999999"]),
    (["project", "split", P, "1", "--target-at", "1"], "--source-at", ["-1", "1e9", "10000000"]),
    (["project", "history", P], "--limit", ["0", "-5", "99999999999"]),
]


def run(*argv: str) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "workbench", *argv], cwd="/", input=b"",
                          capture_output=True, env=env, timeout=60)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def _flat():
    for pre, opt, values in CASES:
        for v in values:
            yield pytest.param(pre, opt, v, id=f"{' '.join(pre[:2])} {opt}={v}")


@pytest.mark.parametrize(("pre", "opt", "value"), list(_flat()))
def test_numeric_option_refused(pre, opt, value):
    code, err = run(*pre, f"{opt}={value}")
    assert code == 2, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert f"argument {opt}" in last and " to " in last, last


@pytest.mark.parametrize(("argv", "name"), [
    (["project", "edit", P, "-1", "--text", "x"], "LINK"),
    (["project", "edit", P, "99999999999999999999999", "--text", "x"], "LINK"),
    (["project", "merge", P, "1", "0"], "LINK"),
])
def test_link_ids_refused(argv, name):
    code, err = run(*argv)
    assert code == 2 and "Traceback" not in err
    assert f"argument {name}" in err.strip().splitlines()[-1]


def test_every_numeric_option_is_range_checked():
    """No numeric option left with a bare int/float type (a new one must pick a range)."""
    from workbench.cli.main import build_parser

    parser = build_parser()
    bare = []

    def walk(p, path):
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])
            elif action.type in (int, float):
                bare.append(f"{' '.join(path)} {action.dest}")
    walk(parser, [])
    assert not bare, bare


def test_in_range_values_pass_the_converters():
    assert int_range(1, 8)("8") == 8 and int_range(1, 8)(" 1 ") == 1
    assert float_range(0, 100)("99.5") == 99.5 and float_range(0, 100)("0") == 0.0
    for conv, bad in ((int_range(1, 8), "9"), (float_range(0, 100), "nan")):
        with pytest.raises(argparse.ArgumentTypeError, match="from"):
            conv(bad)


def test_refusal_is_one_line():
    code, err = run("batch", "align", "/tmp", "--workers", "0")
    assert code == 2
    assert err.strip().splitlines() == [
        "workbench: error: argument --workers: must be from 1 to 256, got 0 "
        "(see `workbench batch align --help`)"]
