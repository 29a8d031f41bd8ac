"""Proposing new glossary entries and variants from the English documents of the corpora.

Two kinds of :class:`Proposal`, each with evidence (the sentences it occurs in):

* ``variant``: a spelling that matches an entry only fuzzily: a probable
  transliteration variant found by the matcher, or a capitalised name whose
  normalised form is close (``rapidfuzz`` ratio) to a form of an entry;
* ``new``: a capitalised name (a run of capitalised words, with ``al-``,
  ``of``, ``the``... between them) that no entry covers.

Words are dropped from the ends of a candidate when they are common words (the
corpus also uses them in lower case: "Informed", "The"), or listed under
``ignore:`` in a glossary file (nationalities, weekdays, page furniture...).
Maintainers accept proposals into the YAML with ``workbench glossary add``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from rapidfuzz import fuzz, process

from workbench.glossary.model import Glossary
from workbench.glossary.tokens import english_key
from workbench.text.segment import segment

__all__ = ["Evidence", "Proposal", "mine_documents", "mine_collections", "candidate_names"]


@dataclass(frozen=True)
class Evidence:
    document: str
    sentence: str


@dataclass
class Proposal:
    kind: str  # new | variant
    text: str
    entry_id: str | None = None
    form: str | None = None  # the closest glossary form (variants)
    score: float = 0.0
    count: int = 0
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "entry_id": self.entry_id,
                "form": self.form, "score": round(self.score, 1), "count": self.count,
                "evidence": [{"document": e.document, "sentence": e.sentence}
                             for e in self.evidence]}


_CAP = r"(?:(?:[Aa]l|[Ee]l)[-‐])?[A-Z][\w’'‘-]*"
_CANDIDATE = re.compile(
    rf"{_CAP}(?:(?:[ \t]+(?:al|el|of|the|de|bin|ibn|abu|bani)[ \t]+|[ \t]+){_CAP})*")
_WORD_RE = re.compile(r"[A-Za-z][\w’'‘-]*")
_POSSESSIVE = re.compile(r"[’'‘]s?$")
_CONNECTORS = {"al", "el", "of", "the", "de", "bin", "ibn", "abu", "bani"}
#: words that start sentences and headlines in news without being names
_FUNCTION = frozenset("""
a an the this that these those there here it its he she they we you i his her their our
in on at by for from with to of as after before during since until while when where why how
but and or nor so yet if then also however meanwhile meantime according based some many most
all any each every both either neither other another such no not one two three first last
""".split())


def candidate_names(sentence: str) -> list[tuple[int, int]]:
    """Spans of runs of capitalised words (possible names) in ``sentence``."""
    return [(m.start(), m.end()) for m in _CANDIDATE.finditer(sentence)]


def _lowercase_vocabulary(texts: Iterable[str]) -> set[str]:
    vocab: set[str] = set()
    for t in texts:
        for w in _WORD_RE.findall(t):
            if w[0].islower():
                vocab.add(w.lower())
    return vocab


def _capitalised_inside(sentences: Iterable[str]) -> set[str]:
    """Words seen capitalised somewhere other than at a sentence start."""
    out: set[str] = set()
    for s in sentences:
        words = _WORD_RE.findall(s)
        out.update(w for w in words[1:] if w[0].isupper())
    return out


def _first_word_start(sentence: str) -> int:
    m = _WORD_RE.search(sentence)
    return m.start() if m else -1


def _is_headline(sentence: str) -> bool:
    """Title case or capitals: most words capitalised, no final full stop."""
    words = [w for w in _WORD_RE.findall(sentence) if w.lower() not in _FUNCTION | _CONNECTORS]
    if len(words) < 3 or sentence.rstrip().endswith((".", "”", '"')):
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.75 * len(words)


def _trim(words: list[str], common) -> list[str]:
    while words and common(words[0]):
        words = words[1:]
    while words and common(words[-1]):
        words = words[:-1]
    return words


def mine_documents(glossary: Glossary, documents: Iterable[tuple[str, str]], *,
                   fuzzy_cutoff: float = 85.0, max_evidence: int = 3,
                   progress=None, cancel=None) -> list[Proposal]:
    """Proposals from English documents given as (name, text) pairs."""
    from workbench.progress import Reporter

    docs = list(documents)
    reporter = Reporter("mining the corpora", len(docs), progress, cancel)
    vocab = _lowercase_vocabulary(t for _, t in docs)
    sentences = [(name, [s.text for s in segment(text, "sentences", "en")]) for name, text in docs]
    inner = _capitalised_inside(s for _, sents in sentences for s in sents)
    ignore = {english_key(w) for w in glossary.ignore}

    def common(word: str) -> bool:
        bare = _POSSESSIVE.sub("", word).strip(",;:.!?\"“”()")
        low = bare.lower()
        parts = re.split(r"[-‐]", bare)
        if len(parts) > 1 and parts[-1].islower() and common(parts[0]):
            return True  # "Arabic-language", "Turkish-formed": an adjective, not a name
        return (low in vocab or low in _FUNCTION or low in _CONNECTORS
                or english_key(bare) in ignore or len(bare) < 2)

    forms = [(english_key(f), f, e.id) for e in glossary for f, s in e.english_forms()
             if s != "forbidden"]
    form_keys = [f[0] for f in forms]
    found: dict[tuple[str, str], Proposal] = {}

    def add(kind: str, text: str, entry_id, form, score, doc: str, sentence: str) -> None:
        key = (kind, english_key(text))
        p = found.get(key)
        if p is None:
            p = found[key] = Proposal(kind, text, entry_id, form, score)
        p.count += 1
        ev = Evidence(doc, sentence)
        if len(p.evidence) < max_evidence and ev not in p.evidence:
            p.evidence.append(ev)

    for name, sents in sentences:
        for s in sents:
            headline = _is_headline(s)
            matches = glossary.match_english(s)
            covered = [(m.start, m.end) for m in matches]
            for m in matches:
                if m.status == "probable":
                    add("variant", m.surface, m.entry_id, m.form, m.score, name, s)
            for a, b in candidate_names(s):
                # split the run at covered spans, keep the uncovered pieces
                pieces = [(a, b)]
                for ca, cb in covered:
                    nxt = []
                    for pa, pb in pieces:
                        if cb <= pa or ca >= pb:
                            nxt.append((pa, pb))
                            continue
                        if pa < ca:
                            nxt.append((pa, ca))
                        if cb < pb:
                            nxt.append((cb, pb))
                    pieces = nxt
                for pa, pb in pieces:
                    words = _trim(s[pa:pb].split(), common)
                    if not words:
                        continue
                    phrase = _POSSESSIVE.sub("", " ".join(words)).strip(" -‐’'‘")
                    key = english_key(phrase)
                    if not key or key in ignore or not any(ch.isupper() for ch in phrase):
                        continue
                    best = process.extractOne(key, form_keys, scorer=fuzz.ratio,
                                              score_cutoff=fuzzy_cutoff)
                    if best is not None:
                        _, score, i = best
                        add("variant", phrase, forms[i][2], forms[i][1], float(score), name, s)
                        continue
                    if headline:
                        continue  # headline capitals say nothing; names recur in the body
                    if pa == _first_word_start(s) and len(words) == 1 and words[0] not in inner:
                        continue  # "Informed sources ...": capitalised only as a sentence start
                    add("new", phrase, None, None, 0.0, name, s)
        reporter.advance(detail=name)
    return sorted(found.values(), key=lambda p: (p.kind != "variant", -p.count, p.text))


def mine_collections(glossary: Glossary, collections: Iterable[Any], **kw) -> list[Proposal]:
    """Proposals from every English document of the given corpus collections."""
    docs = [(f"{c.name}:{d.id}", d.text) for c in collections for d in c.documents.values()
            if d.language == "en"]
    return mine_documents(glossary, docs, **kw)
