"""Terminology QA of whole documents: pairs with document offsets, findings, fixes.

The pairs of an Arabic and an English text come either from their lines or
segments taken one to one (:func:`aligned_pairs`) or from alignment links
(:func:`pairs_from_links`); :func:`check_pairs` runs
:func:`workbench.glossary.qa.check_pair` on each.  Every pair keeps where its
texts come from in the documents, so that :func:`fix_document` can apply the
fixes to the original English file (only the variant spans change; every other
byte stays as it was).  Aligning the documents first is application work:
:func:`workbench.app.checking.check_documents`.

A pair's text is made of the raw document slices of its segments joined by a
line break: a source paragraph linked to target paragraphs [2, 3] is one pair
whose target is paragraphs 2 and 3.  Null links give pairs with an empty side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.glossary.model import Glossary
from workbench.glossary.qa import Finding, apply_fixes, check_pair, shift_finding
from workbench.progress import Reporter
from workbench.text.scripts import ScriptProblem, script_counts, script_problem
from workbench.text.segment import segment

__all__ = ["AlignedPair", "DocumentQA", "aligned_pairs", "check_pairs", "check_scripts",
           "fix_document", "pairs_from_links"]

SEPARATOR = "\n"


@dataclass
class AlignedPair:
    index: int
    source: str
    target: str
    source_segments: tuple[int, ...] = ()
    target_segments: tuple[int, ...] = ()
    # (offset in the pair text, start in the document, end in the document)
    source_pieces: list[tuple[int, int, int]] = field(default_factory=list)
    target_pieces: list[tuple[int, int, int]] = field(default_factory=list)


def _join(doc: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int, int]]]:
    parts, pieces, off = [], [], 0
    for a, b in spans:
        if parts:
            off += len(SEPARATOR)
        pieces.append((off, a, b))
        parts.append(doc[a:b])
        off += b - a
    return SEPARATOR.join(parts), pieces


def _to_doc(pieces: list[tuple[int, int, int]], span: tuple[int, int]) -> tuple[int, int] | None:
    a, b = span
    for off, ds, de in pieces:
        if off <= a and b <= off + (de - ds):
            return ds + a - off, ds + b - off
    return None


def pairs_from_links(ar_text: str, en_text: str, source_segments, target_segments,
                     links) -> list[AlignedPair]:
    """Pairs for alignment ``links`` over the given segments (with document offsets)."""
    pairs = []
    for i, link in enumerate(links):
        s_text, s_pieces = _join(ar_text, [(source_segments[k].start, source_segments[k].end)
                                           for k in link.src])
        t_text, t_pieces = _join(en_text, [(target_segments[k].start, target_segments[k].end)
                                           for k in link.tgt])
        pairs.append(AlignedPair(i, s_text, t_text, tuple(link.src), tuple(link.tgt),
                                 s_pieces, t_pieces))
    return pairs


def _physical_lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    while spans and spans[-1][0] == spans[-1][1]:
        spans.pop()  # trailing empty lines
    return spans


def aligned_pairs(ar_text: str, en_text: str, unit: str | None, ar_name: str = "AR",
                  en_name: str = "EN") -> list[AlignedPair]:
    """Line i (or segment i of ``unit``) of the Arabic with line i of the English."""
    if unit in (None, "lines"):
        src, tgt = _physical_lines(ar_text), _physical_lines(en_text)
        what = "lines"
    else:
        src = [(s.start, s.end) for s in segment(ar_text, unit, "ar")]
        tgt = [(s.start, s.end) for s in segment(en_text, unit, "en")]
        what = unit
    if len(src) != len(tgt):
        raise WorkbenchError(f"--aligned needs the same number of {what} on both sides: "
                             f"{ar_name} has {len(src)}, {en_name} has {len(tgt)} (leave out "
                             "--aligned to align them first)")
    pairs = []
    for i, (s, t) in enumerate(zip(src, tgt)):
        pairs.append(AlignedPair(i, ar_text[s[0]:s[1]], en_text[t[0]:t[1]], (i,), (i,),
                                 [(0, *s)], [(0, *t)]))
    return pairs


def check_scripts(ar_text: str, en_text: str, ar_name: str = "AR", en_name: str = "EN") -> None:
    """Refuse an Arabic side that is not mostly Arabic and an English side that is not
    mostly Latin script: the aligner's rules (:func:`workbench.text.scripts.script_problem`),
    worded for the Arabic and English files, plus an Arabic side with no letters at all."""
    problem = script_problem(ar_text, en_text, "ar", "en")
    no_arabic = not script_counts(ar_text)["Arabic"]
    if problem is None and no_arabic:
        problem = ScriptProblem("source", "not-source-script", None)
    if problem is None:
        return
    swapped = " (are the files swapped? give the Arabic file first)"
    if problem.side == "source":
        hint = swapped if problem.swapped else ""
        if no_arabic:
            raise WorkbenchError(f"the Arabic file has no Arabic text{hint}", path=ar_name)
        raise WorkbenchError(f"the Arabic file is mostly {problem.dominant} script, not "
                             f"Arabic{hint}", path=ar_name)
    if problem.kind == "source-script":
        raise WorkbenchError(f"the English file is mostly Arabic script{swapped}", path=en_name)
    raise WorkbenchError(f"the English file is mostly {problem.dominant} script, not English",
                         path=en_name)


@dataclass
class DocumentQA:
    pairs: list[AlignedPair]
    findings: list[Finding]
    links: list | None = None  # the alignment used, when the texts were aligned here

    def describe(self, f: Finding, width: int = 36) -> str:
        """One readable line: pair, kind, term, what was found and the text around it."""
        pair = self.pairs[f.segment]
        head = f"pair {f.segment}"
        if pair.source_segments != pair.target_segments or len(pair.source_segments) != 1:
            head += (f" [{','.join(map(str, pair.source_segments))}]:"
                     f"[{','.join(map(str, pair.target_segments))}]")
        if f.kind == "number":
            if f.target_span:
                return f"{head}: number {f.found} not in the source: " \
                       f"{_context(pair.target, f.target_span, width)}"
            return f"{head}: number {f.expected} not in the target: " \
                   f"{_context(pair.source, f.source_span, width)}"
        term = f"{f.kind} {f.term} ({f.expected!r})"
        if f.kind == "missing":
            line = f"{head}: {term} has no English: {_context(pair.source, f.source_span, width)}"
        elif f.kind == "variant":
            line = (f"{head}: {term}: {f.found!r} -> {f.fix!r} [{f.status}]: "
                    f"{_context(pair.target, f.target_span, width)}")
        elif f.kind == "forbidden":
            line = (f"{head}: {term}: {f.found!r} is forbidden: "
                    f"{_context(pair.target, f.target_span, width)}")
        elif f.kind == "check":
            where = (_context(pair.target, f.target_span, width) if f.target_span else
                     _context(pair.source, f.source_span, width))
            line = f"{head}: {term}: to check: {where}"
        else:
            line = (f"{head}: {term}: {f.found!r} has no Arabic in the source: "
                    f"{_context(pair.target, f.target_span, width)}")
        if f.note and f.kind != "forbidden":
            line += f"  ({f.note})"
        return line


def _context(text: str, span, width: int) -> str:
    if span is None:
        return ""
    a, b = span
    left = " ".join(text[max(0, a - width):a].split())
    right = " ".join(text[b:b + width].split())
    lead = "…" if a > width else ""
    tail = "…" if b + width < len(text) else ""
    if text[max(0, a - 1):a].isspace():
        left += " "
    if text[b:b + 1].isspace():
        right = " " + right
    return f"{lead}{left}⟦{text[a:b]}⟧{right}{tail}"


def check_pairs(glossary: Glossary, pairs: list[AlignedPair], *, numbers: bool = True,
                links: list | None = None, progress=None, cancel=None) -> DocumentQA:
    """The findings of every pair (``links``: the alignment the pairs come from, if any)."""
    reporter = Reporter("terminology QA", len(pairs), progress, cancel)
    findings: list[Finding] = []
    for p in pairs:
        findings.extend(check_pair(glossary, p.index, p.source, p.target, numbers=numbers))
        reporter.advance()
    return DocumentQA(pairs, findings, links)


def fix_document(en_text: str, qa: DocumentQA) -> str:
    """``en_text`` with every variant finding replaced by its fix, nothing else changed."""
    shifted = []
    for f in qa.findings:
        if f.kind != "variant" or f.target_span is None:
            continue
        span = _to_doc(qa.pairs[f.segment].target_pieces, f.target_span)
        if span is not None:
            shifted.append(shift_finding(f, target_offset=lambda _s, _d=span: _d))
    return apply_fixes(en_text, shifted)
