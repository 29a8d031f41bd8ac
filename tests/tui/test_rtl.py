"""The pure Arabic layout (workbench.tui.display.rtl) on the seed texts."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest
from rich.cells import cell_len

from tests.conftest import SEED_FILES
from workbench.tui.display import rtl


def _paragraphs(key: str) -> list[str]:
    text = SEED_FILES[key].read_text(encoding="utf-8")
    return [p for p in text.split("\n") if p.strip()]


AR = _paragraphs("004")
HARAKAT = "مُحَمَّدٌ رَسُولُ اللَّهِ قَالَ: لَا إِلَهَ إِلَّا هُوَ «جَبْهَةُ النُّصْرَةِ» عام 2019م"


def _base(s: str) -> str:
    """Logical characters a shaped string shows (presentation forms decomposed; a
    mirrored bracket counts as its pair, as the bidi algorithm draws it mirrored)."""
    s = unicodedata.normalize("NFKC", s)
    return "".join("M" if unicodedata.mirrored(c) else c for c in s)


@pytest.mark.parametrize("width", [20, 37, 60, 100])
@pytest.mark.parametrize("mode", ["app", "terminal"])
def test_every_character_appears_exactly_once(width, mode):
    for para in AR + [HARAKAT]:
        lines = rtl.layout(para, width, mode)
        shown = Counter(_base("".join(g.text for ln in lines for g in ln.glyphs)).replace(" ", ""))
        want = Counter(_base(para).replace(" ", ""))
        assert shown == want
        # and each glyph shows the logical characters it says it does
        for ln in lines:
            for g in ln.glyphs:
                assert sorted(_base(g.text)) == sorted(_base(para[g.start:g.end]))
        for ln in lines:
            assert cell_len(ln.text) == width, (width, ln.text)


def test_glyph_ranges_cover_the_paragraph_once():
    for para in AR + [HARAKAT]:
        covered = []
        for ln in rtl.layout(para, 45):
            for g in ln.glyphs:
                covered.extend(range(g.start, g.end))
        non_space = [i for i, ch in enumerate(para) if not ch.isspace()]
        assert sorted(i for i in covered if not para[i].isspace()) == non_space


def test_first_words_are_on_the_top_line_at_the_right():
    para = AR[0]
    first_words = para.split()[:2]
    lines = rtl.layout(para, 40)
    assert len(lines) > 3
    top = lines[0]
    assert top.start == 0
    # the first logical word is drawn at the right end of the top line
    rightmost = max(top.glyphs, key=lambda g: g.col)
    assert rightmost.start == 0
    # and reading the top line right to left gives the first words (after shaping back)
    right_to_left = "".join(g.text for g in sorted(top.glyphs, key=lambda g: -g.col))
    assert _base(right_to_left).startswith(_base(" ".join(first_words)))
    # the last line holds the end of the paragraph
    assert lines[-1].end == len(para.rstrip())


def test_lines_are_in_logical_order_and_right_aligned():
    for para in AR:
        lines = rtl.layout(para, 50)
        starts = [ln.start for ln in lines]
        assert starts == sorted(starts)
        for ln in lines:
            assert ln.glyphs and ln.glyphs[-1].col + ln.glyphs[-1].width == 50
            assert ln.text.startswith(" " * ln.pad)


def test_harakat_survive_and_stay_on_their_letter():
    lines = rtl.layout(HARAKAT, 30, "app")
    drawn = "".join(g.text for ln in lines for g in ln.glyphs)
    for mark in "\u064f\u064e\u0651\u064c\u0650\u0652":
        assert drawn.count(mark) == HARAKAT.count(mark), unicodedata.name(mark)
    for ln in lines:
        for g in ln.glyphs:
            # a glyph is a letter followed by its marks, never a mark first
            assert not unicodedata.combining(g.text[0])
        assert not unicodedata.combining(ln.text.lstrip()[:1] or "a")


def test_reshaping_joins_letters_and_measures_after_shaping():
    lam_alef = "لا لا لا لا"
    (line,) = rtl.layout(lam_alef, 20, "app")
    # four ligatures of one cell each, three spaces
    assert sum(g.width for g in line.glyphs) == 7
    assert all(g.end - g.start == 2 for g in line.glyphs if not g.text.isspace())
    # logically 4 x 2 cells + 3: the terminal mode measures the logical text
    (tline,) = rtl.layout(lam_alef, 20, "terminal")
    assert sum(g.width for g in tline.glyphs) == cell_len(lam_alef)
    shaped = rtl.reshape("جبهة")
    assert shaped != "جبهة" and _base(shaped) == "جبهة"


def test_highlight_spans_land_on_the_right_cells():
    para = AR[0]
    term = "جبهة النصرة"
    start = para.index(term)
    end = start + len(term)
    hits = []
    for ln in rtl.layout(para, 40, "app"):
        for a, b in ln.cells_for(start, end):
            hits.append(_base("".join(g.text for g in ln.glyphs if a <= g.col < b)))
    # the term's two words, drawn reversed, on the cells returned
    drawn = "".join(hits)
    assert sorted(drawn.replace(" ", "")) == sorted(term.replace(" ", ""))
    # runs: styled glyphs are exactly the term's
    styled = []
    for ln in rtl.layout(para, 40, "app"):
        for text, style in ln.runs(lambda i: "term" if start <= i < end else None):
            if style == "term":
                styled.append(text)
    assert sorted(_base("".join(styled)).replace(" ", "")) == sorted(term.replace(" ", ""))


def test_terminal_mode_keeps_logical_order():
    para = AR[1]
    lines = rtl.layout(para, 60, "terminal")
    assert "".join(ln.text.strip() + " " for ln in lines).split() == para.split()
    ln = lines[0]
    assert ln.cells_for(0, 3) == [(ln.pad, ln.pad + cell_len(para[:3]))]


def test_a_resize_rewraps():
    para = AR[2]
    wide = rtl.layout(para, 100)
    narrow = rtl.layout(para, 30)
    assert len(narrow) > len(wide)
    assert all(cell_len(ln.text) == 30 for ln in narrow)
    assert narrow[0].start == wide[0].start == 0
    assert narrow[-1].end == wide[-1].end


def test_a_word_wider_than_the_line_is_cut():
    word = "ا" * 25
    lines = rtl.layout(word, 10, "app")
    assert len(lines) == 3
    assert sum(len(g.text) for ln in lines for g in ln.glyphs) == 25


def test_newlines_are_hard_breaks_and_blank_text_is_one_blank_line():
    lines = rtl.layout("سطر أول\nسطر ثان", 30)
    assert len(lines) == 2 and lines[1].start == len("سطر أول") + 1
    (blank,) = rtl.layout("", 12)
    assert blank.text == " " * 12 and blank.glyphs == ()


def test_preview_is_the_first_words():
    ln = rtl.preview(AR[0], 24)
    assert ln.start == 0 and cell_len(ln.text) == 24


@pytest.mark.parametrize("env,mode", [
    ({"VTE_VERSION": "7200"}, "terminal"),
    ({"KONSOLE_VERSION": "230804"}, "terminal"),
    ({"MLTERM": "3.9"}, "terminal"),
    ({"TERM_PROGRAM": "Apple_Terminal"}, "terminal"),
    ({"TERM": "xterm-256color"}, "app"),
    ({"VTE_VERSION": "7200", "TMUX": "/tmp/tmux-1/default,1,0"}, "app"),
    ({"TERM": "tmux-256color", "KONSOLE_VERSION": "1"}, "app"),
    ({}, "app"),
])
def test_auto_mode_detection(env, mode):
    assert rtl.detect_mode(env) == mode
    assert rtl.resolve_mode("auto", env) == mode
    assert rtl.resolve_mode("app", env) == "app"
    assert rtl.resolve_mode("terminal", env) == "terminal"


def test_vte_switch_only_in_app_mode():
    assert rtl.bidi_switch("app", {"VTE_VERSION": "7200"}) == ("\x1b[8l", "\x1b[8h")
    assert rtl.bidi_switch("terminal", {"VTE_VERSION": "7200"}) == ("", "")
    assert rtl.bidi_switch("app", {"TERM": "xterm"}) == ("", "")
    with pytest.raises(ValueError):
        rtl.resolve_mode("shaped")


def test_inline_lays_out_the_arabic_runs_of_a_latin_line(curated):
    # the other senses of حماة, as the bundled glossary writes them
    senses = curated.entries["hama"].senses[0]
    assert "حماة الديار" in senses
    shown = rtl.inline(senses)
    # the Latin words stay where they are; each Arabic run is shaped and reversed in place
    assert shown.startswith("protectors, guardians (") and shown.endswith(")")
    assert "حماة" not in shown                      # no logical (unshaped) Arabic left
    run = shown[shown.index("(") + 1:shown.index(")")]
    assert run == rtl.layout("حماة الديار, حماة الوطن", 60)[0].text.strip()
    # the Arabic run reads right to left: its first word (حماة) is drawn last
    assert unicodedata.normalize("NFKC", run).replace(" ", "").endswith("حماة"[::-1])
    assert rtl.inline(senses, "terminal") == " ".join(senses.split())
    assert rtl.inline("Hama countryside") == "Hama countryside"
