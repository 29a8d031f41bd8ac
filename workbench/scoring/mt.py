"""MT quality with sacrebleu: BLEU, chrF++ and TER, with sacrebleu's signatures.

The settings are sacrebleu's command-line defaults with ``--chrf-word-order 2``
(chrF++), so that every figure equals what

    sacrebleu REF -i HYP -m bleu chrf ter --chrf-word-order 2

prints for the same files (one segment a line).
"""

from __future__ import annotations

import re
from typing import Sequence

from workbench.errors import WorkbenchError

__all__ = ["MTMetrics", "mt_metrics", "one_line", "METRIC_NAMES"]

METRIC_NAMES = ("bleu", "chrf", "ter")
_BREAKS = re.compile(r"[\r\n]+")


class MTMetrics:
    """BLEU, chrF++ and TER scorers; :meth:`score` gives a JSON-ready dict with signatures."""

    def __init__(self) -> None:
        from sacrebleu.metrics import BLEU, CHRF, TER

        self.bleu = BLEU()
        self.chrf = CHRF(word_order=2)
        self.ter = TER()

    def score(self, hypotheses: Sequence[str], references: Sequence[str]) -> dict:
        """Corpus-level scores: ``{"bleu"|"chrf"|"ter": {"name", "score", "signature", ...}}``."""
        hyps = [one_line(h) for h in hypotheses]
        refs = [one_line(r) for r in references]
        if len(hyps) != len(refs):
            raise WorkbenchError(f"{len(hyps)} hypotheses but {len(refs)} references")
        out: dict[str, dict] = {"segments": len(hyps)}
        if not hyps:
            return out
        for key in METRIC_NAMES:
            metric = getattr(self, key)
            res = metric.corpus_score(hyps, [refs])
            entry = {"name": res.name, "score": float(res.score),
                     "signature": str(metric.get_signature())}
            if key == "bleu":
                entry["verbose"] = res.format(width=2).split(" = ", 1)[1].split(" ", 1)[1]
            out[key] = entry
        return out

    def signatures(self) -> dict[str, str]:
        """Signatures (need one scoring call first; sacrebleu fills in ``nrefs`` then)."""
        return {k: str(getattr(self, k).get_signature()) for k in METRIC_NAMES}


def one_line(text: str) -> str:
    """The segment as a file line holds it (the command line reads one segment a line)."""
    return _BREAKS.sub(" ", text).strip() if _BREAKS.search(text) else text


def mt_metrics(hypotheses: Sequence[str], references: Sequence[str]) -> dict:
    """BLEU, chrF++ and TER of ``hypotheses`` against one reference each (corpus level)."""
    return MTMetrics().score(hypotheses, references)
