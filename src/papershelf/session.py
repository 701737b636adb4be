"""The browsing session: the one headless core that the app and the CLI both run through.

It holds what a person browsing has in hand (the papers of the view, the search index or the
scan that stands in for it, bookmarks, read and new marks, the filter, the undo stack) and
every rule about them. Front ends only translate: the app turns keys into these calls and
results into widgets, the CLI does the same with arguments and text. Nothing here imports
Textual, so every rule is tested without a screen (harlequin's `query.py` is the model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from papershelf import export, links
from papershelf.errors import UserError
from papershelf.layout import PaneLayout
from papershelf.library_index import (
    add_and_index,
    drop_delta,
    segmented_index,
)
from papershelf.loading import (
    COMPACT_MIN,
    FIRST_PAINT,
    SCAN_ALL_LIMIT,
    Loaded,
    _abstracts_from,
    load,
    load_library,
)
from papershelf.model import (
    STATES,
    Bookmark,
    ListedPaper,
    Paper,
    check_state,
    clean_note,
    normalize_tags,
)
from papershelf.search import (
    Context,
    FilterColumns,
    Query,
    QueryError,
    SearchIndex,
    parse_query,
    run_query,
)
from papershelf.search.cache import load_or_build
from papershelf.search.rowcache import rows_path, save_rows
from papershelf.search.similar import recommend, similar
from papershelf.search.sort import DAY_SORTS, DEFAULT_SORT, TEXT_SORT, SortKeys, next_sort
from papershelf.store import Store, clock
from papershelf.text import ellipsize
from papershelf.urls import paper_id_candidates, referenced_arxiv_id
from papershelf.writes import Change, Marks, Undo, no_change

if TYPE_CHECKING:
    pass  # the parser is imported only to parse

IntArray = npt.NDArray[np.int64]

VIEW_ALL = "all"
VIEW_BOOKMARKS = "bookmarks"
VIEW_RECOMMENDED = "recommended"
VIEW_SIMILAR = "similar"
"""Papers like one paper: entered through `show_similar`, never by name."""
VIEWS = (VIEW_ALL, VIEW_BOOKMARKS, VIEW_RECOMMENDED)
FOUND_LIMIT = 20
"""Papers listed by the similar and recommended views."""

DEFAULT_KEYS = {"bookmark": "b", "bookmark.undo": "u"}
"""The keys the session's messages name, as shipped; the app passes the user's (`key_of`)."""

COPY_ITEMS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("link", "Paper link"),
    ("code", "Code link"),
    ("pdf", "PDF link"),
    ("markdown", "Markdown link"),
    ("bibtex", "BibTeX entry"),
)
"""(choice, label) of everything `y` can copy, in menu order; the app adds a key to each."""


@dataclass(frozen=True, slots=True)
class Found:
    """A paper found by similarity, its score, and (recommendations) the paper it is like."""

    paper: Paper
    score: float
    because: Paper | None = None


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A filter kept under a name, and how many of its matches are new (None: not known yet)."""

    name: str
    query: str
    new: int | None


def find_paper(papers: Sequence[Paper], ref: str) -> int | None:
    """The position of the paper `ref` names (`urls.paper_id_candidates`: its id, an arXiv id
    bare, versioned or in an arXiv or Hugging Face URL), else of a paper carrying that arXiv id."""
    return _resolver(papers)(ref)


def _resolver(papers: Sequence[Paper]) -> Callable[[str], int | None]:
    """A lookup of references among `papers` (tables built once for many references)."""
    position = {p.id: i for i, p in reversed(list(enumerate(papers)))}
    by_arxiv = {p.arxiv_id: i for i, p in reversed(list(enumerate(papers))) if p.arxiv_id}

    def resolve(ref: str) -> int | None:
        for candidate in paper_id_candidates(ref):
            if candidate in position:
                return position[candidate]
        arxiv_id = referenced_arxiv_id(ref)
        return by_arxiv.get(arxiv_id) if arxiv_id is not None else None

    return resolve


def split_tags(text: str) -> tuple[str, ...]:
    """Tags as typed in one line ("nlp, rl  to-cite") -> normalised tags."""
    return normalize_tags(text.replace(",", " ").split())


def next_state(state: str, step: int = 1) -> str:
    """The reading state `step` places after `state` (negative goes back), wrapping around."""
    return STATES[(STATES.index(state) + step) % len(STATES)]


def copy_choices(paper: Paper) -> tuple[str, ...]:
    """The COPY_ITEMS `paper` has: no "code" without a repository, no "pdf" without an id."""
    absent = {"code": links.code_url(paper) is None, "pdf": links.pdf_url(paper) is None}
    return tuple(name for name, _label in COPY_ITEMS if not absent.get(name, False))


