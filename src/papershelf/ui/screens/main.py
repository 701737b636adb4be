"""The main screen: filter bar on top, the paper list beside the abstract pane, the footer.

It composes and binds; every rule is the session's. Keys become session calls, session
results become widget state. Slow work (reading sources, building the index, scanning while
there is none, fetching) runs in thread workers that post messages back, so the first paint
waits for the parse only and typing never waits.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, ProgressBar

from papershelf import links
from papershelf.errors import UserError
from papershelf.layout import DETAIL_WIDTHS, PaneLayout
from papershelf.model import Bookmark, Paper
from papershelf.search import FilterColumns, Query, QueryError, SearchIndex
from papershelf.session import (
    COPY_ITEMS,
    VIEW_ALL,
    VIEW_BOOKMARKS,
    VIEW_RECOMMENDED,
    VIEW_SIMILAR,
    Answer,
    Change,
    Session,
    copy_choices,
    copy_text,
    load,
    next_day_row,
    previous_day_row,
)
from papershelf.text import ellipsize
from papershelf.ui import browser, clipboard
from papershelf.ui.background import in_daemon_thread
from papershelf.ui.detail import DetailPane
from papershelf.ui.dialogs import CopyMenu, ExportDialog, NoteEditor, TagsEditor
from papershelf.ui.filter import FilterInput, placeholder
from papershelf.ui.footer import ShelfFooter
from papershelf.ui.keys import MAIN_BINDINGS
from papershelf.ui.messages import (
    FetchDone,
    IndexReady,
    LoadFailed,
    PapersLoaded,
    PapersPartial,
    SearchDone,
)
from papershelf.ui.paper_list import PaperList
from papershelf.ui.saved import SavedSearchMenu, SaveSearchDialog
from papershelf.ui.store_writes import WriteDone, WriteFailed, WriteQueue
from papershelf.urls import is_web_url

READ_AFTER_S = 2.0
"""A paper shown this long in the detail pane counts as read."""
FIRST_PAINT_WAIT_S = 1.0
"""At most this long the loader waits for the first rows to be painted before reading on."""

LINKS: dict[str, tuple[str, Callable[[Paper], str | None]]] = {
    "paper": ("paper page", links.paper_url),
    "code": ("code", links.code_url),
    "pdf": ("PDF", links.pdf_url),
}
"""What `open_link` can open: its name in messages, and where it is for a paper."""


def copied_name(choice: str) -> str:
    """What a copy toast calls `choice`: the copy menu's label ('the BibTeX entry')."""
    label = dict(COPY_ITEMS)[choice]
    first, _, rest = label.partition(" ")
    if first not in ("PDF", "Markdown", "BibTeX"):  # names keep their capitals
        first = first.lower()
    return f"the {first} {rest}".rstrip()


