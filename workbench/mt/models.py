"""Model management: list the local models, fetch one from the Hub, set the default.

``fetch_model`` is the only function in the workbench that uses the network,
and only when asked to.  Without a network (or with ``HF_HUB_OFFLINE=1``) it
fails quickly with a message saying what to do instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.mt.modeldir import (
    ModelDir,
    ModelNotFoundError,
    hf_cache_dir,
    inspect_model_dir,
    local_dir_name,
)

__all__ = ["list_models", "fetch_model", "FetchError", "FETCH_PATTERNS"]

#: Files a translation model needs (weights in safetensors when the repository has them).
FETCH_PATTERNS = ["*.json", "*.spm", "*.model", "*.txt", "model.safetensors",
                  "model-*.safetensors"]
_FALLBACK_WEIGHTS = ["pytorch_model.bin"]


class FetchError(WorkbenchError):
    """A model could not be downloaded (no network, unknown id...)."""


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def list_models(models_dir: Path, *, include_hf_cache: bool = True) -> list[ModelDir]:
    """Models under ``models_dir`` and, optionally, in the Hub cache."""
    found: list[ModelDir] = []
    seen: set[Path] = set()

    def add(path: Path, model_id: str | None = None) -> None:
        real = path.resolve()
        if real in seen:
            return
        seen.add(real)
        try:
            found.append(inspect_model_dir(path, model_id))
        except WorkbenchError:
            pass

    if models_dir.is_dir():
        for cfg in sorted(models_dir.glob("*/config.json")) + sorted(
                models_dir.glob("*/*/config.json")):
            add(cfg.parent)
    if include_hf_cache:
        cache = hf_cache_dir()
        if cache.is_dir():
            for repo in sorted(cache.glob("models--*")):
                snaps = sorted((repo / "snapshots").glob("*/config.json"),
                               key=lambda p: p.stat().st_mtime, reverse=True)
                if snaps:
                    add(snaps[0].parent, repo.name[len("models--"):].replace("--", "/"))
    return found


def fetch_model(model_id: str, models_dir: Path, *, endpoint: str | None = None,
                timeout: float = 10.0) -> Path:
    """Download ``model_id`` from the Hugging Face Hub into ``models_dir/<org--name>``.

    Raises :class:`FetchError` with a clear message when offline, when the Hub
    cannot be reached or when the id does not exist.
    """
    import re

    model_id = model_id.strip()
    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+|[A-Za-z0-9][\w.-]*", model_id):
        raise FetchError(f"{model_id!r} is not a Hugging Face model id (e.g. "
                         "Helsinki-NLP/opus-mt-ar-en)")
    target = models_dir / local_dir_name(model_id)
    offline_hint = (f"on a machine with internet run `workbench models fetch {model_id}` (or "
                    f"`huggingface-cli download {model_id} --local-dir {local_dir_name(model_id)}`)"
                    f" and copy the folder to {target}, or use --model PATH")
    if _truthy("HF_HUB_OFFLINE") or _truthy("TRANSFORMERS_OFFLINE"):
        raise FetchError(f"cannot download {model_id}: offline mode is on (HF_HUB_OFFLINE); "
                         + offline_hint)
    try:
        from huggingface_hub import HfApi, snapshot_download
        from huggingface_hub import errors as hf_errors
    except ImportError:  # pragma: no cover - a dependency
        raise FetchError("downloading models needs huggingface_hub (pip install huggingface-hub)"
                         ) from None
    _probe(endpoint or os.environ.get("HF_ENDPOINT") or "https://huggingface.co", timeout,
           model_id, offline_hint)
    try:
        api = HfApi(endpoint=endpoint)
        files = set(api.list_repo_files(model_id))
        patterns = list(FETCH_PATTERNS)
        if not any(f.endswith(".safetensors") for f in files):
            patterns += _FALLBACK_WEIGHTS
        snapshot_download(model_id, local_dir=str(target), allow_patterns=patterns,
                          endpoint=endpoint, etag_timeout=timeout)
    except hf_errors.RepositoryNotFoundError:
        raise FetchError(f"no model {model_id!r} on the Hugging Face Hub (or it is private)"
                         ) from None
    except hf_errors.OfflineModeIsEnabled:
        raise FetchError(f"cannot download {model_id}: offline mode is on; " + offline_hint
                         ) from None
    except (OSError, ConnectionError, TimeoutError) as exc:
        raise FetchError(f"cannot reach the Hugging Face Hub to download {model_id} "
                         f"(no network? {type(exc).__name__}); " + offline_hint) from None
    except Exception as exc:  # noqa: BLE001 - httpx errors and the like: report, never trace
        raise FetchError(f"download of {model_id} failed ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''}); " + offline_hint
                         ) from None
    if not (target / "config.json").is_file():
        raise FetchError(f"downloaded {model_id} but it has no config.json: not a transformers "
                         "model", path=target)
    return target


def _probe(endpoint: str, timeout: float, model_id: str, hint: str) -> None:
    """Fail fast (no retries with back-off) when the Hub's host cannot be reached."""
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(endpoint)
    host = url.hostname or ""
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise FetchError(f"cannot download {model_id}: the Hugging Face Hub ({host}) cannot be "
                         f"reached (no network? {reason}); " + hint) from None


__all__ += ["ModelNotFoundError"]
