"""Key names for the help screen and the palette, read from the live binding tables, so a
key cannot be added without showing up in the help."""

from __future__ import annotations

from collections.abc import Iterable

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
}


def key_label(keys: str) -> str:
    """'j,down' -> 'j ↓' as a person would write it."""
    return " ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


def binding_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            rows.append((key_label(binding.key), binding.tooltip or binding.description))
    return rows
