"""The main screen's keys, each with an id (for user keymaps) and a tooltip (for the help
and the palette), and the names the help shows them by. The help and the palette read these
tables, so a key cannot be added without showing up in both."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding, BindingType

KEY_NAMES = {
    "down": "↓",
    "up": "↑",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
    "space": "Space",
    "slash": "/",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "ctrl+p": "Ctrl+P",
    "ctrl+s": "Ctrl+S",
    "apostrophe": "'",
    "tilde": "~",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "equals_sign": "=",
}

PALETTE_NAMES = {
    "refresh": "Fetch today's papers",
    "export": "Export reading list…",
    "view.to-bookmarks": "Show bookmarks",
    "view.to-all": "Show all papers",
}
"""Command-palette titles where the footer's short word would not be found by what it does
(the palette searches titles: "fetch", "export")."""


def key_label(keys: str) -> str:
    """'j,down' -> 'j ↓', 'ctrl+k' -> 'Ctrl+K', as a person would write it."""
    return " ".join(_one_key(k.strip()) for k in keys.split(","))


def _one_key(key: str) -> str:
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    *modifiers, name = key.split("+")
    name = KEY_NAMES.get(name, name.upper() if modifiers and len(name) == 1 else name)
    return "+".join([*(m.capitalize() for m in modifiers), name])


def effective_keys(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The keys that run `binding` now: the user's keymap's, else its own."""
    return keymap.get(binding.id or "", binding.key) if binding.id else binding.key


