"""Glossary matching throughput: MB/s for 10, 1,000 and 10,000 entries.

Builds synthetic glossaries (pseudo-names with Arabic forms and English
preferred/variant/deprecated spellings), a text of about ``--mb`` megabytes per
language made of the seed articles with synthetic terms sprinkled in (some with
clitics, some misspelled), and times:

* ``arabic``: :meth:`Glossary.match_arabic` (normalisation, automaton, clitic
  checks, longest-match resolution, offset mapping);
* ``english``: :meth:`Glossary.match_english` with the probable-variant pass;
* ``english exact``: the same without the probable pass;
* ``floor``: a bare ``pyahocorasick`` scan of the same text with the same
  (normalised) keys, counting hits and doing nothing else;
* ``load``: reading and validating the glossary from YAML (``load_glossary``), and
  ``build``: building both matchers (once per process).

MB are megabytes of UTF-8 text.  Run: ``.venv/bin/python benchmarks/glossary_match.py``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import ahocorasick

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.glossary import load_glossary  # noqa: E402
from workbench.glossary.edit import entries_yaml  # noqa: E402
from workbench.glossary.model import Entry, Glossary  # noqa: E402
from workbench.text.normalize import normalized_arabic, normalized_english  # noqa: E402

AR_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
AR_TO_EN = dict(zip(AR_LETTERS, ["b", "t", "th", "j", "h", "kh", "d", "dh", "r", "z", "s",
                                 "sh", "s", "d", "t", "z", "a", "gh", "f", "q", "k", "l", "m",
                                 "n", "h", "w", "y"]))
VOWELS = ["a", "i", "u", "ou", "e"]


def _name(rng: random.Random) -> tuple[str, str, str]:
    """(Arabic, English, English misspelling) of a pseudo-name of 1-3 words."""
    ar_words, en_words, bad_words = [], [], []
    for w in range(rng.choice([1, 1, 2, 2, 3])):
        letters = [rng.choice(AR_LETTERS) for _ in range(rng.randint(3, 5))]
        ar = "".join(letters)
        en = "".join(AR_TO_EN[c] + rng.choice(VOWELS) for c in letters)
        bad = en.replace("ou", "u").replace("i", "ee", 1)
        if w and rng.random() < 0.4:
            ar, en, bad = "ال" + ar, "al-" + en.capitalize(), "Al " + bad.capitalize()
        else:
            en, bad = en.capitalize(), bad.capitalize()
        ar_words.append(ar)
        en_words.append(en)
        bad_words.append(bad)
    return " ".join(ar_words), " ".join(en_words), " ".join(bad_words)


def synthetic_glossary(n: int, seed: int = 7) -> tuple[Glossary, list[tuple[str, str, str]]]:
    rng = random.Random(seed)
    entries: dict[str, Entry] = {}
    names = []
    seen_ar, seen_en = set(), set()
    while len(entries) < n:
        ar, en, bad = _name(rng)
        if normalized_arabic(ar) in seen_ar or normalized_english(en) in seen_en or normalized_english(bad) in seen_en:
            continue
        seen_ar.add(normalized_arabic(ar))
        seen_en.update({normalized_english(en), normalized_english(bad)})
        eid = f"t{len(entries)}"
        entries[eid] = Entry(eid, "other", en, [ar], deprecated=[bad] if bad != en else [])
        names.append((ar, en, bad))
    return Glossary(entries), names


def build_texts(names, mb: float, seed: int = 11) -> tuple[str, str]:
    rng = random.Random(seed)
    seeds = sorted((ROOT / "corpora" / "seeds").glob("*.txt"))
    ar_base = next(p for p in seeds if p.name.startswith("004")).read_text(encoding="utf-8")
    en_base = "\n\n".join(p.read_text(encoding="utf-8") for p in seeds
                          if not p.name.startswith("004"))
    out = []
    for base, lang in ((ar_base, "ar"), (en_base, "en")):
        words = base.split(" ")
        target = int(mb * 1_000_000)
        parts: list[str] = []
        size = 0
        while size < target:
            chunk = []
            for w in words:
                chunk.append(w)
                if rng.random() < 0.03:
                    ar, en, bad = rng.choice(names)
                    if lang == "ar":
                        chunk.append(rng.choice(["", "و", "ب", "ل"]) + ar)
                    else:
                        chunk.append(bad if rng.random() < 0.3 else en)
            piece = " ".join(chunk)
            parts.append(piece)
            size += len(piece.encode("utf-8"))
        out.append("\n\n".join(parts))
    return out[0], out[1]


def floor_scan(keys: list[str], text: str) -> float:
    automaton = ahocorasick.Automaton()
    for i, k in enumerate(keys):
        automaton.add_word(k, i)
    automaton.make_automaton()
    t0 = time.perf_counter()
    hits = sum(1 for _ in automaton.iter(text))
    elapsed = time.perf_counter() - t0
    assert hits >= 0
    return elapsed


def timed(fn, *args, repeat: int = 1, **kw):
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(*args, **kw)
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0, help="megabytes of text per language (1)")
    ap.add_argument("--sizes", default="10,1000,10000", help="glossary sizes (10,1000,10000)")
    ap.add_argument("--repeat", type=int, default=2, help="best of N runs (2)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        glossary, names = synthetic_glossary(n)
        ar_text, en_text = build_texts(names, args.mb)
        ar_mb = len(ar_text.encode("utf-8")) / 1e6
        en_mb = len(en_text.encode("utf-8")) / 1e6
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "glossary.yaml"
            path.write_text(entries_yaml(list(glossary)), encoding="utf-8")
            t_load, glossary = timed(load_glossary, [path])
        t_build_ar, _ = timed(lambda: glossary.arabic_matcher)
        t_build_en, _ = timed(lambda: glossary.english_matcher)
        t_ar, ar_hits = timed(glossary.match_arabic, ar_text, repeat=args.repeat)
        t_en, en_hits = timed(glossary.match_english, en_text, repeat=args.repeat)
        t_en_exact, _ = timed(glossary.match_english, en_text, probable=False,
                              repeat=args.repeat)
        ar_keys = sorted({normalized_arabic(f) for e in glossary for f in e.ar})
        en_keys = sorted({normalized_english(f) for e in glossary for f, _ in e.english_forms()})
        f_ar = min(floor_scan(ar_keys, ar_text) for _ in range(args.repeat))
        f_en = min(floor_scan(en_keys, en_text) for _ in range(args.repeat))
        rows.append((n, ar_mb, ar_mb / t_ar, ar_mb / f_ar, len(ar_hits), en_mb, en_mb / t_en,
                     en_mb / t_en_exact, en_mb / f_en, len(en_hits), t_load,
                     t_build_ar + t_build_en))
    header = ("| entries | arabic MB/s | arabic floor MB/s | arabic terms | english MB/s "
              "| english exact MB/s | english floor MB/s | english terms | load s | build s |")
    print(f"text: {rows[0][1]:.2f} MB Arabic, {rows[0][5]:.2f} MB English per run; "
          f"best of {args.repeat}; floor = bare pyahocorasick scan, same keys, same text\n")
    print(header)
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, ar_mb, ar, far, ar_n, en_mb, en, en_x, fen, en_n, load, build in rows:
        print(f"| {n:,} | {ar:.2f} | {far:.1f} | {ar_n:,} | {en:.2f} | {en_x:.2f} | {fen:.1f} "
              f"| {en_n:,} | {load:.2f} | {build:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
