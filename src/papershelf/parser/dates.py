"""Date lines: the paragraphs ("Mar 21", "March 21st, 2025", "2025-03-21") that open a day.

A digest names days without a year more often than with one; such a day is the latest one on
or before a reference day (the file's save date), unless the user gives the year.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DATE = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})"
)
DATE_MAX = 20


def date_of(paragraph: str, reference: dt.date, year: int | None) -> tuple[bool, dt.date | None]:
    """(is a date line, its day or None when it names no real day)."""
    if len(paragraph) > DATE_MAX:
        return False, None
    match = _DATE.fullmatch(paragraph)
    if match is None:
        return False, None
    if match["iso_year"]:
        return True, _day(int(match["iso_year"]), int(match["iso_month"]), int(match["iso_day"]))
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return False, None
    day = int(match["day"])
    if match["year"]:
        return True, _day(int(match["year"]), month, day)
    if year is not None:
        return True, _day(year, month, day)
    return True, _latest_day(month, day, reference)


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _latest_day(month: int, day: int, reference: dt.date) -> dt.date | None:
    """The most recent `month`/`day` on or before `reference` (Feb 29: the last leap year's)."""
    for year in range(reference.year, reference.year - 9, -1):  # leap years are <= 8 apart
        candidate = _day(year, month, day)
        if candidate is not None and candidate <= reference:
            return candidate
    return None
