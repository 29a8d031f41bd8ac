"""The glossary search's fuzzy prefilter (workbench.glossary.search._Index) never drops a
form that rapidfuzz's WRatio would score over the cutoff: checked against scoring every
form, on the curated glossary's own names typed letter by letter, misspelt, and Arabic
with clitics, plus generated transliterated names (a glossary of a few thousand forms)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from workbench.glossary.model import Entry, Glossary
from workbench.glossary.search import _fuzzy, _index, find_entries
from workbench.glossary.tokens import arabic_key, english_key

SYLLABLES = ["ha", "dhu", "wut", "al", "sa", "ra", "qib", "mar", "at", "nu", "man", "kha",
             "shay", "khun", "ee", "ou", "ja", "bal", "zaw", "iya", "dar", "aa"]
AR_CLITICS = ["و", "ب", "ل", "ال", "وال", "بال", "لل", "ف"]


def _misspell(rng: random.Random, s: str) -> str:
    if len(s) < 3:
        return s
    chars = list(s)
    k = rng.randrange(1, len(chars) - 1)
    op = rng.choice("dsit")
    if op == "d":
        del chars[k]
    elif op == "s":
        chars[k] = rng.choice("aeiouhkqtdy")
    elif op == "i":
        chars.insert(k, rng.choice("aeiouh"))
    else:
        chars[k], chars[k + 1] = chars[k + 1], chars[k]
    return "".join(chars)


@pytest.fixture(scope="module")
def bigger(curated) -> Glossary:
    """The curated glossary plus 1,500 generated names (with the usual `al` tokens)."""
    rng = random.Random(3)
    entries = dict(curated.entries)
    for k in range(1500):
        words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
                 for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.3:
            words.insert(1, "al")
        en = " ".join(w.capitalize() for w in words)
        entries[f"gen-{k}"] = Entry(f"gen-{k}", "place", en, ["مدينة " + "ب" * (k % 5 + 1)],
                                    variants=[_misspell(rng, en)])
    return Glossary(entries)


def _queries(glossary: Glossary, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    entries = sorted(glossary.entries.values(), key=lambda e: e.id)
    rng.shuffle(entries)
    out = []
    for e in entries[:n]:
        out += [e.en[:k] for k in range(1, len(e.en) + 1)]          # typed letter by letter
        out += [_misspell(rng, e.en), _misspell(rng, _misspell(rng, e.en)), e.en.split()[-1]]
        for a in e.ar[:2]:
            out += [a[:k] for k in range(1, len(a) + 1)]
            out += [rng.choice(AR_CLITICS) + a, rng.choice(AR_CLITICS) + _misspell(rng, a)]
    return out


@pytest.mark.parametrize("cutoff", [60.0, 70.0, 85.0])
def test_candidates_keep_every_form_over_the_cutoff(bigger, cutoff):
    pruned = 0
    queries = _queries(bigger, 8, seed=int(cutoff))
    for q in queries:
        arabic = any("\u0600" <= ch <= "\u06ff" for ch in q)
        key = arabic_key(q) if arabic else english_key(q)
        index = _index(bigger, arabic)
        cand = index.candidates(key, cutoff)
        scores = process.cdist([key], index.keys, scorer=fuzz.WRatio)[0]
        over = set(np.flatnonzero(scores >= cutoff).tolist())
        if cand is None:
            continue
        assert over <= set(cand.tolist()), (q, sorted(over - set(cand.tolist()))[:5])
        pruned += len(cand) < len(index.keys) // 2
        full = process.extract(key, index.keys, scorer=fuzz.WRatio, limit=30,
                               score_cutoff=cutoff)
        assert _fuzzy(index, key, 30, cutoff) == [(i, s) for _, s, i in full], q
    assert pruned > len(queries) // 2      # the index does prune (most queries score < half)


def test_find_entries_hits_on_real_queries(curated):
    # the curated names misspelt, and an Arabic form with a clitic
    assert find_entries(curated, "Saraqeb", min_score=70)[0].entry.id == "saraqib"
    assert find_entries(curated, "Khan Shaykhoun", min_score=70)[0].entry.id == "khan-shaykhun"
    assert find_entries(curated, "وسراقب", min_score=70)[0].entry.id == "saraqib"
