"""The help screen: every key, grouped, and the filter syntax.

Built from the live binding tables, so a key cannot be added without showing up here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

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
        # Bindings that call an app action are the app's keys, listed with them.
        if isinstance(binding, Binding) and binding.description and "app." not in binding.action:
            rows.append((key_label(binding.key), binding.tooltip or binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """Every binding of the app, the list and the detail pane, plus the filter syntax."""

    AUTO_FOCUS = "#help-dialog"
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, sections: Sequence[tuple[str, list[tuple[str, str]]]], syntax: str) -> None:
        super().__init__()
        self.sections = sections
        self.syntax = syntax

    def compose(self) -> ComposeResult:
        parts: list[Content] = [Content.styled("papershelf — keys", "bold $accent"), Content("")]
        for heading, rows in self.sections:
            parts.append(Content.styled(heading, "bold"))
            width = max((len(k) for k, _ in rows), default=0)
            for keys, what in rows:
                parts.append(Content.assemble("  ", (keys.ljust(width), "$accent"), "   ", what))
            parts.append(Content(""))
        parts.append(Content.styled("Filter syntax", "bold"))
        parts.append(Content(self.syntax))
        parts.append(Content(""))
        parts.append(
            Content.styled("Esc closes this help · Ctrl+P runs any command by name", "$text-muted")
        )
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Content("\n").join(parts), id="help-body")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
