from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from workbench import __version__
from workbench.cli.main import build_parser, main


def _all_parsers(parser, prefix=()):
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _all_parsers(sub, prefix + (name,))


def test_every_command_has_complete_help(capsys):
    seen = 0
    for path, parser in _all_parsers(build_parser()):
        with pytest.raises(SystemExit) as info:
            main([*path, "--help"])
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("usage: workbench")
        assert parser.description or path == ()
        for action in parser._actions:
            if action.help is None and not isinstance(action, argparse._SubParsersAction):
                if action.dest not in ("help",) and action.option_strings:
                    pytest.fail(f"option {action.option_strings} of {' '.join(path)} has no help")
        seen += 1
    assert seen >= 3


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"workbench {__version__}"


def test_corpus_list_and_show(capsys):
    assert main(["corpus", "list"]) == 0
    out = capsys.readouterr().out
    assert "seeds:004-000" in out and "seeds:004-001" in out and "rewrite" in out
    assert main(["corpus", "show", "seeds:004-000", "--segments", "paragraphs"]) == 0
    out = capsys.readouterr().out
    assert "12 paragraphs" in out and "7 paragraphs" in out
    assert "[11] وأكد المركز" in out and "[6] Share it..." in out
    assert main(["corpus", "show", "seeds:004-000", "--segments", "sentences",
                 "--side", "target"]) == 0
    assert "source" not in capsys.readouterr().out.splitlines()[0]


def test_errors_are_one_line_exit_2(capsys):
    assert main(["corpus", "show", "seeds:nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workbench: error:") and err.count("\n") == 1


def test_console_script_runs_without_traceback(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("nonsense: [\n")
    r = subprocess.run([sys.executable, "-m", "workbench", "--config", str(bad), "corpus",
                        "list"], capture_output=True, text=True)
    # corpus list does not read the config unless it needs corpus paths; it does
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "YAML error" in r.stderr


def test_core_imports_without_textual():
    code = ("import sys; import workbench.text, workbench.corpus, workbench.config; "
            "assert 'textual' not in sys.modules, 'core imported textual'")
    subprocess.run([sys.executable, "-c", code], check=True)