def binding_rows(
    bindings: Iterable[BindingType], keymap: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(keys, what they do) per key, as `keymap` binds them; a key with a binding per view
    (Tab) gets one row."""
    rows: dict[str, str] = {}
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            keys = key_label(effective_keys(binding, keymap or {}))
            what = binding.tooltip or binding.description
            rows[keys] = f"{rows[keys]} / {what}" if keys in rows else what
    return list(rows.items())


MAIN_BINDINGS: list[BindingType] = [
    Binding("slash", "focus_filter", "Filter", tooltip="Type to filter; Esc clears", id="filter"),
    Binding("b", "toggle_bookmark", "Bookmark", tooltip="Bookmark or un-bookmark", id="bookmark"),
    # The screen's own Tab (focus next) is replaced: Tab switches views from every pane. Two
    # bindings so the footer names where Tab goes; the screen's check_action hides the other.
    Binding(
        "tab",
        "show_view('bookmarks')",
        "Bookmarks",
        tooltip="Switch to your bookmarks",
        id="view.to-bookmarks",
    ),
    Binding(
        "tab",
        "show_view('all')",
        "All papers",
        tooltip="Switch back to all papers",
        id="view.to-all",
    ),
    Binding("1", "show_view('all')", "All papers", show=False, id="view.all"),
    Binding("2", "show_view('bookmarks')", "Bookmarks", show=False, id="view.bookmarks"),
    Binding(
        "3",
        "show_view('recommended')",
        "Recommended",
        tooltip="Unread papers closest to your bookmarks",
        show=False,
        id="view.recommended",
    ),
    Binding(
        "tilde",
        "show_similar",
        "Similar",
        tooltip="Papers like the highlighted one (Esc goes back)",
        show=False,
        id="similar",
    ),
    Binding(
        "o",
        "open_link('paper')",
        "Open",
        tooltip=(
            "Open the paper page (Hugging Face or arXiv; else its project page or a title search)"
        ),
        id="open",
    ),
    Binding(
        "c",
        "open_link('code')",
        "Code",
        tooltip="Open the code repository in the browser",
        show=False,
        id="open.code",
    ),
    Binding(
        "p",
        "open_link('pdf')",
        "PDF",
        tooltip="Open the PDF in the browser",
        show=False,
        id="open.pdf",
    ),
    Binding("y", "copy", "Copy", tooltip="Copy title, links, Markdown or BibTeX", id="copy"),
    Binding(
        "s",
        "cycle_state",
        "State",
        tooltip="Bookmark state: to-read → reading → done",
        show=False,
        id="bookmark.state",
    ),
    Binding(
        "S",
        "cycle_state(-1)",
        "State back",
        tooltip="Bookmark state backwards: done → reading → to-read",
        show=False,
        id="bookmark.state.back",
    ),
    Binding(
        "n",
        "edit_note",
        "Note",
        tooltip="Edit the bookmark's note",
        show=False,
        id="bookmark.note",
    ),
    Binding(
        "t",
        "edit_tags",
        "Tags",
        tooltip="Edit the bookmark's tags",
        show=False,
        id="bookmark.tags",
    ),
    Binding(
        "d",
        "remove_bookmark",
        "Remove",
        tooltip="Remove the bookmark (undoable)",
        show=False,
        id="bookmark.remove",
    ),
    Binding(
        "u",
        "undo",
        "Undo",
        tooltip="Undo the last change (bookmark, removal, state, note, tags, hide)",
        show=False,
        id="bookmark.undo",
    ),
    Binding(
        "escape",
        "leave",
        "Back",
        tooltip="Back to the list; clear the filter",
        show=False,
        id="back",
    ),
    Binding(
        "m",
        "toggle_read",
        "Read/unread",
        tooltip="Mark read or unread",
        show=False,
        id="read.toggle",
    ),
    Binding(
        "right_square_bracket",
        "next_day",
        "Next day",
        tooltip="Jump to the next day",
        show=False,
        id="day.next",
    ),
    Binding(
        "left_square_bracket",
        "previous_day",
        "Previous day",
        tooltip="Jump to the start of this or the previous day",
        show=False,
        id="day.previous",
    ),
    Binding(
        "equals_sign",
        "cycle_sort",
        "Sort",
        tooltip="Next sort: rank, upvotes, day, arXiv day, title, relevance",
        show=False,
        id="sort",
    ),
    Binding(
        "r",
        "refresh",
        "Fetch",
        tooltip="Fetch the latest daily list from Hugging Face",
        id="refresh",
    ),
    Binding(
        "ctrl+s",
        "save_search",
        "Save search",
        tooltip="Save the filter under a name",
        show=False,
        id="search.save",
    ),
    Binding(
        "apostrophe",
        "saved_searches",
        "Saved searches",
        tooltip="Saved searches, with their new matches",
        show=False,
        id="search.saved",
    ),
    Binding(
        "e",
        "export",
        "Export",
        tooltip="Export the reading list to a .bib, .md, .json or .csv file",
        show=False,
        id="export",
    ),
    Binding(
        "less_than_sign",
        "resize_detail(1)",
        "Wider abstract",
        tooltip="Move the divider left: a wider abstract pane",
        show=False,
        id="layout.detail-wider",
    ),
    Binding(
        "greater_than_sign",
        "resize_detail(-1)",
        "Wider list",
        tooltip="Move the divider right: a wider list",
        show=False,
        id="layout.list-wider",
    ),
    Binding(
        "H",
        "hide_paper",
        "Hide paper",
        tooltip="Hide the paper from the library's list (undoable; papershelf list --hidden)",
        show=False,
        id="library.hide",
    ),
    Binding(
        "z",
        "toggle_detail",
        "Hide abstract",
        tooltip="Hide or show the abstract pane (the list takes the screen)",
        show=False,
        id="layout.detail-toggle",
    ),
    Binding("question_mark", "app.help", "Help", tooltip="Every key", id="help"),
    Binding("q", "app.quit", "Quit", id="quit"),
]


def bindings_by_id(*tables: Iterable[BindingType]) -> dict[str, Binding]:
    """Every binding that has an id (what a keymap can rebind), by id."""
    return {
        binding.id: binding
        for table in tables
        for binding in table
        if isinstance(binding, Binding) and binding.id
    }
