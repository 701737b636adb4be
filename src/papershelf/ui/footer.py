"""The main screen's footer: every shown key when wide; under 100 columns the less essential
ones step aside, so Help and Quit (the way to every other key and the way out) still fit at
80 columns instead of being cut off on the right."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

OPTIONAL_ACTIONS = frozenset({"select", "copy", "refresh"})
"""Footer keys hidden on a narrow screen (still bound, and listed by the help)."""


class ShelfFooter(Footer):
    """Textual's footer, with the optional keys classed `-optional` (the screen's `-narrow`
    class hides them in app.tcss)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if getattr(widget, "action", None) in OPTIONAL_ACTIONS:
                widget.add_class("-optional")
            yield widget
