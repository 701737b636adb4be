"""Modal dialogs on one base: the copy menu, the note and tags editors, export, the help.

Each answers through `dismiss`, so the screen that opened it decides what to do. The base
gives every dialog the same frame, a heading built from plain text (a paper's title is data,
never markup) and Esc to cancel.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from papershelf.mathtext import render_math
from papershelf.session import COPY_ITEMS
from papershelf.text import ellipsize
from papershelf.ui import caps

ResultType = TypeVar("ResultType")

COPY_KEYS = {"title": "t", "link": "l", "code": "c", "pdf": "p", "markdown": "m", "bibtex": "b"}
"""The key of each copy choice; the choices and their labels are the session's."""
COPY_MENU = tuple((name, COPY_KEYS[name], label) for name, label in COPY_ITEMS)
"""(session copy choice, key, label) for each line of the copy menu."""


class Dialog(ModalScreen[ResultType]):
    """A centred frame with a heading; Esc dismisses with None."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        & > .dialog {
            width: 70;
            max-width: 90%;
            height: auto;
            max-height: 80%;
            border: thick $primary;
            background: $panel;
            padding: 1 2;
        }
        & .dialog--hint { color: $text-muted; }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    heading = ""
    """The dialog's name, shown bold before the subject."""

    def __init__(self, subject: str = "") -> None:
        super().__init__()
        self.subject = subject
        """What the dialog is about (usually a paper's title), shown as plain text."""

    def header(self) -> Label:
        # A title reads as in the list, and a 10 MB one must not freeze the dialog.
        subject = render_math(ellipsize(self.subject, caps.TITLE))
        return Label(Content.assemble((f"{self.heading}  ", "bold"), (subject, "$text-muted")))

    def hint(self, text: str) -> Label:
        return Label(Content(text), classes="dialog--hint")

    def action_cancel(self) -> None:
        self.dismiss(None)


class CopyMenu(Dialog[str | None]):
    """Pick what to copy; answers one of the COPY_MENU choices, or None.

    Choices the paper lacks (no code, no arXiv id for a PDF) are shown disabled, so the
    menu keeps its shape and its keys; their key still answers, so that the screen can say
    why there is nothing to copy."""

    DEFAULT_CSS = "CopyMenu #copy-options { height: auto; margin-top: 1; }"
    AUTO_FOCUS = "#copy-options"
    BINDINGS = [
        Binding("escape,q", "cancel", "Cancel", id="copy.cancel"),
        *(
            Binding(key, f"pick('{name}')", label, id=f"copy.{name}")
            for name, key, label in COPY_MENU
        ),
    ]
    heading = "Copy"

    def __init__(self, subject: str, available: Sequence[str] | None = None) -> None:
        super().__init__(subject)
        self.available = frozenset(
            available if available is not None else (n for n, _, _ in COPY_MENU)
        )
        """The COPY_MENU choices this paper has; the others are disabled."""

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-dialog", classes="dialog"):
            yield self.header()
            yield OptionList(
                *(
                    Option(
                        Content.assemble((f"{key}  ", "$accent bold"), label),
                        id=name,
                        disabled=name not in self.available,
                    )
                    for name, key, label in COPY_MENU
                ),
                id="copy-options",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, name: str) -> None:
        self.dismiss(name)


class NoteEditor(Dialog[str | None]):
    """Edit a bookmark's free-text note; Ctrl+S saves, Esc cancels."""

    DEFAULT_CSS = "NoteEditor #note-text { height: 12; margin: 1 0; }"
    AUTO_FOCUS = "#note-text"
    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True, id="note.save")]
    heading = "Note"

    def __init__(self, subject: str, note: str) -> None:
        super().__init__(subject)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield self.header()
            yield TextArea(self.note, id="note-text", soft_wrap=True, tab_behavior="focus")
            yield self.hint("Ctrl+S save · Esc cancel")

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)


class TagsEditor(Dialog[str | None]):
    """Edit a bookmark's tags as one line of words; Enter saves, Esc cancels."""

    DEFAULT_CSS = "TagsEditor #tags-input { margin: 1 0; }"
    AUTO_FOCUS = "#tags-input"
    heading = "Tags"

    def __init__(self, subject: str, tags: Sequence[str]) -> None:
        super().__init__(subject)
        self.tags = tuple(tags)

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-dialog", classes="dialog"):
            yield self.header()
            yield Input(
                " ".join(self.tags), placeholder="space- or comma-separated", id="tags-input"
            )
            yield self.hint("Enter save · Esc cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class ExportDialog(Dialog[str | None]):
    """Ask where to export the reading list; Enter answers the path, Esc cancels."""

    DEFAULT_CSS = """
    ExportDialog #export-path { margin: 1 0; }
    ExportDialog #export-exists { display: none; margin-bottom: 1; }
    """
    AUTO_FOCUS = "#export-path"
    heading = "Export reading list"

    def __init__(self, default_path: str) -> None:
        super().__init__()
        self.default_path = default_path
        self.confirmed: str | None = None
        """The existing file the reader was warned about: Enter on it again replaces it."""

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield self.header()
            yield Input(self.default_path, id="export-path")
            yield Label("", id="export-exists")
            yield self.hint(".bib BibTeX · .md Markdown · .json JSON · .csv CSV")
            yield self.hint("Enter export · Esc cancel")

    def on_input_changed(self, event: Input.Changed) -> None:
        """A new name asks again: the warning was about the old one."""
        if event.value.strip() != self.confirmed:
            self.confirmed = None
            self.query_one("#export-exists", Label).display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """An existing file is replaced only on a second Enter, after saying so (Esc keeps it)."""
        path = event.value.strip()
        target = Path(path).expanduser()
        if path and path != self.confirmed and target.exists() and not target.is_dir():
            self.confirmed = path
            warning = Content.styled(
                f"{ellipsize(str(target), 200)} exists: Enter replaces it · Esc keeps it",
                "bold $warning",
            )
            label = self.query_one("#export-exists", Label)
            label.update(warning)
            label.display = True
            return
        self.dismiss(path or None)


class HelpScreen(Dialog[None]):
    """Every key of the main screen, its list and its detail pane, plus the filter syntax."""

    # Wide enough for the longest row and the filter syntax (94 columns) at 120 columns: a
    # wrapped row would start its second line under the keys, not under its description.
    DEFAULT_CSS = "HelpScreen #help-dialog { width: 104; height: 80%; }"
    AUTO_FOCUS = "#help-dialog"
    BINDINGS = [Binding("escape,q,question_mark", "cancel", "Close", id="help.close")]

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
