"""Day headers in the all-papers list: counts of what is shown, jumps, and the cursor
never resting on a header."""

from __future__ import annotations

from textual.pilot import Pilot

from papershelf.ui.app import PapershelfApp
from papershelf.ui.paper_list import PaperList
from tests.ui.conftest import row_text, settle
from tests.ui.days import days_app


def lines(app: PapershelfApp) -> list[str]:
    """The visible lines of the list, stripped."""
    height = app.main.paper_list.scrollable_content_region.height
    return [row_text(app, y).strip() for y in range(height)]


def headers(app: PapershelfApp) -> list[str]:
    return [line for line in lines(app) if " · " in line and "unread" in line]


async def test_each_day_has_a_header_with_its_counts() -> None:
    app = days_app(read=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert headers(app) == [
            "Wed 02 Dec 2026 · 8 papers · 5 unread",
            "Tue 01 Dec 2026 · 8 papers · 8 unread",
            "Mon 30 Nov 2026 · 8 papers · 8 unread",
        ]
        shown = lines(app)
        assert shown[0].startswith("Wed 02 Dec") and shown[9].startswith("Tue 01 Dec")
        assert "Graph study 1 of Dec 2" in shown[1]
        assert not shown[1].startswith("Dec"), "the rank, not the day: the header says it"
        assert app.main.paper_list.border_title == "Papers 24/24"
        assert app.main.paper_list.current is app.session.papers[0], "on a paper, not a header"


async def test_right_bracket_puts_the_next_day_header_at_the_top() -> None:
    app = days_app()
    async with app.run_test(size=(120, 16)) as pilot:
        await settle(pilot)
        paper_list = app.main.paper_list
        await pilot.press("right_square_bracket")
        assert paper_list.cursor == 8
        assert paper_list.current is not None
        assert paper_list.current.title == "Graph study 1 of Dec 1"
        assert round(paper_list.scroll_y) == 9, "the header's line"
        assert lines(app)[0] == "Tue 01 Dec 2026 · 8 papers · 8 unread"
        assert "Graph study 1 of Dec 1" in lines(app)[1]
        await pilot.press("G", "left_square_bracket", "left_square_bracket")
        assert paper_list.cursor == 8
        assert lines(app)[0].startswith("Tue 01 Dec"), "back up: the header at the top too"
        await pilot.press("left_square_bracket")
        assert paper_list.cursor == 0 and round(paper_list.scroll_y) == 0


async def test_j_and_k_step_over_headers_and_k_shows_the_days_header() -> None:
    app = days_app()
    async with app.run_test(size=(120, 16)) as pilot:
        await settle(pilot)
        paper_list = app.main.paper_list
        await pilot.press(*"j" * 7)
        assert paper_list.current is not None
        assert paper_list.current.title == "Agents study 8 of Dec 2"
        await pilot.press("j")
        assert paper_list.current.title == "Graph study 1 of Dec 1", "the header is skipped"
        await pilot.press("k")
        assert paper_list.current.title == "Agents study 8 of Dec 2"
        await pilot.press("G", *"k" * 15)  # up from the end to the middle day's first paper
        assert paper_list.current.title == "Graph study 1 of Dec 1"
        top = lines(app)[0]
        assert top.startswith("Tue 01 Dec"), f"its header is shown above it, not {top!r}"


async def test_clicking_a_header_selects_that_days_first_paper() -> None:
    app = days_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper_list = app.main.paper_list
        assert lines(app)[9].startswith("Tue 01 Dec")
        await pilot.click(PaperList, offset=(10, 1 + 9))  # the border, then line 9
        await pilot.pause()
        assert paper_list.cursor == 8
        assert paper_list.current is not None
        assert paper_list.current.title == "Graph study 1 of Dec 1"
        assert app.main.focused is paper_list, "selected, not opened"


async def _type(pilot: Pilot[None], query: str) -> None:
    app = pilot.app
    assert isinstance(app, PapershelfApp)
    app.main.filter_input.value = query
    await settle(pilot)


async def test_counts_follow_read_marks_and_the_filter() -> None:
    app = days_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert headers(app)[0] == "Wed 02 Dec 2026 · 8 papers · 7 unread"
        await pilot.press("right_square_bracket", "j", "m")
        await settle(pilot)
        assert headers(app)[:2] == [
            "Wed 02 Dec 2026 · 8 papers · 7 unread",
            "Tue 01 Dec 2026 · 8 papers · 7 unread",
        ]
        await pilot.press("m")  # and unread again
        await settle(pilot)
        assert headers(app)[1] == "Tue 01 Dec 2026 · 8 papers · 8 unread"
        await _type(pilot, "is:unread")
        assert headers(app)[0] == "Wed 02 Dec 2026 · 7 papers · 7 unread"
        await _type(pilot, "graph sort:day")  # words, but still by day
        assert headers(app) == [
            "Wed 02 Dec 2026 · 2 papers · 1 unread",
            "Tue 01 Dec 2026 · 2 papers · 2 unread",
            "Mon 30 Nov 2026 · 2 papers · 2 unread",
        ]
        await _type(pilot, "graph")  # best match first: days interleave, no headers
        assert headers(app) == []
        await _type(pilot, "date:2026-12-01")  # one day shown: no header
        assert headers(app) == []
        assert len(app.main.paper_list.order) == 8


async def test_other_sorts_and_the_bookmarks_view_have_no_headers() -> None:
    app = days_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(headers(app)) == 3
        await pilot.press("equals_sign")  # upvotes
        await settle(pilot)
        assert headers(app) == []
        await pilot.press("equals_sign")  # day
        await settle(pilot)
        assert len(headers(app)) == 3
        await pilot.press("b", "j", "j", "j", "j", "j", "j", "j", "j", "b", "tab")
        await settle(pilot)
        assert app.session.view == "bookmarks" and len(app.main.paper_list.order) == 2
        assert headers(app) == []
