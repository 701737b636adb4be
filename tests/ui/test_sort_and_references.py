"""The sort key and a pasted paper URL in the filter (#11.4, #11.6), driven with Pilot."""

from __future__ import annotations

from textual import events

from papershelf.text import fold
from tests.ui.conftest import make_app, settle

DAILY = "tests/fixtures/daily_papers.json"


async def test_a_pasted_arxiv_url_shows_that_paper() -> None:
    app = make_app([DAILY])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.main.paper_list.current is not None
        assert app.main.paper_list.current.arxiv_id == "2503.18101"
        await pilot.press("slash")
        app.main.filter_input.post_message(events.Paste("https://arxiv.org/abs/2503.15533v2"))
        await settle(pilot)
        assert app.main.filter_input.value == "https://arxiv.org/abs/2503.15533v2"
        current = app.main.paper_list.current
        assert current is not None and current.arxiv_id == "2503.15533"
        assert app.main.paper_list.border_title == "Papers 1/5"
        assert app.main.detail.text.startswith("Diffusion Policies That Know When to Stop")


async def test_the_sort_key_cycles_orders_and_names_the_sort() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = app.main.paper_list
        rank_order = list(lst.order)
        assert lst.border_title == "Papers 46/46"
        await pilot.press("j", "j")
        await pilot.press("equals_sign")  # upvotes: the text digest has none, so rank stays
        await settle(pilot)
        assert lst.border_title == "Papers 46/46 · sort: upvotes"
        assert list(lst.order) == rank_order and lst.cursor == 0
        await pilot.press("equals_sign", "equals_sign", "equals_sign")  # day, arxiv, title
        await settle(pilot)
        assert lst.border_title == "Papers 46/46 · sort: title"
        shown = [fold(lst.papers[int(i)].title) for i in lst.order]
        assert shown == sorted(shown) and shown != [fold(lst.papers[i].title) for i in rank_order]
        assert lst.current is not None and fold(lst.current.title) == shown[0]
        await pilot.press("equals_sign")  # back to the default
        await settle(pilot)
        assert lst.border_title == "Papers 46/46"
        assert list(lst.order) == rank_order


async def test_the_sort_key_is_in_the_bindings_with_an_id() -> None:
    from textual.binding import Binding

    from papershelf.ui.keys import MAIN_BINDINGS

    ids = {b.id: b.key for b in MAIN_BINDINGS if isinstance(b, Binding)}
    assert ids["sort"] == "equals_sign"