def copy_text(paper: Paper, choice: str) -> str:
    """The text that copying `choice` (a name of COPY_ITEMS) of `paper` puts on the clipboard.

    `UserError` when the paper has no such link (no code, no arXiv id for the PDF). The
    BibTeX entry never carries the bookmark's note: a note is private, and a copied entry is
    made to be pasted into a shared bibliography (`bookmarks --format bibtex --notes` opts in).
    """
    if choice == "title":
        return paper.title
    if choice == "link":
        return links.paper_url(paper)
    if choice == "code":
        return _require(links.code_url(paper), "This paper has no code link.")
    if choice == "pdf":
        return _require(links.pdf_url(paper), "No PDF link: the paper has no arXiv id.")
    if choice == "markdown":
        return export.markdown_link(paper)
    if choice == "bibtex":
        return export.bibtex_entry(paper)
    raise ValueError(f"unknown copy choice {choice!r}")


def _require(url: str | None, missing: str) -> str:
    if url is None:
        raise UserError(missing)
    return url


def next_day_row(days: Callable[[int], object], cursor: int, shown: int) -> int | None:
    """The first row after `cursor` whose day differs from the cursor's, or None."""
    if not shown:
        return None
    day, row = days(cursor), cursor + 1
    while row < shown and days(row) == day:
        row += 1
    return row if row < shown else None


def previous_day_row(days: Callable[[int], object], cursor: int, shown: int) -> int | None:
    """The start of the cursor's day, or of the day before when already at its start."""
    if not shown:
        return None

    def start_of_day(row: int) -> int:
        day = days(row)
        while row > 0 and days(row - 1) == day:
            row -= 1
        return row

    start = start_of_day(cursor)
    return start if start < cursor else start_of_day(max(0, start - 1))


def _without(order: IntArray, hidden: npt.NDArray[np.bool_] | None) -> IntArray:
    """`order` without the rows `hidden` marks: one vectorised pass over the answer."""
    return order if hidden is None else order[~hidden[order]]


@dataclass(frozen=True, slots=True)
class Answer:
    """The rows of the view matching the filter, best first, and what was asked."""

    order: IntArray
    query: Query
    partial: bool = False
    """True for the title-only scan that stands in while a big list's index is built."""


def default_key(binding_id: str) -> str:
    """The shipped key of `binding_id` (the id itself if no message names it)."""
    return DEFAULT_KEYS.get(binding_id, binding_id)


