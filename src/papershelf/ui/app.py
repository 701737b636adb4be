"""The papershelf app: filter bar, virtualised paper list, abstract pane, reading list.

The app only wires things together. Parsing, searching and storing are the headless core's;
slow work (parsing a big digest, building the index) runs in thread workers that post
messages back, so the first paint waits for the parse only and typing never waits.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

import numpy as np
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, ProgressBar

from papershelf import export
from papershelf.errors import UserError
from papershelf.fetch import FetchRequest, fetch_papers
from papershelf.library import library_papers
from papershelf.locations import sample_digest
from papershelf.model import Paper
from papershelf.parser import parse_sources
from papershelf.search import SYNTAX as QUERY_SYNTAX
from papershelf.search import (
    Context,
    FilterColumns,
    Query,
    QueryError,
    SearchIndex,
    parse_query,
    run_query,
)
from papershelf.search.cache import cache_key, load_or_build
from papershelf.store import STATES, Bookmark, Store
from papershelf.ui.detail import DetailPane
from papershelf.ui.help import HelpScreen, binding_rows
from papershelf.ui.messages import (
    FetchDone,
    IndexReady,
    LoadFailed,
    PapersLoaded,
    PapersPartial,
    SearchDone,
)
from papershelf.ui.modals import CopyMenu, NoteEditor, TagsEditor
from papershelf.ui.paper_list import VIEW_TAB, PaperList
from papershelf.urls import is_web_url

SCAN_ALL_LIMIT = 20_000
"""Above this many papers, queries typed before the index is ready scan titles only."""

READ_AFTER_S = 2.0
"""A paper shown this long in the detail pane counts as read."""

VIEW_ALL = "all"
VIEW_BOOKMARKS = "bookmarks"


class FilterInput(Input):
    """The filter bar: Enter or ↓ go to the list keeping the filter, Esc clears it."""

    BINDINGS = [
        VIEW_TAB,
        Binding("down,enter", "app.focus_list", "To the list", show=False, id="filter.to_list"),
        Binding("escape", "app.clear_filter", "Clear filter", show=False, id="filter.clear"),
    ]


class PapershelfApp(App[None]):
    """Browse a digest, filter as you type, read abstracts, keep a reading list."""

    TITLE = "papershelf"
    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#papers"

    BINDINGS = [
        Binding(
            "slash", "focus_filter", "Filter", tooltip="Type to filter; Esc clears", id="filter"
        ),
        Binding(
            "b", "toggle_bookmark", "Bookmark", tooltip="Bookmark or un-bookmark", id="bookmark"
        ),
        # Listed here for the help and the palette; the widgets bind Tab themselves (see
        # VIEW_TAB) because the screen's focus-next would take it first, and a priority
        # binding would run ahead of keys still queued for the list.
        Binding("tab", "toggle_view", "Bookmarks", tooltip=VIEW_TAB.tooltip, show=False, id="view"),
        Binding("1", "show_view('all')", "All papers", show=False, id="view.all"),
        Binding("2", "show_view('bookmarks')", "Bookmarks", show=False, id="view.bookmarks"),
        Binding(
            "o",
            "open_link",
            "Open",
            tooltip="Open the code or paper page in the browser",
            id="open",
        ),
        Binding("y", "copy", "Copy", tooltip="Copy title, link, Markdown or BibTeX", id="copy"),
        Binding(
            "s",
            "cycle_state",
            "State",
            tooltip="Bookmark state: to-read → reading → done",
            show=False,
            id="bookmark.state",
        ),
        Binding(
            "n",
            "edit_note",
            "Note",
            tooltip="Edit the bookmark's note",
            show=False,
            id="bookmark.note",
        ),
        Binding(
            "t",
            "edit_tags",
            "Tags",
            tooltip="Edit the bookmark's tags",
            show=False,
            id="bookmark.tags",
        ),
        Binding(
            "d",
            "remove_bookmark",
            "Remove",
            tooltip="Remove the bookmark (u undoes)",
            show=False,
            id="bookmark.remove",
        ),
        Binding(
            "u",
            "undo_remove",
            "Undo",
            tooltip="Undo the last bookmark removal",
            show=False,
            id="bookmark.undo",
        ),
        Binding(
            "escape",
            "leave",
            "Back",
            tooltip="Back to the list; clear the filter",
            show=False,
            id="back",
        ),
        Binding(
            "m",
            "toggle_read",
            "Read/unread",
            tooltip="Mark read or unread",
            show=False,
            id="read.toggle",
        ),
        Binding(
            "right_square_bracket",
            "next_day",
            "Next day",
            tooltip="Jump to the next day",
            show=False,
            id="day.next",
        ),
        Binding(
            "left_square_bracket",
            "previous_day",
            "Previous day",
            tooltip="Jump to the start of this or the previous day",
            show=False,
            id="day.previous",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            tooltip="Fetch today's papers from Hugging Face",
            id="refresh",
        ),
        Binding("question_mark", "help", "Help", tooltip="Every key", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    view: reactive[str] = reactive(VIEW_ALL, init=False)

    def __init__(
        self,
        sources: Sequence[str | Path] = (),
        *,
        year: int | None = None,
        stdin_text: str | None = None,
        store: Store | None = None,
    ) -> None:
        super().__init__()
        self.sources = list(sources)
        self.library_mode = not self.sources
        """With no source the app shows the library (every paper fetched or imported)."""
        self.year = year
        self.stdin_text = stdin_text
        self.papers: Sequence[Paper] = ()
        self.index: SearchIndex | None = None
        self.columns: FilterColumns | None = None
        self.read_ids: frozenset[str] = frozenset()
        self.new_ids: frozenset[str] = frozenset()
        self._read_timer: Timer | None = None
        self.read_after = READ_AFTER_S
        self.store: Store | None = store
        self.store_error: str | None = None
        self.bookmarks: dict[str, Bookmark] = {}
        self.bookmark_papers: list[Paper] = []
        self.bookmark_index: SearchIndex | None = None
        self.last_removed: Bookmark | None = None
        self.generation = 0
        self.loaded = False

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast is plain text: messages carry titles, URLs and server errors, and Textual
        would parse them as markup (`[/]` crashes, `[@click=...]` runs an action). Widgets'
        `notify` pass `markup=True` by default, so the flag is ignored, not just defaulted."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield FilterInput(
            placeholder="Filter: words (typos are fine), has:code, is:unread, tag:…  (/ to focus)",
            id="filter",
        )
        yield Label("", id="query-error")
        yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="fetching")
        with Horizontal(id="main", classes="panes"):
            yield PaperList(id="papers")
            yield DetailPane(id="detail")
        yield Footer()

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    def on_mount(self) -> None:
        if self.store is None:
            self.store, self.store_error = Store.open_or_error()
        if self.store is not None:
            self.read_ids = frozenset(self.store.read_ids())
            self.new_ids = frozenset(self.store.new_since_last_visit())
            self.store.mark_visit()
        self.paper_list.read_ids = self.read_ids
        self.paper_list.new_ids = self.new_ids
        self._reload_bookmarks()
        self.detail.border_title = "Abstract"
        self.paper_list.loading = True
        self._update_title()
        self.load_papers()

    # -- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def load_papers(self) -> None:
        stdin = io.StringIO(self.stdin_text) if self.stdin_text is not None else None
        try:
            if self.library_mode and self.store is not None:
                self.post_message(PapersLoaded(library_papers(self.store), ()))
                return
            sources = self.sources or [sample_digest()]
            result = parse_sources(
                sources, year=self.year, stdin=stdin, on_batch=self._first_batch_once()
            )
        except UserError as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        self.post_message(PapersLoaded(result.papers, result.warnings))

    def _first_batch_once(self) -> Callable[[Sequence[Paper]], None]:
        """A parse callback that hands the first batch to the UI, so a big digest paints at
        once while the rest is read; the full list replaces it when the parse ends."""
        sent = False

        def first_batch(batch: Sequence[Paper]) -> None:
            nonlocal sent
            if not sent and batch:
                sent = True
                self.post_message(PapersPartial(list(batch)))

        return first_batch

    @on(PapersPartial)
    def _papers_partial(self, message: PapersPartial) -> None:
        if self.loaded or self.view != VIEW_ALL:
            return
        self.paper_list.loading = False
        self.paper_list.set_papers(message.papers)
        self.paper_list.border_title = f"Papers {len(message.papers):,} so far, reading…"
        if self.focused is None:
            self.set_focus(self.paper_list)

    @on(PapersLoaded)
    def _papers_loaded(self, message: PapersLoaded) -> None:
        self.papers = message.papers
        shown = self.paper_list.current if self.paper_list.papers else None
        self._done_loading()
        if self.view == VIEW_ALL:
            self.paper_list.set_papers(self.papers)
            self._apply_filter()
            if shown is not None and self.paper_list.cursor == 0:
                self.paper_list.move_to(shown.id)  # where the reader got to while it loaded
        if message.warnings:
            first = "\n".join(str(w) for w in message.warnings[:3])
            more = len(message.warnings) - 3
            self.notify(
                first + (f"\n… and {more} more" if more > 0 else ""),
                title=f"{len(message.warnings)} warning(s) while reading",
                severity="warning",
            )
        # Index after the first paint: the build holds the GIL for seconds at 100k papers.
        self.call_after_refresh(self.build_index, self.papers)

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self._done_loading()
        self.paper_list.empty_message = message.error
        self.paper_list.set_papers(())
        self.notify(message.error, title="Could not read the digest", severity="error", timeout=10)

    def _done_loading(self) -> None:
        self.loaded = True
        self.paper_list.loading = False
        if self.focused is None:
            self.set_focus(self.paper_list)

    # Every worker names itself: without `description`, Textual builds one from repr() of the
    # arguments, which for 100k papers costs seconds and ~200 MB on the UI thread.
    @work(thread=True, exclusive=True, group="index", exit_on_error=False, description="index")
    def build_index(self, papers: Sequence[Paper]) -> None:
        key = None if self.library_mode else cache_key(self.sources)
        index = load_or_build(papers, key)
        # The filter columns come after the index, not beside it: the build's temporaries are
        # gone by then, which keeps the peak memory at 100k papers down by their ~10 MB.
        self.post_message(IndexReady(papers, index, FilterColumns(papers)))

    @on(IndexReady)
    def _index_ready(self, message: IndexReady) -> None:
        if message.papers is self.papers:
            self.index = message.index
            self.columns = message.columns
            # The papers and the index live as long as the app: move them out of the cyclic
            # GC's sight, or a full collection walks 100k records in the middle of a keystroke.
            gc.freeze()
            if self.view == VIEW_ALL and self.filter_input.value.strip():
                self._apply_filter()  # answers typed before the index was ready were a scan

    # -- filtering ------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        if self.loaded:  # a query typed while loading is applied when the papers arrive
            self._apply_filter()

    def _view_papers(self) -> tuple[Sequence[Paper], SearchIndex | None, FilterColumns | None]:
        if self.view == VIEW_BOOKMARKS:
            return self.bookmark_papers, self.bookmark_index, None
        return self.papers, self.index, self.columns

    def _query_context(self) -> Context:
        return Context(bookmarks=self.bookmarks, read_ids=self.read_ids, new_ids=self.new_ids)

    def _apply_filter(self) -> None:
        """Run the filter on the current view: inline when the index is ready, else a worker
        scans titles (big lists) or everything (small ones) so typing never waits."""
        self.generation += 1
        raw = self.filter_input.value
        error = self.query_one("#query-error", Label)
        try:
            query = parse_query(raw)
        except QueryError as exc:
            error.update(Content(str(exc)))
            error.display = True
            return  # keep showing the last good results while the term is being typed
        error.display = False
        papers, index, columns = self._view_papers()
        if query.blank:
            self._show_results(np.arange(len(papers), dtype=np.int64), query)
        elif index is not None or not query.has_text:
            self._show_results(
                run_query(papers, query, self._query_context(), index, columns=columns), query
            )
        else:
            self.scan(self.generation, papers, query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="scan")
    def scan(self, generation: int, papers: Sequence[Paper], query: Query) -> None:
        big = len(papers) > SCAN_ALL_LIMIT
        order = run_query(papers, query, self._query_context(), None, scan_titles_only=big)
        self.post_message(SearchDone(generation, query, order))

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        if message.generation == self.generation:
            self._show_results(message.order, message.query)

    def _show_results(self, order: np.ndarray, query: Query) -> None:
        self.paper_list.set_results(order, query)
        self._update_title()

    def _update_title(self) -> None:
        papers, _, _ = self._view_papers()
        shown = len(self.paper_list.order)
        name = "Bookmarks" if self.view == VIEW_BOOKMARKS else "Papers"
        if not self.loaded and self.view == VIEW_ALL:
            self.paper_list.border_title = "Papers, reading…"
            return
        self.paper_list.border_title = f"{name} {shown}/{len(papers)}"
        self.paper_list.border_subtitle = "" if self.view == VIEW_BOOKMARKS else "Tab: bookmarks"

    # -- the highlighted paper ------------------------------------------------------------

    @on(PaperList.Highlighted)
    def _highlighted(self, message: PaperList.Highlighted) -> None:
        paper = message.paper
        self._show_detail(paper)
        self._cancel_read_timer()
        if paper is not None and paper.id not in self.read_ids:
            self._read_timer = self.set_timer(self.read_after, partial(self._set_read, paper, True))

    def _show_detail(self, paper: Paper | None) -> None:
        if paper is None:
            self.detail.show(None)
        else:
            read = paper.id in self.read_ids
            self.detail.show(paper, self.bookmarks.get(paper.id), read=read)

    @on(PaperList.Selected)
    def _selected(self) -> None:
        self.set_focus(self.detail)

    def _current(self) -> Paper | None:
        paper = self.paper_list.current
        if paper is None:
            self.notify("No paper is highlighted.", severity="warning")
        return paper

    # -- views ----------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        self.view = VIEW_BOOKMARKS if self.view == VIEW_ALL else VIEW_ALL

    def action_show_view(self, view: str) -> None:
        self.view = view

    def watch_view(self) -> None:
        papers, _, _ = self._view_papers()
        self.paper_list.show_states = self.view == VIEW_BOOKMARKS
        self.paper_list.empty_message = (
            "No bookmarks yet: press b on a paper to keep it."
            if self.view == VIEW_BOOKMARKS
            else "No papers."
        )
        self.paper_list.set_papers(papers)
        self._apply_filter()
        self.set_focus(self.paper_list)

    # -- focus and navigation -------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.set_focus(self.filter_input)

    def action_focus_list(self) -> None:
        self.set_focus(self.paper_list)

    def action_clear_filter(self) -> None:
        self.filter_input.value = ""
        self.set_focus(self.paper_list)

    def action_leave(self) -> None:
        if self.focused is self.detail:
            self.set_focus(self.paper_list)
        elif self.filter_input.value:
            self.action_clear_filter()

    # -- bookmarks ------------------------------------------------------------------------

    def _reload_bookmarks(self) -> None:
        items = self.store.bookmarks() if self.store is not None else []
        self.bookmarks = {b.paper.id: b for b in items}
        self.bookmark_papers = [b.paper for b in items]
        self.bookmark_index = SearchIndex.build(self.bookmark_papers)
        self.paper_list.bookmarks = self.bookmarks

    def _writable_store(self) -> Store | None:
        if self.store is None:
            self.notify(
                self.store_error or "No bookmark store.",
                title="Bookmarks are read-only",
                severity="error",
            )
        return self.store

    def _store_call(self, call: Callable[[Store], object], done: str) -> bool:
        """Run one store write; refresh everything that shows bookmarks; report it."""
        store = self._writable_store()
        if store is None:
            return False
        try:
            call(store)
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return False
        self._after_bookmarks_changed()
        if done:
            self.notify(done)
        return True

    def _after_bookmarks_changed(self) -> None:
        self._reload_bookmarks()
        if self.view == VIEW_BOOKMARKS:
            cursor = self.paper_list.cursor
            self.paper_list.set_papers(self.bookmark_papers)
            self._apply_filter()
            self.paper_list.cursor = cursor
        self.paper_list.refresh_rows()
        self._update_title()
        self._show_detail(self.paper_list.current)

    def action_toggle_bookmark(self) -> None:
        paper = self._current()
        if paper is None:
            return
        if paper.id in self.bookmarks:
            self.action_remove_bookmark()
        else:
            self._store_call(lambda s: s.add(paper), f"Bookmarked: {_short(paper.title)}")

    def action_remove_bookmark(self) -> None:
        paper = self._current()
        if paper is None or paper.id not in self.bookmarks:
            return

        def remove(store: Store) -> None:
            self.last_removed = store.remove(paper.id)

        self._store_call(remove, f"Removed bookmark: {_short(paper.title)} — press u to undo")

    def action_undo_remove(self) -> None:
        removed = self.last_removed
        if removed is None:
            self.notify("Nothing to undo.")
            return
        if self._store_call(
            lambda s: s.restore(removed), f"Restored: {_short(removed.paper.title)}"
        ):
            self.last_removed = None

    def _bookmarked_current(self) -> Bookmark | None:
        paper = self._current()
        if paper is None:
            return None
        bookmark = self.bookmarks.get(paper.id)
        if bookmark is None:
            self.notify("Bookmark it first (b).", severity="warning")
        return bookmark

    def action_cycle_state(self) -> None:
        bookmark = self._bookmarked_current()
        if bookmark is None:
            return
        state = STATES[(STATES.index(bookmark.state) + 1) % len(STATES)]
        self._store_call(lambda s: s.set_state(bookmark.paper.id, state), f"State: {state}")

    def action_edit_note(self) -> None:
        bookmark = self._bookmarked_current()
        if bookmark is None:
            return

        def save(note: str | None) -> None:
            if note is not None:
                self._store_call(lambda s: s.set_note(bookmark.paper.id, note), "Note saved.")

        self.push_screen(NoteEditor(bookmark.paper.title, bookmark.note), save)

    def action_edit_tags(self) -> None:
        bookmark = self._bookmarked_current()
        if bookmark is None:
            return

        def save(text: str | None) -> None:
            if text is not None:
                tags = [t for t in text.replace(",", " ").split() if t]
                self._store_call(lambda s: s.set_tags(bookmark.paper.id, tags), "Tags saved.")

        self.push_screen(TagsEditor(bookmark.paper.title, bookmark.tags), save)

    # -- read state and days ------------------------------------------------------------

    def _set_read(self, paper: Paper, read: bool) -> None:
        if self.store is None or self.store.read_only:
            return  # read marks are a convenience: no error for a read-only store
        try:
            self.store.set_read(paper.id, read)
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return
        self.read_ids = self.read_ids | {paper.id} if read else self.read_ids - {paper.id}
        self.paper_list.read_ids = self.read_ids
        self.paper_list.refresh_rows()
        if self.paper_list.current is paper:
            self._show_detail(paper)

    def action_toggle_read(self) -> None:
        paper = self._current()
        if paper is None:
            return
        self._cancel_read_timer()
        self._set_read(paper, paper.id not in self.read_ids)

    def _cancel_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None

    def _day_of_row(self, row: int) -> object:
        lst = self.paper_list
        return lst.papers[int(lst.order[row])].date

    def _start_of_day(self, row: int) -> int:
        """The first row, at or above `row`, of the day that `row` belongs to."""
        day = self._day_of_row(row)
        while row > 0 and self._day_of_row(row - 1) == day:
            row -= 1
        return row

    def action_next_day(self) -> None:
        cursor, shown = self.paper_list.cursor, len(self.paper_list.order)
        if not shown:
            return
        day, row = self._day_of_row(cursor), cursor + 1
        while row < shown and self._day_of_row(row) == day:
            row += 1
        if row < shown:
            self.paper_list.cursor = row

    def action_previous_day(self) -> None:
        cursor = self.paper_list.cursor
        if not len(self.paper_list.order):
            return
        start = self._start_of_day(cursor)
        self.paper_list.cursor = start if start < cursor else self._start_of_day(max(0, start - 1))

    # -- refresh from Hugging Face --------------------------------------------------------

    def action_refresh(self) -> None:
        if self._writable_store() is None:
            return
        self.query_one("#fetching", ProgressBar).display = True
        self.fetch_today()

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False, description="fetch")
    def fetch_today(self) -> None:
        try:
            request = FetchRequest()
            papers = fetch_papers(request)
            assert self.store is not None
            seen, new = self.store.add_to_library(papers, request.describe())
            library = library_papers(self.store) if self.library_mode else None
        except UserError as exc:
            self.post_message(FetchDone(error=str(exc)))
            return
        self.post_message(FetchDone(seen=seen, new=new, library=library))

    @on(FetchDone)
    def _fetch_done(self, message: FetchDone) -> None:
        self.query_one("#fetching", ProgressBar).display = False
        if message.error:
            self.notify(
                f"{message.error}\nShowing what you already have.",
                title="Offline?",
                severity="warning",
                timeout=8,
            )
            return
        if not message.seen:
            self.notify("Hugging Face lists no papers for today yet.")
            return
        where = "" if self.library_mode else " (run papershelf with no file to browse them)"
        self.notify(f"Fetched {message.seen} papers, {message.new} new in your library{where}.")
        if message.library is not None:
            current = self.paper_list.current
            self.papers = message.library
            self.index = None
            self.columns = None
            if self.view == VIEW_ALL:
                self.paper_list.set_papers(self.papers)
                self._apply_filter()
                if current is not None:
                    self.paper_list.move_to(current.id)
            self.build_index(self.papers)

    # -- open and copy --------------------------------------------------------------------

    def action_open_link(self) -> None:
        paper = self._current()
        if paper is None:
            return
        url = paper.link
        if not is_web_url(url):
            self.notify(f"Not an http(s) link, not opened: {url}", severity="error")
            return
        self.open_url(url)
        self.notify(f"Opening {url}")

    def action_copy(self) -> None:
        paper = self._current()
        if paper is None:
            return

        def copy(choice: str | None) -> None:
            if choice is not None:
                self.copy_text(_copy_text(paper, choice, self.bookmarks.get(paper.id)), choice)

        self.push_screen(CopyMenu(paper.title), copy)

    def copy_text(self, text: str, what: str) -> None:
        """Copy with the system clipboard, or OSC 52 through the terminal when there is none."""
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception:  # pyperclip raises its own exception types, or fails to import a backend
            self.copy_to_clipboard(text)
            self.notify(f"Copied {what} through the terminal (OSC 52): no system clipboard here.")
        else:
            self.notify(f"Copied {what} to the clipboard.")

    # -- help and palette -----------------------------------------------------------------

    def action_help(self) -> None:
        sections = [
            ("Anywhere", binding_rows(self.BINDINGS)),
            ("Paper list", binding_rows(PaperList.BINDINGS)),
            ("Abstract pane", binding_rows(DetailPane.BINDINGS)),
            (
                "Filter bar",
                [("Enter ↓", "Go to the list, keep the filter"), ("Esc", "Clear the filter")],
            ),
        ]
        self.push_screen(HelpScreen(sections, QUERY_SYNTAX))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action not in ("quit",):
                yield SystemCommand(
                    binding.description,
                    f"{binding.tooltip or binding.description}  [{binding.key}]",
                    partial(self.run_action, binding.action),
                )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys of the main screen do nothing while a dialog (copy, note, help) is open.
        modal = isinstance(self.screen, ModalScreen)
        return not modal or action in ("quit", "command_palette")


def _short(title: str, width: int = 60) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


def _copy_text(paper: Paper, choice: str, bookmark: Bookmark | None) -> str:
    if choice == "title":
        return paper.title
    if choice == "link":
        return paper.link
    if choice == "markdown":
        return export.markdown_link(paper)
    return export.bibtex_entry(paper, bookmark.note if bookmark else "")
