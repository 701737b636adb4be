"""Sort orders for a list of results: per-day rank, upvotes, listing day, arXiv day, title.

Every sort is stable over the order it is given (relevance while a text query is present,
the list's order otherwise), so papers it cannot tell apart keep their place. The key arrays
are computed once per paper list, lazily per sort (`SortKeys`); a keystroke then costs a
gather and an integer argsort of its hits, or a filter of a precomputed permutation when the
hits come in list order.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence

import numpy as np

from papershelf.model import Paper
from papershelf.search.terms import IntArray
from papershelf.text import fold
from papershelf.urls import arxiv_year

SORTS = ("rank", "upvotes", "day", "arxiv", "title", "relevance")
"""Every sort, in the order the app's key cycles them."""
DEFAULT_SORT = "rank"
"""Without free text: newest day first, each day in its ranking."""
TEXT_SORT = "relevance"
"""With free text: best match first."""
DAY_SORTS = frozenset({"rank", "day"})
"""Sorts that keep each listing day's papers together (so the list can head each day)."""
_LAST = np.iinfo(np.int64).max // 4
"""Key of a paper that lacks the value sorted by: after every paper that has it."""


def default_sort(has_text: bool) -> str:
    return TEXT_SORT if has_text else DEFAULT_SORT


def next_sort(current: str, with_relevance: bool, step: int = 1) -> str:
    """The sort `step` places after `current` in `SORTS`, wrapping around; relevance is
    skipped unless `with_relevance` (without words it would just be the list's order)."""
    choices = [s for s in SORTS if with_relevance or s != TEXT_SORT]
    at = choices.index(current) if current in choices else -1
    return choices[(at + step) % len(choices)]


def _day_number(day: dt.date | None) -> int | None:
    return day.toordinal() if day is not None else None


def _rank_keys(papers: Sequence[Paper]) -> IntArray:
    # Newest day first, then rank 1, 2, ... (rank 0, unknown, after the ranked); undated last.
    keys = np.empty(len(papers), dtype=np.int64)
    for i, p in enumerate(papers):
        day = _day_number(p.date)
        rank = p.rank if p.rank > 0 else (1 << 30)
        keys[i] = _LAST if day is None else (10_000_000 - day) * (1 << 31) + rank
    return keys


def _upvote_keys(papers: Sequence[Paper]) -> IntArray:
    return np.fromiter(
        (_LAST if p.upvotes is None else -p.upvotes for p in papers), np.int64, len(papers)
    )


def _day_keys(papers: Sequence[Paper]) -> IntArray:
    return np.fromiter(
        (_LAST if (d := _day_number(p.date)) is None else -d for p in papers),
        np.int64,
        len(papers),
    )


def _arxiv_day(paper: Paper) -> int | None:
    """The arXiv day, else the first day of the id's month (`2403.12345` -> 2024-03-01)."""
    if paper.published_on is not None:
        return paper.published_on.toordinal()
    year = arxiv_year(paper.arxiv_id) if paper.arxiv_id else None
    if year is None or paper.arxiv_id is None:
        return None
    month = int(paper.arxiv_id[2:4])
    return dt.date(year, month, 1).toordinal() if 1 <= month <= 12 else None


def _arxiv_keys(papers: Sequence[Paper]) -> IntArray:
    return np.fromiter(
        (_LAST if (d := _arxiv_day(p)) is None else -d for p in papers), np.int64, len(papers)
    )


def _title_keys(papers: Sequence[Paper]) -> IntArray:
    titles = [" ".join(fold(p.title).split()) for p in papers]
    ranked = sorted(range(len(titles)), key=titles.__getitem__)
    keys = np.empty(len(titles), dtype=np.int64)
    previous: str | None = None
    position = -1
    for i in ranked:
        if titles[i] != previous:
            previous, position = titles[i], position + 1
        keys[i] = position
    return keys


_BUILDERS: dict[str, Callable[[Sequence[Paper]], IntArray]] = {
    "rank": _rank_keys,
    "upvotes": _upvote_keys,
    "day": _day_keys,
    "arxiv": _arxiv_keys,
    "title": _title_keys,
}


class SortKeys:
    """Per-paper sort keys (smaller first) for one paper list, each built on first use.

    Safe to share between threads; `warm` builds a sort's arrays ahead (in a worker).
    """

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.papers = papers
        self._keys: dict[str, tuple[IntArray, IntArray, bool]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.papers)

    def warm(self, sort: str) -> None:
        if sort in _BUILDERS:
            self._arrays(sort)

    def _arrays(self, sort: str) -> tuple[IntArray, IntArray, bool]:
        """(keys, the whole list in this order, whether list order already is this order)."""
        with self._lock:
            found = self._keys.get(sort)
        if found is not None:
            return found
        keys = _BUILDERS[sort](self.papers)
        permutation = np.argsort(keys, kind="stable").astype(np.int64)
        in_order = bool(np.all(keys[1:] >= keys[:-1]))
        found = keys, permutation, in_order
        with self._lock:
            self._keys[sort] = found
        return found

    def order(self, hits: IntArray, sort: str, *, list_order: bool) -> IntArray:
        """`hits` sorted by `sort`, stably; `list_order` says the hits come in list order
        (no text query), which lets a precomputed permutation do the work in O(n)."""
        if sort not in _BUILDERS or len(hits) < 2:
            return hits
        keys, permutation, in_order = self._arrays(sort)
        if list_order:
            if in_order:
                return hits
            if len(hits) == len(keys):
                return permutation
            chosen = np.zeros(len(keys), dtype=np.bool_)
            chosen[hits] = True
            result: IntArray = permutation[chosen[permutation]]
            return result
        ordered: IntArray = hits[np.argsort(keys[hits], kind="stable")]
        return ordered
