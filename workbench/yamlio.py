"""Safe YAML loading that remembers where every mapping, key and list item came from.

``load_yaml`` uses a SafeLoader subclass (tags never construct objects or run
code) whose mappings are :class:`LineDict` and whose sequences are
:class:`LineList`.  Both carry ``line``/``col`` (1-based) of the node, and
``pos(key_or_index)`` for a child, so validators can report ``file:line:col``.
Syntax errors become a :class:`~workbench.errors.WorkbenchError` with the
position YAML reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from workbench.errors import WorkbenchError
from workbench.textio import read_text

__all__ = ["LineDict", "LineList", "load_yaml", "load_yaml_text", "position"]


class LineDict(dict):
    line: int = 0
    col: int = 0
    key_pos: dict

    def pos(self, key: Any) -> tuple[int, int]:
        return getattr(self, "key_pos", {}).get(key, (self.line, self.col))


class LineList(list):
    line: int = 0
    col: int = 0
    item_pos: list

    def pos(self, index: int) -> tuple[int, int]:
        items = getattr(self, "item_pos", [])
        return items[index] if 0 <= index < len(items) else (self.line, self.col)


#: The most nodes a document may expand to once aliases are followed.  A YAML
#: "billion laughs" (aliases of aliases) is a few lines that expand to billions.
MAX_EXPANDED_NODES = 2_000_000


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Nodes of ``root`` counting every alias as a full copy (stops past ``limit``)."""
    memo: dict[int, int] = {}
    # iterative post-order walk: nodes can nest deeply
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            if isinstance(node, yaml.MappingNode):
                kids = [n for kv in node.value for n in kv]
            elif isinstance(node, yaml.SequenceNode):
                kids = list(node.value)
            else:
                kids = []
            total = 1 + sum(memo.get(id(k), 1) for k in kids)
            memo[key] = total
            if total > limit:
                return total
            continue
        if key in memo or key in on_path:
            continue  # a recursive alias is a cycle, counted once
        on_path.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append((k, False))
                stack.append((v, False))
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                stack.append((child, False))
    return memo.get(id(root), 1)


class _BombCheck:
    """Mixed into the loaders: refuse a document whose aliases expand too far."""

    def get_single_data(self):  # type: ignore[override]
        node = self.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, MAX_EXPANDED_NODES)
        if size > MAX_EXPANDED_NODES:
            raise _AliasBomb(node.start_mark)
        return self.construct_document(node)


class _AliasBomb(Exception):
    def __init__(self, mark) -> None:
        self.mark = mark


class _Loader(_BombCheck, yaml.SafeLoader):
    pass


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    d = LineDict()
    d.line, d.col = _mark(node)
    d.key_pos = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        if key in d:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        d[key] = loader.construct_object(value_node, deep=True)
        d.key_pos[key] = _mark(value_node)
    return d


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    lst = LineList(loader.construct_object(child, deep=True) for child in node.value)
    lst.line, lst.col = _mark(node)
    lst.item_pos = [_mark(child) for child in node.value]
    return lst


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _fast_loader():
    """A libyaml (C) safe loader building the same line-numbered mappings and lists as
    ``_Loader``, or None without libyaml.  Files of thousands of entries (glossaries)
    load several times faster with it."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None

    class _CLoader(_BombCheck, yaml.CSafeLoader):
        pass

    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    return _CLoader


_FAST_LOADER = _fast_loader()


_BOMB_MESSAGE = (f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values (an alias "
                 "bomb?); refused")


def load_yaml_text(text: str, path: str | Path = "<yaml>",
                   error: type[WorkbenchError] = WorkbenchError, *, fast: bool = False) -> Any:
    """Parse YAML text safely; errors name the file, line and column.

    ``fast`` parses with libyaml when it is available (the same result); a syntax error
    is then reported by the reference loader, whose messages and positions are the ones
    documented.
    """
    if fast and _FAST_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a CSafeLoader subclass
        except yaml.YAMLError:
            pass  # the reference loader below produces the error message and position
        except RecursionError:
            raise error("YAML nesting is too deep", path=path) from None
        except _AliasBomb as exc:
            raise error(_BOMB_MESSAGE, path=path, line=exc.mark.line + 1) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is not None:
            raise error(f"YAML error: {problem}", path=path, line=mark.line + 1,
                                 column=mark.column + 1) from None
        raise error(f"YAML error: {problem}", path=path) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML error: {exc}", path=path) from None
    except _AliasBomb as exc:
        raise error(_BOMB_MESSAGE, path=path, line=exc.mark.line + 1) from None
    except RecursionError:
        raise error("YAML nesting is too deep", path=path) from None


def load_yaml(path: str | Path, *, what: str = "YAML file", allow_empty: bool = False,
              error: type[WorkbenchError] = WorkbenchError) -> Any:
    return load_yaml_text(read_text(path, what=what, allow_empty=allow_empty), path, error)


def position(container: Any, key: Any) -> tuple[int | None, int | None]:
    """(line, col) of ``container[key]`` if known."""
    if isinstance(container, (LineDict, LineList)):
        return container.pos(key)
    return None, None
