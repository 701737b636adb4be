"""The floor for "open to first paint": a Textual app that only shows the word "ready".

    python bench/empty_app.py

Whatever papershelf takes beyond this (its imports, the parse, its widgets) is its own cost;
Python's and Textual's start-up is not.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "ready"


class EmptyApp(App[None]):
    """One static line; `q` quits."""

    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(MARKER)


if __name__ == "__main__":
    EmptyApp().run()
