"""Filters on top of free-text search: `lora has:code -is:read date:>=2024-03-01`.

The syntax is `SYNTAX` below (the help screen shows it; the README quotes it).

Everything combines with AND. Keys and values ignore case. A token is a filter when it starts
with a key made of letters and a colon (`key:`); `http://...` and other `key://` tokens stay
free words, and so does anything inside quotes. An unknown key is an error, not a word, so a
typo such as `tga:nlp` says so instead of quietly searching for "tga nlp". A paper with no date
never matches a `date:` filter (and always matches its negation).

Free words, phrases and `-word`s go to `papershelf.search` unchanged (`Query.text`); filters
become a boolean mask over the paper list, computed with numpy from per-list columns
(`FilterColumns`) so that it stays cheap per keystroke at 100k papers.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import threading
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from papershelf.errors import UserError
from papershelf.model import STATES, Bookmark, Paper, normalize_tags
from papershelf.search import SearchIndex, scan_search
from papershelf.text import strip_controls
from papershelf.urls import normalize_arxiv_id

__all__ = [
    "DATE_OPS",
    "IS_VALUES",
    "KEYS",
    "SYNTAX",
    "Context",
    "Filter",
    "FilterColumns",
    "Query",
    "QueryError",
    "filter_mask",
    "parse_query",
    "run_query",
]

SYNTAX = """\
  words              every word must match the title or abstract (typos forgiven)
  "exact phrase"     the words in this order
  -word, -"phrase"   leave out papers that match
  has:code           links a code repository
  is:bookmarked      in the reading list
  is:read, is:unread marked read / not marked read
  is:new             first seen since the last visit
  state:to-read      bookmarked in that state (to-read, reading, done)
  tag:NAME           bookmarked with that tag
  date:YYYY-MM-DD    listed on that day; date:>=, date:>, date:<=, date:< for ranges
  arxiv:ID           the paper with that arXiv id (arxiv:2403.12345)
  -has:code, ...     a - before any filter negates it"""

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

KEYS = ("has", "is", "state", "tag", "date", "arxiv")
HAS_VALUES = ("code",)
IS_VALUES = ("bookmarked", "read", "unread", "new")
DATE_OPS = (">=", "<=", ">", "<", "=")
"""Longest first, so `>=` is not read as `>` followed by `=2024...`."""

# The same split as `papershelf.search`: a phrase (maybe negated, maybe unclosed) or a run of
# anything but blanks and quotes, so the free parts mean there what they meant here.
_PART = re.compile(r'-?"[^"]*"?|[^\s"]+')
_FILTER = re.compile(r"(-?)([A-Za-z]+):(.*)", re.DOTALL)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHOWN_MAX = 40


class QueryError(UserError):
    """A malformed filter; the message names the term and what would be accepted."""


@dataclass(frozen=True, slots=True)
class Filter:
    """One `key:value` term, normalised: lowercase key and value, a canonical tag, ISO day."""

    key: str
    """One of `KEYS`."""
    value: str
    op: str = "="
    """For `date`: one of `DATE_OPS`; always `=` otherwise."""
    negated: bool = False

    def __str__(self) -> str:
        op = "" if self.op == "=" else self.op
        return f"{'-' if self.negated else ''}{self.key}:{op}{self.value}"


@dataclass(frozen=True, slots=True)
class Query:
    text: str = ""
    """The free-text part, to hand to search as it is. It ends in a blank when the raw query
    went on after its last free word, so search treats that word as finished, not a prefix."""
    filters: tuple[Filter, ...] = ()

    @property
    def blank(self) -> bool:
        """Nothing to filter or search by: every paper, in list order."""
        return not self.text.strip() and not self.filters


@dataclass(frozen=True)
class Context:
    """What filters need to know beyond the papers themselves.

    Pass frozensets for `read_ids` and `new_ids` to let `FilterColumns` cache their masks.
    """

    bookmarks: Mapping[str, Bookmark] = field(default_factory=dict)
    read_ids: AbstractSet[str] = frozenset()
    new_ids: AbstractSet[str] = frozenset()


# --------------------------------------------------------------------------------------------
# Parsing


def parse_query(raw: str) -> Query:
    """Split `raw` into free text and filters; `QueryError` for a malformed filter."""
    free: list[str] = []
    filters: list[Filter] = []
    free_at_end = False
    for part in _PART.finditer(raw):
        token = part.group()
        found = None if token.lstrip("-").startswith('"') else _FILTER.fullmatch(token)
        if found is None or found.group(3).startswith("//"):
            free.append(token)
            free_at_end = part.end() == len(raw)
            continue
        free_at_end = False
        negated, key, value = found.group(1) == "-", found.group(2).lower(), found.group(3)
        filters.append(_filter(key, value, negated, token))
    text = " ".join(free)
    if free and not free_at_end:
        text += " "
    return Query(text, tuple(filters))


def _filter(key: str, value: str, negated: bool, token: str) -> Filter:
    if key not in KEYS:
        close = difflib.get_close_matches(key, KEYS, n=1)
        hint = f"did you mean '{close[0]}:'? " if close else ""
        known = ", ".join(KEYS)
        raise QueryError(f"unknown filter {_show(key + ':')}; {hint}known: {known}")
    if key == "date":
        op, day = _date_value(value, token)
        return Filter(key, day, op, negated)
    if key == "tag":
        return Filter(key, _tag_value(value, token), "=", negated)
    if key == "arxiv":
        return Filter(key, _arxiv_value(value, token), "=", negated)
    allowed = {"has": HAS_VALUES, "is": IS_VALUES, "state": STATES}[key]
    folded = value.lower()
    if folded not in allowed:
        choices = ", ".join(f"{key}:{v}" for v in allowed)
        what = "state" if key == "state" else "value"
        if not value:
            raise QueryError(f"{key}: needs a value; use {choices}")
        raise QueryError(f"unknown {what} {_show(token)}; use {choices}")
    return Filter(key, folded, "=", negated)


def _date_value(value: str, token: str) -> tuple[str, str]:
    op = next((op for op in DATE_OPS if value.startswith(op)), "=")
    day = value[len(op) :] if value.startswith(op) else value
    if not _DAY.fullmatch(day):
        raise QueryError(
            f"date: expects YYYY-MM-DD, optionally after >=, >, <= or <"
            f" (date:>=2024-03-01), not {_show(token)}"
        )
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise QueryError(f"{_show(token)}: {day} is not a real day") from None
    return op, day


def _tag_value(value: str, token: str) -> str:
    try:
        tags = normalize_tags([value])
    except UserError as exc:
        raise QueryError(f"{_show(token)}: {exc}") from None
    if not tags:
        raise QueryError("tag: needs a tag name, e.g. tag:nlp")
    if len(tags) > 1:
        example = " ".join(f"tag:{tag}" for tag in tags[:2])
        raise QueryError(f"{_show(token)} names {len(tags)} tags; write one per filter: {example}")
    return tags[0]


def _arxiv_value(value: str, token: str) -> str:
    found = normalize_arxiv_id(value.lower())
    if found is None:
        raise QueryError(f"arxiv: expects an arXiv id (arxiv:2403.12345), not {_show(token)}")
    return found


def _show(text: str) -> str:
    """A user's term quoted for a message: controls removed, long ones cut."""
    shown = strip_controls(text)
    if len(shown) > _SHOWN_MAX:
        shown = shown[: _SHOWN_MAX - 1] + "…"
    return f"'{shown}'"


# --------------------------------------------------------------------------------------------
# Masks


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
        target = np.datetime64(day, "D")
        days = self.days
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
) -> BoolArray:
    """True for each paper that passes every filter. Pass `columns` built for `papers` (the
    UI keeps one per list); without it they are built here, which is O(n)."""
    if columns is None:
        columns = FilterColumns(papers)
    elif len(columns) != len(papers):
        raise ValueError("columns were built for another paper list")
    mask = np.ones(len(papers), dtype=np.bool_)
    for term in filters:
        hits = _filter_hits(term, ctx, columns)
        mask &= ~hits if term.negated else hits
    return mask


def _filter_hits(term: Filter, ctx: Context, columns: FilterColumns) -> BoolArray:
    """The papers the filter selects, before negation."""
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
    if query.text.strip():
        if index is not None:
            hits = index.search(query.text)
        else:
            hits = scan_search(papers, query.text, titles_only=scan_titles_only)
    if not query.filters:
        return hits if hits is not None else np.arange(len(papers), dtype=np.int64)
    mask = filter_mask(papers, query.filters, ctx, columns)
    if hits is None:
        return np.flatnonzero(mask).astype(np.int64)
    return hits[mask[hits]]
