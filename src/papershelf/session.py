"""The browsing session: the one headless core that the app and the CLI both run through.

It holds what a person browsing has in hand (the papers of the view, the search index or the
scan that stands in for it, bookmarks, read and new marks, the filter, the undo stack) and
every rule about them. Front ends only translate: the app turns keys into these calls and
results into widgets, the CLI does the same with arguments and text. Nothing here imports
Textual, so every rule is tested without a screen (harlequin's `query.py` is the model).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from papershelf import export
from papershelf.errors import UserError
from papershelf.library_index import (
    Segments,
    drop_delta,
    open_segments,
    record_delta,
    segmented_index,
)
from papershelf.locations import sample_digest
from papershelf.model import STATES, Bookmark, ListedPaper, Paper, normalize_tags
from papershelf.search import (
    Context,
    FilterColumns,
    Query,
    QueryError,
    SearchIndex,
    parse_query,
    run_query,
)
from papershelf.search.cache import cache_key, library_key, load_or_build
from papershelf.search.index import TextSource
from papershelf.search.rowcache import load_rows, rows_path, save_rows
from papershelf.store import Store

if TYPE_CHECKING:
    from papershelf.parser import ParseWarning  # the parser is imported only to parse
from papershelf.text import ellipsize

IntArray = npt.NDArray[np.int64]

VIEW_ALL = "all"
VIEW_BOOKMARKS = "bookmarks"
VIEWS = (VIEW_ALL, VIEW_BOOKMARKS)

SCAN_ALL_LIMIT = 20_000
"""Above this many papers, queries typed before the index is ready scan titles only."""

COPY_CHOICES = ("title", "link", "markdown", "bibtex")


@dataclass(frozen=True, slots=True)
class Loaded:
    """Papers read from the sources (or the library) and what was odd about them."""

    papers: Sequence[Paper]
    warnings: Sequence[ParseWarning] = ()
    index_key: str | None = None
    """What a saved index of exactly these papers is filed under (None: not worth saving)."""
    index_path: Path | None = None
    """Where that index lives, when it has a fixed place (the library's)."""
    abstracts: TextSource | None = None
    """Reads the abstracts of `papers` by position when they are compact `ListedPaper`s."""
    segments: Segments | None = None
    """The library's saved base and delta, when `papers` were put together from them."""


def load(
    sources: Sequence[str | Path],
    *,
    store: Store | None,
    year: int | None = None,
    stdin_text: str | None = None,
    on_first_batch: Callable[[list[Paper]], object] | None = None,
) -> Loaded:
    """The papers to browse: `sources` when given, else the library, else the sample.

    `on_first_batch` gets the first papers (of a big digest while the rest is read, of the
    library's newest days before the rest is decoded), so a screen can paint them at once.
    Raises `UserError` for unreadable sources. Slow for big inputs: call it from a worker.
    """
    from papershelf.parser import parse_sources

    if not sources and store is not None:
        return load_library(store, on_first_batch)
    stdin = io.StringIO(stdin_text) if stdin_text is not None else None
    sent = False

    def first_batch(batch: Sequence[Paper]) -> None:
        nonlocal sent
        if on_first_batch is not None and not sent and batch:
            sent = True
            on_first_batch(list(batch))

    result = parse_sources(
        list(sources) or [sample_digest()], year=year, stdin=stdin, on_batch=first_batch
    )
    return Loaded(result.papers, result.warnings, cache_key(list(sources)) if sources else None)


FIRST_PAINT = 500
"""Papers of the library decoded first, so the newest days paint before the rest is read."""


COMPACT_MIN = SCAN_ALL_LIMIT
"""Libraries bigger than this load as compact `ListedPaper`s (the scan that stands in for
the index reads titles only at that size, so no abstract is needed before the index)."""


def load_library(
    store: Store,
    on_first_batch: Callable[[list[Paper]], object] | None = None,
    *,
    compact: bool = True,
) -> Loaded:
    """The library, newest first, with the key of its saved index.

    A big library comes as compact `ListedPaper`s (unless not `compact`), from the rows
    saved beside its index for this generation when there are some, else from the table;
    `Loaded.abstracts` reads their abstracts and `Session.full` their full copies. The
    generation stamp
    is read before the papers: a write in between makes the key older than the papers, so the
    saved index is rebuilt next time rather than trusted wrongly.
    """
    from papershelf.store import library_papers

    size = store.library_size()
    if on_first_batch is not None and size > FIRST_PAINT:
        on_first_batch(store.library(limit=FIRST_PAINT))
    generation = store.library_generation()
    key, path = library_key(store.path, generation)
    listed: Sequence[Paper] | None = None
    segments = None
    if compact and size > COMPACT_MIN:
        listed = load_rows(rows_path(path), key)
        if listed is None and (opened := open_segments(store, key, path)) is not None:
            listed, segments = opened
        if listed is None and (read := store.listed_papers()) is not None:
            listed, rowids = read
            if store.library_generation() == generation:
                save_rows(rows_path(path), key, listed, rowids)
    papers: Sequence[Paper] = library_papers(store) if listed is None else listed
    if store.library_generation() != generation:  # seeded with the sample just now
        return Loaded(papers)
    abstracts = None if listed is None else _abstracts_from(store, listed)
    return Loaded(papers, index_key=key, index_path=path, abstracts=abstracts, segments=segments)


def _abstracts_from(store: Store, papers: Sequence[Paper]) -> TextSource:
    def abstracts(positions: Sequence[int]) -> list[str]:
        return store.library_abstracts([papers[i].id for i in positions])

    return abstracts


def split_tags(text: str) -> tuple[str, ...]:
    """Tags as typed in one line ("nlp, rl  to-cite") -> normalised tags."""
    return normalize_tags(text.replace(",", " ").split())


def next_state(state: str, step: int = 1) -> str:
    """The reading state `step` places after `state` (negative goes back), wrapping around."""
    return STATES[(STATES.index(state) + step) % len(STATES)]


def copy_text(paper: Paper, choice: str, bookmark: Bookmark | None = None) -> str:
    """The text that copying `choice` (one of COPY_CHOICES) of `paper` puts on the clipboard."""
    if choice == "title":
        return paper.title
    if choice == "link":
        return paper.link
    if choice == "markdown":
        return export.markdown_link(paper)
    if choice == "bibtex":
        return export.bibtex_entry(paper, bookmark.note if bookmark else "")
    raise ValueError(f"unknown copy choice {choice!r}")


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


@dataclass(frozen=True, slots=True)
class Answer:
    """The rows of the view matching the filter, best first, and what was asked."""

    order: IntArray
    query: Query
    partial: bool = False
    """True for the title-only scan that stands in while a big list's index is built."""


@dataclass(frozen=True, slots=True)
class Undo:
    """A bookmark change that `u` can take back: the bookmark as it was before (None: absent)."""

    paper: Paper
    before: Bookmark | None
    what: str


class Session:
    """What one person is browsing and the rules for changing it.

    `store` may be None (no database could be opened: browsing works, bookmarking says why
    not). Methods that write return the sentence to show and raise `UserError` on failure;
    nothing is changed in memory unless the store committed it.
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
        self.bookmark_papers: list[Paper] = []
        self.bookmark_index: SearchIndex | None = None
        self.read_ids: frozenset[str] = frozenset()
        self.new_ids: frozenset[str] = frozenset()
        self.undo_stack: list[Undo] = []
        self.query = Query()
        self.raw_query = ""

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

    def reload_marks(self) -> None:
        if self.store is not None:
            self.read_ids = frozenset(self.store.read_ids())
            self.new_ids = frozenset(self.store.new_since_last_visit())

    def start_visit(self) -> None:
        """Record this visit, so the next one knows what is new since."""
        if self.store is not None:
            self.store.mark_visit()

    def reload_bookmarks(self) -> None:
        items = self.store.bookmarks() if self.store is not None else []
        self.bookmarks = {b.paper.id: b for b in items}
        self.bookmark_papers = [b.paper for b in items]
        self.bookmark_index = SearchIndex.build(self.bookmark_papers)

    def context(self) -> Context:
        return Context(bookmarks=self.bookmarks, read_ids=self.read_ids, new_ids=self.new_ids)

    # -- papers, views and the index ---------------------------------------------------------

    def set_papers(self, loaded: Loaded) -> None:
        """New papers for the all-papers view; the old index no longer answers for them."""
        self.papers = loaded.papers
        self.loaded = loaded
        self.index = None
        self.columns = None

    def index_job(self) -> Callable[[], tuple[Sequence[Paper], SearchIndex, FilterColumns]]:
        """A job for a worker: the index of the current papers, loaded from its saved copy
        when that is still good, else built (and saved when worth it)."""
        loaded = self.loaded

        def build() -> tuple[Sequence[Paper], SearchIndex, FilterColumns]:
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
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}")
        self.view = view

    def toggle_view(self) -> str:
        self.view = VIEW_BOOKMARKS if self.view == VIEW_ALL else VIEW_ALL
        return self.view

    def view_papers(self) -> Sequence[Paper]:
        return self.bookmark_papers if self.view == VIEW_BOOKMARKS else self.papers

    def _view_index(self) -> tuple[SearchIndex | None, FilterColumns | None]:
        if self.view == VIEW_BOOKMARKS:
            return self.bookmark_index, None
        return self.index, self.columns

    def title(self, shown: int, *, loading: bool = False, partial: bool = False) -> str:
        """The list's title: which view, how many of its papers the filter shows, and whether
        that is only the titles-only stand-in while the index is being built."""
        if loading and self.view == VIEW_ALL:
            return "Papers, reading…"
        name = "Bookmarks" if self.view == VIEW_BOOKMARKS else "Papers"
        title = f"{name} {shown}/{len(self.view_papers())}"
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
        if self.query.blank:
            return Answer(np.arange(len(papers), dtype=np.int64), self.query)
        if index is not None or not self.query.has_text:
            order = run_query(papers, self.query, self.context(), index, columns=columns)
            return Answer(order, self.query)
        return None

    def scanner(self) -> Callable[[], Answer]:
        """A job that answers the current query without an index (titles only for big
        lists), for a worker thread: it holds a snapshot of what it needs, taken now, so a
        later keystroke cannot change the question it answers."""
        papers, query, ctx = self.view_papers(), self.query, self.context()
        # Compact papers carry no abstract: a scan of them is titles only, whatever the size.
        compact = self.view == VIEW_ALL and self.loaded.abstracts is not None
        big = len(papers) > SCAN_ALL_LIMIT or compact

        def scan() -> Answer:
            order = run_query(papers, query, ctx, None, scan_titles_only=big)
            return Answer(order, query, partial=big)

        return scan

    def search(self, query: Query, loaded: Loaded, *, full: bool = True) -> list[Paper]:
        """The papers of `loaded` matching `query`, best first: the CLI's one-shot query. A
        saved index is used when it is still good (and saved when built, for the next one); of
        a compact library only the matches are read in full (none unless `full`)."""
        papers = loaded.papers
        found = list(papers)
        if not query.blank:
            index = self._saved_or_built(loaded) if query.has_text else None
            found = [papers[i] for i in run_query(papers, query, self.context(), index).tolist()]
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

    # -- bookmarks ---------------------------------------------------------------------------

    def _writable(self) -> Store:
        if self.store is None:
            raise UserError(self.store_error or "no bookmark store")
        if self.store.read_only:
            raise UserError("the database is read-only")
        return self.store

    def _commit(self, paper: Paper, what: str, change: Callable[[Store], object]) -> None:
        """One committed write; remembered for undo; bookmarks reloaded."""
        store = self._writable()
        before = self.bookmarks.get(paper.id)
        change(store)
        self.undo_stack.append(Undo(paper, before, what))
        del self.undo_stack[:-50]
        self.reload_bookmarks()

    def require_bookmark(self, paper: Paper) -> Bookmark:
        bookmark = self.bookmarks.get(paper.id)
        if bookmark is None:
            raise UserError("Bookmark it first (b).")
        return bookmark

    def toggle_bookmark(self, paper: Paper) -> str:
        if paper.id in self.bookmarks:
            return self.remove_bookmark(paper)
        paper = self.full(paper)  # the bookmark keeps a copy of every field
        self._commit(paper, "bookmark", lambda s: s.add(paper))
        return f"Bookmarked: {ellipsize(paper.title, 60)}"

    def remove_bookmark(self, paper: Paper) -> str:
        self.require_bookmark(paper)
        self._commit(paper, "removal", lambda s: s.remove(paper.id))
        return f"Removed bookmark: {ellipsize(paper.title, 60)} — press u to undo"

    def cycle_state(self, paper: Paper, step: int = 1) -> str:
        state = next_state(self.require_bookmark(paper).state, step)
        self._commit(paper, "state change", lambda s: s.set_state(paper.id, state))
        return f"State: {state}"

    def set_note(self, paper: Paper, note: str) -> str:
        self.require_bookmark(paper)
        self._commit(paper, "note edit", lambda s: s.set_note(paper.id, note))
        return "Note saved."

    def set_tags(self, paper: Paper, text: str) -> str:
        self.require_bookmark(paper)
        tags = split_tags(text)
        self._commit(paper, "tag edit", lambda s: s.set_tags(paper.id, tags))
        return "Tags saved."

    def add_bookmarks(
        self, ids: Sequence[str], candidates: Sequence[Paper], where: str
    ) -> list[Paper]:
        """Bookmark the papers of `candidates` with these ids, all or none: an unknown id is
        an error naming every missing one (`where` says where they were looked for)."""
        by_id = {p.id: p for p in candidates}
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise UserError(f"no paper with id {', '.join(missing)} in {where}")
        store = self._writable()
        for paper_id in ids:
            store.add(by_id[paper_id])
        self.reload_bookmarks()
        return [by_id[i] for i in ids]

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

    def undo(self) -> str:
        """Take back the last bookmark change of any kind, and say which."""
        if not self.undo_stack:
            return "Nothing to undo."
        last = self.undo_stack[-1]
        store = self._writable()
        if last.before is None:
            store.remove(last.paper.id)
        else:
            store.restore(last.before)
        self.undo_stack.pop()
        self.reload_bookmarks()
        return f"Undid the {last.what}: {ellipsize(last.paper.title, 60)}"

    # -- read marks --------------------------------------------------------------------------

    def set_read(self, paper: Paper, read: bool) -> bool:
        """Mark `paper` read or unread; False when the store cannot record it (read marks are
        a convenience, so a read-only store is no error)."""
        if self.store is None or self.store.read_only:
            return False
        self.store.set_read(paper.id, read)
        self.read_ids = self.read_ids | {paper.id} if read else self.read_ids - {paper.id}
        return True

    # -- fetching ----------------------------------------------------------------------------

    def fetch(
        self, progress: Callable[[str], None] | None = None
    ) -> tuple[int, int, Loaded | None]:
        """Fetch the latest daily list into the library: (seen, new, the library when browsing
        it). `progress` gets one line per page. Network-bound: call it from a worker."""
        from papershelf.fetch import FetchRequest, Progress, fetch_list

        def report(step: Progress) -> None:
            if progress is not None:
                progress(str(step))

        store = self._writable()
        fetched = fetch_list(FetchRequest(), progress=report)
        before = store.library_generation()
        seen, new = store.add_to_library(fetched.papers, fetched.label)
        record_delta(store, [[p.id for p in fetched.papers]], before)
        return seen, new, load_library(store) if self.library_mode else None


__all__ = [
    "COPY_CHOICES",
    "VIEWS",
    "VIEW_ALL",
    "VIEW_BOOKMARKS",
    "Answer",
    "Loaded",
    "QueryError",
    "Session",
    "Undo",
    "copy_text",
    "load",
    "next_day_row",
    "next_state",
    "previous_day_row",
    "split_tags",
]
