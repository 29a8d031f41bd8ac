"""User configuration: one YAML file in the platform's config directory.

The file is ``$WORKBENCH_CONFIG`` if set, else ``<user config dir>/workbench/config.yaml``
(platformdirs).  It is optional; every setting has a default.  Example::

    model: Helsinki-NLP/opus-mt-ar-en      # default MT model: an id under models_dir, or a path
    models_dir: ~/.local/share/workbench/models
    glossaries: [~/work/glossaries]        # added to the bundled glossaries/
    corpora: [~/work/corpora]              # added to the bundled corpora/
    tui:
      keymap: {accept: ctrl+enter, next_segment: j}
      theme: textual-dark
      arabic_display: auto                  # auto | app | terminal (screen only; storage stays logical)

``tui.arabic_display``: ``app`` shapes and reorders Arabic for the screen in the workbench itself,
``terminal`` hands logical text to a terminal that does its own bidi and shaping, ``auto`` lets the
TUI decide.  The old values ``logical`` and ``shaped`` are read as ``terminal`` and ``app``.

Validation reports ``file:line:col: message`` for unknown keys and wrong types.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from workbench.errors import ConfigError
from workbench.yamlio import load_yaml, position

__all__ = ["Config", "config_path", "data_dir", "load_config", "project_root", "save_config_value"]

ENV_CONFIG = "WORKBENCH_CONFIG"
ENV_DATA = "WORKBENCH_DATA"
ARABIC_DISPLAY = ("auto", "app", "terminal")
#: values of earlier versions, read as their new names
ARABIC_DISPLAY_OLD = {"logical": "terminal", "shaped": "app"}


def project_root() -> Path:
    """The checkout this package runs from (holds corpora/ and glossaries/), if any."""
    return Path(__file__).resolve().parent.parent


def config_path() -> Path:
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("workbench")) / "config.yaml"


def data_dir() -> Path:
    """Where the workbench keeps user data: default projects, models, caches."""
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("workbench"))


@dataclass
class TuiConfig:
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str = "textual-dark"
    arabic_display: str = "auto"
    prefill: str = "empty"          # the editor for a new link: empty | best (proposal 1)


@dataclass
class Config:
    model: str | None = None
    models_dir: Path = field(default_factory=lambda: data_dir() / "models")
    glossaries: list[Path] = field(default_factory=list)
    corpora: list[Path] = field(default_factory=list)
    tui: TuiConfig = field(default_factory=TuiConfig)
    source: Path | None = None  # the file this came from, if any
    #: the user data folder (``$WORKBENCH_DATA`` or the platform's), read with the file
    data_dir: Path = field(default_factory=data_dir)

    def glossary_paths(self) -> list[Path]:
        """Bundled glossaries first, then the user's."""
        bundled = project_root() / "glossaries"
        paths = [bundled] if bundled.is_dir() else []
        return paths + [p for p in self.glossaries if p not in paths]

    def corpus_paths(self) -> list[Path]:
        bundled = project_root() / "corpora"
        paths = [bundled] if bundled.is_dir() else []
        return paths + [p for p in self.corpora if p not in paths]


_TOP_KEYS = {"model", "models_dir", "glossaries", "corpora", "tui"}
_TUI_KEYS = {"keymap", "theme", "arabic_display", "prefill"}


def _fail(path: Path, container: Any, key: Any, message: str) -> ConfigError:
    line, col = position(container, key)
    return ConfigError(message, path=path, line=line, column=col)


def _path_list(path: Path, data: dict, key: str) -> list[Path]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, data, key, f"'{key}' must be a path or a list of paths")
    return [Path(v).expanduser() for v in value]


def load_config(path: str | Path | None = None) -> Config:
    """Load the user configuration (defaults if the file does not exist)."""
    p = Path(path) if path is not None else config_path()
    if not p.exists():
        if path is not None:
            raise ConfigError("configuration file not found", path=p)
        return Config()
    data = load_yaml(p, what="configuration file", allow_empty=True, error=ConfigError)
    if data is None:
        return Config(source=p)
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a mapping of settings", path=p)
    for key in data:
        if key not in _TOP_KEYS:
            raise _fail(p, data, key, f"unknown setting {key!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    cfg = Config(source=p)
    model = data.get("model")
    if model is not None and not isinstance(model, str):
        raise _fail(p, data, "model", "'model' must be a model id or a path")
    cfg.model = model
    if data.get("models_dir") is not None:
        if not isinstance(data["models_dir"], str):
            raise _fail(p, data, "models_dir", "'models_dir' must be a path")
        cfg.models_dir = Path(data["models_dir"]).expanduser()
    cfg.glossaries = _path_list(p, data, "glossaries")
    cfg.corpora = _path_list(p, data, "corpora")
    tui = data.get("tui")
    if tui is not None:
        if not isinstance(tui, dict):
            raise _fail(p, data, "tui", "'tui' must be a mapping")
        for key in tui:
            if key not in _TUI_KEYS:
                raise _fail(p, tui, key, f"unknown tui setting {key!r} (known: "
                                         f"{', '.join(sorted(_TUI_KEYS))})")
        keymap = tui.get("keymap") or {}
        if not isinstance(keymap, dict):
            raise _fail(p, tui, "keymap", "'tui.keymap' must map binding ids to keys")
        for k, v in keymap.items():
            if not isinstance(k, str) or not isinstance(v, str) or not v.strip():
                raise _fail(p, keymap, k, f"'tui.keymap' must map binding ids to keys "
                                          f"(bad entry {k!r})")
        theme = tui.get("theme", "textual-dark")
        if not isinstance(theme, str):
            raise _fail(p, tui, "theme", "'tui.theme' must be a theme name")
        display = tui.get("arabic_display", "auto")
        display = ARABIC_DISPLAY_OLD.get(display, display) if isinstance(display, str) else display
        if display not in ARABIC_DISPLAY:
            raise _fail(p, tui, "arabic_display",
                        f"'tui.arabic_display' must be one of {', '.join(ARABIC_DISPLAY)}")
        prefill = tui.get("prefill", "empty")
        if prefill not in ("empty", "best"):
            raise _fail(p, tui, "prefill", "'tui.prefill' must be empty or best")
        cfg.tui = TuiConfig(keymap=dict(keymap), theme=theme, arabic_display=display,
                            prefill=prefill)
    return cfg


def save_config_value(key: str, value: Any, path: str | Path | None = None) -> Path:
    """Set one top-level setting, keeping the rest of the file (comments included)."""
    from io import StringIO

    from ruamel.yaml import YAML

    from workbench.textio import write_text_atomic

    if key not in _TOP_KEYS:
        raise ConfigError(f"unknown setting {key!r}")
    p = Path(path) if path is not None else config_path()
    yaml = YAML()
    data = None
    if p.exists():
        load_config(p)  # validate first: never rewrite a broken file
        data = yaml.load(p.read_text(encoding="utf-8"))
    if data is None:
        data = {}
    data[key] = value
    buf = StringIO()
    yaml.dump(data, buf)
    write_text_atomic(p, buf.getvalue())
    return p