class MainScreen(Screen[None]):
    """Browse papers, filter as you type, read abstracts, keep a reading list."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#papers"

    BINDINGS = MAIN_BINDINGS

    read_ids: reactive[frozenset[str]] = reactive(frozenset(), init=False)
    new_ids: reactive[frozenset[str]] = reactive(frozenset(), init=False)
    bookmarks: reactive[Mapping[str, Bookmark]] = reactive(dict, init=False)
    show_states: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        session: Session,
        sources: Sequence[object] = (),
        *,
        year: int | None = None,
        stdin_text: str | None = None,
        read_after: float = READ_AFTER_S,
        detail_width: int | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.sources = list(sources)
        self.year = year
        self.stdin_text = stdin_text
        self.read_after = read_after
        self.loaded = False
        self.generation = 0
        """Bumped by every filter change; scan answers of older generations are dropped."""
        self._read_timer: Timer | None = None
        self._shown_query: Query | None = None
        self._filter_before_found = ""
        """The filter typed before a similar or recommended view, restored when it closes."""
        self._land = False
        """The next answer lands on its first result (a new sort), whatever its query."""
        self._partial = False
        """The answer shown is the titles-only scan, to be replaced by the index's."""
        self.reading: Paper | None = None
        """The paper in the detail pane whose read timer is running."""
        self.writes = WriteQueue(self)
        """Runs the store writes of bookmark and read-mark changes, in order."""
        self.panes = session.pane_layout(detail_width)
        """The detail pane's width and visibility, as the user left them last time."""
        self._first_painted = threading.Event()
        """Set once the first rows are on screen (the loader waits for it, briefly)."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield FilterInput(id="filter")
        yield Label("", id="query-error")
        yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="fetching")
        with Horizontal(id="main", classes="panes"):
            yield PaperList(id="papers").data_bind(
                MainScreen.read_ids,
                MainScreen.new_ids,
                MainScreen.bookmarks,
                MainScreen.show_states,
            )
            yield DetailPane(id="detail")
        yield ShelfFooter()

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
        self.filter_input.placeholder = placeholder(self.session.key_of("filter"))
        self._apply_layout()
        self._sync_marks()
        self.detail.border_title = "Abstract"
        self.paper_list.loading = True
        self._update_title()
        self.load_papers()
        if self.session.view != VIEW_ALL:  # the config's `view`: listed now, as its key would
            self._switch_view(self.session.view)

    def _sync_marks(self) -> None:
        """Push the session's marks and bookmarks into the reactives the widgets bind to."""
        self.read_ids = self.session.read_ids
        self.new_ids = self.session.new_ids
        self.bookmarks = self.session.bookmarks

    # -- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def load_papers(self) -> None:
        painted = threading.Event()

        def first_batch(batch: list[Paper]) -> None:
            # Let the first rows paint before reading the rest: the reading holds the GIL,
            # and sharing it with the paint made the first paint twice as slow.
            self.post_message(PapersPartial(batch))
            painted.wait(FIRST_PAINT_WAIT_S)

        self._first_painted = painted
        try:
            loaded = load(
                [str(s) for s in self.sources],
                store=self.session.store if self.session.library_mode else None,
                year=self.year,
                stdin_text=self.stdin_text,
                on_first_batch=first_batch,
            )
        except UserError as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        self.post_message(PapersLoaded(loaded))

    @on(PapersPartial)
    def _papers_partial(self, message: PapersPartial) -> None:
        if self.loaded or self.session.view != VIEW_ALL:
            self._first_painted.set()
            return
        self.paper_list.loading = False
        self.paper_list.set_papers(message.papers)
        self.paper_list.border_title = f"Papers {len(message.papers):,} so far, reading…"
        if self.focused is None:
            self.set_focus(self.paper_list)
        self.call_after_refresh(self._first_painted.set)

    @on(PapersLoaded)
    def _papers_loaded(self, message: PapersLoaded) -> None:
        self.session.set_papers(message.loaded)
        shown = self.paper_list.current if self.paper_list.papers else None
        self._done_loading()
        if self.session.view == VIEW_ALL:
            self.paper_list.set_papers(self.session.papers)
            self._apply_filter()
            if shown is not None and self.paper_list.cursor == 0:
                self.paper_list.move_to(shown.id)  # where the reader got to while it loaded
        warnings = message.loaded.warnings
        if warnings:
            first = "\n".join(str(w) for w in warnings[:3])
            more = len(warnings) - 3
            self.notify(
                first + (f"\n… and {more} more" if more > 0 else ""),
                title=f"{len(warnings)} warning(s) while reading",
                severity="warning",
            )
        # Index after the first paint: the build holds the GIL for seconds at 100k papers.
        self.call_after_refresh(self.build_index, self.session.index_job())

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self._done_loading()
        self.paper_list.empty_message = message.error
        self.paper_list.set_papers(())
        self._update_title()
        self.notify(message.error, title="Could not read the digest", severity="error", timeout=10)

    def _done_loading(self) -> None:
        self.loaded = True
        self.paper_list.loading = False
        if self.focused is None:  # AUTO_FOCUS found the list disabled while it was loading
            self.set_focus(self.paper_list)

    # Every worker names itself: without `description`, Textual builds one from repr() of the
    # arguments, which for 100k papers costs seconds and ~200 MB on the UI thread.
    @work(thread=True, exclusive=True, group="index", exit_on_error=False, description="index")
    def build_index(
        self, job: Callable[[], tuple[Sequence[Paper], SearchIndex, FilterColumns]]
    ) -> None:
        self.post_message(IndexReady(*job()))

    @on(IndexReady)
    def _index_ready(self, message: IndexReady) -> None:
        if self.session.set_index(message.papers, message.index, message.columns):
            # The papers and the index live as long as the app: move them out of the cyclic
            # GC's sight, or a full collection walks 100k records in the middle of a keystroke.
            gc.freeze()
            if self.session.view == VIEW_ALL and self.filter_input.value.strip():
                self._apply_filter()  # answers typed before the index was ready were a scan

    # -- filtering ------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        if self.loaded:  # a query typed while loading is applied when the papers arrive
            self._apply_filter()

    def _apply_filter(self, *, land: bool = False) -> None:
        """Answer the filter inline when the index is ready, else in a scan worker; `land`
        puts the cursor on the first result even though the query did not change."""
        self.generation += 1
        self._land = self._land or land
        error = self.query_one("#query-error", Label)
        try:
            self.session.set_query(self.filter_input.value)
        except QueryError as exc:
            error.update(Content(str(exc)))
            error.display = True
            return  # keep showing the last good results while the term is being typed
        error.display = False
        answer = self.session.answer()
        if answer is None:
            self.scan(self.generation, self.session.scanner())
        else:
            self._show_answer(answer)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="scan")
    def scan(self, generation: int, scanner: Callable[[], Answer]) -> None:
        self.post_message(SearchDone(generation, scanner()))

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        if message.generation == self.generation:
            self._show_answer(message.answer)

    def _show_answer(self, answer: Answer) -> None:
        """Show an answer: a new query lands on its best match; the same query answered
        again (the index replacing a scan, a bookmark change) or a cleared filter keeps the
        highlighted paper, so the reader sees it in context."""
        new_query = answer.query != self._shown_query and not answer.query.blank
        new_query, self._land = new_query or self._land, False
        self._shown_query = answer.query
        self._partial = answer.partial
        self.paper_list.set_results(
            answer.order,
            answer.query,
            keep_paper=not new_query,
            day_headers=self.session.day_headers(answer.query),
        )
        self._update_title()

    def _update_title(self) -> None:
        shown = len(self.paper_list.order)
        # Content, not str: a str title is parsed as markup, and it may hold a paper's title.
        self.paper_list.border_title = Content(
            self.session.title(shown, loading=not self.loaded, partial=self._partial)
        )
        bookmarks = self.session.view == VIEW_BOOKMARKS
        self.paper_list.border_subtitle = "" if bookmarks else "Tab: bookmarks"

    # -- the highlighted paper ------------------------------------------------------------

    @on(PaperList.Highlighted)
    def _highlighted(self, message: PaperList.Highlighted) -> None:
        paper = message.paper
        self._show_detail(paper)
        self._cancel_read_timer()
        # Only a paper the reader moved to starts its read timer: nothing turns read at launch
        # or because a filter happened to put it on top.
        # A hidden detail pane shows nothing, so nothing turns read there either.
        if (
            message.by_user
            and paper is not None
            and paper.id not in self.session.read_ids
            and self.panes.detail_shown
        ):
            self.reading = paper
            self._read_timer = self.set_timer(self.read_after, self.read_time_up)

    def read_time_up(self) -> None:
        """The paper being read has been shown for `read_after` seconds: it counts as read."""
        paper, self.reading = self.reading, None
        if paper is not None:
            self._set_read(paper, True)

    def _show_detail(self, paper: Paper | None) -> None:
        if paper is None:
            self.detail.show(None)
        else:
            paper = self.session.full(paper)  # a big library's list rows are compact
            read = paper.id in self.session.read_ids
            self.detail.show(paper, self.session.bookmarks.get(paper.id), read=read)
        because = self.session.because(paper) if paper is not None else None
        # Why a recommendation is there: the bookmark it is closest to (plain text: a title).
        self.detail.border_subtitle = (
            Content(f"like your bookmark “{ellipsize(because.title, 50)}”") if because else ""
        )

    @on(PaperList.Selected)
    def _selected(self, message: PaperList.Selected) -> None:
        """Enter: read the abstract, which marks the paper read at once."""
        self.set_focus(self.detail)
        self._cancel_read_timer()
        if message.paper.id not in self.session.read_ids:
            self._set_read(message.paper, True)

    def _current(self) -> Paper | None:
        paper = self.paper_list.current
        if paper is None:
            self.notify("No paper is highlighted.", severity="warning")
            return None
        return self.session.full(paper)  # every field, for copies, links and bookmarks

    # -- views ----------------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        """Reorder the results by the next sort; the cursor lands on the new first paper."""
        self.session.cycle_sort()
        self._apply_filter(land=True)

    def action_toggle_view(self) -> None:
        self._switch_view(self.session.toggle_view())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Tab has a binding per view, so the footer names where it goes: only the one that
        leaves the current view is active (and `1`/`2` do nothing in their own view)."""
        if action == "show_view":
            return parameters[0] != self.session.view
        return True

    def action_show_view(self, view: str) -> None:
        found_before = self.session.view in (VIEW_SIMILAR, VIEW_RECOMMENDED)
        try:
            self.session.set_view(view)
        except UserError as exc:
            self.notify(str(exc), severity="warning")
            return
        if view == VIEW_RECOMMENDED:
            self._enter_found_view(found_before)
        elif found_before:  # back from a found view: the filter the reader had comes back
            self.filter_input.value = self._filter_before_found
        self._switch_view(view)

    def _enter_found_view(self, found_before: bool) -> None:
        """A found view lists its own papers in score order: the filter steps aside (and is
        given back on the way out)."""
        if not found_before:
            self._filter_before_found = self.filter_input.value
        self.filter_input.value = ""

    def action_show_similar(self) -> None:
        paper = self._current()
        if paper is None:
            return
        found_before = self.session.view in (VIEW_SIMILAR, VIEW_RECOMMENDED)
        try:
            said = self.session.show_similar(paper)
        except UserError as exc:
            self.notify(str(exc), severity="warning")
            return
        self._enter_found_view(found_before)
        self._switch_view(VIEW_SIMILAR)
        self.notify(said)

    def _switch_view(self, view: str) -> None:
        self.show_states = view == VIEW_BOOKMARKS
        self.paper_list.empty_message = (
            f"No bookmarks yet: press {self.session.key_of('bookmark')} on a paper to keep it."
            if view == VIEW_BOOKMARKS
            else "No papers."
        )
        self.paper_list.set_papers(self.session.view_papers())
        self._apply_filter()
        self.set_focus(self.paper_list)
        self.refresh_bindings()

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
        elif self.session.view in (VIEW_SIMILAR, VIEW_RECOMMENDED):
            like = self.session.like if self.session.view == VIEW_SIMILAR else None
            self.action_show_view(self.session.back_view)
            if like is not None:  # back where the reader asked from
                self.paper_list.move_to(like.id)

    # -- saved searches ----------------------------------------------------------------------

    def action_save_search(self) -> None:
        if self.session.query.blank:
            self.notify(
                f"Type a filter first, then {self.session.key_of('search.save')} saves it",
                severity="warning",
            )
            return

        def save(name: str | None) -> None:
            if name is not None:
                self._tell(lambda: self.session.save_search(name))

        self.app.push_screen(SaveSearchDialog(self.session.raw_query), save)

    def action_saved_searches(self) -> None:
        def chosen(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            what, name = answer
            if what == "delete":
                self._tell(lambda: self.session.delete_search(name))
            else:
                self.apply_saved_search(name)

        self.app.push_screen(
            SavedSearchMenu(self.session.saved_searches(), self.session.key_of("search.save")),
            chosen,
        )

    @work(thread=True, group="tell", exit_on_error=False, description="tell")
    def _tell(self, change: Callable[[], str], failed: str = "") -> None:
        """Run a change that shows nowhere but in its message (a saved search, an export), off
        the UI thread: it writes the store or a file, and neither may hold up a key. Says what
        it did, or why not (under the title `failed`)."""
        try:
            said = change()
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), title=failed, severity="error")
            return
        self.app.call_from_thread(self.notify, said)

    def apply_saved_search(self, name: str) -> None:
        """Put the saved filter in the filter bar (the list follows, as if typed)."""
        try:
            query = self.session.saved_query(name)
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return
        self.filter_input.value = query
        self.set_focus(self.paper_list)

    def action_next_day(self) -> None:
        self._jump(next_day_row)

    def action_previous_day(self) -> None:
        self._jump(previous_day_row)

    def _jump(self, rule: Callable[[Callable[[int], object], int, int], int | None]) -> None:
        lst = self.paper_list
        row = rule(lambda r: lst.papers[int(lst.order[r])].date, lst.cursor, len(lst.order))
        if row is not None:
            lst.land_on(row)  # the day's header at the top, the cursor on its first paper

    # -- bookmarks ------------------------------------------------------------------------

    def _change(self, make: Callable[[], Change]) -> None:
        """Make one session change: shown at once, written by the store queue (a failed
        write is taken back in `_write_failed`); say what it did, or why not."""
        hidden = self.session.hidden_count
        try:
            change = make()
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return
        self._show_marks()
        if self.session.hidden_count != hidden:  # a paper was hidden, or unhidden by `u`
            self._apply_filter()
        self.notify(change.message)
        self.writes.submit(change)

    def _show_marks(self) -> None:
        """Repaint everything that shows the session's bookmarks, read and new marks."""
        self._sync_marks()
        if self.session.view == VIEW_BOOKMARKS:
            cursor = self.paper_list.cursor
            self.paper_list.set_papers(self.session.bookmark_papers)
            self._apply_filter()
            self.paper_list.cursor = cursor
        self._update_title()
        self._show_detail(self.paper_list.current)

    @on(WriteDone)
    def _write_done(self, message: WriteDone) -> None:
        self.session.written(message.change)

    @on(WriteFailed)
    def _write_failed(self, message: WriteFailed) -> None:
        hidden = self.session.hidden_count
        said = self.session.write_failed(message.change, message.error)
        self._show_marks()
        if self.session.hidden_count != hidden:  # a hide (or its undo) taken back
            self._apply_filter()
        self.notify(said, title="Not saved", severity="error", timeout=10)

    def _with_paper(self, act: Callable[[Paper], Change]) -> None:
        paper = self._current()
        if paper is not None:
            self._change(partial(act, paper))

    def action_toggle_bookmark(self) -> None:
        self._with_paper(self.session.toggle_bookmark)

    def action_hide_paper(self) -> None:
        self._with_paper(self.session.hide)

    def action_remove_bookmark(self) -> None:
        self._with_paper(self.session.remove_bookmark)

    def action_undo(self) -> None:
        self._change(self.session.undo)

    def action_cycle_state(self, step: int = 1) -> None:
        """`s` forwards, `S` backwards through to-read, reading, done."""
        self._with_paper(lambda paper: self.session.cycle_state(paper, step))

    def _bookmarked_current(self) -> tuple[Paper, Bookmark] | None:
        paper = self._current()
        if paper is None:
            return None
        try:
            return paper, self.session.require_bookmark(paper)
        except UserError as exc:
            self.notify(str(exc), severity="warning")
            return None

    def action_edit_note(self) -> None:
        found = self._bookmarked_current()
        if found is None:
            return
        paper, bookmark = found

        def save(note: str | None) -> None:
            if note is not None:
                self._change(partial(self.session.set_note, paper, note))

        self.app.push_screen(NoteEditor(paper.title, bookmark.note), save)

    def action_edit_tags(self) -> None:
        found = self._bookmarked_current()
        if found is None:
            return
        paper, bookmark = found

        def save(text: str | None) -> None:
            if text is not None:
                self._change(partial(self.session.set_tags, paper, text))

        self.app.push_screen(TagsEditor(paper.title, bookmark.tags), save)

    # -- read marks -----------------------------------------------------------------------

    def _set_read(self, paper: Paper, read: bool) -> None:
        change = self.session.set_read(paper, read)
        if change is not None:
            self._sync_marks()  # a paper read is no longer new
            if self.paper_list.current is paper:
                self._show_detail(paper)
            self.writes.submit(change)

    def action_toggle_read(self) -> None:
        paper = self._current()
        if paper is None:
            return
        self._cancel_read_timer()
        self._set_read(paper, paper.id not in self.session.read_ids)

    def _cancel_read_timer(self) -> None:
        self.reading = None
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None

    # -- refresh from Hugging Face --------------------------------------------------------

    def action_refresh(self) -> None:
        if self.session.store is None:
            self.notify(
                self.session.store_error or "No bookmark store.",
                title="The library is read-only",
                severity="error",
            )
            return
        self.query_one("#fetching", ProgressBar).display = True
        self.fetch_today()

    # An async worker awaiting a daemon thread, not a thread worker: `q` must not wait for a
    # socket (see ui.background); a cancelled fetch (quit, or `r` again) stores nothing.
    @work(exclusive=True, group="fetch", exit_on_error=False, description="fetch")
    async def fetch_today(self) -> None:
        self.post_message(await in_daemon_thread(self._fetch, "papershelf fetch"))

    def _fetch(self, cancelled: threading.Event) -> FetchDone:
        """The fetch itself, in its daemon thread."""

        def progress(line: str) -> None:  # one line per page
            if not cancelled.is_set():
                with suppress(RuntimeError):  # the app has gone
                    self.app.call_from_thread(self.notify, line, timeout=3)

        try:
            seen, new, library = self.session.fetch(progress, cancelled.is_set)
        except UserError as exc:
            return FetchDone(error=str(exc))
        except Exception as exc:  # said, not printed over the screen by the thread
            return FetchDone(error=f"unexpected {type(exc).__name__}: {exc}")
        return FetchDone(seen=seen, new=new, library=library)

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
            self.notify("Hugging Face lists no daily papers yet.")
            return
        where = "" if self.session.library_mode else " (run papershelf with no file to browse them)"
        self.notify(f"Fetched {message.seen} papers, {message.new} new in your library{where}.")
        self._sync_marks()  # what the fetch added is new at once
        if message.library is not None:
            current = self.paper_list.current
            self.session.set_papers(message.library)
            if self.session.view == VIEW_ALL:
                self.paper_list.set_papers(self.session.papers)
                self._apply_filter()
                if current is not None:
                    self.paper_list.move_to(current.id)
            self.build_index(self.session.index_job())

    # -- open and copy --------------------------------------------------------------------

    def action_open_link(self, which: str = "paper") -> None:
        """`o` the paper page, `c` the code, `p` the PDF; with no browser, copy the link."""
        paper = self._current()
        if paper is None:
            return
        name, where = LINKS[which]
        url = where(paper)
        if url is None:
            self.notify(f"This paper has no {name} link.", severity="warning")
            return
        if not is_web_url(url):
            self.notify(f"Not an http(s) link, not opened: {url}", severity="error")
            return
        if browser.open_url(self.app, url):
            self.notify(f"Opening the {name}: {url}")
        else:
            clipboard.copy(self.app, url, f"the {name} link", quiet=True)
            self.notify(f"No browser: link copied.\n{url}", severity="warning")

    def action_copy(self) -> None:
        paper = self._current()
        if paper is None:
            return

        def copy(choice: str | None) -> None:
            if choice is None:
                return
            try:
                text = copy_text(paper, choice)
            except UserError as exc:
                self.notify(str(exc), severity="warning")
                return
            clipboard.copy(self.app, text, copied_name(choice))

        self.app.push_screen(CopyMenu(paper.title, copy_choices(paper)), copy)

    # -- export ---------------------------------------------------------------------------

    def action_export(self) -> None:
        """Ask where to write the reading list; the file's extension picks the format."""

        def write(path: str | None) -> None:
            if path:
                target = Path(path).expanduser()
                self._tell(partial(self.session.export_reading_list, target), "Not exported")

        default = Path.cwd() / "reading-list.bib"
        self.app.push_screen(ExportDialog(str(default)), write)

    # -- layout ---------------------------------------------------------------------------

    def action_resize_detail(self, steps: int) -> None:
        self._set_layout(self.panes.resized(steps))

    def action_toggle_detail(self) -> None:
        self._set_layout(self.panes.toggled())

    def _set_layout(self, layout: PaneLayout) -> None:
        """Apply a new layout and remember it for the next run (written off the UI thread)."""
        self.panes = layout
        self._apply_layout()
        self.writes.submit(self.session.pane_layout_change(layout))

    def _apply_layout(self) -> None:
        for width in DETAIL_WIDTHS:
            self.set_class(width == self.panes.detail_width, f"-detail-{width}")
        hidden = not self.panes.detail_shown
        self.set_class(hidden, "-detail-hidden")
        if hidden and self.focused is self.detail:
            self.set_focus(self.paper_list)
