"""Saved searches in the app: name the current filter (Ctrl+S), pick one from a menu that shows
how many of its matches are new (the morning's question: what came in for my topics?)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from papershelf.session import SavedSearch
from papershelf.ui.dialogs import Dialog


class SaveSearchDialog(Dialog[str | None]):
    """Ask a name for the current filter; Enter saves, Esc cancels."""

    DEFAULT_CSS = "SaveSearchDialog #save-name { margin: 1 0; }"
    AUTO_FOCUS = "#save-name"
    heading = "Save search"

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog", classes="dialog"):
            yield self.header()
            yield Input(placeholder="a name, e.g. graph papers", id="save-name")
            yield self.hint("Enter save (a name in use is replaced) · Esc cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class SavedSearchMenu(Dialog[tuple[str, str] | None]):
    """The saved searches with their new matches; answers ("apply" | "delete", name)."""

    DEFAULT_CSS = "SavedSearchMenu #saved-options { height: auto; max-height: 20; margin: 1 0; }"
    AUTO_FOCUS = "#saved-options"
    BINDINGS = [
        Binding("escape,q", "cancel", "Cancel", id="saved.cancel"),
        Binding("d,delete", "delete", "Delete", id="saved.delete"),
    ]
    heading = "Saved searches"

    def __init__(self, searches: Sequence[SavedSearch], save_key: str = "Ctrl+S") -> None:
        super().__init__()
        self.searches = tuple(searches)
        self.save_key = save_key
        """The key that saves a filter, as the user bound it."""

    def compose(self) -> ComposeResult:
        width = max((len(s.name) for s in self.searches), default=0)
        with Vertical(id="saved-dialog", classes="dialog"):
            yield self.header()
            yield OptionList(
                *(
                    Option(
                        Content.assemble(
                            (s.name.ljust(width), "bold"),
                            "  ",
                            (_count(s.new).rjust(7), "$accent" if s.new else "$text-muted"),
                            "  ",
                            (s.query, "$text-muted"),
                        ),
                        id=s.name,
                    )
                    for s in self.searches
                ),
                id="saved-options",
            )
            if self.searches:
                yield self.hint("Enter filter by it · d delete · Esc close")
            else:
                yield self.hint(
                    f"None yet: type a filter, then {self.save_key} names it · Esc close"
                )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(("apply", event.option.id))

    def action_delete(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            name = options.get_option_at_index(options.highlighted).id
            if name is not None:
                self.dismiss(("delete", name))


def _count(new: int | None) -> str:
    return "… new" if new is None else f"{new} new"
