"""A virtualised list of papers: one line per result, rendered only when visible.

It holds the papers and an array of result indices; replacing the results is O(1) in widgets,
so filtering 100k papers repaints as fast as a short list. Text is drawn from `Content` built
from plain strings, so digest text can never be read as markup. Results grouped by day get a
header line per day (`search.daygroups`): lines are then headers and papers, while the cursor
and every method speak of paper positions in the results.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from papershelf.mathtext import render_math
from papershelf.model import Bookmark, Paper
from papershelf.search import Query, highlight_spans
from papershelf.search.daygroups import (
    NO_GROUPS,
    day_numbers,
    group_by_day,
    header_text,
    no_groups,
    read_flags,
)
from papershelf.search.terms import BoolArray, IntArray
from papershelf.ui import caps

STATE_GLYPHS = {"to-read": "○", "reading": "◐", "done": "●"}
COLUMNS_FROM = 96
"""Rows this wide (inside the border) also show upvotes and the first author: the list's width
at 160 columns with the default layout, or narrower screens with the abstract hidden."""
VOTES_WIDTH = 6
AUTHOR_WIDTH = 21
EMPTY_ORDER: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)


_NOBODY = object()
"""Sentinel: no paper has been announced yet (None means 'the list is empty')."""


class PaperList(ScrollView, can_focus=True):
    """The filterable list; posts `Highlighted` as the cursor moves and `Selected` on Enter.

    Badges (bookmarks, states, read and new marks) are reactives, bound by the screen with
    `data_bind`: assigning a new set repaints the rows, nothing else needs calling.
    """

    DEFAULT_CSS = """
    PaperList {
        height: 1fr;
        border: round $border-blurred;
        border-title-color: $text-accent;
        border-subtitle-color: $text-muted;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        background: $surface;
        &:focus { border: round $border; }
        & > .paper-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .paper-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .paper-list--muted { color: $text-muted; }
        & > .paper-list--header {
            color: $text-accent;
            background: $boost;
            text-style: bold;
        }
    }
    """

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("enter", "select", "Read", tooltip="Focus the abstract", id="list.select"),
    ]

    COMPONENT_CLASSES = {"paper-list--cursor", "paper-list--muted", "paper-list--header"}

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    bookmarks: reactive[Mapping[str, Bookmark]] = reactive(dict, init=False)
    """Bookmarked papers by id: a star, or their state in the bookmarks view."""
    read_ids: reactive[frozenset[str]] = reactive(frozenset(), init=False)
    """Papers drawn dim (a text style, not a colour, so it shows with NO_COLOR too)."""
    new_ids: reactive[frozenset[str]] = reactive(frozenset(), init=False)
    """Papers drawn with a `•`."""
    show_states: reactive[bool] = reactive(False, init=False)
    """Rows show the bookmark's state and tags (the bookmarks view) instead of badges."""

    class Highlighted(Message):
        """The cursor moved to `paper` (None when the list is empty); `by_user` is False when
        the list placed it (new papers, new results), True for keys, clicks and jumps."""

        def __init__(self, paper_list: PaperList, paper: Paper | None, by_user: bool) -> None:
            super().__init__()
            self.paper_list = paper_list
            self.paper = paper
            self.by_user = by_user

        @property
        def control(self) -> PaperList:
            return self.paper_list

    class Selected(Message):
        """Enter (or a second click) on `paper`."""

        def __init__(self, paper_list: PaperList, paper: Paper) -> None:
            super().__init__()
            self.paper_list = paper_list
            self.paper = paper

        @property
        def control(self) -> PaperList:
            return self.paper_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.papers: Sequence[Paper] = ()
        self.order: npt.NDArray[np.int64] = EMPTY_ORDER
        self._placing = False
        """True while the list itself moves the cursor (not the reader)."""
        self.filter_query = Query()
        """The query whose answer is shown: its words are highlighted in titles."""
        self.empty_message = "No papers."
        self._multi_day = False
        self._rank_width = 2
        self._any_columns = False
        """Some paper has upvotes or authors: worth a column each when the list is wide."""
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._announced: object = _NOBODY
        self._groups = NO_GROUPS
        """The days of the results when they get headers (else none)."""
        self._days: IntArray | None = None
        """Every paper's day number, built the first time the results get headers."""
        self._read: BoolArray | None = None
        """Every paper's read flag, built when headers first need unread counts."""
        self._unread: IntArray | None = None
        """Unread papers per day of `_groups`, counted when a header is first drawn."""

    # -- data -----------------------------------------------------------------------------

    def set_papers(self, papers: Sequence[Paper]) -> None:
        """New underlying papers (a new digest or view); shows them in their own order."""
        self.papers = papers
        self._announced = _NOBODY
        self._days = self._read = None
        days = {p.date for p in papers}
        self._multi_day = len(days) > 1
        self._rank_width = max(2, len(str(max((p.rank for p in papers), default=0))))
        self._any_columns = any(p.upvotes is not None or p.authors for p in papers)
        self.set_results(np.arange(len(papers), dtype=np.int64), Query(), keep_paper=False)

    def set_results(
        self,
        order: npt.NDArray[np.int64],
        query: Query,
        *,
        keep_paper: bool = True,
        day_headers: bool = False,
    ) -> None:
        """Show `order` (indices into `papers`); the cursor stays on its paper if still shown.
        `day_headers`: `order` keeps each day together, so head each day (if several)."""
        current = self.current_index if keep_paper else None
        self.order = order
        self.filter_query = query
        self._spans.clear()
        self._groups = no_groups(len(order))
        if day_headers and len(order) > 1:
            if self._days is None:
                self._days = day_numbers(self.papers)
            self._groups = group_by_day(order, self._days)
        self._unread = None
        self.virtual_size = Size(self.size.width, self._groups.lines)
        cursor = 0
        if current is not None and len(order):
            hits = np.flatnonzero(order == current)
            cursor = int(hits[0]) if len(hits) else 0
        self._placing = True
        try:
            self.cursor = cursor
        finally:
            self._placing = False
        self.refresh()

    @property
    def current_index(self) -> int | None:
        """Index into `papers` of the highlighted paper."""
        if not len(self.order):
            return None
        return int(self.order[min(self.cursor, len(self.order) - 1)])

    @property
    def current(self) -> Paper | None:
        index = self.current_index
        return None if index is None else self.papers[index]

    def header(self, group: int) -> str:
        """The text of day `group`'s header: its day, papers shown and unread ones."""
        if self._unread is None:
            if self._read is None:
                self._read = read_flags(self.papers, self.read_ids)
            self._unread = self._groups.unread(self.order, self._read)
        day = int(self._groups.days[group])
        return header_text(day, int(self._groups.counts[group]), int(self._unread[group]))

    def land_on(self, row: int) -> None:
        """Move the cursor to `row` as a jump does: when it starts a day, that day's header
        goes to the top of the view."""
        self.cursor = row
        if self._groups.starts_day(self.cursor):
            line = self._groups.line_of(self.cursor) - 1
            self.scroll_to(y=line, animate=False, immediate=True)

    def move_to(self, paper_id: str) -> None:
        """Put the cursor on the paper with `paper_id` if it is shown."""
        for row, index in enumerate(self.order):
            if self.papers[int(index)].id == paper_id:
                self._placing = True
                try:
                    self.cursor = row
                finally:
                    self._placing = False
                return

    # -- cursor ---------------------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.order) - 1))

    def watch_cursor(self, cursor: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        current = self.current
        # Typing in the filter often keeps the same paper on top: don't redraw its abstract.
        if current is not self._announced:
            self._announced = current
            self.post_message(self.Highlighted(self, current, by_user=not self._placing))

    def watch_read_ids(self, before: frozenset[str], after: frozenset[str]) -> None:
        """Keep the unread counts true: the paper marked is nearly always the highlighted
        one (one flag to flip); anything else rebuilds the flags when next drawn."""
        self._unread = None
        if self._read is None:
            return
        changed = before ^ after
        current = self.current_index
        if current is not None and changed == {self.papers[current].id}:
            self._read[current] = self.papers[current].id in after
        else:
            self._read = None

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        line = self._groups.line_of(self.cursor)
        first = line - 1 if self._groups.starts_day(self.cursor) else line  # with its header
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self._groups.lines)
        self._scroll_to_cursor()

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.order) - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_select(self) -> None:
        paper = self.current
        if paper is not None:
            self.post_message(self.Selected(self, paper))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y + round(self.scroll_y)
        header, row = self._groups.at_line(line)
        if not 0 <= row < len(self.order):
            return
        if header is not None:  # a header is not a row: it selects its day's first paper
            self.cursor = row
        elif row == self.cursor or event.chain > 1:
            self.cursor = row
            self.action_select()
        else:
            self.cursor = row

    # -- rendering ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        header, row = self._groups.at_line(y + round(self.scroll_y))
        base = self.get_visual_style()
        if not len(self.order):
            lines = textwrap.wrap(self.empty_message, max(10, width - 2)) or [""]
            text = lines[y] if y < len(lines) else ""
            style = self.get_visual_style("paper-list--muted")
            return Strip(Content(" " + text).render_segments(style)).crop_extend(
                0, width, base.rich_style
            )
        if row >= len(self.order):
            return Strip.blank(width, base.rich_style)
        if header is not None:
            style = self.get_visual_style("paper-list--header")
            title = Content(" " + self.header(header)).truncate(width, ellipsis=True)
            return Strip(title.render_segments(style)).crop_extend(0, width, style.rich_style)
        index = int(self.order[row])
        content = self._row_content(index, width)
        style = self.get_visual_style("paper-list--cursor") if row == self.cursor else base
        segments = content.render_segments(style)
        pad = width - content.cell_length  # the row is truncated to fit: pad, never crop
        if pad > 0:
            segments.append(Segment(" " * pad, style.rich_style))
        return Strip(segments, max(width, content.cell_length))

    def _row_content(self, index: int, width: int) -> Content:
        paper = self.papers[index]
        muted = "$text-muted"
        bookmark = self.bookmarks.get(paper.id)
        if self.show_states and bookmark is not None:
            prefix = Content.assemble(" ", (STATE_GLYPHS.get(bookmark.state, "?"), "$accent"), " ")
        else:
            star = ("★", "$warning") if bookmark is not None else " "
            code = ("‹›", "$success") if paper.code_url else "  "
            new = ("•", "$accent") if paper.id in self.new_ids else " "
            if self._multi_day and paper.date is not None and not self._groups:
                number = paper.date.strftime("%b %d")
            else:
                number = (str(paper.rank) if paper.rank else "").rjust(self._rank_width)  # 0: none
            prefix = Content.assemble(new, star, code, " ", (number, muted), " ")
        # A row never needs more than ROW_TITLE characters (a 10 MB title must not cost 10 MB
        # per row), and shows the math readable: the form read is the one highlighted.
        shown = render_math(paper.title[: caps.ROW_TITLE].replace("\n", " "))
        title = Content(shown)
        spans = self._title_spans(index, shown)
        for start, end in spans:
            title = title.stylize("$accent bold underline", start, end)
        tags = ""
        if self.show_states and bookmark is not None and bookmark.tags:
            tags = "  " + " ".join(f"#{t}" for t in bookmark.tags)
        wide = width >= COLUMNS_FROM and self._any_columns
        columns = self._columns(paper) if wide else Content("")
        room = max(1, width - prefix.cell_length - len(tags) - columns.cell_length)
        title = title.truncate(room, ellipsis=True)
        if columns.cell_length:  # right-aligned: the title and tags take the space between
            gap = room - title.cell_length
            title = Content.assemble(title, (tags, muted), " " * gap)
            tags = ""
        row = Content.assemble(prefix, title, (tags, muted), columns)
        return row.stylize("dim") if paper.id in self.read_ids else row

    @staticmethod
    def _columns(paper: Paper) -> Content:
        """Upvotes and the first author, fixed widths, for wide rows."""
        votes = f"▲{paper.upvotes}" if paper.upvotes is not None else ""
        more = f" +{len(paper.authors) - 1}" if len(paper.authors) > 1 else ""
        first = Content(paper.authors[0] if paper.authors else "")
        author = first.truncate(AUTHOR_WIDTH - 1 - len(more), ellipsis=True) + more
        return Content.assemble(
            (votes.rjust(VOTES_WIDTH), "$text-muted"),
            "  ",
            author,
            " " * (AUTHOR_WIDTH - author.cell_length),  # at least one: a gap before the border
        )

    def _title_spans(self, index: int, title: str) -> list[tuple[int, int]]:
        if not self.filter_query.has_text:
            return []
        spans = self._spans.get(index)
        if spans is None:
            spans = self._spans[index] = highlight_spans(self.filter_query, title)
        return spans
