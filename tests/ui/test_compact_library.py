"""The app on a big library, whose list rows are compact: the detail pane, a bookmark and a
phrase search still see every field, read from the database by id."""

from __future__ import annotations

import pytest

from papershelf import loading as session_module
from papershelf.model import ListedPaper
from papershelf.store import Store
from papershelf.ui.app import PapershelfApp
from tests.ui.conftest import settle
from tests.unit.test_compact_library import PAPERS


@pytest.fixture(autouse=True)
def big_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_module, "COMPACT_MIN", 10)
    with Store() as store:
        store.add_to_library(PAPERS, "digest")


async def test_the_detail_pane_and_bookmarks_read_the_full_paper() -> None:
    app = PapershelfApp(sources=[], read_after=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert all(isinstance(p, ListedPaper) for p in app.session.papers)
        await pilot.press("j")
        shown = app.session.papers[1]
        full = {p.id: p for p in PAPERS}[shown.id]
        assert full.abstract in " ".join(app.main.detail.text.split())
        await pilot.press("b")
        await pilot.pause()
        assert app.session.store is not None
        kept = app.session.store.bookmarks()[0].paper
        assert kept.abstract == full.abstract and kept.authors == full.authors


async def test_a_phrase_in_an_abstract_is_found_in_a_compact_library() -> None:
    app = PapershelfApp(sources=[], read_after=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'"carefully, case 7"')
        await settle(pilot)
        order = app.main.paper_list.order
        assert [app.main.paper_list.papers[int(i)].title for i in order] == [PAPERS[7].title]
