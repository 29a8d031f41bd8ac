"""XLIFF 2.0 (OASIS core): a project's segments for other CAT tools, and their targets back.

One ``<unit>`` per alignment link that has source text, one ``<segment>`` in it,
``state`` mapped from the workbench status::

    new        -> initial
    draft      -> initial, subState="workbench:draft"
    translated -> translated
    reviewed   -> reviewed            (final, on import, also means reviewed)

Open terminology findings become ``<note category="terminology">``.  The link id,
its row version and its segment indices travel in attributes of our own
namespace (``wb:link``, ``wb:version``, ``wb:src``, ``wb:tgt``), which the core
schema allows, so that imported targets find their link and edits made in the
project since the export are noticed.  Text is written in logical order;
``xml:space="preserve"`` is set where whitespace would otherwise be at risk and
characters XML cannot hold are written as ``<cp hex="..."/>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lxml import etree

from workbench.errors import WorkbenchError
from workbench.formats.xmlsafe import parse_xml
from workbench.textio import write_bytes_atomic

__all__ = ["XLIFF_NS", "WB_NS", "XliffNote", "XliffUnit", "XliffDocument", "write_xliff",
           "xliff_bytes", "read_xliff", "STATE_OF_STATUS", "status_of_state"]

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
WB_NS = "urn:x-workbench:xliff:1"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DRAFT_SUBSTATE = "workbench:draft"

#: workbench status -> (XLIFF state, subState)
STATE_OF_STATUS: dict[str, tuple[str, str | None]] = {
    "new": ("initial", None),
    "draft": ("initial", DRAFT_SUBSTATE),
    "translated": ("translated", None),
    "reviewed": ("reviewed", None),
}
_STATE_RANK = {"initial": 0, "translated": 1, "reviewed": 2, "final": 3}


def status_of_state(state: str, sub_state: str | None) -> str | None:
    """The workbench status for an XLIFF state; None for a plain ``initial`` (no decision)."""
    if state == "initial":
        return "draft" if sub_state == DRAFT_SUBSTATE else None
    if state == "translated":
        return "translated"
    return "reviewed"  # reviewed, final


@dataclass
class XliffNote:
    text: str
    category: str = ""
    priority: int | None = None


@dataclass
class XliffUnit:
    id: str
    source: str
    target: str | None = None
    state: str = "initial"
    sub_state: str | None = None
    notes: list[XliffNote] = field(default_factory=list)
    name: str | None = None
    link_id: int | None = None       # workbench extension attributes
    version: int | None = None
    src: tuple[int, ...] = ()
    tgt: tuple[int, ...] = ()

    @property
    def status(self) -> str | None:
        return status_of_state(self.state, self.sub_state)


@dataclass
class XliffDocument:
    source_lang: str
    target_lang: str
    original: str
    units: list[XliffUnit]
    path: Path | None = None


def _q(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


_NOT_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# what XML 1.0 can carry at all (lxml writes CR as &#13;)
_NOT_XML_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _set_text(el: etree._Element, text: str) -> None:
    """Set ``text`` as content, with ``<cp/>`` for characters XML 1.0 cannot hold (and CR)."""
    pieces = _NOT_XML.split(text)
    bad = _NOT_XML.findall(text)
    el.text = pieces[0]
    for ch, tail in zip(bad, pieces[1:]):
        etree.SubElement(el, _q("cp"), hex=f"{ord(ch):04X}").tail = tail
    if (text != text.strip() or "  " in text or "\n" in text or "\t" in text):
        el.set(XML_SPACE, "preserve")


def _nmtoken(value: str) -> str:
    token = re.sub(r"[^\w.\-:]", "_", value)
    return token or "_"


def xliff_bytes(units: Iterable[XliffUnit], *, source_lang: str = "ar", target_lang: str = "en",
                original: str = "", file_id: str = "f1") -> bytes:
    root = etree.Element(_q("xliff"), nsmap={None: XLIFF_NS, "wb": WB_NS},
                         attrib={"version": "2.0", "srcLang": source_lang, "trgLang": target_lang})
    f = etree.SubElement(root, _q("file"), id=_nmtoken(file_id))
    if original:
        f.set("original", original)
    f.set("srcDir", "rtl" if source_lang == "ar" else "ltr")
    f.set("trgDir", "rtl" if target_lang == "ar" else "ltr")
    seen: set[str] = set()
    for u in units:
        uid = _nmtoken(u.id)
        if uid in seen:
            raise WorkbenchError(f"duplicate XLIFF unit id {uid!r}")
        seen.add(uid)
        unit = etree.SubElement(f, _q("unit"), id=uid)
        if u.name:
            unit.set("name", u.name)
        if u.link_id is not None:
            unit.set(f"{{{WB_NS}}}link", str(u.link_id))
        if u.version is not None:
            unit.set(f"{{{WB_NS}}}version", str(u.version))
        if u.src or u.tgt or u.link_id is not None:
            unit.set(f"{{{WB_NS}}}src", ",".join(map(str, u.src)))
            unit.set(f"{{{WB_NS}}}tgt", ",".join(map(str, u.tgt)))
        if u.notes:
            notes = etree.SubElement(unit, _q("notes"))
            for n in u.notes:
                note = etree.SubElement(notes, _q("note"))
                if n.category:
                    note.set("category", n.category)
                if n.priority is not None:
                    note.set("priority", str(max(1, min(10, int(n.priority)))))
                # notes cannot hold <cp/>: replace what XML cannot carry
                note.text = _NOT_XML_TEXT.sub("\ufffd", n.text)
        if u.state not in _STATE_RANK:
            raise WorkbenchError(f"unknown XLIFF state {u.state!r}")
        seg = etree.SubElement(unit, _q("segment"), id=f"s{uid}", state=u.state)
        if u.sub_state:
            seg.set("subState", u.sub_state)
        _set_text(etree.SubElement(seg, _q("source")), u.source)
        if u.target is not None:
            _set_text(etree.SubElement(seg, _q("target")), u.target)
    if not seen:
        # the schema needs at least one unit in a file
        raise WorkbenchError("nothing to export: no segment has source text")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False)


def write_xliff(units: Iterable[XliffUnit], path: str | Path, *, source_lang: str = "ar",
                target_lang: str = "en", original: str = "") -> int:
    """Write an XLIFF 2.0 file atomically; returns the number of units."""
    units = list(units)
    write_bytes_atomic(path, xliff_bytes(units, source_lang=source_lang, target_lang=target_lang,
                                         original=original))
    return len(units)


# --------------------------------------------------------------------------- reading


def _inline_text(el: etree._Element, p: Path) -> str:
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            name = etree.QName(child).localname
            if name == "cp":
                try:
                    parts.append(chr(int(child.get("hex", ""), 16)))
                except ValueError:
                    raise WorkbenchError(f"bad <cp hex={child.get('hex')!r}>", path=p,
                                         line=child.sourceline) from None
            elif name in ("pc", "mrk"):
                parts.append(_inline_text(child, p))
            # ph, sc, ec, sm, em: codes without text
        parts.append(child.tail or "")
    return "".join(parts)


def _primary(lang: str | None) -> str:
    return re.split(r"[-_]", (lang or "").strip(), maxsplit=1)[0].lower()


def _int_attr(el: etree._Element, name: str, p: Path) -> int | None:
    value = el.get(f"{{{WB_NS}}}{name}")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise WorkbenchError(f"unit {el.get('id')!r}: wb:{name} must be a number, not "
                             f"{value!r}", path=p, line=el.sourceline) from None


def _indices(el: etree._Element, name: str, p: Path) -> tuple[int, ...]:
    value = el.get(f"{{{WB_NS}}}{name}")
    if not value:
        return ()
    try:
        return tuple(int(x) for x in value.split(","))
    except ValueError:
        raise WorkbenchError(f"unit {el.get('id')!r}: bad wb:{name} {value!r}", path=p,
                             line=el.sourceline) from None


def read_xliff(path: str | Path, *, source_lang: str = "ar", target_lang: str = "en",
               ) -> XliffDocument:
    """Read an XLIFF 2.0 file (through :mod:`workbench.formats.xmlsafe`).

    Refuses, with the file and line: XML that is not well-formed or declares
    entities, a root that is not XLIFF 2.0 (XLIFF 1.2 is named as such), source or
    target languages other than ``source_lang``/``target_lang``, units without
    segments, and unknown states.  A unit with several segments is read as the
    concatenation of its segments and ignorables.
    """
    p = Path(path)
    root = parse_xml(p, what="XLIFF file").getroot()
    qn = etree.QName(root)
    if qn.localname != "xliff":
        raise WorkbenchError(f"not an XLIFF file (the root element is <{qn.localname}>)",
                             path=p, line=root.sourceline)
    if qn.namespace == XLIFF12_NS or (root.get("version") or "").startswith("1."):
        raise WorkbenchError("this is XLIFF 1.2; only XLIFF 2.0 can be imported", path=p,
                             line=root.sourceline)
    if qn.namespace != XLIFF_NS:
        raise WorkbenchError(f"not XLIFF 2.0: the root element's namespace is "
                             f"{qn.namespace or 'missing'!r}, expected {XLIFF_NS!r}", path=p,
                             line=root.sourceline)
    if not (root.get("version") or "").startswith("2."):
        raise WorkbenchError(f"unsupported XLIFF version {root.get('version')!r}", path=p,
                             line=root.sourceline)
    src_lang, trg_lang = root.get("srcLang"), root.get("trgLang")
    if _primary(src_lang) != _primary(source_lang):
        raise WorkbenchError(f"the XLIFF source language is {src_lang!r}; expected "
                             f"{source_lang!r}", path=p, line=root.sourceline)
    if _primary(trg_lang) != _primary(target_lang):
        raise WorkbenchError(f"the XLIFF target language is {trg_lang!r}; expected "
                             f"{target_lang!r}", path=p, line=root.sourceline)
    files = root.findall(_q("file"))
    if not files:
        raise WorkbenchError("XLIFF file has no <file>", path=p, line=root.sourceline)
    units: list[XliffUnit] = []
    for unit in root.iter(_q("unit")):
        uid = unit.get("id")
        if not uid:
            raise WorkbenchError("<unit> without id", path=p, line=unit.sourceline)
        sources, targets, states, sub_states = [], [], [], []
        has_target = False
        parts = [c for c in unit if isinstance(c.tag, str)
                 and etree.QName(c).localname in ("segment", "ignorable")
                 and etree.QName(c).namespace == XLIFF_NS]
        if not any(etree.QName(c).localname == "segment" for c in parts):
            raise WorkbenchError(f"unit {uid!r} has no <segment>", path=p, line=unit.sourceline)
        for part in parts:
            src = part.find(_q("source"))
            if src is None:
                raise WorkbenchError(f"unit {uid!r}: <{etree.QName(part).localname}> without "
                                     "<source>", path=p, line=part.sourceline)
            sources.append(_inline_text(src, p))
            tgt = part.find(_q("target"))
            if tgt is not None:
                has_target = True
                targets.append(_inline_text(tgt, p))
            elif etree.QName(part).localname == "ignorable":
                targets.append(sources[-1])
            if etree.QName(part).localname == "segment":
                state = part.get("state", "initial")
                if state not in _STATE_RANK:
                    raise WorkbenchError(f"unit {uid!r}: unknown segment state {state!r} "
                                         f"(expected {', '.join(_STATE_RANK)})", path=p,
                                         line=part.sourceline)
                states.append(state)
                sub_states.append(part.get("subState"))
        low = min(range(len(states)), key=lambda i: _STATE_RANK[states[i]])
        notes = []
        notes_el = unit.find(_q("notes"))
        if notes_el is not None:
            for n in notes_el.findall(_q("note")):
                prio = n.get("priority")
                notes.append(XliffNote(_inline_text(n, p), n.get("category", ""),
                                       int(prio) if prio and prio.isdigit() else None))
        units.append(XliffUnit(
            id=uid, source="".join(sources), target="".join(targets) if has_target else None,
            state=states[low], sub_state=sub_states[low], notes=notes, name=unit.get("name"),
            link_id=_int_attr(unit, "link", p), version=_int_attr(unit, "version", p),
            src=_indices(unit, "src", p), tgt=_indices(unit, "tgt", p)))
    return XliffDocument(source_lang=src_lang or "", target_lang=trg_lang or "",
                         original=files[0].get("original", ""), units=units, path=p)
