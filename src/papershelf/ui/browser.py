"""Opening a link in the user's browser, and saying honestly when there is none.

`App.open_url` calls `webbrowser.open` and ignores its answer, so with no browser (a server,
SSH, a container) the app would say "Opening …" and nothing would happen. Here the answer
counts, and a terminal browser (lynx, w3m, `www-browser` on a console) counts as none: it
would take over the very terminal the app is drawing in.
"""

from __future__ import annotations

import os
import webbrowser
from typing import Any

from textual.app import App


def open_url(app: App[Any], url: str) -> bool:
    """Open `url` (already checked to be http(s)); False when no graphical browser took it."""
    if app.is_web:  # served by `textual serve`: the user's own browser opens it
        app.open_url(url)
        return True
    try:
        found = webbrowser.get()
        if _is_console_browser(found):
            return False
        return bool(found.open(url, new=2))
    except Exception:  # webbrowser.Error when none is registered, OSError when it cannot start
        return False


def _is_console_browser(found: webbrowser.BaseBrowser) -> bool:
    """A browser run in the foreground of this terminal (GenericBrowser), not in the
    background (BackgroundBrowser and the named GUI browsers derived from it). A command the
    user named in `$BROWSER` is trusted whatever it is: they chose it."""
    return type(found) is webbrowser.GenericBrowser and not os.environ.get("BROWSER")
