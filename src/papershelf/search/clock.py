"""The search's one clock: `date:today` and friends read the day here, so tests can fix it."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """Today in the user's local time zone (the day a person means by "today")."""
    return dt.datetime.now().astimezone().date()
