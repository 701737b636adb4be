"""When the app itself fails: a log of the whole story, and one line for the terminal.

A traceback (Textual's carries local variables) is long, may hold a paper's text, and is not
for the person at the prompt: it goes to `last-crash.log` in the state directory, replacing
the one before, and the user gets one `papershelf: error:` line saying where it is.
"""

from __future__ import annotations

import datetime as dt
import traceback

from papershelf import __version__, locations
from papershelf.text import ellipsize, strip_controls

CRASH_LOG = "last-crash.log"
_SUMMARY_MAX = 200


def write_log(details: str) -> str:
    """Save `details` as the crash log; where it went, or why it could not be written."""
    path = locations.state_dir() / CRASH_LOG
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"papershelf {__version__}, {stamp}\n\n{details}", encoding="utf-8")
    except OSError as exc:
        return f"could not write the crash log to {path}: {exc.strerror or exc}"
    return f"the full traceback is in {path}"


def describe(error: BaseException | None) -> str:
    """The error in a few words: its type and message, one line, no controls."""
    if error is None:
        return "an internal error"
    message = " ".join(strip_controls(str(error)).split())
    name = type(error).__name__
    return ellipsize(f"{name}: {message}" if message else name, _SUMMARY_MAX)


def format_exception(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


def crash_line(error: BaseException | None, details: str) -> str:
    """The one line for stderr, after the log is written."""
    where = write_log(details or (format_exception(error) if error else "no details"))
    return f"the app stopped on an internal error ({describe(error)}); {where}"
