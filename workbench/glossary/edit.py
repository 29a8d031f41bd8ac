"""Editing glossary files: canonical formatting, appending entries, rendering YAML.

* :func:`format_text` rewrites a glossary file in the canonical style (keys in
  the order ``id type en ar variants deprecated forbidden related note`` then
  extra fields; term lists and related items in flow style; forms double
  quoted) with ruamel.yaml's round-trip mode, so comments stay with their
  entries.  Entry order is kept unless ``sort=True`` (by type, then id).
* :func:`add_entry` appends an entry to a file as text (nothing else in the file
  changes), after checking that the merged glossary still lints clean.
* :func:`entries_yaml` renders entries as a new glossary file in the same style.

No file is written unless it is valid.  Writes hold the file's lock, re-read it under
the lock and replace it atomically, refusing when it changed since it was read
(:mod:`.filelock`): parallel writers never lose each other's entries.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Iterable

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString as DQ

from workbench.errors import WorkbenchError
from workbench.glossary.filelock import locked_file
from workbench.glossary.load import ENTRY_KEYS, GlossaryError, lint_glossary
from workbench.glossary.model import TYPES, Entry
from workbench.textio import read_text
from workbench.yamlio import load_yaml_text

__all__ = ["format_text", "format_file", "add_entry", "add_forms", "entries_yaml", "entry_yaml",
           "default_file_for", "TYPE_FILES"]

#: where ``add`` puts an entry of each type by default (in the first glossary folder)
TYPE_FILES = {"faction": "factions.yaml", "place": "places.yaml", "person": "people.yaml",
              "organization": "organizations.yaml", "other": "other.yaml"}
_FORM_LISTS = ("ar", "variants", "deprecated", "forbidden", "ambiguous", "homonyms", "senses")


def _yaml() -> YAML:
    y = YAML()  # round-trip
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # never wrap inside a form or a flow list
    y.allow_unicode = True
    y.preserve_quotes = False
    return y


def _flow(items: Iterable[Any]) -> CommentedSeq:
    seq = CommentedSeq(DQ(str(v)) if isinstance(v, str) else v for v in items)
    seq.fa.set_flow_style()
    return seq


def _style_entry(entry: CommentedMap) -> None:
    """Canonical key order and styles, in place (comments keyed by key move with it)."""
    order = [k for k in ENTRY_KEYS if k in entry] + [k for k in entry if k not in ENTRY_KEYS]
    for key in order:
        entry.move_to_end(key)
    for key in ("en", "note"):
        if isinstance(entry.get(key), str) and "\n" not in entry[key]:
            entry[key] = DQ(entry[key])
    for key in _FORM_LISTS:
        value = entry.get(key)
        if isinstance(value, str):
            entry[key] = _flow([value])
        elif isinstance(value, list):
            if isinstance(value, CommentedSeq):
                for i, v in enumerate(value):
                    if isinstance(v, str):
                        value[i] = DQ(v)
                value.fa.set_flow_style()
            else:
                entry[key] = _flow(value)
    related = entry.get("related")
    if isinstance(related, list):
        if not isinstance(related, CommentedSeq):
            related = CommentedSeq(related)
            entry["related"] = related
        related.fa.set_block_style()
        for i, item in enumerate(related):
            if isinstance(item, dict):
                m = item if isinstance(item, CommentedMap) else CommentedMap(item)
                m.fa.set_flow_style()
                related[i] = m


def _dump(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def format_text(text: str, path: str | Path = "<glossary>", *, sort: bool = False) -> str:
    """The glossary file ``text`` in canonical style (the caller has linted it)."""
    try:
        data = _yaml().load(text)
    except Exception as exc:  # ruamel raises many types; the file was linted first
        raise GlossaryError(f"cannot parse for formatting: {exc}".splitlines()[0],
                            path=path) from None
    if not isinstance(data, CommentedMap):
        return text
    entries = data.get("entries")
    if isinstance(entries, list):
        for e in entries:
            if isinstance(e, CommentedMap):
                _style_entry(e)
        if sort:
            keyed = sorted(entries, key=lambda e: (
                TYPES.index(e["type"]) if e.get("type") in TYPES else len(TYPES), str(e["id"])))
            entries[:] = keyed
    out = _dump(data)
    return _blank_lines_between_entries(out)


_ENTRY_START = re.compile(r"^  - id:", re.MULTILINE)


def _blank_lines_between_entries(text: str) -> str:
    """One blank line before every entry but the first (the house layout)."""
    lines = text.split("\n")
    out: list[str] = []
    first = True
    for line in lines:
        if line.startswith("  - id:"):
            if not first:
                # drop blank lines already there, keep comments that precede the entry
                k = len(out)
                while k > 0 and out[k - 1].lstrip().startswith("#"):
                    k -= 1
                while k > 0 and out[k - 1].strip() == "":
                    out.pop(k - 1)
                    k -= 1
                out.insert(k, "")
            first = False
        out.append(line)
    return "\n".join(out)


def format_file(path: str | Path, *, sort: bool = False, check: bool = False,
                glossary_paths: list[Path] | None = None, expected_hash: str | None = None
                ) -> bool:
    """Rewrite ``path`` in canonical style; True if it changed (with ``check``, only report).

    ``expected_hash`` (:func:`~.filelock.file_hash`): refuse if the file is no longer the
    one the caller read.
    """
    p = Path(path)
    with locked_file(p, expected=expected_hash) as f:
        text = f.text
        report = lint_glossary([p], near_duplicates=False, overrides={p: text})
        if report.errors:
            first = report.errors[0]
            raise GlossaryError(f"not formatting an invalid glossary: {first.message}",
                                path=first.path, line=first.line, column=first.col)
        new = format_text(text, p, sort=sort)
        if new == text:
            return False
        # the formatted file must mean the same as the original
        before = {e.id: e.to_dict() for e in report.glossary}
        after_report = lint_glossary([p], near_duplicates=False, overrides={p: new})
        after = {e.id: e.to_dict() for e in after_report.glossary}
        if after_report.errors or before != after:
            raise GlossaryError("formatting would change the glossary's content; file left as "
                                "is", path=p)
        if not check:
            f.write(new)
        return True


def entry_yaml(entry: Entry) -> str:
    """One entry as a block of YAML list item lines (indented for an ``entries:`` list)."""
    data = CommentedMap()
    for k, v in entry.to_dict().items():
        data[k] = v
    _style_entry(data)
    text = _dump(CommentedMap(entries=CommentedSeq([data])))
    return text.split("\n", 1)[1]  # drop the "entries:" line


def entries_yaml(entries: Iterable[Entry], header: str = "") -> str:
    blocks = [entry_yaml(e).rstrip("\n") for e in entries]
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return head + "entries:\n" + "\n\n".join(blocks) + "\n"


def default_file_for(entry_type: str, glossary_paths: list[Path]) -> Path:
    folder = next((p for p in glossary_paths if p.is_dir()), None)
    if folder is None:
        raise WorkbenchError("no glossary folder configured; give --file")
    return folder / TYPE_FILES.get(entry_type, "other.yaml")


def add_entry(entry: Entry, path: str | Path, *, glossary_paths: list[Path],
              dry_run: bool = False, expected_hash: str | None = None) -> str:
    """Append ``entry`` to the glossary file ``path`` (created if missing); returns the new text.

    The merged glossary (``glossary_paths`` plus ``path``) must lint clean with the
    new entry, or :class:`GlossaryError` is raised and nothing is written.  The file
    is read and written under its lock; ``expected_hash`` (:func:`~.filelock.file_hash`
    of the file the caller showed) refuses a file changed since.
    """
    p = Path(path)
    if dry_run:  # nothing is written: no lock (and no lock file) needed
        old = read_text(p, what="glossary file", allow_empty=True) if p.exists() else ""
        return _with_entry(entry, p, old, glossary_paths)
    with locked_file(p, expected=expected_hash) as f:
        new = _with_entry(entry, p, f.text, glossary_paths)
        f.write(new)
    return new


def _with_entry(entry: Entry, p: Path, old: str, glossary_paths: list[Path]) -> str:
    if old.strip():
        existing = lint_glossary([p], near_duplicates=False, overrides={p: old})
        if existing.errors:
            first = existing.errors[0]
            raise GlossaryError(f"not adding to an invalid glossary file: {first.message}",
                                path=first.path, line=first.line, column=first.col)
    block = entry_yaml(entry).rstrip("\n") + "\n"
    new = None
    if not old.strip():
        new = "entries:\n" + block
    elif _ends_in_entries_list(old):
        new = old.rstrip("\n") + "\n\n" + block  # a text append: nothing else moves
        if not _appended(new, p, entry.id, _count_entries(old, p)):
            new = None  # an unusual layout: fall back to a round trip
    if new is None:
        data = _yaml().load(old)
        if not isinstance(data, CommentedMap):
            raise GlossaryError("cannot add to this file: it is not a glossary mapping", path=p)
        if data.get("entries") is None:
            data["entries"] = CommentedSeq()
        node = CommentedMap()
        for k, v in entry.to_dict().items():
            node[k] = v
        _style_entry(node)
        data["entries"].append(node)
        new = _dump(data)
    report = lint_glossary(list(glossary_paths) + [p], near_duplicates=False,
                           overrides={p: new})
    if report.errors:
        first = report.errors[0]
        raise GlossaryError(first.message, path=first.path, line=first.line, column=first.col)
    return new


def _ends_in_entries_list(text: str) -> bool:
    """True if ``text``'s last top-level key is a block-style ``entries:`` list."""
    top = list(re.finditer(r"^([A-Za-z_][\w-]*)\s*:(.*)$", text, re.MULTILINE))
    if not top:
        return False
    key, rest = top[-1].group(1), top[-1].group(2).strip()
    return key == "entries" and (rest == "" or rest.startswith("#"))


