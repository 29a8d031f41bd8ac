"""Property: any text survives a TMX or XLIFF round trip unchanged (XLIFF: any character at
all, through <cp/>; TMX: any character XML can hold)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.formats.tmx import TMUnit, read_tmx, write_tmx
from workbench.formats.xliff import XliffNote, XliffUnit, read_xliff, write_xliff

ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
ANY = st.one_of(ARABIC, st.characters(codec="utf-8"), st.sampled_from(" \t\n\r\u200f\u202b"))
TEXT = st.text(ANY, max_size=40)
XML_OK = re.compile("^[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(TEXT, st.one_of(st.none(), TEXT),
                          st.sampled_from(["initial", "translated", "reviewed", "final"]),
                          st.text(st.characters(codec="utf-8"), max_size=20)),
                min_size=1, max_size=5))
def test_xliff_round_trip(rows):
    units = [XliffUnit(id=f"u{i}", source=s, target=t, state=state,
                       notes=[XliffNote(note, "terminology", 2)] if XML_OK.match(note) else [],
                       link_id=i, version=1, src=(i,), tgt=())
             for i, (s, t, state, note) in enumerate(rows)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.xlf"
        write_xliff(units, path)
        assert read_xliff(path).units == units


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(TEXT.filter(lambda t: t.strip() and XML_OK.match(t)),
                          TEXT.filter(lambda t: t.strip() and XML_OK.match(t))),
                min_size=1, max_size=5))
def test_tmx_round_trip(pairs):
    units = [TMUnit(source=s, target=t, created_at="2026-11-22T00:00:00Z") for s, t in pairs]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.tmx"
        write_tmx(units, path)
        assert [(u.source, u.target) for u in read_tmx(path)] == pairs
