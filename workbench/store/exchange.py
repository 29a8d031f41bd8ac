"""Moving a project's work to and from other tools: TMX, XLIFF 2.0, CSV and plain text.

* :func:`export_project` writes the accepted pairs as TMX (or the whole memory),
  every segment as XLIFF 2.0 (with open terminology findings as notes), a CSV
  table of the links, or the English text of the translation.
* :func:`import_file` reads TMX into the translation memory, or an XLIFF file
  exported from this project back into it (targets and states).  Either the
  whole file is taken in one transaction or, if anything is wrong with it,
  nothing in the project changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import OutputFileError, WorkbenchError
from workbench.formats.tmx import TMUnit, load_tmx, write_tmx
from workbench.formats.xliff import (
    STATE_OF_STATUS,
    XliffNote,
    XliffUnit,
    read_xliff,
    write_xliff,
)
from workbench.store.project import ConflictError, Project, ProjectLink
from workbench.textio import write_text_atomic

__all__ = ["EXPORT_FORMATS", "ExportResult", "ImportResult", "export_project", "import_file",
           "import_tmx", "import_xliff", "term_findings",
           "detect_format"]

EXPORT_FORMATS = ("tmx", "xliff", "csv", "txt")


@dataclass
class ExportResult:
    format: str
    path: Path
    count: int          # units / rows / paragraphs written
    findings: int = 0   # terminology notes (XLIFF)

    def describe(self) -> str:
        what = {"tmx": "translation units", "xliff": "units", "csv": "rows",
                "txt": "paragraphs"}[self.format]
        extra = f", {self.findings} terminology notes" if self.format == "xliff" else ""
        return f"wrote {self.count} {what}{extra} to {self.path}"


@dataclass
class ImportResult:
    format: str
    path: Path
    added: int = 0      # TM units added
    updated: int = 0    # links whose target or status changed
    unchanged: int = 0
    skipped: int = 0    # TMX units without both languages, duplicates

    def describe(self) -> str:
        if self.format == "tmx":
            return (f"{self.path}: {self.added} translation units added to the memory"
                    f" ({self.skipped} skipped: already there or not Arabic-English)")
        return (f"{self.path}: {self.updated} segments updated, {self.unchanged} unchanged")


# --------------------------------------------------------------------------- glossary


def term_findings(project: Project, glossary: Any,
                  links: list[ProjectLink] | None = None) -> dict[int, list[Any]]:
    """Open terminology findings per link id (links with source text only)."""
    if glossary is None:
        return {}
    from workbench.glossary.qa import check_segments

    links = [lk for lk in (links if links is not None else project.links()) if not lk.is_insertion]
    findings = check_segments(glossary, [lk.source_text for lk in links],
                              [lk.target_text for lk in links])
    out: dict[int, list[Any]] = {}
    for f in findings:
        out.setdefault(links[f.segment].id, []).append(f)
    return out


def _finding_note(f: Any) -> XliffNote:
    d = f.to_dict() if hasattr(f, "to_dict") else dict(vars(f))
    parts = [f"{d.get('kind', 'term')}: {d.get('term', '')}".strip()]
    if d.get("expected"):
        parts.append(f"expected {d['expected']!r}")
    if d.get("found"):
        parts.append(f"found {d['found']!r}")
    if d.get("fix"):
        parts.append(f"fix: {d['fix']}")
    priority = 1 if d.get("kind") in ("forbidden", "missing") else 2
    return XliffNote(", ".join(parts), category="terminology", priority=priority)


# --------------------------------------------------------------------------- export


def _tm_units(project: Project, links: list[ProjectLink], *, all_links: bool) -> list[TMUnit]:
    segs = project.segments("source")
    units = []
    for lk in links:
        if lk.is_insertion or not lk.target_text.strip():
            continue
        if not all_links and not lk.accepted:
            continue
        prev = segs[lk.src[0] - 1].text if lk.src[0] > 0 else None
        nxt = segs[lk.src[-1] + 1].text if lk.src[-1] + 1 < len(segs) else None
        units.append(TMUnit(source=lk.source_text, target=lk.target_text,
                            created_at=lk.updated_at, changed_at=lk.updated_at,
                            note=f"link {lk.as_link().format(False)}, {lk.status}",
                            context_prev=prev, context_next=nxt,
                            origin=project.pair_id or project.path.name, id=f"l{lk.id}"))
    return units


def export_project(project: Project, fmt: str, out: str | Path, *, all_links: bool = False,
                   memory: bool = False, glossary: Any = None) -> ExportResult:
    """Write the project as ``fmt`` (tmx, xliff, csv, txt) to ``out`` (atomically).

    TMX holds the accepted links (``all_links``: every link with text; ``memory``:
    the project's whole translation memory, imported units included).  XLIFF holds
    every link with source text; with a ``glossary`` its open findings become notes.
    """
    try:
        return _export(project, fmt, Path(out), all_links=all_links, memory=memory,
                       glossary=glossary)
    except OSError as exc:
        raise WorkbenchError(f"cannot write the export: {exc.strerror or exc}", path=out) from None
    except OutputFileError as exc:
        if getattr(exc, "reason", None) is None:
            raise
        raise WorkbenchError(f"cannot write the export: {exc.reason}", path=out) from None


def _export(project: Project, fmt: str, out: Path, *, all_links: bool, memory: bool,
            glossary: Any) -> ExportResult:
    links = project.links()
    if fmt == "tmx":
        if memory:
            units = [TMUnit(source=u["source"], target=u["target"], created_at=u["created_at"],
                            note=u["note"], context_prev=u["context_prev"],
                            context_next=u["context_next"], origin=u["origin"],
                            id=f"tm{u['id']}") for u in project.memory_units()]
        else:
            units = _tm_units(project, links, all_links=all_links)
        if not units:
            raise WorkbenchError("nothing to export: no segment is accepted yet (accept some, "
                                 "or export all segments with --all)" if not memory else
                                 "nothing to export: the translation memory is empty")
        n = write_tmx(units, out, source_lang=project.source_language,
                      target_lang=project.target_language, unit=project.unit)
        return ExportResult("tmx", out, n)
    if fmt == "xliff":
        findings = term_findings(project, glossary, links)
        units = []
        for lk in links:
            if lk.is_insertion:
                continue
            state, sub = STATE_OF_STATUS[lk.status]
            units.append(XliffUnit(
                id=f"u{lk.id}", source=lk.source_text, target=lk.target_text, state=state,
                sub_state=sub, notes=[_finding_note(f) for f in findings.get(lk.id, [])],
                link_id=lk.id, version=lk.version, src=lk.src, tgt=lk.tgt))
        n = write_xliff(units, out, source_lang=project.source_language,
                        target_lang=project.target_language,
                        original=project.pair_id or project.path.name)
        return ExportResult("xliff", out, n, sum(len(v) for v in findings.values()))
    if fmt == "csv":
        from workbench.formats.project_csv import write_links_csv

        n = write_links_csv(links, out)
        return ExportResult("csv", out, n)
    if fmt == "txt":
        from workbench.formats.txt import translation_text

        text, n = translation_text(links, project.segments("source"), project.unit)
        write_text_atomic(out, text)
        return ExportResult("txt", out, n)
    raise WorkbenchError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")


# --------------------------------------------------------------------------- import


def detect_format(path: str | Path) -> str:
    """``tmx`` or ``xliff``, from the root element (falling back to the extension)."""
    p = Path(path)
    head = b""
    try:
        with open(p, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise WorkbenchError(f"cannot read the file: {exc.strerror}", path=p) from None
    if b"<tmx" in head:
        return "tmx"
    if b"<xliff" in head or b":xliff" in head:
        return "xliff"
    ext = p.suffix.lower()
    if ext == ".tmx":
        return "tmx"
    if ext in (".xlf", ".xliff", ".xlf2"):
        return "xliff"
    raise WorkbenchError("cannot tell the format: expected a TMX (<tmx>) or XLIFF 2.0 "
                         "(<xliff>) file", path=p)


def import_file(project: Project, path: str | Path, *, force: bool = False) -> ImportResult:
    fmt = detect_format(path)
    if fmt == "tmx":
        return import_tmx(project, path)
    return import_xliff(project, path, force=force)


def import_tmx(project: Project, path: str | Path) -> ImportResult:
    """Add the Arabic-English units of a TMX file to the project's translation memory."""
    p = Path(path)
    tmx = load_tmx(p, source_lang=project.source_language, target_lang=project.target_language,
                   check_scripts=True)  # swapped xml:lang labels are refused
    for u in tmx.units:
        if not u.origin:
            u.origin = f"tmx:{p.name}"
    added = project.add_memory_units([u.as_memory_unit() for u in tmx.units],
                                     origin=f"tmx:{p.name}")
    return ImportResult("tmx", p, added=added,
                        skipped=tmx.skipped + len(tmx.units) - added)


def _squash(text: str) -> str:
    return " ".join(text.split())


def import_xliff(project: Project, path: str | Path, *, force: bool = False) -> ImportResult:
    """Take the targets and states of an XLIFF file exported from this project.

    Every unit must name a link of this project whose source text is the same.
    If a link changed in the project since the export (its version differs) and
    the file's target differs from the project's, the import is refused with
    :class:`ConflictError` (``force`` imports over such changes; the history keeps
    the overwritten text, and one undo reverts the whole import).
    """
    p = Path(path)
    doc = read_xliff(p, source_lang=project.source_language, target_lang=project.target_language)
    by_id = {lk.id: lk for lk in project.links()}
    edits, conflicts = [], []
    unchanged = 0
    for u in doc.units:
        if u.link_id is None:
            raise WorkbenchError(f"unit {u.id!r} has no workbench link id (wb:link); only XLIFF "
                                 "files exported by `workbench project export` can be imported",
                                 path=p)
        lk = by_id.get(u.link_id)
        if lk is None:
            raise WorkbenchError(f"unit {u.id!r}: this project has no link {u.link_id} (the file "
                                 "belongs to another project, or the alignment was changed since "
                                 "the export)", path=p)
        if _squash(u.source) != _squash(lk.source_text):
            raise WorkbenchError(f"unit {u.id!r}: its source text differs from link {lk.id} of "
                                 "this project (the file belongs to another project?)", path=p)
        if u.target is None:
            unchanged += 1
            continue
        status = u.status
        new_status = status or lk.status
        if u.target == lk.target_text and new_status == lk.status:
            unchanged += 1
            continue
        if u.version is not None and u.version != lk.version and not force:
            conflicts.append(f"{u.id} (link {lk.id}: version {u.version} exported, now "
                             f"{lk.version})")
            continue
        edits.append((lk.id, u.target, status, lk.version))
    if conflicts:
        more = f" and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
        raise ConflictError("nothing imported: these segments were changed in the project since "
                            f"the export: {'; '.join(conflicts[:5])}{more}; re-export, or import "
                            "with --force to overwrite them (undo can revert)", path=p)
    if edits:
        project.apply_edits(edits, kind="import")
    return ImportResult("xliff", p, updated=len(edits), unchanged=unchanged)