def _count_entries(text: str, path: Path) -> int:
    data = load_yaml_text(text, path, GlossaryError)
    entries = data.get("entries") if isinstance(data, dict) else None
    return len(entries) if isinstance(entries, list) else 0


def _appended(text: str, path: Path, entry_id: str, before: int) -> bool:
    """Does ``text`` parse to the old entries plus ``entry_id`` at the end?"""
    try:
        data = load_yaml_text(text, path, GlossaryError)
    except GlossaryError:
        return False
    entries = data.get("entries") if isinstance(data, dict) else None
    return (isinstance(entries, list) and len(entries) == before + 1
            and isinstance(entries[-1], dict) and str(entries[-1].get("id")) == entry_id)


_ADDABLE = ("ar", "variants", "deprecated", "forbidden")


def add_forms(entry_id: str, path: str | Path, forms: dict[str, Iterable[str]], *,
              glossary_paths: list[Path], dry_run: bool = False,
              expected_hash: str | None = None) -> str:
    """Add forms (``{"variants": [...], "deprecated": [...], "ar": [...]}``) to the entry
    ``entry_id`` of the glossary file ``path``; returns the new text.

    A round trip through ruamel.yaml (comments stay with their entries) in the canonical
    style of :func:`format_text`, under the file's lock; the merged glossary must lint
    clean afterwards and no other entry may change, or nothing is written.
    """
    bad = set(forms) - set(_ADDABLE)
    if bad:
        raise GlossaryError(f"cannot add {sorted(bad)[0]!r} forms ({', '.join(_ADDABLE)})")
    p = Path(path)

    def build(old: str) -> str:
        before = lint_glossary([p], near_duplicates=False, overrides={p: old})
        if before.errors:
            first = before.errors[0]
            raise GlossaryError(f"not editing an invalid glossary file: {first.message}",
                                path=first.path, line=first.line, column=first.col)
        data = _yaml().load(old)
        entries = data.get("entries") if isinstance(data, CommentedMap) else None
        node = next((e for e in entries or [] if isinstance(e, CommentedMap)
                     and str(e.get("id")) == entry_id), None)
        if node is None:
            raise GlossaryError(f"no entry {entry_id!r} in this file", path=p)
        added = 0
        for key in _ADDABLE:
            new_forms = [str(f).strip() for f in forms.get(key, ()) if str(f).strip()]
            have = node.get(key)
            have = [have] if isinstance(have, str) else list(have or [])
            todo = [f for f in dict.fromkeys(new_forms) if f not in have]
            if not todo:
                continue
            node[key] = have + todo
            added += len(todo)
        if not added:
            raise GlossaryError(f"{entry_id!r} already has these forms", path=p)
        for e in entries:
            if isinstance(e, CommentedMap):
                _style_entry(e)
        new = _blank_lines_between_entries(_dump(data))
        report = lint_glossary(list(glossary_paths) + [p], near_duplicates=False,
                               overrides={p: new})
        if report.errors:
            first = report.errors[0]
            raise GlossaryError(first.message, path=first.path, line=first.line,
                                column=first.col)
        after = lint_glossary([p], near_duplicates=False, overrides={p: new})
        olds = {e.id: e.to_dict() for e in before.glossary if e.id != entry_id}
        news = {e.id: e.to_dict() for e in after.glossary if e.id != entry_id}
        if olds != news:
            raise GlossaryError("adding the forms would change other entries; file left as is",
                                path=p)
        return new

    if dry_run:
        return build(read_text(p, what="glossary file"))
    with locked_file(p, expected=expected_hash) as f:
        new = build(f.text)
        f.write(new)
    return new