class Session:
    """What one person is browsing and the rules for changing it.

    `store` may be None (no database could be opened: browsing works, bookmarking says why
    not). Methods that change bookmarks or read marks show the change at once and return it
    as a `Change` whose `write` is still to run (the app runs it in a worker, `commit` runs
    it now); `written` or `write_failed` reports how it went. A change the store refuses up
    front (none, read-only) raises `UserError` and shows nothing.
    """

    def __init__(
        self,
        store: Store | None,
        store_error: str | None = None,
        *,
        library_mode: bool = False,
    ) -> None:
        self.store = store
        self.store_error = store_error
        self.library_mode = library_mode
        """With no source the session shows the library (every paper fetched or imported)."""
        self.view = VIEW_ALL
        self.papers: Sequence[Paper] = ()
        self.loaded = Loaded(())
        """Where `papers` came from, with the key of their saved index."""
        self.index: SearchIndex | None = None
        self.columns: FilterColumns | None = None
        self.bookmarks: dict[str, Bookmark] = {}
        """Shown: the confirmed bookmarks with every pending change applied."""
        self.bookmark_papers: list[Paper] = []
        self.bookmark_index: SearchIndex | None = None
        self.read_ids: frozenset[str] = frozenset()
        """Shown, like `bookmarks`."""
        self.new_ids: frozenset[str] = frozenset()
        self.hidden_rows: npt.NDArray[np.bool_] | None = None
        """Rows of `papers` hidden since they were loaded (None: none), left out of answers
        so that hiding needs no new index."""
        self.hidden_count = 0
        """How many `hidden_rows` are set (kept, not counted: the title asks per keystroke)."""
        self.undo_stack: list[Undo] = []
        self.confirmed = Marks()
        """The marks as the store last confirmed them."""
        self.pending: list[Change] = []
        """Changes shown but not yet written, in the order they were made."""
        self.query = Query()
        self.raw_query = ""
        self.found: list[Found] = []
        """What the similar or recommended view lists, best first."""
        self.found_papers: list[Paper] = []
        self.like: Paper | None = None
        """The paper the similar view is about."""
        self.back_view = VIEW_ALL
        """Where Esc returns from the similar or recommended view."""
        self.sort: str | None = None
        """The sort the reader chose (`search.sort.SORTS`); None: the view's default."""
        self.sort_keys = SortKeys(())
        self.bookmark_sort_keys = SortKeys(())
        self._found_sort_keys = SortKeys(())
        self.key_of: Callable[[str], str] = default_key
        """The key a person presses for a binding id, as messages name it: a front end with
        user keymaps replaces it, so no message tells them to press a key that does nothing."""

    @classmethod
    def open(cls, *, library_mode: bool, store: Store | None = None) -> Session:
        """A session on `store`, or on the user's database (None with the reason if it can't)."""
        error = None
        if store is None:
            store, error = Store.open_or_error()
        session = cls(store, error, library_mode=library_mode)
        session.reload_marks()
        session.reload_bookmarks()
        return session

    # -- marks and bookmarks ---------------------------------------------------------------

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        """A one-command session (the CLI's) closes its store on the way out."""
        if self.store is not None:
            self.store.close()

    def reload_marks(self) -> None:
        if self.store is not None:
            self.confirmed.read = frozenset(self.store.read_ids())
            self.new_ids = frozenset(self.store.new_ids())
            self._show_pending()

    def reload_bookmarks(self) -> None:
        items = self.store.bookmarks() if self.store is not None else []
        self.confirmed.bookmarks = Marks.of(items, ()).bookmarks
        self._show_pending()

    def _show_pending(self) -> None:
        """Show the confirmed marks with every pending change applied again, in order."""
        marks = self.confirmed.copy()
        for change in self.pending:
            change.apply(marks)
        self._show(marks)

    def _show(self, marks: Marks) -> None:
        self.bookmarks, self.read_ids = marks.bookmarks, marks.read
        papers = [b.paper for b in marks.newest_first()]
        old = self.bookmark_papers
        if (
            self.bookmark_index is None
            or len(papers) != len(old)
            or any(a is not b for a, b in zip(papers, old, strict=True))
        ):
            self.bookmark_index = SearchIndex.build(papers)
            self.bookmark_sort_keys = SortKeys(papers)
        self.bookmark_papers = papers

    def context(self) -> Context:
        return Context(bookmarks=self.bookmarks, read_ids=self.read_ids, new_ids=self.new_ids)

    # -- papers, views and the index ---------------------------------------------------------

    def set_papers(self, loaded: Loaded) -> None:
        """New papers for the all-papers view; the old index no longer answers for them."""
        self.papers = loaded.papers
        self.loaded = loaded
        self.hidden_rows = None
        self.hidden_count = 0
        self.index = None
        self.columns = None
        self.sort_keys = SortKeys(loaded.papers)

    def index_job(self) -> Callable[[], tuple[Sequence[Paper], SearchIndex, FilterColumns]]:
        """A job for a worker: the index of the current papers, loaded from its saved copy
        when that is still good, else built (and saved when worth it)."""
        loaded, keys = self.loaded, self.sort_keys

        def build() -> tuple[Sequence[Paper], SearchIndex, FilterColumns]:
            keys.warm(DEFAULT_SORT)  # the order of the unfiltered list, before it is needed
            index = self._saved_or_built(loaded)
            # The filter columns come after the index, not beside it: the build's temporaries
            # are gone by then, which keeps the peak memory at 100k papers down by ~10 MB.
            return loaded.papers, index, FilterColumns(loaded.papers)

        return build

    def _saved_or_built(self, loaded: Loaded) -> SearchIndex:
        """The index of `loaded`: base and delta when they fit, else saved or built."""
        if loaded.segments is not None and self.store is not None:
            store = self.store
            segmented = segmented_index(
                loaded.segments, loaded.papers, lambda papers: _abstracts_from(store, papers)
            )
            if segmented is not None:
                return segmented
        index = load_or_build(loaded.papers, loaded.index_key, loaded.index_path, loaded.abstracts)
        if loaded.segments is not None and loaded.index_key is not None:
            # A new base for this generation: its rows too, and the delta is merged into it.
            path = loaded.segments.index_path
            save_rows(rows_path(path), loaded.index_key, loaded.papers, loaded.segments.rowids)
            drop_delta(path)
        return index

    def set_index(
        self, papers: Sequence[Paper], index: SearchIndex, columns: FilterColumns
    ) -> bool:
        """Adopt an index built for `papers`; False (ignored) if the papers changed since."""
        if papers is not self.papers:
            return False
        self.index, self.columns = index, columns
        return True

    def set_view(self, view: str) -> None:
        """Show a view; the recommended one is computed now (`UserError` before the index is
        ready or without bookmarks)."""
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}")
        if view == VIEW_RECOMMENDED:
            self._found(self._recommend(), None)
        elif view != VIEW_SIMILAR:
            self.back_view = view
        self.view = view

    def toggle_view(self) -> str:
        self.view = VIEW_BOOKMARKS if self.view == VIEW_ALL else VIEW_ALL
        self.back_view = self.view
        return self.view

    def show_similar(self, paper: Paper) -> str:
        """Switch to the papers most like `paper` (of all papers); the message says how many."""
        index = self._ready_index()
        doc = next((i for i, p in enumerate(self.papers) if p.id == paper.id), None)
        if doc is None:
            raise UserError("this paper is not in the library's index")
        found = [
            Found(self.papers[r.doc], r.score)
            for r in similar(index, self.papers, doc, FOUND_LIMIT, full=self.full_papers)
        ]
        if not found:
            raise UserError("no paper shares enough words with this one")
        self._found(found, paper)
        self.view = VIEW_SIMILAR
        return f"{len(found)} papers like this one (Esc goes back)"

    def _recommend(self) -> list[Found]:
        index = self._ready_index()
        position = {p.id: i for i, p in enumerate(self.papers)}
        liked = [position[i] for i in self.bookmarks if i in position]
        if not liked:
            raise UserError("bookmark a few papers first: recommendations start from them")
        skip = [position[i] for i in self.read_ids if i in position]
        found = recommend(index, self.papers, liked, skip, FOUND_LIMIT, full=self.full_papers)
        return [
            Found(
                self.papers[r.doc], r.score, None if r.because is None else self.papers[r.because]
            )
            for r in found
        ]

    def _ready_index(self) -> SearchIndex:
        if self.index is None:
            raise UserError("still indexing the papers: try again in a moment")
        return self.index

    def _found(self, found: list[Found], like: Paper | None) -> None:
        self.found, self.like = found, like
        self.found_papers = [f.paper for f in found]

    def because(self, paper: Paper) -> Paper | None:
        """The bookmarked paper a recommended `paper` is closest to (None outside that view)."""
        if self.view != VIEW_RECOMMENDED:
            return None
        return next((f.because for f in self.found if f.paper.id == paper.id), None)

    def view_papers(self) -> Sequence[Paper]:
        if self.view in (VIEW_SIMILAR, VIEW_RECOMMENDED):
            return self.found_papers
        return self.bookmark_papers if self.view == VIEW_BOOKMARKS else self.papers

    def _view_index(self) -> tuple[SearchIndex | None, FilterColumns | None]:
        if self.view == VIEW_BOOKMARKS:
            return self.bookmark_index, None
        if self.view in (VIEW_SIMILAR, VIEW_RECOMMENDED):
            return None, None  # a score order of 20 papers: the filter scans them
        return self.index, self.columns

    def _view_sort_keys(self) -> SortKeys:
        if self.view == VIEW_BOOKMARKS:
            return self.bookmark_sort_keys
        if self.view in (VIEW_SIMILAR, VIEW_RECOMMENDED):
            if self._found_sort_keys.papers is not self.found_papers:
                self._found_sort_keys = SortKeys(self.found_papers)
            return self._found_sort_keys
        return self.sort_keys

    # -- sorting -----------------------------------------------------------------------------

    def default_sort(self, has_text: bool) -> str:
        """Best match first while words are typed; otherwise the papers by day and rank, and
        the other views as they list them (newest bookmark first, most similar first):
        relevance without words keeps that order."""
        return TEXT_SORT if has_text or self.view != VIEW_ALL else DEFAULT_SORT

    def sort_for(self, query: Query) -> str:
        """The sort in force for `query`: its own `sort:`, else the reader's, else the default."""
        return query.sort or self.sort or self.default_sort(query.has_text)

    def cycle_sort(self, step: int = 1) -> str:
        """Choose the next sort (relevance only while it means something); returns it."""
        has_text = self.query.has_text
        default = self.default_sort(has_text)
        chosen = next_sort(self.sort_for(self.query), default == TEXT_SORT, step)
        self.sort = None if chosen == default else chosen
        return chosen

    def day_headers(self, query: Query) -> bool:
        """The answer to `query` is worth a header per day: the all-papers view in a sort
        that keeps each day together (other sorts interleave days)."""
        return self.view == VIEW_ALL and self.sort_for(query) in DAY_SORTS

    def _sorted(self, order: IntArray, query: Query, keys: SortKeys) -> IntArray:
        sort = self.sort_for(query)
        if sort == TEXT_SORT:
            return order
        return keys.order(order, sort, list_order=not query.has_text)

    def title(self, shown: int, *, loading: bool = False, partial: bool = False) -> str:
        """The list's title: which view, how many of its papers the filter shows, the sort
        when it is not the default, and whether that is only the titles-only stand-in while
        the index is being built."""
        if loading and self.view == VIEW_ALL:
            return "Papers, reading…"
        if self.view == VIEW_SIMILAR and self.like is not None:
            name = f"Like “{ellipsize(self.like.title, 30)}”"
        elif self.view == VIEW_RECOMMENDED:
            name = "Recommended"
        else:
            name = "Bookmarks" if self.view == VIEW_BOOKMARKS else "Papers"
        total = len(self.view_papers())
        if self.view == VIEW_ALL:
            total -= self.hidden_count
        title = f"{name} {shown}/{total}"
        sort = self.sort_for(self.query)
        if sort != self.default_sort(self.query.has_text):
            title += f" · sort: {sort}"
        return title + " · titles only, indexing…" if partial else title

    # -- the filter --------------------------------------------------------------------------

    def set_query(self, raw: str) -> Query:
        """Parse the filter once; raises `QueryError` (the last good query stays in force)."""
        query = parse_query(raw)
        self.query, self.raw_query = query, raw
        return query

    def answer(self) -> Answer | None:
        """The current query's answer when it is cheap (index ready, or nothing to search);
        None when it needs a scan, which `scan` does off the UI thread."""
        papers = self.view_papers()
        index, columns = self._view_index()
        keys = self._view_sort_keys()
        if self.query.blank:
            everything = np.arange(len(papers), dtype=np.int64)
            return Answer(self._listed(self._sorted(everything, self.query, keys)), self.query)
        if index is not None or not self.query.needs_index:
            order = run_query(papers, self.query, self.context(), index, columns=columns)
            return Answer(self._listed(self._sorted(order, self.query, keys)), self.query)
        return None

    def _listed(self, order: IntArray) -> IntArray:
        """`order` without the rows hidden this session (all-papers view only)."""
        return _without(order, self.hidden_rows if self.view == VIEW_ALL else None)

    def scanner(self) -> Callable[[], Answer]:
        """A job that answers the current query without an index (titles only for big
        lists), for a worker thread: it holds a snapshot of what it needs, taken now, so a
        later keystroke cannot change the question it answers."""
        papers, query, ctx = self.view_papers(), self.query, self.context()
        keys = self._view_sort_keys()
        # Compact papers carry no abstract: a scan of them is titles only, whatever the size.
        compact = self.view == VIEW_ALL and self.loaded.abstracts is not None
        big = len(papers) > SCAN_ALL_LIMIT or compact
        hidden = self.hidden_rows
        hidden = hidden.copy() if hidden is not None and self.view == VIEW_ALL else None

        def scan() -> Answer:
            order = run_query(papers, query, ctx, None, scan_titles_only=big)
            return Answer(_without(self._sorted(order, query, keys), hidden), query, partial=big)

        return scan

    def search(self, query: Query, loaded: Loaded, *, full: bool = True) -> list[Paper]:
        """The papers of `loaded` matching `query`, best first: the CLI's one-shot query. A
        saved index is used when it is still good (and saved when built, for the next one); of
        a compact library only the matches are read in full (none unless `full`)."""
        papers = loaded.papers
        keys = SortKeys(papers)
        if query.blank:
            order = np.arange(len(papers), dtype=np.int64)
        else:
            index = self._saved_or_built(loaded) if query.needs_index else None
            order = run_query(papers, query, self.context(), index)
        found = [papers[i] for i in self._sorted(order, query, keys)]
        return self.full_papers(found) if full else found

    # -- compact papers ----------------------------------------------------------------------

    def full(self, paper: Paper) -> Paper:
        """`paper` with every field: a compact `ListedPaper` is read from the library (itself
        when it cannot be, e.g. removed meanwhile or the database failed)."""
        if not isinstance(paper, ListedPaper) or self.store is None:
            return paper
        try:
            return self.store.library_papers_by_id([paper.id]).get(paper.id, paper)
        except UserError:
            return paper

    def full_papers(self, papers: Sequence[Paper]) -> list[Paper]:
        """`full` of each of `papers`, in order, read in a few queries."""
        compact = [p.id for p in papers if isinstance(p, ListedPaper)]
        if not compact or self.store is None:
            return list(papers)
        found = self.store.library_papers_by_id(compact)
        return [found.get(p.id, p) if isinstance(p, ListedPaper) else p for p in papers]

    # -- discovery ---------------------------------------------------------------------------

    def similar_to(self, loaded: Loaded, ref: str, limit: int) -> tuple[Paper, list[Found]]:
        """The paper `ref` names (id, arXiv id or URL) among `loaded`, and the papers most like
        it: the CLI's `similar`. Raises `UserError` when no paper answers to `ref`."""
        papers = loaded.papers
        doc = find_paper(papers, ref)
        if doc is None:
            raise UserError(f"{ref}: no such paper (give an id, an arXiv id or a paper URL)")
        index = self._saved_or_built(loaded)
        return papers[doc], [
            Found(papers[r.doc], r.score)
            for r in similar(index, papers, doc, limit, full=self.full_papers)
        ]

    def recommended(self, loaded: Loaded, limit: int) -> list[Found]:
        """Unread papers of `loaded` closest to the bookmarked ones, each with the bookmarked
        paper it is closest to: the CLI's `recommend`. Empty without bookmarks."""
        papers = loaded.papers
        liked = [i for i, p in enumerate(papers) if p.id in self.bookmarks]
        if not liked:
            return []
        skip = [i for i, p in enumerate(papers) if p.id in self.read_ids]
        index = self._saved_or_built(loaded)
        return [
            Found(papers[r.doc], r.score, None if r.because is None else papers[r.because])
            for r in recommend(index, papers, liked, skip, limit, full=self.full_papers)
        ]

    # -- saved searches ----------------------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search with how many of its matches are new; the count is None while
        a text query has no index to ask (before the app's index is ready)."""
        if self.store is None:
            return []
        found = []
        for name, raw in self.store.saved_searches():
            found.append(SavedSearch(name, raw, self._new_matches(raw)))
        return found

    def _new_matches(self, raw: str) -> int | None:
        try:
            query = parse_query(raw)
        except QueryError:
            return None
        if not self.new_ids:
            return 0
        if query.needs_index and self.index is None:  # author: reads the index too
            return None
        order = run_query(self.papers, query, self.context(), self.index, columns=self.columns)
        return sum(1 for i in order.tolist() if self.papers[i].id in self.new_ids)

    def save_search(self, name: str) -> str:
        """Keep the current filter under `name`; the message says what happened."""
        if self.query.blank:
            raise UserError("type a filter first: an empty one matches everything")
        replaced = self._writable().save_search(name, self.raw_query)
        return f"{'Replaced' if replaced else 'Saved'} search {name.strip()!r}"

    def saved_query(self, name: str) -> str:
        """The filter saved under `name`; `UserError` naming it when there is none."""
        raw = self.store.saved_search(name) if self.store is not None else None
        if raw is None:
            raise UserError(f"no saved search named {name!r} (papershelf saved lists them)")
        return raw

    def delete_search(self, name: str) -> str:
        if not self._writable().delete_search(name):
            raise UserError(f"no saved search named {name!r}")
        return f"Deleted saved search {name.strip()!r}"

    # -- bookmarks ---------------------------------------------------------------------------

    def _writable(self) -> Store:
        if self.store is None:
            raise UserError(self.store_error or "no bookmark store")
        if self.store.read_only:
            # The store's reason names the file and why (damaged: run doctor; read-only).
            raise UserError(self.store.read_only_reason or "the database is read-only")
        return self.store

    def _make(self, change: Change) -> Change:
        """Show `change` at once; it stays pending until its write is reported."""
        marks = Marks(dict(self.bookmarks), self.read_ids)
        change.apply(marks)
        if change.write is not None:
            self.pending.append(change)
        self._show(marks)
        return change

    def _bookmark_change(
        self,
        paper: Paper,
        what: str,
        message: str,
        apply: Callable[[Marks], None],
        write: Callable[[Store], object],
    ) -> Change:
        """A bookmark change, remembered for undo; refused at once when nothing can be written."""
        store = self._writable()
        undo = Undo(paper, self.bookmarks.get(paper.id), what)
        self.undo_stack.append(undo)
        del self.undo_stack[:-50]
        return self._make(Change(what, paper, message, apply, partial(write, store), undo))

    def written(self, change: Change) -> None:
        """The store recorded `change`: it joins the confirmed marks."""
        self.pending.remove(change)
        change.apply(self.confirmed)

    def write_failed(self, change: Change, error: str) -> str:
        """The store refused `change`: take it back (and its undo entry); the sentence to show."""
        self.pending.remove(change)
        self.undo_stack = [u for u in self.undo_stack if u is not change.pushed]
        if change.popped is not None:
            self.undo_stack.append(change.popped)
        if change.taken_back is not None:
            change.taken_back()
        self._show_pending()
        subject = f": {ellipsize(change.paper.title, 60)}" if change.paper is not None else ""
        shown = change.apply is not no_change or change.taken_back is not None
        taken_back = ", taken back" if shown else ""
        return f"Not saved{taken_back}: the {change.what}{subject}\n{error}"

    def commit(self, change: Change) -> str:
        """Write `change` now (where waiting is fine): its message, or `UserError` after the
        change was taken back."""
        if change.write is not None:
            try:
                change.write()
            except UserError as exc:
                raise UserError(self.write_failed(change, str(exc))) from exc
            self.written(change)
        return change.message

    def _undo_hint(self) -> str:
        return f"press {self.key_of('bookmark.undo')} to undo"

    def require_bookmark(self, paper: Paper) -> Bookmark:
        bookmark = self.bookmarks.get(paper.id)
        if bookmark is None:
            raise UserError(f"Bookmark it first ({self.key_of('bookmark')}).")
        return bookmark

    def toggle_bookmark(self, paper: Paper) -> Change:
        if paper.id in self.bookmarks:
            return self.remove_bookmark(paper)
        paper = self.full(paper)  # the bookmark keeps a copy of every field
        now = clock.now()
        bookmark = Bookmark(paper, "to-read", "", (), now, now)

        def add(marks: Marks) -> None:
            marks.bookmarks.setdefault(paper.id, bookmark)

        message = f"Bookmarked: {ellipsize(paper.title, 60)}"
        self.new_ids = self.new_ids - {paper.id}  # the store clears the new mark with the write
        return self._bookmark_change(paper, "bookmark", message, add, lambda s: s.add(paper))

    def remove_bookmark(self, paper: Paper) -> Change:
        self.require_bookmark(paper)

        def remove(marks: Marks) -> None:
            marks.bookmarks.pop(paper.id, None)

        message = f"Removed bookmark: {ellipsize(paper.title, 60)} — {self._undo_hint()}"
        return self._bookmark_change(
            paper, "removal", message, remove, lambda s: s.remove(paper.id)
        )

    def _edit(
        self, paper: Paper, what: str, message: str, write: Callable[[Store], object], **fields: Any
    ) -> Change:
        """A change of a bookmark's fields (state, note, tags), as the store makes it."""
        self.require_bookmark(paper)
        now = clock.now()

        def edit(marks: Marks) -> None:
            current = marks.bookmarks.get(paper.id)
            if current is not None:
                changed = replace(current, **fields)
                if changed != current:
                    changed = replace(changed, updated_at=max(now, current.updated_at))
                marks.bookmarks[paper.id] = changed

        return self._bookmark_change(paper, what, message, edit, write)

    def cycle_state(self, paper: Paper, step: int = 1) -> Change:
        state = check_state(next_state(self.require_bookmark(paper).state, step))
        return self._edit(
            paper,
            "state change",
            f"State: {state}",
            lambda s: s.set_state(paper.id, state),
            state=state,
        )

    def set_note(self, paper: Paper, note: str) -> Change:
        note = clean_note(note)
        return self._edit(
            paper, "note edit", "Note saved.", lambda s: s.set_note(paper.id, note), note=note
        )

    def set_tags(self, paper: Paper, text: str) -> Change:
        tags = split_tags(text)
        return self._edit(
            paper, "tag edit", "Tags saved.", lambda s: s.set_tags(paper.id, tags), tags=tags
        )

    def add_bookmarks(
        self, ids: Sequence[str], candidates: Sequence[Paper], where: str
    ) -> list[Paper]:
        """Bookmark the papers of `candidates` with these ids, all or none: an unknown id is
        an error naming every missing one (`where` says where they were looked for). An id
        may also be written as the filter takes it: `2511.20107`, `2511.20107v2`, an arXiv
        abs/pdf URL or a `huggingface.co/papers/` URL (`urls.referenced_arxiv_id`)."""
        by_id = {p.id: p for p in candidates}
        find = _resolver(candidates)

        def resolve(given: str) -> str:
            found = find(given)
            return candidates[found].id if found is not None else given

        wanted = {given: resolve(given) for given in ids}
        missing = [given for given, paper_id in wanted.items() if paper_id not in by_id]
        if missing:
            raise UserError(f"no paper with id {', '.join(missing)} in {where}")
        store = self._writable()
        chosen = list(dict.fromkeys(wanted.values()))
        for paper_id in chosen:
            store.add(by_id[paper_id])
        self.new_ids = self.new_ids - set(ids)
        self.reload_bookmarks()
        return [by_id[i] for i in chosen]

    def remove_bookmarks(self, ids: Sequence[str]) -> list[Bookmark]:
        """Remove these bookmarks, all or none: an id that is not bookmarked is an error."""
        store = self._writable()
        known = store.bookmarked_ids()  # damaged bookmarks too: removing them is the cure
        missing = [i for i in ids if i not in known]
        if missing:
            raise UserError(f"not bookmarked: {', '.join(missing)}")
        removed = [b for b in (store.remove(i) for i in ids) if b is not None]
        self.reload_bookmarks()
        return removed

    def undo(self) -> Change:
        """Take back the last bookmark change of any kind, and say which."""
        if not self.undo_stack:
            return self._make(Change("undo", None, "Nothing to undo.", no_change))
        store = self._writable()
        last = self.undo_stack.pop()
        if last.revert is not None:  # not a bookmark change (a hide): its own taking back
            change = last.revert()
            change.popped = last
            return self._make(change)
        paper_id, before = last.paper.id, last.before

        def take_back(marks: Marks) -> None:
            marks.bookmarks.pop(paper_id, None)  # a restored bookmark comes back as the newest row
            if before is not None:
                marks.bookmarks[paper_id] = before

        def write() -> None:
            if before is None:
                store.remove(paper_id)
            else:
                store.restore(before)

        message = f"Undid the {last.what}: {ellipsize(last.paper.title, 60)}"
        change = Change(f"undo of the {last.what}", last.paper, message, take_back, write)
        change.popped = last
        return self._make(change)

    # -- read marks --------------------------------------------------------------------------

    def set_read(self, paper: Paper, read: bool) -> Change | None:
        """Mark `paper` read or unread; None when the store cannot record it (read marks are
        a convenience, so a read-only store is no error)."""
        store = self.store
        if store is None or store.read_only:
            return None
        paper_id = paper.id

        def mark(marks: Marks) -> None:
            marks.read = marks.read | {paper_id} if read else marks.read - {paper_id}

        what = "read mark" if read else "unread mark"
        change = Change(what, paper, "", mark, lambda: store.set_read(paper_id, read))
        if read and paper_id in self.new_ids:  # reading clears the new mark (the store does
            self.new_ids = self.new_ids - {paper_id}  # it with the write, or not at all)

            def still_new() -> None:
                self.new_ids = self.new_ids | {paper_id}

            change.taken_back = still_new
        return self._make(change)

    # -- hiding ------------------------------------------------------------------------------

    def hide(self, paper: Paper) -> Change:
        """Hide `paper` from the library's list (kept in the library, so a later fetch does not
        bring it back as new; its bookmark stays); `u` takes it back. Re-run the filter after."""
        if not self.library_mode:
            raise UserError("Only papers of your library can be hidden (run papershelf alone).")
        store = self._writable()
        papers, row = self.papers, self._row_of(paper)
        if row is None:  # a bookmark whose paper has left the library
            raise UserError(f"Not in your library: {ellipsize(paper.title, 60)}")
        was_new = paper.id in self.new_ids

        def show_row(hidden: bool) -> None:
            """Hide or show the row at once (the store follows through the write queue)."""
            if self.papers is papers:  # else the papers were reloaded: they show the store
                self._set_hidden_row(row, hidden)

        def not_hidden() -> None:
            """The hide's write failed: the row, and its new mark, come back."""
            show_row(False)
            if was_new:
                self.new_ids = self.new_ids | {paper.id}

        def unhide() -> Change:  # the new mark stays cleared, as the store keeps it
            show_row(False)
            message = f"Undid the hide: {ellipsize(paper.title, 60)}"
            write = partial(store.set_hidden, [paper.id], False)
            change = Change("undo of the hide", paper, message, no_change, write)
            change.taken_back = partial(show_row, True)
            return change

        show_row(True)
        self.new_ids = self.new_ids - {paper.id}
        undo = Undo(paper, None, "hide", unhide)
        self.undo_stack.append(undo)
        del self.undo_stack[:-50]
        message = (
            f"Hidden: {ellipsize(paper.title, 60)} — press {self.key_of('bookmark.undo')} to undo"
        )
        write = partial(store.set_hidden, [paper.id], True)
        change = Change("hide", paper, message, no_change, write, pushed=undo)
        change.taken_back = not_hidden
        return self._make(change)

    def _row_of(self, paper: Paper) -> int | None:
        """The row of `paper` in `papers` (None if absent): one pass, once per hide."""
        return next((i for i, p in enumerate(self.papers) if p is paper or p.id == paper.id), None)

    def _set_hidden_row(self, row: int | None, hidden: bool) -> None:
        if row is None or row >= len(self.papers):
            return
        if self.hidden_rows is None:
            self.hidden_rows = np.zeros(len(self.papers), dtype=np.bool_)
        if bool(self.hidden_rows[row]) != hidden:
            self.hidden_rows[row] = hidden
            self.hidden_count += 1 if hidden else -1

    # -- export ------------------------------------------------------------------------------

    def export_reading_list(self, path: Path) -> str:
        """Write every bookmark to `path` in the format its extension names; the sentence to
        show. Raises `UserError` for an unknown extension or a file that cannot be written."""
        writers: dict[str, Callable[[Sequence[Bookmark]], str]] = {
            ".bib": export.to_bibtex,
            ".md": export.to_markdown,
            ".json": export.to_json,
            ".csv": export.to_csv,
        }
        writer = writers.get(path.suffix.lower())
        if writer is None:
            raise UserError(f"{path.name}: end the name in .bib, .md, .json or .csv")
        if self.store is None:
            raise UserError(self.store_error or "no bookmark store")
        # What the reader sees, changes still on their way to the disk included.
        items = Marks(dict(self.bookmarks), self.read_ids).newest_first()
        try:
            path.write_text(writer(items), encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
        return f"Exported {len(items)} bookmark(s) to {path}"

    # -- settings ----------------------------------------------------------------------------

    def pane_layout(self, default_width: int | None = None) -> PaneLayout:
        """The pane layout the user chose last time; else the config's width
        (`default_width`), else the built-in layout."""
        default = PaneLayout() if default_width is None else PaneLayout.with_width(default_width)
        if self.store is None:
            return default
        try:
            return PaneLayout.from_settings(self.store.get_setting, default)
        except UserError:
            return default

    def save_pane_layout(self, layout: PaneLayout) -> bool:
        """Remember `layout` for the next run; False when the store cannot (a preference is
        no reason for an error: the layout still changes for this run)."""
        if self.store is None or self.store.read_only:
            return False
        try:
            for name, value in layout.to_settings().items():
                self.store.set_setting(name, value)
        except UserError:
            return False
        return True

    def pane_layout_change(self, layout: PaneLayout) -> Change:
        """Remembering `layout` as a change for the app's store queue: a store busy with
        another writer must not hold up the key that moved the divider. It never fails
        (`save_pane_layout` says False instead), so nothing is ever taken back or said."""
        return self._make(
            Change("pane layout", None, "", no_change, partial(self.save_pane_layout, layout))
        )

    # -- fetching ----------------------------------------------------------------------------

    def fetch(
        self,
        progress: Callable[[str], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> tuple[int, int, Loaded | None]:
        """Fetch the latest daily list into the library: (seen, new, the library when browsing
        it). `progress` gets one line per page. Network-bound: call it from a worker. Once
        `cancelled()` is true (the app quit while the fetch was under way) nothing is stored:
        `UserError`."""
        from papershelf.fetch import FetchRequest, Progress, fetch_list

        def report(step: Progress) -> None:
            if progress is not None:
                progress(str(step))

        store = self._writable()
        fetched = fetch_list(FetchRequest(), progress=report)
        if cancelled():
            raise UserError("the fetch was cancelled; nothing was stored")
        seen, new = add_and_index(store, fetched.papers, fetched.label)
        self.new_ids = frozenset(store.new_ids())  # the papers just added are new at once
        return seen, new, load_library(store) if self.library_mode else None


__all__ = [
    "COMPACT_MIN",
    "COPY_ITEMS",
    "FIRST_PAINT",
    "SCAN_ALL_LIMIT",
    "VIEWS",
    "VIEW_ALL",
    "VIEW_BOOKMARKS",
    "Answer",
    "Change",
    "Loaded",
    "QueryError",
    "Session",
    "Undo",
    "copy_choices",
    "copy_text",
    "load",
    "load_library",
    "next_day_row",
    "next_state",
    "previous_day_row",
    "split_tags",
]
