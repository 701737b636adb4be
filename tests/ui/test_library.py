"""The app on the library: fresh-install sample, read and new marks, days, query syntax, refresh."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Label

from papershelf.errors import UserError
from papershelf.fetch import Fetched, FetchRequest, Progress
from papershelf.model import Paper, paper_id
from papershelf.store import Store
from papershelf.ui.app import PapershelfApp
from tests.ui.conftest import make_app, row_text, settle


def library_app(read_after: float = 2.0) -> PapershelfApp:
    return PapershelfApp(sources=[], read_after=read_after)


def paper(title: str, day: dt.date, rank: int) -> Paper:
    return Paper(id=paper_id(title), title=title, abstract=f"About {title}.", date=day, rank=rank)


async def test_fresh_library_shows_the_bundled_sample() -> None:
    app = library_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.library_mode
        assert app.main.paper_list.border_title == "Papers 46/46"
        assert app.session.store is not None and app.session.store.library_size() == 46


async def test_a_paper_shown_for_a_while_becomes_read_and_m_toggles() -> None:
    app = library_app(read_after=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        second = app.session.papers[1].id
        assert second not in app.session.read_ids, "not read the moment it is shown"
        assert app.main.reading is app.session.papers[1]
        app.main.read_time_up()  # the clock reaches the read delay
        await pilot.pause()
        assert second in app.session.read_ids
        await settle(pilot)  # the write runs in the store's worker
        assert app.session.store is not None and second in app.session.store.read_ids()
        assert "read" in app.main.detail.text.splitlines()[1]
        assert app.session.papers[0].id not in app.session.read_ids
        await pilot.press("m")
        await settle(pilot)  # the write runs in the store's worker
        assert second not in app.session.read_ids and second not in app.session.store.read_ids()
        await pilot.press("k", "m")
        first = app.session.papers[0].id
        await settle(pilot)  # the write runs in the store's worker
        assert first in app.session.store.read_ids()
        await pilot.press("slash", *"is:unread")
        await settle(pilot)
        shown = {app.main.paper_list.papers[int(i)].id for i in app.main.paper_list.order}
        assert first not in shown and second in shown


async def test_moving_on_before_the_delay_does_not_mark_read() -> None:
    app = library_app(read_after=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        assert app.main.reading is app.session.papers[2], "the timer follows the cursor"
        app.main.read_time_up()
        await pilot.pause()
        assert app.session.papers[1].id not in app.session.read_ids, "passed over quickly"
        assert app.session.papers[2].id in app.session.read_ids


async def test_new_marks_stay_across_launches_until_the_paper_is_read() -> None:
    """Every launch used to clear every new mark, read or not."""
    with Store() as store:
        store.add_to_library([paper("Old paper", dt.date(2025, 3, 20), 1)], "a")
        store.set_read(paper("Old paper", dt.date(2025, 3, 20), 1).id, True)
        store.add_to_library([paper("Fresh paper", dt.date(2025, 3, 21), 1)], "b")
    for _launch in range(2):  # a launch that reads nothing keeps the marks
        app = library_app(read_after=3600)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            titles = [app.session.papers[int(i)].title for i in app.main.paper_list.order]
            assert titles == ["Fresh paper", "Old paper"], "newest day first"
            assert "Fri 21 Mar 2025 · 1 paper" in row_text(app, 0), "each day has its header"
            assert row_text(app, 1).lstrip().startswith("•")
            assert "•" not in row_text(app, 3)
            await pilot.press("slash", *"is:new")
            await settle(pilot)
            assert app.main.paper_list.border_title == "Papers 1/2"
    app = library_app(read_after=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # to the list: the fresh paper is highlighted
        await pilot.press("enter")  # open it: read, no longer new
        await settle(pilot)
        assert app.session.new_ids == frozenset()
        assert "•" not in row_text(app, 1)
    with Store() as store:
        assert store.new_ids() == set()


async def test_square_brackets_jump_between_days(tmp_path: Path) -> None:
    digest = tmp_path / "days.txt"
    blocks = []
    for day in ("Mar 21", "Mar 20", "Mar 19"):
        blocks.append(day)
        for n in range(3):
            blocks += [f"{day} paper {n}", f"An abstract about {day} number {n}."]
    digest.write_text("\n\n".join(blocks), encoding="utf-8")
    app = make_app([digest])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Fri 21 Mar 2025 · 3 papers" in row_text(app, 0), "several days: a header each"
        await pilot.press("right_square_bracket")
        assert app.main.paper_list.cursor == 3
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert app.main.paper_list.cursor == 6, "stays on the last day"
        await pilot.press("j", "left_square_bracket")
        assert app.main.paper_list.cursor == 6, "first back to the start of this day"
        await pilot.press("left_square_bracket")
        assert app.main.paper_list.cursor == 3


async def test_a_malformed_filter_is_shown_and_keeps_the_results() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"graph")
        await settle(pilot)
        before = app.main.paper_list.order.copy()
        app.main.filter_input.value = "graph tga:nlp"  # as pasted: one change
        await settle(pilot)
        error = app.query_one("#query-error", Label)
        assert error.display and "tga" in str(error.content)
        assert error.region.y >= app.main.filter_input.region.bottom, (
            "the message sits under the filter"
        )
        assert list(app.main.paper_list.order) == list(before)
        await pilot.press("end", *["backspace"] * 7)
        await settle(pilot)
        assert not error.display
        assert list(app.main.paper_list.order) == list(before)


async def test_filters_combine_with_words() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"has:code")
        await settle(pilot)
        assert app.main.paper_list.border_title == "Papers 9/46"
        await pilot.press(*" -graph")
        await settle(pilot)
        shown = [app.session.papers[int(i)] for i in app.main.paper_list.order]
        assert shown and all(p.code_url for p in shown)
        assert all("graph" not in (p.title + p.abstract).lower() for p in shown)


async def test_refresh_adds_todays_papers_to_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    today = [paper("A brand new paper", dt.date(2030, 1, 2), 1)]
    asked: list[FetchRequest] = []

    def fetch_list(request: FetchRequest, **kwargs: object) -> Fetched:
        asked.append(request)
        progress = kwargs["progress"]
        assert callable(progress)
        progress(Progress("daily list of 2030-01-02", 1, 1))
        return Fetched(today, "daily list of 2030-01-02", "hf:2030-01-02", pages=1)

    monkeypatch.setattr("papershelf.fetch.fetch_list", fetch_list)
    app = library_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.main.paper_list.border_title == "Papers 47/47"
        assert app.session.papers[0].title == "A brand new paper"
        assert app.session.new_ids == {today[0].id}, "new at once, not at the next launch"
        assert "Wed 02 Jan 2030 · 1 paper · 1 unread" in row_text(app, 0)
        assert row_text(app, 1).lstrip().startswith("•")
        assert "21 Mar" in row_text(app, 2) and "46 papers" in row_text(app, 2)
        assert "•" not in row_text(app, 3), "the seeded sample is not new"
        assert any("1 new" in n.message for n in app._notifications)
        assert asked == [FetchRequest()]  # the latest daily list, not the trending one
        assert any("fetched page 1 (1 papers)" in n.message for n in app._notifications)


async def test_refresh_offline_keeps_working(monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(request: object, **kwargs: object) -> Fetched:
        raise UserError("cannot reach huggingface.co: Name or service not known")

    monkeypatch.setattr("papershelf.fetch.fetch_list", offline)
    app = library_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any("cannot reach" in n.message for n in app._notifications)
        assert app.main.paper_list.border_title == "Papers 46/46"
        await pilot.press("j")
        assert app.main.paper_list.cursor == 1


async def test_nothing_turns_read_at_launch_and_enter_marks_read() -> None:
    """The first row used to be marked read 2 s after every launch, unlooked at."""
    app = library_app(read_after=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = app.session.papers[0]
        assert app.main.reading is None, "no read timer for a paper the list placed"
        await pilot.press("slash", *"lemo")
        await settle(pilot)
        assert app.main.reading is None, "nor for the top result of a filter"
        await pilot.press("enter", "enter")  # to the list, then read it
        await settle(pilot)
        assert app.main.paper_list.current is first
        assert first.id in app.session.read_ids


async def test_h_hides_the_paper_and_u_brings_it_back() -> None:
    app = library_app(read_after=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        target = app.main.paper_list.current
        assert target is not None
        await pilot.press("H")
        await settle(pilot)
        shown = [app.session.papers[int(i)].id for i in app.main.paper_list.order]
        assert target.id not in shown and len(shown) == 45
        assert app.main.paper_list.border_title == "Papers 45/45"
        await pilot.press("u")
        await settle(pilot)
        assert len(app.main.paper_list.order) == 46
        assert any("Undid the hide" in n.message for n in app._notifications)
    app = library_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.main.paper_list.border_title == "Papers 46/46"
