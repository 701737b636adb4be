"""Small modal screens: the copy menu, the note editor and the tags editor.

Each returns its answer through `dismiss`, so the app decides what to do with it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

COPY_CHOICES = (
    ("title", "t", "Title"),
    ("link", "l", "Link"),
    ("markdown", "m", "Markdown link"),
    ("bibtex", "b", "BibTeX entry"),
)


class CopyMenu(ModalScreen[str | None]):
    """Pick what to copy; answers one of the COPY_CHOICES keys, or None."""

    AUTO_FOCUS = "#copy-options"

    BINDINGS = [
        Binding("escape,q", "dismiss_none", "Cancel", id="copy.cancel"),
        *(
            Binding(key, f"pick('{name}')", label, id=f"copy.{name}")
            for name, key, label in COPY_CHOICES
        ),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.paper_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-dialog", classes="dialog"):
            yield Label(Content.assemble(("Copy  ", "bold"), (self.paper_title, "$text-muted")))
            yield OptionList(
                *(
                    Option(Content.assemble((f"{key}  ", "$accent bold"), label), id=name)
                    for name, key, label in COPY_CHOICES
                ),
                id="copy-options",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, name: str) -> None:
        self.dismiss(name)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NoteEditor(ModalScreen[str | None]):
    """Edit a bookmark's free-text note; Ctrl+S saves, Esc cancels."""

    AUTO_FOCUS = "#note-text"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.paper_title = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Label(Content.assemble(("Note  ", "bold"), (self.paper_title, "$text-muted")))
            yield TextArea(self.note, id="note-text", soft_wrap=True, tab_behavior="focus")
            yield Label(Content.styled("Ctrl+S save · Esc cancel", "$text-muted"))

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TagsEditor(ModalScreen[str | None]):
    """Edit a bookmark's tags as one line of words; Enter saves, Esc cancels."""

    AUTO_FOCUS = "#tags-input"

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tags.cancel")]

    def __init__(self, title: str, tags: tuple[str, ...]) -> None:
        super().__init__()
        self.paper_title = title
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-dialog", classes="dialog"):
            yield Label(Content.assemble(("Tags  ", "bold"), (self.paper_title, "$text-muted")))
            yield Input(
                " ".join(self.tags), placeholder="space- or comma-separated", id="tags-input"
            )
            yield Label(Content.styled("Enter save · Esc cancel", "$text-muted"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
