"""Metrics that report a signature of their settings, as sacrebleu's do.

A signature is ``name|key:value|...|version:X``: two numbers are comparable only if
their signatures are equal.  Reports print the signature beside every figure.
"""

from __future__ import annotations

from typing import Any

from workbench import __version__

__all__ = ["Metric", "AlignmentMetric", "format_signature"]


def format_signature(name: str, settings: dict[str, Any], version: str = __version__) -> str:
    parts = [name] + [f"{k}:{_fmt(v)}" for k, v in settings.items()] + [f"version:{version}"]
    return "|".join(parts)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)


class Metric:
    """Base class: a name and settings; :meth:`signature` identifies how numbers were made."""

    name = "metric"

    def settings(self) -> dict[str, Any]:
        return {}

    def signature(self) -> str:
        return format_signature(self.name, self.settings())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.signature()!r})"


class AlignmentMetric(Metric):
    """Vecalign's strict/lax precision, recall and F1 (:mod:`workbench.scoring.alignment`)."""

    name = "vecalign-pr"

    def __init__(self, unit: str = "?") -> None:
        self.unit = unit

    def settings(self) -> dict[str, Any]:
        return {"unit": self.unit, "nulls": "P-only", "avg": "micro"}

    def score(self, gold_docs, test_docs):
        """Micro-averaged :class:`~workbench.scoring.alignment.AlignmentScore`."""
        from workbench.scoring.alignment import score_documents

        return score_documents(gold_docs, test_docs)
