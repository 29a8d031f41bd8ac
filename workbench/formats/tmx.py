"""TMX 1.4b: translation-memory exchange with other CAT tools.

:func:`write_tmx` writes Arabic-English translation units (``xml:lang`` ``ar`` and
``en``, creation dates, notes, the neighbouring source segments as ``x-context-*``
properties); :func:`read_tmx` reads TMX 1.1-1.4 files through
:mod:`workbench.formats.xmlsafe` (no entities, no network) and refuses files that
are not TMX or hold no Arabic-English units with one clear message.

On import (``check_scripts``, as :func:`workbench.store.exchange.import_tmx` asks)
each unit's Arabic side is checked by script, as ``align`` checks its files: a
``<tuv xml:lang="en">`` holding Arabic text (and then an ``ar`` one holding none: the
labels swapped) refuses the whole file with one line naming the file, the line of that
``<tuv>`` and how many units are affected; nothing is imported.  The labels are not
swapped on a guess, as CAT tools (Trados Studio, memoQ, OmegaT) treat ``xml:lang`` as
authoritative on import and map languages only when the user says so: a translation
memory is reused in every later project, so a wrong guess would spread, and a file
labelled the wrong way round is a broken export whose other fields may be wrong too.

Inline markup codes (``bpt``, ``ept``, ``ph``, ``it``, ``ut``) are dropped, ``hi``/``sub``
keep their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from lxml import etree

from workbench.errors import WorkbenchError
from workbench.formats.xmlsafe import parse_xml
from workbench.text.normalize import ARABIC_LETTER_CLASS
from workbench.textio import write_bytes_atomic

__all__ = ["TMUnit", "TMXFile", "write_tmx", "read_tmx", "load_tmx", "tmx_bytes"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CODES = {"bpt", "ept", "ph", "it", "ut"}
_SEGTYPES = {"paragraphs": "paragraph", "sentences": "sentence", "lines": "block"}


@dataclass
class TMUnit:
    """One translation unit: an Arabic source with its accepted English."""

    source: str
    target: str
    created_at: str = ""             # ISO 8601 UTC ("2026-11-22T00:05:52Z"), "" if unknown
    changed_at: str = ""
    note: str = ""
    context_prev: str | None = None  # source text of the previous segment
    context_next: str | None = None
    origin: str = ""
    id: str = ""                     # tuid

    def as_memory_unit(self) -> dict[str, object]:
        return {"source": self.source, "target": self.target, "context_prev": self.context_prev,
                "context_next": self.context_next, "note": self.note, "origin": self.origin,
                "created_at": self.created_at or None}


@dataclass
class TMXFile:
    units: list[TMUnit]
    skipped: int                     # units without both languages
    languages: list[str]             # every xml:lang seen
    path: Path


def _tmx_date(iso: str) -> str | None:
    """ISO 8601 -> TMX's YYYYMMDDThhmmssZ (None if it cannot be read)."""
    if not iso:
        return None
    try:
        dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _iso_date(tmx: str | None) -> str:
    if not tmx:
        return ""
    try:
        dt = datetime.strptime(tmx.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return ""
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _needs_preserve(text: str) -> bool:
    return text != text.strip() or "  " in text or "\n" in text or "\t" in text


def tmx_bytes(units: Iterable[TMUnit], *, source_lang: str = "ar", target_lang: str = "en",
              unit: str = "paragraphs", tool_version: str | None = None) -> bytes:
    """The TMX 1.4b document for ``units`` as UTF-8 bytes."""
    if tool_version is None:
        from workbench import __version__ as tool_version
    now = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": "workbench", "creationtoolversion": str(tool_version),
        "segtype": _SEGTYPES.get(unit, "block"), "o-tmf": "workbench-sqlite",
        "adminlang": "en", "srclang": source_lang, "datatype": "plaintext",
        "creationdate": now})
    body = etree.SubElement(root, "body")
    for n, u in enumerate(units, 1):
        attrs = {"tuid": u.id or str(n)}
        if (d := _tmx_date(u.created_at)) is not None:
            attrs["creationdate"] = d
        if (d := _tmx_date(u.changed_at)) is not None:
            attrs["changedate"] = d
        tu = etree.SubElement(body, "tu", attrs)
        if u.note:
            etree.SubElement(tu, "note").text = u.note
        for ptype, value in (("x-context-prev", u.context_prev),
                             ("x-context-next", u.context_next), ("x-origin", u.origin or None)):
            if value is not None:
                etree.SubElement(tu, "prop", type=ptype).text = value
        for lang, text in ((source_lang, u.source), (target_lang, u.target)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            seg = etree.SubElement(tuv, "seg")
            seg.text = text
            if _needs_preserve(text):
                tuv.set(XML_SPACE, "preserve")
    try:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    except ValueError as exc:  # control characters
        raise WorkbenchError(f"cannot write TMX: {exc}") from None


def write_tmx(units: Iterable[TMUnit], path: str | Path, *, source_lang: str = "ar",
              target_lang: str = "en", unit: str = "paragraphs") -> int:
    """Write ``units`` to ``path`` atomically; returns how many were written."""
    units = list(units)
    write_bytes_atomic(path, tmx_bytes(units, source_lang=source_lang, target_lang=target_lang,
                                       unit=unit))
    return len(units)


#: Arabic letters, presentation forms (text copied from a PDF) included
_ARABIC = re.compile(f"[{ARABIC_LETTER_CLASS}\ufb50-\ufdff\ufe70-\ufefc]")


def _letters(text: str) -> tuple[int, int]:
    """(Arabic letters, other letters) of ``text``."""
    arabic = len(_ARABIC.findall(text))
    return arabic, sum(c.isalpha() for c in text) - arabic


def _script_problem(texts: dict[str, tuple[str, str, int]], source_lang: str,
                    target_lang: str) -> tuple[str, int] | None:
    """Why a unit's sides are not in their labels' scripts (Arabic checked, as ``align``
    does): ``(message, line)`` of the offending ``<tuv>``, or None.  Only two-sided
    evidence counts: an Arabic side with no Arabic letters is fine alone (a product
    name, a code), a swap needs Arabic on the other side too."""
    src, tgt = _primary(source_lang), _primary(target_lang)
    if (src == "ar") == (tgt == "ar"):
        return None
    ar, other = (src, tgt) if src == "ar" else (tgt, src)
    ar_text, ar_lang, ar_line = texts[ar]
    ot_text, ot_lang, ot_line = texts[other]
    a_ar, a_other = _letters(ar_text)
    o_ar, o_other = _letters(ot_text)
    if o_ar >= 3 and o_ar > o_other:
        if a_ar == 0 and a_other > 0:
            message = (f'<tuv xml:lang="{ot_lang}"> holds Arabic text and <tuv xml:lang='
                       f'"{ar_lang}"> (line {ar_line}) holds none: the xml:lang labels look '
                       "swapped")
            return message, ot_line
        return (f'<tuv xml:lang="{ot_lang}"> holds Arabic text, not {ot_lang}', ot_line)
    return None


def _primary(lang: str) -> str:
    return re.split(r"[-_]", lang.strip(), maxsplit=1)[0].lower()


def _seg_text(seg: etree._Element) -> str:
    parts = [seg.text or ""]
    for child in seg:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag in ("hi", "sub"):
            parts.append(_seg_text(child))
        # codes (bpt, ept, ph, it, ut), comments and processing instructions: no text
        parts.append(child.tail or "")
    return "".join(parts)


def read_tmx(path: str | Path, *, source_lang: str = "ar", target_lang: str = "en",
             ) -> list[TMUnit]:
    """The ``source_lang``-``target_lang`` units of a TMX file (see :func:`load_tmx`)."""
    return load_tmx(path, source_lang=source_lang, target_lang=target_lang).units


def load_tmx(path: str | Path, *, source_lang: str = "ar", target_lang: str = "en",
             check_scripts: bool = False) -> TMXFile:
    """Read the ``source_lang``-``target_lang`` units of a TMX file, with what was skipped.

    ``check_scripts`` (what an import into a translation memory asks for) refuses the
    file if a unit's sides are not in their labels' scripts (swapped ``xml:lang``).

    Raises :class:`WorkbenchError` naming the file (and line) if it is not
    well-formed, not TMX, or holds no unit with both languages.  Regional
    variants (``ar-SY``, ``en-GB``) count as their language.
    """
    p = Path(path)
    tree = parse_xml(p, what="TMX file")
    root = tree.getroot()
    qname = etree.QName(root)
    if qname.localname != "tmx":
        raise WorkbenchError(f"not a TMX file (the root element is <{qname.localname}>, "
                             "expected <tmx>)", path=p, line=root.sourceline)
    if qname.namespace:
        raise WorkbenchError(f"not a TMX file: <tmx> is in the namespace {qname.namespace!r} "
                             "(TMX has none)", path=p, line=root.sourceline)
    body = root.find("body")
    if body is None:
        raise WorkbenchError("TMX file has no <body>", path=p, line=root.sourceline)
    units: list[TMUnit] = []
    skipped = 0
    seen: list[str] = []
    wrong: list[tuple[str, int]] = []
    for tu in body.iter("tu"):
        texts: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang")
            if not lang:
                raise WorkbenchError("<tuv> without xml:lang", path=p, line=tuv.sourceline)
            prim = _primary(lang)
            if lang not in seen:
                seen.append(lang)
            seg = tuv.find("seg")
            if seg is None:
                raise WorkbenchError("<tuv> without <seg>", path=p, line=tuv.sourceline)
            texts.setdefault(prim, (_seg_text(seg), lang, tuv.sourceline))
        src, tgt = (texts.get(_primary(lang), ("", "", 0))[0]
                    for lang in (source_lang, target_lang))
        if not src.strip() or not tgt.strip():
            skipped += 1
            continue
        problem = _script_problem(texts, source_lang, target_lang) if check_scripts else None
        if problem is not None:
            wrong.append(problem)
            continue
        if "\x00" in src or "\x00" in tgt:
            raise WorkbenchError("TMX segment holds a NUL character", path=p, line=tu.sourceline)
        props = {pr.get("type"): pr.text or "" for pr in tu.findall("prop")}
        notes = [n.text or "" for n in tu.findall("note")]
        units.append(TMUnit(
            source=src, target=tgt, created_at=_iso_date(tu.get("creationdate")),
            changed_at=_iso_date(tu.get("changedate")), note="\n".join(notes),
            context_prev=props.get("x-context-prev"), context_next=props.get("x-context-next"),
            origin=props.get("x-origin", ""), id=tu.get("tuid", "")))
    if wrong:
        # refused, not swapped on a guess: see the module docstring
        message, line = wrong[0]
        raise WorkbenchError(
            f"{message} ({len(wrong)} of {len(units) + len(wrong)} units); nothing imported: "
            "correct the xml:lang labels in the file", path=p, line=line)
    if not units:
        if skipped:
            raise WorkbenchError(
                f"TMX file has no {source_lang}-{target_lang} translation units (languages "
                f"found: {', '.join(seen) or 'none'})", path=p)
        raise WorkbenchError("TMX file has no translation units", path=p)
    return TMXFile(units=units, skipped=skipped, languages=seen, path=p)
