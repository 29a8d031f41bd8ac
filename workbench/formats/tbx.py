"""TBX v2 (``martif``, TBX-Basic style) export and import of glossaries.

One ``termEntry`` per entry (``id`` = entry id), an Arabic ``langSet`` first
(the source language of this workbench) and an English one, one ``tig`` per
term with ``<termNote type="administrativeStatus">``:

=================  ==============================
glossary           administrativeStatus
=================  ==============================
``en`` / first ar  ``preferredTerm-admn-sts``
``variants``, ar   ``admittedTerm-admn-sts``
``deprecated``     ``supersededTerm-admn-sts``
``forbidden``      ``deprecatedTerm-admn-sts``
=================  ==============================

A forbidden form is TBX's "deprecated term" (never to be used); a deprecated
spelling of ours is a "superseded term" (seen in the wild, replaced by the
preferred form).  The entry type is a ``subjectField`` descrip, the note a
``definition``-free ``note``, related entries ``crossReference`` refs.  Files
are readable by translate-toolkit and OmegaT.  Import parses via
:mod:`workbench.formats.xmlsafe` (entities and DTDs refused).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from workbench.errors import WorkbenchError
from workbench.formats.xmlsafe import parse_xml
from workbench.glossary.model import Entry, Related
from workbench.textio import write_bytes_atomic

__all__ = ["write_tbx", "tbx_bytes", "read_tbx", "STATUS_TO_TBX", "TBX_TO_STATUS"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS_TO_TBX = {
    "preferred": "preferredTerm-admn-sts",
    "variant": "admittedTerm-admn-sts",
    "deprecated": "supersededTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
}
TBX_TO_STATUS = {v: k for k, v in STATUS_TO_TBX.items()}


def _tig(parent: etree._Element, term: str, status: str) -> None:
    tig = etree.SubElement(parent, "tig")
    etree.SubElement(tig, "term").text = term
    note = etree.SubElement(tig, "termNote", type="administrativeStatus")
    note.text = STATUS_TO_TBX[status]
    if status == "forbidden":
        usage = etree.SubElement(tig, "termNote", type="usageNote")
        usage.text = "forbidden: never acceptable for this concept"


def tbx_bytes(entries: list[Entry], *, title: str = "workbench glossary") -> bytes:
    root = etree.Element("martif", type="TBX")
    root.set(XML_LANG, "ar")
    header = etree.SubElement(root, "martifHeader")
    file_desc = etree.SubElement(header, "fileDesc")
    title_stmt = etree.SubElement(file_desc, "titleStmt")
    etree.SubElement(title_stmt, "title").text = title
    source_desc = etree.SubElement(file_desc, "sourceDesc")
    etree.SubElement(source_desc, "p").text = "Exported by workbench glossary export"
    enc = etree.SubElement(header, "encodingDesc")
    etree.SubElement(enc, "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for e in entries:
        te = etree.SubElement(body, "termEntry", id=e.id)
        etree.SubElement(te, "descrip", type="subjectField").text = e.type
        for r in e.related:
            ref = etree.SubElement(te, "ref", type="crossReference", target=r.id)
            ref.text = r.relation
        if e.note:
            etree.SubElement(te, "note").text = e.note
        ar = etree.SubElement(te, "langSet")
        ar.set(XML_LANG, "ar")
        for i, form in enumerate(e.ar):
            _tig(ar, form, "preferred" if i == 0 else "variant")
        en = etree.SubElement(te, "langSet")
        en.set(XML_LANG, "en")
        for form, status in e.english_forms():
            _tig(en, form, status)
    return etree.tostring(etree.ElementTree(root), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)


def write_tbx(entries: list[Entry], path: str | Path, **kw) -> None:
    write_bytes_atomic(path, tbx_bytes(entries, **kw))


def _local(tag: object) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def read_tbx(path: str | Path) -> list[Entry]:
    """Entries from a TBX file (ours or another tool's); raises WorkbenchError on bad input."""
    p = Path(path)
    tree = parse_xml(p, what="TBX file")
    root = tree.getroot()
    if _local(root.tag) not in ("martif", "tbx"):
        raise WorkbenchError(f"not a TBX file (root element <{_local(root.tag)}>, expected "
                             "<martif>)", path=p)
    entries: list[Entry] = []
    seen: set[str] = set()
    for n, te in enumerate(el for el in root.iter() if _local(el.tag) in ("termEntry",
                                                                           "conceptEntry")):
        eid = (te.get("id") or f"term-{n + 1}").strip().lower()
        where = f"termEntry {eid!r} (line {te.sourceline})"
        if eid in seen:
            raise WorkbenchError(f"{where}: duplicate id", path=p, line=te.sourceline)
        seen.add(eid)
        etype = "other"
        note = ""
        related: list[Related] = []
        forms: dict[str, list[tuple[str, str]]] = {"ar": [], "en": []}
        for child in te:
            name = _local(child.tag)
            if name == "descrip" and child.get("type") == "subjectField" and child.text:
                etype = child.text.strip()
            elif name == "note" and child.text:
                note = child.text.strip()
            elif name == "ref" and child.get("target"):
                related.append(Related(child.get("target").strip().lower(),
                                       (child.text or "see-also").strip()))
            elif name in ("langSet", "langSec"):  # TBX v2, TBX v3
                lang = (child.get(XML_LANG) or "").split("-")[0].lower()
                if lang not in forms:
                    continue
                for tig in child:
                    if _local(tig.tag) not in ("tig", "ntig", "termSec"):
                        continue
                    term = next((t for t in tig.iter() if _local(t.tag) == "term"), None)
                    if term is None or not "".join(term.itertext()).strip():
                        continue
                    status = "variant"
                    for tn in tig.iter():
                        if _local(tn.tag) == "termNote" and tn.get("type") == \
                                "administrativeStatus":
                            status = TBX_TO_STATUS.get((tn.text or "").strip(), "variant")
                    forms[lang].append(("".join(term.itertext()).strip(), status))
        if not forms["en"]:
            raise WorkbenchError(f"{where} has no English term", path=p, line=te.sourceline)
        if not forms["ar"]:
            raise WorkbenchError(f"{where} has no Arabic term", path=p, line=te.sourceline)
        preferred = [f for f, s in forms["en"] if s == "preferred"]
        en = preferred[0] if preferred else forms["en"][0][0]
        entries.append(Entry(
            id=eid, type=etype, en=en, ar=[f for f, _ in forms["ar"]],
            variants=[f for f, s in forms["en"] if f != en and s in ("variant", "preferred")],
            deprecated=[f for f, s in forms["en"] if s == "deprecated"],
            forbidden=[f for f, s in forms["en"] if s == "forbidden"],
            related=related, note=note, path=p, line=te.sourceline))
    return entries
