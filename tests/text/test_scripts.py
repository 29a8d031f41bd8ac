"""One script check for the aligner and the QA check (workbench.text.scripts)."""

from __future__ import annotations

import pytest

from workbench.align.langs import check_scripts as align_check
from workbench.errors import WorkbenchError
from workbench.glossary.documents import check_scripts as qa_check
from workbench.text.scripts import script_problem

AR = "قالت هيئة تحرير الشام إن مقاتليها سيطروا على القرية"
EN = "Hayat Tahrir al-Sham said its fighters took the village"


@pytest.mark.parametrize("src, tgt, side", [
    (AR, EN, None),
    (EN, AR, "source"),                      # swapped
    (AR, AR, "target"),                      # Arabic on both sides
    (EN + " " + AR[:8], EN, "source"),       # a little Arabic in a Latin text: not Arabic
    (AR, "Привет, как дела сегодня", "target"),
])
def test_the_aligner_and_the_qa_check_refuse_the_same_pairs(src, tgt, side):
    problem = script_problem(src, tgt)
    assert (problem.side if problem else None) == side
    for check in (align_check, qa_check):
        if side is None:
            check(src, tgt)
        else:
            with pytest.raises(WorkbenchError):
                check(src, tgt)


def test_the_qa_check_words_a_swap_and_names_the_file():
    with pytest.raises(WorkbenchError, match="no Arabic text .*swapped") as exc:
        qa_check(EN, AR, "en.txt", "ar.txt")
    assert str(exc.value).startswith("en.txt")
    with pytest.raises(WorkbenchError, match="mostly Latin script, not Arabic"):
        qa_check(EN + " " + AR[:8], EN)
    with pytest.raises(WorkbenchError, match="has no Arabic text"):
        qa_check("12 / 34", EN)              # no letters at all: refused by the QA check only
    align_check("12 / 34", EN)
