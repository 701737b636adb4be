"""Saved searches in the app: Ctrl+S names the filter, ' lists them (after a restart too) with
their new matches, Enter filters by one, d deletes it; the palette offers each by name."""

from __future__ import annotations

from textual.command import CommandPalette

from papershelf.ui.saved import SavedSearchMenu, SaveSearchDialog
from tests.ui.conftest import make_app, settle


async def test_save_a_search_and_reuse_it_after_a_restart() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, SaveSearchDialog), "nothing to save yet"
        await pilot.press("slash", *"graph", "ctrl+s")
        assert isinstance(app.screen, SaveSearchDialog)
        await pilot.press(*"graphs", "enter")
        await settle(pilot)
        assert app.session.store is not None
        assert app.session.store.saved_searches() == [("graphs", "graph")]
        shown = app.main.paper_list.border_title

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.session.new_ids = frozenset(p.id for p in app.session.papers[:10])
        await pilot.press("apostrophe")
        assert isinstance(app.screen, SavedSearchMenu)
        (search,) = app.screen.searches
        assert search.name == "graphs" and search.new is not None and search.new >= 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.filter_input.value == "graph"
        assert app.main.paper_list.border_title == shown
        await pilot.press("apostrophe", "d")
        await settle(pilot)
        assert app.session.store is not None
        assert app.session.store.saved_searches() == []


async def test_the_palette_offers_saved_searches_by_name() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.store is not None
        app.session.store.save_search("odd [/] name", "[@click=app.quit] lora")
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        command = commands[r"Saved search: odd \[/] name"]
        assert command.help == r"\[@click=app.quit] lora"
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        command.callback()
        await settle(pilot)
        assert app.main.filter_input.value == "[@click=app.quit] lora"
        assert app.is_running


async def test_palette_titles_and_help_read_back_as_the_saved_text() -> None:
    """The palette parses titles and help as markup; Textual's `escape` leaves `[ @click=...]`
    (a live action) and `[$name]` (an undefined variable: an error when drawn) as markup."""
    from textual.content import Content

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.store is not None
        name, query = "[ @click=app.quit]x \\[b]", "[$nosuch] lora [[b]] \\"
        app.session.store.save_search(name, query)
        [command] = [
            c for c in app.get_system_commands(app.screen) if c.title.startswith("Saved search:")
        ]
        for markup, plain in ((command.title, f"Saved search: {name}"), (command.help, query)):
            shown = Content.from_markup(markup)
            assert shown.plain == plain and not shown.spans
