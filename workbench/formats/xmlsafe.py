"""Parsing untrusted XML (TMX, XLIFF, TBX) safely with lxml.

Entity resolution, DTD loading and network access are off; ``huge_tree`` stays
off so libxml2's limits apply; a document that declares entities (billion laughs,
external entities) is refused outright.  Every failure is a
:class:`~workbench.errors.WorkbenchError` naming the file.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from workbench.errors import WorkbenchError
from workbench.textio import MAX_TEXT_BYTES

__all__ = ["parse_xml", "parse_xml_bytes", "safe_parser"]


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


def parse_xml_bytes(data: bytes, path: str | Path = "<xml>", *, what: str = "XML file",
                    ) -> etree._ElementTree:
    """Parse bytes into a tree, refusing DTDs with entity declarations."""
    if not data.strip():
        raise WorkbenchError(f"{what} is empty", path=path)
    head = data[:65536]
    if b"<!ENTITY" in head or b"<!entity" in head:
        raise WorkbenchError(f"{what} declares XML entities; refused for safety "
                             "(entity expansion and external entities are not allowed)", path=path)
    try:
        tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        msg = str(exc.msg if hasattr(exc, "msg") else exc).split(", line")[0]
        raise WorkbenchError(f"{what} is not well-formed XML: {msg}", path=path, line=line) from None
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None and list(docinfo.internalDTD.iterentities()):
        raise WorkbenchError(f"{what} declares XML entities; refused for safety", path=path)
    return tree


def parse_xml(path: str | Path, *, what: str = "XML file",
              max_bytes: int = MAX_TEXT_BYTES) -> etree._ElementTree:
    from workbench.textio import read_bytes

    p = Path(path)
    return parse_xml_bytes(read_bytes(p, what=what, max_bytes=max_bytes), p, what=what)
