"""Day headers for a list of results grouped by listing day: where each day starts, its
counts, and the mapping between list lines (headers and papers) and paper positions.

Everything here is numpy over the answer's `order` array, so grouping 100k results costs a
gather and a comparison, never a Python loop; mapping a line to a paper is a binary search,
so drawing the visible rows stays O(visible rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Sequence
from dataclasses import dataclass

import numpy as np

from papershelf.model import Paper
from papershelf.search.terms import BoolArray, IntArray

UNDATED = 0
"""Day number of a paper without a listing day (real ordinals start at 1)."""

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EMPTY: IntArray = np.zeros(0, dtype=np.int64)


def day_numbers(papers: Sequence[Paper]) -> IntArray:
    """Each paper's listing day as an ordinal (`UNDATED` when it has none): built once per
    paper list, then every answer groups by gathering from it."""
    return np.fromiter(
        (UNDATED if p.date is None else p.date.toordinal() for p in papers),
        np.int64,
        len(papers),
    )


def read_flags(papers: Sequence[Paper], read_ids: Container[str]) -> BoolArray:
    """Each paper's read mark as an array, so unread counts are a numpy sum per answer."""
    return np.fromiter((p.id in read_ids for p in papers), np.bool_, len(papers))


@dataclass(frozen=True, slots=True, eq=False)
class DayGroups:
    """The days of an answer, in the order shown: `starts[k]` is the position (in the
    answer) of day k's first paper, `days[k]` its day number. Each day is drawn as a header
    line before its papers, so paper position p sits on line p + (days started at or
    before p). Empty: no headers, lines are positions."""

    starts: IntArray
    days: IntArray
    total: int
    """Papers in the answer."""
    counts: IntArray
    """Papers shown per day."""
    header_lines: IntArray
    """The line of each day's header (kept: every drawn line searches it)."""

    @classmethod
    def of(cls, starts: IntArray, days: IntArray, total: int) -> DayGroups:
        counts: IntArray = np.append(starts[1:], total) - starts
        lines: IntArray = starts + np.arange(len(starts), dtype=np.int64)
        return cls(starts, days, total, counts, lines)

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def lines(self) -> int:
        """Lines to draw: every paper and every header."""
        return self.total + len(self.starts)

    def group_of(self, position: int) -> int:
        """The day (index into `starts`) of the paper at `position`; -1 without headers."""
        return int(np.searchsorted(self.starts, position, side="right")) - 1

    def line_of(self, position: int) -> int:
        """The line the paper at `position` is drawn on."""
        return position + self.group_of(position) + 1

    def header_line(self, group: int) -> int:
        return int(self.starts[group]) + group

    def starts_day(self, position: int) -> bool:
        """The paper at `position` is its day's first (its header is the line above)."""
        group = self.group_of(position)
        return group >= 0 and int(self.starts[group]) == position

    def at_line(self, line: int) -> tuple[int | None, int]:
        """What `line` shows: (day, that day's first position) for a header, else (None,
        the paper's position)."""
        headers = self.header_lines
        before = int(np.searchsorted(headers, line, side="right"))  # headers at or above
        if before and int(headers[before - 1]) == line:
            return before - 1, int(self.starts[before - 1])
        return None, line - before

    def unread(self, order: IntArray, read: BoolArray) -> IntArray:
        """Unread papers shown per day, `read` being every paper's read flag."""
        if not len(self.starts):
            return _EMPTY
        unread = (~read[order]).astype(np.int64)
        counts: IntArray = np.add.reduceat(unread, self.starts)
        return counts


def no_groups(total: int) -> DayGroups:
    """`total` papers drawn without headers."""
    return DayGroups.of(_EMPTY, _EMPTY, total)


NO_GROUPS = no_groups(0)


def group_by_day(order: IntArray, days: IntArray) -> DayGroups:
    """The days of the answer `order` (indices into the papers `days` numbers), which must
    already be grouped by day (the rank and day sorts); one day or none gives no headers."""
    if len(order) < 2:
        return no_groups(len(order))
    shown = days[order]
    changes = np.flatnonzero(shown[1:] != shown[:-1]) + 1
    if not len(changes):
        return no_groups(len(order))
    starts = np.concatenate(([0], changes)).astype(np.int64)
    return DayGroups.of(starts, shown[starts], len(order))


def header_text(day: int, papers: int, unread: int) -> str:
    """`Tue 02 Dec 2026 · 48 papers · 12 unread`, in English whatever the locale (like the
    digests' own date lines)."""
    if day == UNDATED:
        name = "No listing day"
    else:
        date = dt.date.fromordinal(day)
        name = f"{_WEEKDAYS[date.weekday()]} {date.day:02d} {_MONTHS[date.month - 1]} {date.year}"
    noun = "paper" if papers == 1 else "papers"
    return f"{name} · {papers} {noun} · {unread} unread"
