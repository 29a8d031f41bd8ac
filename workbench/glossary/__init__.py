"""Glossary: curated YAML termbase, Arabic-aware term matching, terminology QA and fixes.

* :func:`load_glossary` merges the YAML files (``glossaries/`` and the user's);
  :func:`lint_glossary` reports every problem as ``file:line:col: message``.
* :class:`Glossary` has ``entries`` and ``match_arabic`` / ``match_english``
  (one pass over the text for all terms; see :mod:`.arabic` and :mod:`.english`).
* :mod:`.qa` checks aligned pairs (:func:`~.qa.check_segments`), fixes variants
  (:func:`~.qa.apply_fixes`) and computes term success/variant rates (:mod:`.findings`,
  :mod:`.numbers`, :mod:`.rates`); :mod:`.senses` decides each Arabic term's sense from its
  context, for QA and MT alike.
* :mod:`.edit` (fmt, add), :mod:`.search` (find), :mod:`.mine` (proposals), and
  :mod:`.stats` are the maintenance tools behind ``workbench glossary``.
"""

from workbench.glossary.load import GlossaryError, Issue, LintReport, lint_glossary, load_glossary
from workbench.glossary.model import TYPES, Entry, Glossary, Related, TermMatch

__all__ = ["Entry", "Glossary", "GlossaryError", "Issue", "LintReport", "Related", "TermMatch",
           "TYPES", "lint_glossary", "load_glossary"]
