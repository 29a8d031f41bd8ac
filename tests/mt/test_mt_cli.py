"""`workbench translate` and `workbench models` (in-process, plus one real subprocess run)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.app.models import use_model
from workbench.mt.models import FetchError, fetch_model, list_models

HTS_AR = "هيئة تحرير الشام"


@pytest.fixture
def input_file(tmp_path, pairs):
    hts = next(ar for ar, _ in pairs if HTS_AR in ar)
    path = tmp_path / "in.txt"
    path.write_text(f"{hts}\n\n{pairs[1][0]}\n", encoding="utf-8")
    return path


def test_translate_text_one_line_per_line(tiny_model_dir, input_file, pairs, capsys):
    assert main(["translate", str(input_file), "--model", str(tiny_model_dir), "--no-cache"]) == 0
    out = capsys.readouterr().out.split("\n")
    assert out[0] == pairs[0][1].replace("Hayat Tahrir Al sham", "Hay'at Tahrir al-Sham")
    assert out[1] == ""
    # the model's "Jaish Al Izzah" (seed spelling) is post-edited to the glossary's form
    assert pairs[1][1].startswith("Sources said that Jaish Al Izzah moved")
    assert out[2].startswith("Sources said that ") and "Jaish Al Izzah" not in out[2]
    assert out[2].endswith(" moved their families to the Turkish border.")
    assert out[3:] == [""]


def test_translate_json(tiny_model_dir, input_file, capsys):
    assert main(["translate", str(input_file), "--model", str(tiny_model_dir), "--format",
                 "json", "--n-best", "3", "--no-cache"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"].startswith(tiny_model_dir.name) and data["glossary"] is True
    first, second = data["segments"]
    assert (first["line"], second["line"]) == (1, 3)
    assert "hts" in first["terms_required"] and "hts" in first["terms_satisfied"]
    assert "Hayat Tahrir Al sham" in first["raw"]
    assert 1 <= len(first["n_best"]) <= 3 and all("score" in h for h in first["n_best"])
    assert first["chosen"] == "mt" and first["tm"] == []
    assert isinstance(first["findings"], list)


def test_translate_with_translation_memory(tiny_model_dir, input_file, pairs, tmp_path, capsys):
    from workbench.mt.db import open_tm_db
    from workbench.mt.memory import TranslationMemory

    tm = tmp_path / "tm.sqlite"
    TranslationMemory(open_tm_db(tm)).add(pairs[1][0], "An approved translation.")
    args = ["translate", str(input_file), "--model", str(tiny_model_dir), "--tm", str(tm)]
    assert main(args) == 0
    out = capsys.readouterr().out.split("\n")
    assert out[2] == "An approved translation."
    assert main(args + ["--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    second = data["segments"][1]
    assert second["chosen"] == "tm" and second["tm"][0]["score"] == 100
    assert second["cached"] is True  # the first run cached its proposals in the TM file


def test_translate_stdin(tiny_model_dir, pairs, monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        (pairs[2][0] + "\n").encode("utf-8")), encoding="utf-8"))
    assert main(["translate", "-", "--model", str(tiny_model_dir), "--no-glossary"]) == 0
    assert capsys.readouterr().out == pairs[2][1] + "\n"


def test_translate_without_model_exits_2(input_file, capsys):
    assert main(["translate", str(input_file)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "workbench models fetch Helsinki-NLP/opus-mt-ar-en" in err
    assert main(["translate", str(input_file), "--model", "/no/such/model"]) == 2
    assert "not found" in capsys.readouterr().err


def test_translate_bad_input(tiny_model_dir, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe binary\x00")
    assert main(["translate", str(bad), "--model", str(tiny_model_dir)]) == 2
    assert "bad.txt" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:  # refused by argparse (workbench.cli.argtypes)
        main(["translate", str(bad), "--model", str(tiny_model_dir), "--n-best", "0"])
    assert exc.value.code == 2 and "--n-best" in capsys.readouterr().err
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not sqlite")
    good = tmp_path / "good.txt"
    good.write_text("نص\n", encoding="utf-8")
    assert main(["translate", str(good), "--model", str(tiny_model_dir), "--tm", str(junk)]) == 2
    assert "not an SQLite database" in capsys.readouterr().err


@pytest.mark.slow
def test_console_script_offline_end_to_end(tiny_model_dir, input_file, tmp_path):
    """The installed `workbench` command, offline, as a user runs it."""
    exe = Path(sys.executable).with_name("workbench")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "WORKBENCH_MT_THREADS": "1"}
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "workbench"]
    res = subprocess.run(cmd + ["translate", str(input_file), "--model", str(tiny_model_dir)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "Hay'at Tahrir al-Sham" in res.stdout.splitlines()[0]
    assert "Traceback" not in res.stderr


# --- models --------------------------------------------------------------------------------

def test_models_list_use_and_json(tiny_model_dir, tmp_path, capsys):
    from workbench.config import load_config, save_config_value

    models = tmp_path / "models"
    shutil.copytree(tiny_model_dir, models / "acme--tiny-ar-en")
    save_config_value("models_dir", str(models))
    [found] = list_models(models, include_hf_cache=False)
    assert (found.model_id, found.family, found.languages) == ("acme/tiny-ar-en", "marian",
                                                               "ar->en")
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "acme/tiny-ar-en" in out and "marian" in out and "MB" in out
    assert main(["models", "use", "acme/tiny-ar-en"]) == 0
    assert load_config().model == "acme/tiny-ar-en"
    capsys.readouterr()
    assert main(["models", "list", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["default"] == "acme/tiny-ar-en" and data["models"][0]["family"] == "marian"
    value, _ = use_model(str(tiny_model_dir))
    assert Path(value) == tiny_model_dir.resolve()


def test_models_use_refuses_unknown_models(capsys):
    assert main(["models", "use", "nobody/nothing"]) == 2
    assert "not found" in capsys.readouterr().err
    from workbench.config import load_config

    assert load_config().model is None


def test_models_list_without_models(capsys):
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "no models found" in out and "workbench models fetch" in out


def test_fetch_offline_fails_fast_and_clearly(capsys):
    t = time.perf_counter()
    assert main(["models", "fetch", "Helsinki-NLP/opus-mt-ar-en"]) == 2  # HF_HUB_OFFLINE=1
    err = capsys.readouterr().err
    assert "offline" in err and "copy the folder" in err
    assert time.perf_counter() - t < 5


def test_fetch_without_network_fails_fast(monkeypatch, tmp_path):
    """Hub unreachable (a closed local port stands in for no network): clear error, no hang."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    t = time.perf_counter()
    with pytest.raises(FetchError, match="cannot be reached"):
        fetch_model("Helsinki-NLP/opus-mt-ar-en", tmp_path, endpoint="http://127.0.0.1:9",
                    timeout=2)
    assert time.perf_counter() - t < 10
    assert not (tmp_path / "Helsinki-NLP--opus-mt-ar-en").exists()
    with pytest.raises(FetchError, match="not a Hugging Face model id"):
        fetch_model("../../etc", tmp_path)
