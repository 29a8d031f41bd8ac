from __future__ import annotations

import os

import pytest

from workbench.config import load_config, save_config_value
from workbench.errors import ConfigError, InputFileError
from workbench.textio import read_text, write_text_atomic


def test_read_text_refuses_bad_files(tmp_path):
    cases = {
        "missing.txt": None,
        "latin1.txt": "Jisr al-Shughur café".encode("cp1252"),
        "cp1256.txt": "إدلب".encode("cp1256"),
        "empty.txt": b"",
        "blank.txt": b" \n\n\t\n",
        "binary.bin": b"\x7fELF\x02\x01\x00\x00\x00",
    }
    messages = {"missing.txt": "not found", "latin1.txt": "not valid UTF-8",
                "cp1256.txt": "not valid UTF-8", "empty.txt": "is empty", "blank.txt": "is empty",
                "binary.bin": "looks binary"}
    for name, data in cases.items():
        p = tmp_path / name
        if data is not None:
            p.write_bytes(data)
        with pytest.raises(InputFileError) as info:
            read_text(p)
        assert str(info.value).startswith(str(p))
        assert messages[name] in str(info.value)
        assert "\n" not in str(info.value)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(InputFileError, match="too large"):
        read_text(big, max_bytes=1024)
    with pytest.raises(InputFileError, match="is a directory"):
        read_text(tmp_path)


def test_read_text_keeps_logical_order_and_normalises_newlines(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("\ufeffإدلب\r\nHama\r".encode())
    assert read_text(p) == "إدلب\nHama\n"


def test_atomic_write(tmp_path):
    p = tmp_path / "sub" / "out.txt"
    write_text_atomic(p, "one")
    write_text_atomic(p, "two")
    assert p.read_text() == "two"
    assert [f.name for f in p.parent.iterdir()] == ["out.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert p.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    p.chmod(0o640)
    write_text_atomic(p, "three")
    assert p.stat().st_mode & 0o777 == 0o640


def test_config_defaults_when_missing(tmp_path):
    cfg = load_config()
    assert cfg.model is None and cfg.tui.arabic_display == "auto"
    assert any(p.name == "corpora" for p in cfg.corpus_paths())


def test_config_arabic_display_values(tmp_path):
    p = tmp_path / "c.yaml"
    for written, read in [("auto", "auto"), ("app", "app"), ("terminal", "terminal"),
                          ("logical", "terminal"), ("shaped", "app")]:
        p.write_text(f"tui:\n  arabic_display: {written}\n  keymap: {{accept: ctrl+enter}}\n")
        cfg = load_config(p)
        assert cfg.tui.arabic_display == read
        assert cfg.tui.keymap == {"accept": "ctrl+enter"}


def test_config_validation_errors(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("model: x\ncolour: blue\n")
    with pytest.raises(ConfigError, match=r"c.yaml:2:\d+: unknown setting 'colour'"):
        load_config(p)
    p.write_text("tui:\n  arabic_display: upside-down\n")
    with pytest.raises(ConfigError, match=r"c.yaml:2:\d+: 'tui.arabic_display' must be one of"):
        load_config(p)
    p.write_text("tui:\n  keymap: [a, b]\n")
    with pytest.raises(ConfigError, match="keymap"):
        load_config(p)
    p.write_text("tui:\n  keymap:\n    accept: ctrl+enter\n    next_segment: [j]\n")
    with pytest.raises(ConfigError, match=r"c.yaml:4:\d+: 'tui.keymap' .*'next_segment'"):
        load_config(p)
    p.write_text("model: [unclosed\n")
    with pytest.raises(ConfigError, match="YAML error"):
        load_config(p)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_config_env_and_save(tmp_path, monkeypatch):
    p = tmp_path / "cfg" / "config.yaml"
    monkeypatch.setenv("WORKBENCH_CONFIG", str(p))
    p.parent.mkdir()
    p.write_text("# my settings\ntui:\n  theme: nord  # keep me\n")
    save_config_value("model", "/models/opus-mt-ar-en")
    cfg = load_config()
    assert cfg.model == "/models/opus-mt-ar-en" and cfg.tui.theme == "nord"
    assert "# keep me" in p.read_text()
