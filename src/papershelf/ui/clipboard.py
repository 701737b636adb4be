"""Copying for the whole UI: the system clipboard when there is one, else OSC 52."""

from __future__ import annotations

from typing import Any

from textual.app import App


def copy(app: App[Any], text: str, what: str, *, quiet: bool = False) -> None:
    """Copy `text` and say so (unless `quiet`: the caller says it); over SSH or in a bare
    console the terminal (OSC 52) carries it."""
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception:  # pyperclip raises its own exception types, or fails to import a backend
        app.copy_to_clipboard(text)
        if not quiet:
            app.notify(f"Copied {what} through the terminal (OSC 52): no system clipboard here.")
    else:
        if not quiet:
            app.notify(f"Copied {what} to the clipboard.")
