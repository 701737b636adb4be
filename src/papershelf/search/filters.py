"""Filters as a boolean mask over a paper list, and `run_query`: search, then mask.

The mask is computed with numpy from per-list columns (`FilterColumns`) so that it stays
cheap per keystroke at 100k papers; what a filter needs beyond the papers (bookmarks, read
and new ids) comes in a `Context`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from papershelf.model import Bookmark, Paper
from papershelf.search.index import SearchIndex
from papershelf.search.query import Filter, Query
from papershelf.search.scan import scan_index
from papershelf.search.terms import BoolArray, IntArray


@dataclass(frozen=True)
class Context:
    """What filters need to know beyond the papers themselves.

    Pass frozensets for `read_ids` and `new_ids` to let `FilterColumns` cache their masks.
    """

    bookmarks: Mapping[str, Bookmark] = field(default_factory=dict)
    read_ids: AbstractSet[str] = frozenset()
    new_ids: AbstractSet[str] = frozenset()


class FilterColumns:
    """Per-paper arrays the filters read: build once per paper list (O(n)), reuse per keystroke.

    Id sets (bookmarks, read, new) become masks through an id -> position table, costing
    O(size of the set) per call; masks of frozensets are cached, as those cannot change.
    Safe to share between threads.
    """

    def __init__(self, papers: Sequence[Paper]) -> None:
        n = len(papers)
        self.size = n
        self.has_code: BoolArray = np.fromiter(
            (p.code_url is not None for p in papers), dtype=np.bool_, count=n
        )
        self.days: npt.NDArray[np.datetime64] = np.array(
            [p.date for p in papers], dtype="datetime64[D]"
        )
        """Each paper's listing day; NaT (never equal, never in a range) when undated."""
        first: dict[str, int] = {}
        codes = np.fromiter(
            (first.setdefault(p.id, i) for i, p in enumerate(papers)), dtype=np.int64, count=n
        )
        self._first = first
        # With duplicate ids, a hit on an id must mark every copy: map positions to firsts.
        self._codes: IntArray | None = None if len(first) == n else codes
        self._cache: dict[tuple[str, int], tuple[AbstractSet[str], BoolArray]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.size

    def ids_mask(self, ids: AbstractSet[str], name: str = "") -> BoolArray:
        """True where the paper's id is in `ids`; cached under `name` when `ids` is frozen."""
        frozen = bool(name) and isinstance(ids, frozenset)
        if frozen:
            with self._lock:
                cached = self._cache.get((name, id(ids)))
            if cached is not None and cached[0] is ids:
                return cached[1]
        mask = self._positions(ids)
        if frozen:
            with self._lock:
                if len(self._cache) >= 16:
                    self._cache.clear()
                self._cache[(name, id(ids))] = (ids, mask)
        return mask

    def _positions(self, ids: AbstractSet[str]) -> BoolArray:
        hit = np.zeros(self.size, dtype=np.bool_)
        first = self._first
        if len(ids) < len(first):
            positions = [first[i] for i in ids if i in first]
        else:
            positions = [i for key, i in first.items() if key in ids]
        if positions:
            hit[positions] = True
        return hit if self._codes is None else hit[self._codes]

    def days_mask(self, op: str, day: str) -> BoolArray:
        """Papers listed on `day` compared by `op`; for `=`, `day` may be `first..last`."""
        days = self.days
        if ".." in day:
            first, last = day.split("..")
            return (days >= np.datetime64(first, "D")) & (days <= np.datetime64(last, "D"))
        target = np.datetime64(day, "D")
        if op == ">=":
            return days >= target
        if op == ">":
            return days > target
        if op == "<=":
            return days <= target
        if op == "<":
            return days < target
        return np.equal(days, target)


def filter_mask(
    papers: Sequence[Paper],
    filters: Sequence[Filter],
    ctx: Context,
    columns: FilterColumns | None = None,
    index: SearchIndex | None = None,
) -> BoolArray:
    """True for each paper that passes every filter. Pass `columns` built for `papers` (the
    UI keeps one per list); without it they are built here, which is O(n). `author:` reads
    the search `index` of `papers` (built here when there is none)."""
    if columns is None:
        columns = FilterColumns(papers)
    elif len(columns) != len(papers):
        raise ValueError("columns were built for another paper list")
    mask = np.ones(len(papers), dtype=np.bool_)
    for term in filters:
        if term.key == "author":
            if index is None:
                index = scan_index(papers, titles_only=True)  # names are in every index
            hits = index.author_mask(term.value)
        else:
            hits = _filter_hits(term, ctx, columns)
        mask &= ~hits if term.negated else hits
    return mask


def _filter_hits(term: Filter, ctx: Context, columns: FilterColumns) -> BoolArray:
    """The papers the filter selects, before negation (all but `author:`)."""
    key, value = term.key, term.value
    if key == "has":
        return columns.has_code
    if key == "date":
        return columns.days_mask(term.op, value)
    if key == "arxiv":
        return columns.ids_mask(frozenset({f"arxiv:{value}"}))
    if key == "state":
        return columns.ids_mask({i for i, b in ctx.bookmarks.items() if b.state == value})
    if key == "tag":
        return columns.ids_mask({i for i, b in ctx.bookmarks.items() if value in b.tags})
    if value == "bookmarked":
        return columns.ids_mask(ctx.bookmarks.keys())
    if value == "new":
        return columns.ids_mask(ctx.new_ids, "new")
    read = columns.ids_mask(ctx.read_ids, "read")
    return read if value == "read" else ~read


def run_query(
    papers: Sequence[Paper],
    query: Query,
    ctx: Context,
    index: SearchIndex | None,
    *,
    columns: FilterColumns | None = None,
    scan_titles_only: bool = False,
) -> IntArray:
    """Indices into `papers` that match `query`, best first.

    With no free text: list order, restricted by the filters. Otherwise the search's ranking
    (`index`, or a scan while there is none; `scan_titles_only` picks the fast scan) with the
    papers the filters reject left out.
    """
    hits: IntArray | None = None
    if index is None and query.needs_index:
        index = scan_index(papers, titles_only=scan_titles_only)
    if query.has_text:
        assert index is not None
        hits = index.search(query)
    if not query.filters:
        return hits if hits is not None else np.arange(len(papers), dtype=np.int64)
    mask = filter_mask(papers, query.filters, ctx, columns, index)
    if hits is None:
        return np.flatnonzero(mask).astype(np.int64)
    return hits[mask[hits]]
