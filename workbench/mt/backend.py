"""Translation backends: the protocol and the ``transformers`` seq2seq implementation.

A backend turns Arabic segments into n-best lists of English :class:`Hypothesis`.
:func:`load_backend` resolves a model (an explicit directory, an id under the
configured ``models_dir``, or the local Hugging Face cache) and returns a
:class:`TransformersBackend` for MarianMT, NLLB-200 and M2M100 models.

Nothing here touches the network: models load with ``local_files_only=True``.
``torch`` and ``transformers`` are imported lazily, on the first translation,
so ``import workbench.mt`` stays cheap and a backend whose results are all in
the proposal cache never loads its weights.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import Any, Callable

from workbench.errors import WorkbenchError
from workbench.mt.hypotheses import (
    Hypothesis,
    TranslationBackend,
    default_threads,
    join_parts,
    translate_texts,
)
from workbench.mt.modeldir import (
    ModelDir,
    ModelNotFoundError,
    inspect_model_dir,
    resolve_model,
)
from workbench.progress import CancelToken, ProgressEvent, Reporter

__all__ = [
    "Hypothesis",
    "TranslationBackend",
    "TransformersBackend",
    "ModelNotFoundError",
    "load_backend",
    "available_backend",
    "default_threads",
    "translate_texts",
]

#: Language codes of the multilingual families (source Arabic, target English).
LANG_CODES = {
    "nllb": ("arb_Arab", "eng_Latn"),
    "m2m100": ("ar", "en"),
}


class TransformersBackend:
    """A local ``transformers`` seq2seq model (MarianMT, NLLB-200, M2M100).

    The weights load on first use (or on :meth:`load`); the object is safe to
    share between threads (translations are serialised by a lock).
    """

    def __init__(self, model_dir: ModelDir, *, device: str = "auto", num_beams: int | None = None,
                 batch_size: int = 16, max_batch_tokens: int = 6000,
                 max_input_tokens: int | None = None, threads: int | None = None) -> None:
        if device not in ("auto", "cpu", "cuda") and not device.startswith("cuda:"):
            raise WorkbenchError(f"unknown device {device!r}; use auto, cpu or cuda")
        if batch_size < 1:
            raise WorkbenchError("batch size must be at least 1")
        self.model_dir = model_dir
        self.path = model_dir.path
        self.model_id = model_dir.model_id
        self.family = model_dir.family
        self.device_request = device
        self.num_beams = num_beams
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self._max_input_override = max_input_tokens
        self.threads = threads
        self._fingerprint: str | None = None
        self._lock = threading.RLock()
        self._model: Any = None
        self._tokenizer: Any = None
        self.device: str | None = None
        self.max_input_tokens: int | None = None
        self._forced_bos: int | None = None
        self._prefix = ""

    # -- identity -------------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """``model_id@<hash of the weight files>``: changes when the weights change."""
        if self._fingerprint is None:
            self._fingerprint = f"{self.model_id}@{self.model_dir.weights_hash()[:16]}"
        return self._fingerprint

    def __repr__(self) -> str:
        return f"TransformersBackend({self.model_id!r}, family={self.family!r}, path={str(self.path)!r})"

    # -- loading --------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> "TransformersBackend":
        """Load tokenizer and weights now (otherwise done by the first :meth:`translate`)."""
        with self._lock:
            if self._model is not None:
                return self
            try:
                import torch
                import transformers
            except ImportError as exc:
                raise WorkbenchError(
                    f"machine translation needs {exc.name}: install it with "
                    "`pip install 'workbench[mt]'` (CPU: `pip install torch`)") from None
            threads = self.threads or default_threads()
            if torch.get_num_threads() > threads or self.threads:
                torch.set_num_threads(threads)
            device = self.device_request
            if device == "auto":
                device = "cuda" if torch.cuda.is_available() else "cpu"
            elif device.startswith("cuda") and not torch.cuda.is_available():
                raise WorkbenchError("device cuda requested but no CUDA GPU is available")
            transformers.logging.set_verbosity_error()
            transformers.logging.disable_progress_bar()
            path = str(self.path)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # e.g. "Recommended: pip install sacremoses."
                    tokenizer = transformers.AutoTokenizer.from_pretrained(
                        path, local_files_only=True)
                    model = transformers.AutoModelForSeq2SeqLM.from_pretrained(
                        path, local_files_only=True)
            except Exception as exc:  # noqa: BLE001 - safetensors, tokenizers, torch errors...
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise WorkbenchError(f"cannot load the model: {first}", path=self.path) from None
            model.eval()
            model.to(device)
            self.device = device
            if self.family in LANG_CODES:
                src, tgt = LANG_CODES[self.family]
                if hasattr(tokenizer, "src_lang"):
                    tokenizer.src_lang = src
                if hasattr(tokenizer, "tgt_lang"):
                    tokenizer.tgt_lang = tgt
                if self.family == "m2m100" and hasattr(tokenizer, "get_lang_id"):
                    self._forced_bos = tokenizer.get_lang_id(tgt)
                else:
                    self._forced_bos = tokenizer.convert_tokens_to_ids(tgt)
            elif self.family == "marian":
                codes = getattr(tokenizer, "supported_language_codes", None) or []
                for code in (">>eng<<", ">>en<<"):
                    if code in codes:
                        self._prefix = code + " "
                        break
            limits = [n for n in (getattr(tokenizer, "model_max_length", None),
                                  getattr(model.config, "max_position_embeddings", None))
                      if isinstance(n, int) and 0 < n < 100_000]
            self.max_input_tokens = self._max_input_override or (min(limits) if limits else 512)
            self._tokenizer = tokenizer
            self._model = model
            return self

    # -- translation ----------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        """Source tokens of ``text`` (including the end-of-sentence token)."""
        self.load()
        return len(self._tokenizer(self._prefix + text)["input_ids"])

    def translate(self, segments: list[str], *, n_best: int = 1,
                  progress: Callable[[ProgressEvent], None] | None = None,
                  cancel: CancelToken | None = None) -> list[list[Hypothesis]]:
        """Translate ``segments``; returns, per segment, ``n_best`` hypotheses best first.

        Empty segments give one empty hypothesis.  Inputs longer than the model's
        maximum are split into sentences (then into word chunks), translated and
        joined back.
        """
        if n_best < 1:
            raise WorkbenchError("n-best must be at least 1")
        segments = list(segments)
        reporter = Reporter("translate", len(segments), progress, cancel)
        reporter.start(self.model_id)
        if not segments:
            return []
        self.load()
        with self._lock:
            # pieces: (segment index, piece index, text)
            pieces: list[tuple[int, int, str]] = []
            for i, seg in enumerate(segments):
                text = " ".join(seg.split())
                if not text:
                    continue
                for k, part in enumerate(self._split_to_fit(text)):
                    pieces.append((i, k, part))
            results: dict[tuple[int, int], list[Hypothesis]] = {}
            remaining = {i: 0 for i in range(len(segments))}
            for i, _k, _t in pieces:
                remaining[i] += 1
            for i, n in remaining.items():
                if n == 0:
                    reporter.advance(detail="")
            for batch in self._batches(pieces, self._beams(n_best)):
                reporter.check()
                try:
                    outs = self._generate([t for _i, _k, t in batch], n_best)
                except (RuntimeError, IndexError, ValueError) as exc:
                    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                    raise WorkbenchError(f"translation with this model failed ({first}); is it "
                                         "an Arabic-English seq2seq model with matching "
                                         "tokenizer files?", path=self.path) from None
                for (i, k, _t), hyps in zip(batch, outs):
                    results[(i, k)] = hyps
                    remaining[i] -= 1
                    if remaining[i] == 0:
                        reporter.advance(detail=segments[i][:40])
        out: list[list[Hypothesis]] = []
        for i, seg in enumerate(segments):
            parts = [results[(j, k)] for (j, k) in sorted(key for key in results if key[0] == i)]
            if not parts:
                out.append([Hypothesis("", 0.0, 0)])
            elif len(parts) == 1:
                out.append(parts[0])
            else:
                out.append(join_parts(parts, n_best))
        return out

    def _split_to_fit(self, text: str) -> list[str]:
        limit = self.max_input_tokens or 512
        if self.count_tokens(text) <= limit:
            return [text]
        from workbench.text.segment import sentences

        out: list[str] = []
        for sent in sentences(text, "ar"):
            if self.count_tokens(sent.text) <= limit:
                out.append(sent.text)
                continue
            # a sentence longer than the model's window: cut into word chunks that fit
            chunk: list[str] = []
            for word in sent.text.split():
                if chunk and self.count_tokens(" ".join(chunk + [word])) > limit:
                    out.append(" ".join(chunk))
                    chunk = []
                chunk.append(word)
            if chunk:
                out.append(" ".join(chunk))
        return out or [text]

    def _beams(self, n_best: int) -> int:
        """Beam width: the backend's setting, else the model's generation config, >= n-best."""
        gen_cfg = getattr(self._model, "generation_config", None)
        configured = getattr(gen_cfg, "num_beams", 1) or 1
        return max(n_best, self.num_beams or configured)

    def _batches(self, pieces: list[tuple[int, int, str]], beams: int = 1):
        """Group pieces of similar length (sorted by length) under the size and token budget
        (``max_batch_tokens`` counts every beam)."""
        lengths = {id(p): self.count_tokens(p[2]) for p in pieces}
        ordered = sorted(pieces, key=lambda p: lengths[id(p)])
        batch: list[tuple[int, int, str]] = []
        longest = 0
        for p in ordered:
            n = lengths[id(p)]
            if batch and (len(batch) >= self.batch_size
                          or max(longest, n) * (len(batch) + 1) * beams > self.max_batch_tokens):
                yield batch
                batch, longest = [], 0
            batch.append(p)
            longest = max(longest, n)
        if batch:
            yield batch

    def _generate(self, texts: list[str], n_best: int) -> list[list[Hypothesis]]:
        import torch

        tok, model = self._tokenizer, self._model
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            enc = tok([self._prefix + t for t in texts], return_tensors="pt", padding=True,
                      truncation=True, max_length=self.max_input_tokens)
        enc = {k: v.to(self.device) for k, v in enc.items()}
        gen_cfg = getattr(model, "generation_config", None)
        beams = self._beams(n_best)
        src_len = int(enc["input_ids"].shape[1])
        limit = getattr(gen_cfg, "max_length", None) or 512
        kwargs: dict[str, Any] = {
            "num_beams": beams,
            "num_return_sequences": n_best,
            "max_new_tokens": max(8, min(int(src_len * 2 + 16), limit)),
            "return_dict_in_generate": True,
            "output_scores": True,
        }
        if beams > 1:
            kwargs["early_stopping"] = True
        else:
            kwargs["do_sample"] = False
        if self._forced_bos is not None:
            kwargs["forced_bos_token_id"] = self._forced_bos
        with torch.inference_mode():
            out = model.generate(**enc, **kwargs)
        seqs = out.sequences
        if getattr(out, "sequences_scores", None) is not None:
            scores = [float(s) for s in out.sequences_scores]
        else:
            trans = model.compute_transition_scores(seqs, out.scores, normalize_logits=True)
            scores = []
            for row in trans:
                finite = row[torch.isfinite(row) & (row != 0)]
                scores.append(float(finite.mean()) if finite.numel() else 0.0)
        if self._forced_bos is not None:
            # the target-language token is not always registered as special: drop it by id
            texts_out = [tok.decode([int(t) for t in row if int(t) != self._forced_bos],
                                    skip_special_tokens=True) for row in seqs]
        else:
            texts_out = tok.batch_decode(seqs, skip_special_tokens=True)
        pad = getattr(tok, "pad_token_id", None)
        result: list[list[Hypothesis]] = []
        for i in range(len(texts)):
            hyps: list[Hypothesis] = []
            seen: set[str] = set()
            for j in range(i * n_best, (i + 1) * n_best):
                text = " ".join(texts_out[j].split())
                ntok = int((seqs[j] != pad).sum()) if pad is not None else int(seqs[j].numel())
                if text in seen:
                    continue
                seen.add(text)
                hyps.append(Hypothesis(text, scores[j], ntok))
            hyps.sort(key=lambda h: -h.score)
            result.append(hyps)
        return result


def load_backend(model: str | Path | None, *, models_dir: str | Path | None = None,
                 device: str = "auto",
                 num_beams: int | None = None, batch_size: int = 16,
                 max_input_tokens: int | None = None, threads: int | None = None,
                 lazy: bool = True) -> TransformersBackend:
    """Resolve ``model`` (a folder, or an id under ``models_dir`` or in the Hugging Face
    cache; None: no model configured) and return its backend.

    Raises :class:`ModelNotFoundError` (a :class:`WorkbenchError`) when no model
    is configured or found, with a message saying how to get one.  With
    ``lazy=False`` the weights load now (errors surface here); otherwise on the
    first translation.
    """
    model_dir = inspect_model_dir(resolve_model(model, models_dir))
    backend = TransformersBackend(model_dir, device=device, num_beams=num_beams,
                                  batch_size=batch_size, max_input_tokens=max_input_tokens,
                                  threads=threads)
    if not lazy:
        backend.load()
    return backend


def available_backend(model: str | Path | None, **kwargs: Any
                      ) -> tuple[TransformersBackend | None, str]:
    """``(backend, "")`` if a model is found, else ``(None, message)``: for a quiet notice
    (the TUI) where a missing model must not stop anything else."""
    try:
        return load_backend(model, **kwargs), ""
    except WorkbenchError as exc:
        return None, str(exc)
