"""Which script a text is written in, and the one check that a pair of texts is in the
scripts of the languages named for it (the aligner's and the QA check's).

:func:`script_problem` decides; :func:`check_scripts` raises the aligner's messages
(``--source-lang``/``--target-lang``); :func:`workbench.glossary.documents.check_scripts`
words the same decision for the Arabic-English QA check.  The rules, on the first
200,000 characters of each side, counting the letters of each script:

* the source is refused when fewer than 20% of its letters are in the source script;
* the target is refused when more than half of its letters are in the source script
  (a different script from the target's), or fewer than 20% in its own script.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from workbench.errors import WorkbenchError
from workbench.text.normalize import ARABIC_LETTER_CLASS

__all__ = ["LANGUAGES", "ScriptProblem", "check_lang", "check_scripts", "dominant_script",
           "script_counts", "script_of", "script_problem"]

#: language code -> (name, script): the 16 languages of the multilingual encoder
LANGUAGES: dict[str, tuple[str, str]] = {
    "ar": ("Arabic", "Arabic"), "en": ("English", "Latin"), "de": ("German", "Latin"),
    "fr": ("French", "Latin"), "es": ("Spanish", "Latin"), "it": ("Italian", "Latin"),
    "pt": ("Portuguese", "Latin"), "nl": ("Dutch", "Latin"), "pl": ("Polish", "Latin"),
    "tr": ("Turkish", "Latin"), "ru": ("Russian", "Cyrillic"), "zh": ("Chinese", "Han"),
    "ja": ("Japanese", "Han"), "ko": ("Korean", "Hangul"), "th": ("Thai", "Thai"),
}

_SCRIPTS = {
    "Arabic": regex.compile(f"[{ARABIC_LETTER_CLASS}]"),
    "Latin": regex.compile(r"\p{Latin}"),
    "Cyrillic": regex.compile(r"\p{Cyrillic}"),
    "Han": regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]"),
    "Hangul": regex.compile(r"\p{Hangul}"),
    "Thai": regex.compile(r"\p{Thai}"),
}
_SAMPLE = 200_000


def check_lang(lang: str, option: str = "--source-lang") -> str:
    """``lang`` if the aligner takes it, else a clear error naming the choices."""
    if lang not in LANGUAGES:
        raise WorkbenchError(f"{option} {lang!r} is not a language the aligner takes; "
                             f"choose one of {', '.join(LANGUAGES)}")
    return lang


def script_of(lang: str) -> str:
    return LANGUAGES[check_lang(lang)][1]


def script_counts(text: str) -> dict[str, int]:
    """Letters of each script in the first 200,000 characters of ``text``."""
    sample = text[:_SAMPLE]
    return {name: len(rx.findall(sample)) for name, rx in _SCRIPTS.items()}


def dominant_script(counts: dict[str, int]) -> str | None:
    if not sum(counts.values()):
        return None
    return max(counts, key=counts.get)


@dataclass(frozen=True)
class ScriptProblem:
    """Why a pair of texts is refused.

    ``side`` is ``"source"`` or ``"target"``; ``kind`` is ``"not-source-script"`` (the
    source), ``"source-script"`` (the target is mostly in the source's script) or
    ``"not-target-script"`` (the target); ``dominant`` is the side's most frequent script
    (None: no letters at all); ``swapped`` says the target is in the source's script.
    """

    side: str
    kind: str
    dominant: str | None
    swapped: bool = False


def script_problem(src_text: str, tgt_text: str, source_lang: str = "ar",
                   target_lang: str = "en") -> ScriptProblem | None:
    """The first rule (module docstring) the pair breaks, or None."""
    s_script, t_script = script_of(source_lang), script_of(target_lang)
    sc, tc = script_counts(src_text), script_counts(tgt_text)
    s_total = sum(sc.values())
    if s_total and sc[s_script] < 0.2 * s_total:
        swapped = s_script != t_script and dominant_script(tc) == s_script
        return ScriptProblem("source", "not-source-script", dominant_script(sc), swapped)
    t_total = sum(tc.values())
    if s_script != t_script and t_total and tc[s_script] > 0.5 * t_total:
        return ScriptProblem("target", "source-script", s_script, True)
    if t_total and tc[t_script] < 0.2 * t_total:
        return ScriptProblem("target", "not-target-script", dominant_script(tc))
    return None


def check_scripts(src_text: str, tgt_text: str, *, src_name: str = "source",
                  tgt_name: str = "target", source_lang: str = "ar",
                  target_lang: str = "en") -> None:
    """Refuse a source that is not in the script of ``source_lang`` (or a target not in
    that of ``target_lang``), with a message naming the language and a swap."""
    problem = script_problem(src_text, tgt_text, source_lang, target_lang)
    if problem is None:
        return
    s_name, t_name = LANGUAGES[source_lang][0], LANGUAGES[target_lang][0]
    if problem.side == "source":
        hint = f" (the two files look swapped: give the {s_name} file first)" \
            if problem.swapped else ""
        raise WorkbenchError(
            f"the {src_name} is not in the language you named: not {s_name} (--source-lang "
            f"{source_lang}) but mostly {problem.dominant} script{hint}")
    if problem.kind == "source-script":
        raise WorkbenchError(
            f"the {tgt_name} is not in the language you named: mostly {problem.dominant} "
            f"script, not {t_name} (--target-lang {target_lang}); the target must be the "
            f"{t_name} text")
    raise WorkbenchError(
        f"the {tgt_name} is not in the language you named: not {t_name} (--target-lang "
        f"{target_lang}) but mostly {problem.dominant} script")
