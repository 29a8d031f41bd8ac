"""What proposal code needs from a translation model, whatever runs it: the
:class:`TranslationBackend` protocol and its :class:`Hypothesis`, the thread budget of a
backend, and joining the n-best of a segment decoded in parts (re-exported by
:mod:`workbench.mt.backend`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Protocol, Sequence, runtime_checkable

from workbench.errors import WorkbenchError
from workbench.progress import CancelToken, ProgressEvent

__all__ = ["Hypothesis", "TranslationBackend", "default_threads", "join_parts",
           "translate_texts"]


@dataclass(frozen=True)
class Hypothesis:
    """One translation of a segment and its model score (mean log-probability per token)."""

    text: str
    score: float
    tokens: int = 0

    def as_tuple(self) -> tuple[str, float]:
        return (self.text, self.score)


@runtime_checkable
class TranslationBackend(Protocol):
    """What proposal code needs from a translation model."""

    model_id: str
    fingerprint: str

    def translate(self, segments: list[str], *, n_best: int = 1,
                  progress: Callable[[ProgressEvent], None] | None = None,
                  cancel: CancelToken | None = None) -> list[list[Hypothesis]]: ...


def default_threads() -> int:
    """Threads for torch: one core left for the UI and everything else, at most 8.

    ``WORKBENCH_MT_THREADS`` overrides.  Never more than the cores this process may use:
    oversubscribed torch threads spin and make decoding many times slower (see
    benchmarks/README.md).
    """
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        cores = max(1, os.cpu_count() or 1)
    env = os.environ.get("WORKBENCH_MT_THREADS")
    if env:
        try:
            return max(1, min(int(env), cores))
        except ValueError:
            raise WorkbenchError(f"WORKBENCH_MT_THREADS must be a number, not {env!r}") from None
    return max(1, min(cores - 1, 8))


def join_parts(parts: list[list[Hypothesis]], n_best: int) -> list[Hypothesis]:
    """Combine the n-best lists of the pieces of one long segment into one n-best list."""
    out: list[Hypothesis] = []
    seen: set[str] = set()
    for k in range(n_best):
        chosen = [p[k] if k < len(p) else p[0] for p in parts]
        text = " ".join(h.text for h in chosen if h.text)
        if text in seen:
            continue
        seen.add(text)
        tokens = sum(h.tokens for h in chosen)
        score = (sum(h.score * max(1, h.tokens) for h in chosen)
                 / max(1, sum(max(1, h.tokens) for h in chosen)))
        out.append(Hypothesis(text, score, tokens))
    return out


def translate_texts(backend: TranslationBackend, segments: Sequence[str]) -> list[str]:
    """The best translation of each segment (a convenience for scripts and benchmarks)."""
    return [h[0].text if h else "" for h in backend.translate(list(segments), n_best=1)]
