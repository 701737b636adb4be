"""The filter bar: type to filter; Enter or ↓ go to the list keeping the filter, Esc clears it."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


def placeholder(focus_key: str = "/") -> str:
    """The empty bar's hint, naming the key that focuses it."""
    return f"Filter: words (typos are fine), has:code, is:unread, tag:…  ({focus_key} to focus)"


PLACEHOLDER = placeholder()


class FilterInput(Input):
    """One line of query; its actions are the screen's (`screen.` prefix)."""

    DEFAULT_CSS = """
    FilterInput {
        border: tall $border-blurred;
        &:focus { border: tall $border; }
    }
    """

    BINDINGS = [
        Binding("down,enter", "screen.focus_list", "To the list", show=False, id="filter.to_list"),
        Binding("escape", "screen.clear_filter", "Clear filter", show=False, id="filter.clear"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id)
