"""Choosing the default MT model: the application's side of ``workbench models use``."""

from __future__ import annotations

from pathlib import Path

from workbench.config import save_config_value
from workbench.mt.modeldir import resolve_model

__all__ = ["use_model"]


def use_model(model: str, *, models_dir: str | Path | None = None,
              config_path: Path | None = None) -> tuple[str, Path]:
    """Make ``model`` (an id under ``models_dir`` or in the Hugging Face cache, or a
    directory) the default in the configuration file; returns (value written, file).

    The model must be found locally first, so that a typo does not become the default.
    """
    path = resolve_model(model, models_dir)
    text = model.strip()
    candidate = Path(text).expanduser()
    value = str(path) if candidate.exists() else text
    written = save_config_value("model", value, config_path)
    return value, written
