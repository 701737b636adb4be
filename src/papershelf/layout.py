"""How the panes share the screen: the detail pane's width in steps, and whether it shows.

A plain record with the rules for changing it, so the session can remember it between runs
and tests can check the steps without a screen. Values read back from the database are
untrusted (an older release, a hand edit): anything unexpected falls back to the default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

DETAIL_WIDTHS = (25, 30, 35, 40, 45, 50, 55, 60)
"""The detail pane's widths, in percent of the screen, that `<` and `>` step through."""
DEFAULT_DETAIL_WIDTH = 35
"""At 120 columns this leaves the list 78 columns: 60+ characters of title in every row."""

_WIDTH = "layout.detail_width"
_SHOWN = "layout.detail_shown"


@dataclass(frozen=True, slots=True)
class PaneLayout:
    """The detail pane's width (percent of the screen) and whether it is shown at all."""

    detail_width: int = DEFAULT_DETAIL_WIDTH
    detail_shown: bool = True

    def resized(self, steps: int) -> PaneLayout:
        """The width `steps` places wider (negative: narrower), stopping at either end.

        Resizing a hidden pane shows it again: the key's effect should be visible."""
        here = _nearest_step(self.detail_width)
        index = max(0, min(len(DETAIL_WIDTHS) - 1, here + steps))
        return replace(self, detail_width=DETAIL_WIDTHS[index], detail_shown=True)

    def toggled(self) -> PaneLayout:
        """The detail pane hidden if shown, shown (at its old width) if hidden."""
        return replace(self, detail_shown=not self.detail_shown)

    def to_settings(self) -> dict[str, str]:
        return {_WIDTH: str(self.detail_width), _SHOWN: "1" if self.detail_shown else "0"}

    @classmethod
    def with_width(cls, width: int) -> PaneLayout:
        """The layout whose pane is the step nearest `width` percent (a config's choice)."""
        return cls(detail_width=DETAIL_WIDTHS[_nearest_step(width)])

    @classmethod
    def from_settings(
        cls, get: Callable[[str], str | None], default: PaneLayout | None = None
    ) -> PaneLayout:
        """The layout saved with `to_settings`, read through `get`; `default` (else the
        built-in one) for what is missing or malformed."""
        width = get(_WIDTH)
        shown = get(_SHOWN)
        layout = default or cls()
        if (
            width is not None
            and width.isascii()
            and width.isdigit()
            and int(width) in DETAIL_WIDTHS
        ):
            layout = replace(layout, detail_width=int(width))
        if shown in ("0", "1"):
            layout = replace(layout, detail_shown=shown == "1")
        return layout


def _nearest_step(width: int) -> int:
    return min(range(len(DETAIL_WIDTHS)), key=lambda i: abs(DETAIL_WIDTHS[i] - width))
