"""Finding local translation models: resolution of ids and paths, model folders, hashes.

A model is given as a directory, or as an id (``Helsinki-NLP/opus-mt-ar-en``)
looked up, in order, under the configured ``models_dir`` (as
``Helsinki-NLP--opus-mt-ar-en``, ``Helsinki-NLP/opus-mt-ar-en`` or
``opus-mt-ar-en``) and in the local Hugging Face cache (``$HF_HUB_CACHE``, else
``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``).  No network is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError

__all__ = [
    "ModelNotFoundError",
    "ModelDir",
    "resolve_model",
    "inspect_model_dir",
    "hf_cache_dir",
    "local_dir_name",
    "HOW_TO_GET_A_MODEL",
]

DEFAULT_MODEL_ID = "Helsinki-NLP/opus-mt-ar-en"

HOW_TO_GET_A_MODEL = (
    f"get one on a machine with internet with `workbench models fetch {DEFAULT_MODEL_ID}` "
    f"(or `huggingface-cli download {DEFAULT_MODEL_ID}`) and copy the folder into the models "
    "folder ({models_dir}), or pass --model PATH to a local model directory; "
    "then `workbench models use ID|PATH` makes it the default")

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


class ModelNotFoundError(WorkbenchError):
    """No translation model is configured, or the one asked for is not on this machine."""


def hf_cache_dir() -> Path:
    """The local Hugging Face hub cache, honouring ``HF_HUB_CACHE`` and ``HF_HOME``."""
    env = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if env:
        return Path(env).expanduser()
    home = os.environ.get("HF_HOME")
    if home:
        return Path(home).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "huggingface" / "hub"


def local_dir_name(model_id: str) -> str:
    """The folder name of a model id inside ``models_dir``: ``org/name`` -> ``org--name``."""
    return model_id.strip("/").replace("/", "--")


def _not_found(what: str, models_dir: Path | None) -> ModelNotFoundError:
    return ModelNotFoundError(
        f"{what}; " + HOW_TO_GET_A_MODEL.format(
            models_dir=models_dir if models_dir is not None else "the models folder"))


def _from_hf_cache(model_id: str) -> Path | None:
    if not _REPO_ID.match(model_id):
        return None
    cache = hf_cache_dir()
    repo = cache / ("models--" + model_id.replace("/", "--"))
    if not repo.is_dir():
        return None
    try:
        from huggingface_hub import snapshot_download

        path = Path(snapshot_download(model_id, cache_dir=str(cache), local_files_only=True))
    except Exception:  # noqa: BLE001 - any cache problem means "not usable from the cache"
        path = None
    if path is None or not (path / "config.json").is_file():
        snaps = sorted((repo / "snapshots").glob("*/config.json"),
                       key=lambda p: p.stat().st_mtime, reverse=True)
        path = snaps[0].parent if snaps else None
    return path


def resolve_model(model: str | Path | None, models_dir: str | Path | None = None) -> Path:
    """The directory of ``model`` -- a model folder, or an id looked up under ``models_dir``
    (the configuration's, given by the caller) and in the Hugging Face cache -- or
    :class:`ModelNotFoundError` (also for None: no model configured)."""
    folder = Path(models_dir).expanduser() if models_dir is not None else None
    if model is None or (isinstance(model, str) and not model.strip()):
        raise _not_found("no machine-translation model is configured", folder)
    text = str(model).strip()
    path = Path(text).expanduser()
    looks_like_path = (isinstance(model, Path) or text.startswith((".", "/", "~"))
                       or os.sep in text and path.exists())
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelNotFoundError(
                "not a model directory (no config.json); expected a Hugging Face model folder "
                "saved with save_pretrained or downloaded with `workbench models fetch`",
                path=path)
        return path.resolve()
    if path.exists():
        raise ModelNotFoundError("expected a model directory, got a file", path=path)
    if looks_like_path and not _REPO_ID.match(text):
        raise _not_found(f"model directory {text} not found", folder)
    candidates = [folder / local_dir_name(text), folder / text,
                  folder / text.rsplit("/", 1)[-1]] if folder is not None else []
    for cand in candidates:
        if (cand / "config.json").is_file():
            return cand.resolve()
    cached = _from_hf_cache(text)
    if cached is not None:
        return cached
    where = f"{folder} and " if folder is not None else ""
    raise _not_found(f"model {text!r} not found (looked in {where}the Hugging Face "
                     f"cache {hf_cache_dir()}, offline)", folder)


@dataclass
class ModelDir:
    """What a model folder holds: family, languages, size."""

    path: Path
    model_id: str
    family: str                      # marian | nllb | m2m100 | other
    model_type: str
    source_lang: str = ""
    target_lang: str = ""
    size_bytes: int = 0
    weight_files: list[Path] = field(default_factory=list)

    @property
    def languages(self) -> str:
        if self.family in ("nllb", "m2m100"):
            return "multilingual (ar->en)"
        if self.source_lang or self.target_lang:
            return f"{self.source_lang or '?'}->{self.target_lang or '?'}"
        return "?"

    def weights_hash(self) -> str:
        """SHA-256 over the weight files (the Hub's blob names when cached, else computed once)."""
        h = hashlib.sha256()
        files = self.weight_files or [self.path / "config.json"]
        for f in files:
            h.update(f.name.encode())
            h.update(_file_sha256(f).encode())
        return h.hexdigest()

    def as_dict(self) -> dict:
        return {"id": self.model_id, "path": str(self.path), "family": self.family,
                "model_type": self.model_type, "languages": self.languages,
                "size_bytes": self.size_bytes}


_HASHES: dict[tuple[str, int, int], str] = {}


def _file_sha256(path: Path) -> str:
    real = Path(os.path.realpath(path))
    # in the Hugging Face cache a file is a link to blobs/<sha256 of its content>
    if real.parent.name == "blobs" and re.fullmatch(r"[0-9a-f]{64}", real.name):
        return real.name
    st = real.stat()
    key = (str(real), st.st_size, st.st_mtime_ns)
    if key not in _HASHES:
        h = hashlib.sha256()
        with open(real, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _HASHES[key] = h.hexdigest()
    return _HASHES[key]


def _model_id_for(path: Path) -> str:
    parts = path.parts
    # .../models--org--name/snapshots/<rev>
    if len(parts) >= 3 and parts[-2] == "snapshots" and parts[-3].startswith("models--"):
        return parts[-3][len("models--"):].replace("--", "/")
    name = path.name
    if "--" in name:
        return name.replace("--", "/", 1)
    return name


def _lang_pair(name: str) -> tuple[str, str]:
    m = re.search(r"opus-mt(?:-tc-[a-z]+)?-([a-z]{2,3}(?:_[a-z]+)?)-([a-z]{2,3})", name.lower())
    return (m.group(1), m.group(2)) if m else ("", "")


def inspect_model_dir(path: Path, model_id: str | None = None) -> ModelDir:
    """Read ``config.json`` (and the tokenizer config) of a model folder."""
    path = Path(path)
    cfg_path = path / "config.json"
    try:
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelNotFoundError(f"unreadable model configuration ({exc})", path=cfg_path) from None
    if not isinstance(cfg, dict):
        raise ModelNotFoundError("model configuration is not a JSON object", path=cfg_path)
    model_type = str(cfg.get("model_type", ""))
    tok: dict = {}
    tok_cfg = path / "tokenizer_config.json"
    if tok_cfg.is_file():
        try:
            loaded = json.loads(tok_cfg.read_text(encoding="utf-8"))
            tok = loaded if isinstance(loaded, dict) else {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            tok = {}
    tok_class = str(tok.get("tokenizer_class", "") or "")
    mid = model_id or _model_id_for(path)
    if model_type == "marian":
        family = "marian"
    elif "nllb" in tok_class.lower() or "nllb" in mid.lower():
        family = "nllb"
    elif model_type == "m2m_100":
        family = "m2m100"
    else:
        family = "other"
    src, tgt = _lang_pair(mid)
    if family == "marian" and not src:
        src = str(tok.get("source_lang", "") or cfg.get("source_lang", "") or "")
        tgt = str(tok.get("target_lang", "") or cfg.get("target_lang", "") or "")
    weights = [path / w for w in WEIGHT_FILES if (path / w).is_file()]
    if not weights:
        weights = sorted(path.glob("model-*.safetensors")) or sorted(path.glob("*.safetensors"))
    size = 0
    for f in path.iterdir():
        try:
            if f.is_file():
                size += f.stat().st_size
        except OSError:
            continue
    return ModelDir(path=path, model_id=mid, family=family, model_type=model_type,
                    source_lang=src, target_lang=tgt, size_bytes=size, weight_files=weights)
