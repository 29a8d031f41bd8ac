"""One registry of the workbench's key bindings: id, action, default keys, palette name.

Every action has a binding id (as posting and harlequin do), so that the user's
configuration can remap it (``tui.keymap: {accept_next: f5}``), the command palette
can list it by name and the help screen and ``workbench tui --keys`` can print the keys
in effect.  The defaults work in plain xterm and tmux; the CAT-tool habit (Ctrl+Enter,
Ctrl+digit) is an extra key where the terminal sends it.  No Textual import here
except the Binding records made at the end, so the registry can be checked cheaply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from workbench.errors import WorkbenchError

__all__ = [
    "ACTIONS",
    "Action",
    "bindings",
    "by_id",
    "check_keymap",
    "effective_keys",
    "keys_table",
]


@dataclass(frozen=True)
class Action:
    id: str
    action: str          # the screen's (or app's) action, with arguments
    keys: str            # default keys, comma separated
    name: str            # the palette name
    help: str
    scope: str = "translate"   # app | translate | review | glossary | concordance | findings
    show: bool = False   # in the footer


ACTIONS: tuple[Action, ...] = (
    Action("accept_next", "accept_next", "ctrl+enter,ctrl+j,f9", "Accept and next",
           "store the editor text as translated (into the memory); go to the next "
           "untranslated link", show=True),
    Action("next_untranslated", "goto('untranslated', 1)", "ctrl+down,f8",
           "Next untranslated", "move to the next link that is not translated", show=True),
    Action("prev_untranslated", "goto('untranslated', -1)", "ctrl+up,shift+f8",
           "Previous untranslated", "move to the previous link that is not translated"),
    Action("next_finding", "goto('findings', 1)", "f7,alt+down", "Next finding",
           "move to the next link with an open term finding"),
    Action("prev_finding", "goto('findings', -1)", "shift+f7,alt+up", "Previous finding",
           "move to the previous link with an open term finding"),
    Action("proposal_1", "insert_proposal(1)", "alt+1,ctrl+1", "Insert proposal 1",
           "replace the editor text with proposal 1"),
    Action("proposal_2", "insert_proposal(2)", "alt+2,ctrl+2", "Insert proposal 2",
           "replace the editor text with proposal 2"),
    Action("proposal_3", "insert_proposal(3)", "alt+3,ctrl+3", "Insert proposal 3",
           "replace the editor text with proposal 3"),
    Action("insert_rewrite", "insert_rewrite", "ctrl+r,alt+r", "Insert rewrite",
           "the aligned English rewrite with the glossary's fixes applied", show=True),
    Action("apply_fixes", "apply_fixes", "ctrl+g,alt+g", "Apply glossary fixes",
           "replace every variant and deprecated spelling in the editor by the preferred "
           "form", show=True),
    Action("mark_reviewed", "mark_reviewed", "ctrl+o,alt+v", "Mark reviewed",
           "store the editor text with status reviewed (a second pass)"),
    Action("undo", "store_undo", "alt+z", "Undo",
           "undo the last stored change (edit, status, alignment edit); Ctrl+Z undoes typing"),
    Action("redo", "store_redo", "alt+y,alt+shift+z", "Redo", "redo the last undone change"),
    Action("show_terms", "show_terms", "f3,alt+t", "Show glossary terms",
           "the glossary entries of the terms in this link's Arabic"),
    Action("export_tmx", "export('tmx')", "alt+x", "Export TMX",
           "the accepted pairs as TMX 1.4b"),
    Action("export_xliff", "export('xliff')", "alt+l", "Export XLIFF",
           "the project as XLIFF 2.0"),
    Action("export_txt", "export('txt')", "alt+e", "Export text", "the English translation"),
    Action("filter_all", "set_filter('all')", "alt+0", "Filter: all", "show every link"),
    Action("filter_untranslated", "set_filter('untranslated')", "alt+u",
           "Filter: untranslated", "only links not yet translated"),
    Action("filter_findings", "set_filter('findings')", "alt+f", "Filter: findings",
           "only links with open term findings"),
    Action("filter_low", "set_filter('low')", "alt+c", "Filter: low confidence",
           "only links the aligner was unsure of"),
    Action("cycle_filter", "cycle_filter", "f4", "Filter: next",
           "cycle through the filters", show=True),
    Action("focus_list", "focus_list", "escape", "Focus segment list",
           "move the focus to the segment list (Enter goes back to the editor)"),
    Action("review", "open_screen('review')", "f5,alt+a", "Review alignment",
           "the alignment review screen: check, fix and confirm links", show=True),
    Action("glossary", "open_screen('glossary')", "f6,alt+k", "Glossary",
           "search the glossary, see an entry and where it occurs, add terms"),
    Action("concordance", "open_screen('concordance')", "ctrl+f,alt+s", "Concordance",
           "search a word or phrase in the project, the memory and the corpora"),
    Action("findings", "open_screen('findings')", "f2,alt+i", "Findings",
           "every open term finding of the project"),
    Action("add_term", "add_term", "alt+n", "Add term from selection",
           "a new glossary entry from the Arabic and the selected English"),
    # ---- the alignment review screen (workbench/tui/screens/review.py)
    Action("next_doubtful", "next_doubtful", "n,f8", "Next doubtful link",
           "the lowest-confidence link not yet confirmed", scope="review", show=True),
    Action("confirm", "confirm", "c,space", "Confirm link",
           "mark the link checked: re-alignment keeps it", scope="review", show=True),
    Action("merge_next", "merge_next", "m", "Merge with next link",
           "one link of this link and the next", scope="review", show=True),
    Action("split", "split", "s", "Split link", "split the link at a segment boundary",
           scope="review", show=True),
    Action("move_boundary", "move_boundary", "b", "Move boundary",
           "move the boundary with the next link by one segment", scope="review", show=True),
    Action("unlink", "unlink", "u", "Unlink segment",
           "detach a segment into a deletion or an insertion", scope="review", show=True),
    Action("link_to", "link_to", "l", "Link to...",
           "link a deletion to an insertion", scope="review", show=True),
    Action("realign", "realign", "r", "Realign unconfirmed",
           "align again the links not confirmed, keeping the confirmed ones", scope="review", show=True),
    Action("toggle_unit", "toggle_unit", "t", "Paragraphs / sentences",
           "show the current link's paragraphs whole or cut into sentences", scope="review"),
    Action("sort_confidence", "toggle_sort", "o", "Sort by confidence",
           "list the links from the least confident, or in source order again",
           scope="review"),
    # ---- the glossary screen (workbench/tui/screens/glossary.py)
    Action("add_variant", "add_variant", "alt+v", "Add variant",
           "record an English spelling as a variant or deprecated form of this entry",
           scope="glossary", show=True),
    Action("mine_terms", "mine_terms", "alt+m", "Mine new terms",
           "candidate names from the project's texts, with their evidence",
           scope="glossary", show=True),
    # ---- the findings screen (workbench/tui/screens/findings.py)
    Action("apply_fix", "apply_fix", "f,ctrl+g", "Apply fix",
           "apply the fix of a variant finding", scope="findings", show=True),
    Action("dismiss_finding", "dismiss_finding", "alt+d", "Dismiss finding",
           "the finding is fine as it is: not reported again for this text (kept in the "
           "project; Alt+Z undoes)", scope="findings", show=True),
    Action("display_app", "arabic_display('app')", "", "Arabic display: app",
           "the workbench shapes and reorders Arabic itself (xterm, tmux, alacritty)"),
    Action("display_terminal", "arabic_display('terminal')", "", "Arabic display: terminal",
           "hand logical Arabic to a terminal that reorders it (GNOME Terminal, Konsole)"),
    Action("help", "app.help", "f1,question_mark", "Help", "this list of keys",
           scope="app", show=True),
    Action("quit", "app.quit", "ctrl+q", "Quit", "leave (there is nothing to save)",
           scope="app", show=True),
)

_BY_ID = {a.id: a for a in ACTIONS}
_MODIFIERS = {"ctrl", "alt", "shift", "super", "meta", "hyper"}
_KEY = re.compile(r"^[a-z0-9_]+$")


def by_id(binding_id: str) -> Action:
    return _BY_ID[binding_id]


def _known_key(name: str) -> bool:
    from textual.keys import Keys, _character_to_key

    if len(name) == 1:
        return True
    if name in {k.value for k in Keys}:
        return True
    if re.fullmatch(r"f([1-9]|1[0-9]|2[0-4])", name):
        return True
    try:
        return _character_to_key(name) != name or name in {
            "enter", "escape", "space", "tab", "backspace", "delete", "insert", "home", "end",
            "pageup", "pagedown", "up", "down", "left", "right", "question_mark"}
    except Exception:  # noqa: BLE001 - a private helper; be lenient
        return bool(_KEY.match(name))


def _check_key(binding_id: str, keys: str) -> str:
    out = []
    for key in (k.strip() for k in str(keys).split(",")):
        parts = key.split("+")
        base, mods = parts[-1], parts[:-1]
        if not key or not base or any(m not in _MODIFIERS for m in mods) or not (
                len(base) == 1 or _KEY.match(base)) or not _known_key(base):
            raise WorkbenchError(f"tui.keymap: {binding_id}: {key!r} is not a key "
                                 "(examples: f9, ctrl+g, alt+1, ctrl+enter)")
        out.append(key)
    return ",".join(out)


def check_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """The user's keymap checked: known binding ids, key names Textual knows."""
    out = {}
    for binding_id, keys in (keymap or {}).items():
        if binding_id not in _BY_ID:
            raise WorkbenchError(f"tui.keymap: unknown binding id {binding_id!r} (known: "
                                 f"{', '.join(sorted(_BY_ID))})")
        out[binding_id] = _check_key(binding_id, keys)
    return out


def effective_keys(keymap: Mapping[str, str] | None = None) -> dict[str, str]:
    """Binding id -> the keys in effect after the user's keymap."""
    keymap = check_keymap(keymap or {})
    return {a.id: keymap.get(a.id, a.keys) for a in ACTIONS}


def keys_table(keymap: Mapping[str, str] | None = None) -> list[tuple[str, str, str, str]]:
    """(palette name, keys, binding id, help) for every action, as the help screen shows."""
    keys = effective_keys(keymap)
    return [(a.name, keys[a.id] or "(palette)", a.id, a.help) for a in ACTIONS]


def bindings(scope: str, also: tuple[str, ...] = (), quiet: tuple[str, ...] = ()) -> list:
    """Textual Binding records of ``scope`` (and of the actions ``also`` names, such as
    undo and redo on every screen that edits the store, and ``quiet`` ones, not shown in
    the footer), each with its id, so that one keymap entry remaps the key on every
    screen."""
    from textual.binding import Binding

    return [Binding(a.keys, a.action, a.name, show=(a.show or a.id in also)
                    and a.id not in quiet, id=a.id, priority=a.id == "quit")
            for a in ACTIONS if (a.scope == scope or a.id in also + quiet) and a.keys]
