"""A capitalised preferred form opening a sentence is the preferred form, not a deprecated one."""

from __future__ import annotations

from tests.conftest import GLOSSARIES
from workbench.glossary import load_glossary
from workbench.glossary.qa import apply_fixes, check_segments, term_rates


def test_sentence_start_capital_is_preferred_even_if_listed_as_deprecated():
    g = load_glossary([GLOSSARIES])
    src = "قالت جبهة النصرة إن"
    # mid-sentence the capitalised article is a deviation ...
    mid = g.match_english("Fighters of Al-Nusra Front said")
    assert [m.status for m in mid if m.entry_id == "nusra"] == ["deprecated"]
    # ... at the start of a sentence it is the house style
    start = g.match_english("Al-Nusra Front said. Al-Nusra Front denied it.")
    assert [m.status for m in start if m.entry_id == "nusra"] == ["preferred", "preferred"]
    fixed = apply_fixes("Fighters of Al-Nusra Front said", check_segments(
        g, [src], ["Fighters of Al-Nusra Front said"]))
    assert fixed == "Fighters of al-Nusra Front said"
    # a fix at a sentence start is capitalised and then counts as a success
    start_fixed = apply_fixes("Jebat Al-Nusra said", check_segments(g, [src], ["Jebat Al-Nusra said"]))
    assert start_fixed == "Al-Nusra Front said"
    assert term_rates(g, [src], [start_fixed]).success_rate == 1.0
