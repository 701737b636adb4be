"""The config file in the app: a rebound key works, a bad config starts with the defaults and
says what it ignored, the configured view and theme are the ones shown."""

from __future__ import annotations

import os
from pathlib import Path

from papershelf.locations import sample_digest
from papershelf.parser import parse_sources
from papershelf.store import Store
from papershelf.ui.app import PapershelfApp
from papershelf.ui.dialogs import HelpScreen
from papershelf.ui.saved import SavedSearchMenu
from tests.ui.conftest import SAMPLE_YEAR, make_app, settle


def write_config(text: str) -> Path:
    path = Path(os.environ["PAPERSHELF_CONFIG"])
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_keymap_rebinds_bookmark_to_x() -> None:
    write_config('[keys]\nbookmark = "x"\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.store is not None
        await pilot.press("b")
        await settle(pilot)
        assert app.session.store.bookmarked_ids() == set(), "b is no longer bookmark"
        await pilot.press("x")
        await settle(pilot)
        assert app.session.store.bookmarked_ids() == {app.session.papers[0].id}
        assert not [n for n in app._notifications if n.title == "Config"], "a good one is silent"


async def test_a_bad_config_starts_with_defaults_and_says_so() -> None:
    path = write_config('view = "bookmarks"\n[keys]\nbookmark = "x"\nnosuch = "z"\ntheme = 7\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications if n.title == "Config"]
        assert len(messages) == 1
        lines = messages[0].splitlines()
        assert f'{path}: keys.theme: expected a key name such as "x" or "ctrl+b"; ignored' in lines
        assert any(line.startswith(f"{path}: keys.nosuch: no such binding") for line in lines)
        assert app.session.view == "bookmarks", "the good settings still apply"
        await pilot.press("x")
        await settle(pilot)
        assert app.session.store is not None
        assert len(app.session.store.bookmarked_ids()) == 0  # bookmarks view is empty


async def test_not_toml_still_opens_the_app() -> None:
    path = write_config("this is not toml\n")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.papers
        (note,) = [n.message for n in app._notifications if n.title == "Config"]
        assert note.startswith(f"{path}: not valid TOML")


async def test_the_configured_theme_is_used() -> None:
    write_config('theme = "gruvbox"\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"


async def test_the_configured_pane_width_is_the_start_until_the_keys_choose_one() -> None:
    write_config("detail = 52\n")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.main.panes.detail_width == 50, "the nearest step of the config's 52"
        await pilot.press("greater_than_sign")  # a wider list: the pane one step narrower
        await settle(pilot)
        assert app.main.panes.detail_width == 45
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.main.panes.detail_width == 45, "what the keys chose is remembered"


async def test_the_configured_sort_is_the_opening_order() -> None:
    write_config('sort = "title"\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        titles = [papers.papers[int(i)].title for i in papers.order]
        assert titles == sorted(titles, key=str.casefold) or titles == sorted(titles)
        assert "sort: title" in str(papers.border_title)


async def test_view_bookmarks_opens_on_the_reading_list() -> None:
    """README: `view = "bookmarks"` opens on the reading list. It used to open on an empty
    'No papers.' list titled 'Bookmarks 0/1', the abstract pane stuck on 'Loading…'."""
    paper = parse_sources([sample_digest()], year=SAMPLE_YEAR).papers[2]
    with Store() as store:
        store.add(paper)
    write_config('view = "bookmarks"\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.view == "bookmarks"
        assert [p.id for p in app.main.paper_list.papers] == [paper.id]
        assert app.main.paper_list.current is not None
        assert app.main.paper_list.current.id == paper.id
        assert str(app.main.paper_list.border_title).startswith("Bookmarks 1/1")
        assert paper.title in str(app.main.detail.query_one("#detail-body").render())


REBOUND = '[keys]\nbookmark = "x"\n"bookmark.undo" = "U"\n"search.save" = "ctrl+k"\nfilter = "F"\n'


def toasts(app: PapershelfApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_messages_name_the_keys_the_config_binds() -> None:
    """A rebound key is the one every message, hint and help row tells the reader to press."""
    write_config(REBOUND)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "(F to focus)" in app.main.filter_input.placeholder
        await pilot.press("d")
        assert "Bookmark it first (x)." in toasts(app)
        await pilot.press("x", "d")
        await settle(pilot)
        assert any(
            t.startswith("Removed bookmark:") and t.endswith("press U to undo") for t in toasts(app)
        )
        await pilot.press("ctrl+k")
        assert "Type a filter first, then Ctrl+K saves it" in toasts(app)
        await pilot.press("apostrophe")
        await pilot.pause()
        assert isinstance(app.screen, SavedSearchMenu)
        hints = [str(label.render()) for label in app.screen.query(".dialog--hint")]
        assert "None yet: type a filter, then Ctrl+K names it · Esc close" in hints
        await pilot.press("escape", "tab")
        await settle(pilot)
        assert app.main.paper_list.empty_message.startswith("No bookmarks yet: press x ")
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = dict(help_screen.sections[0][1])
        assert rows["x"] == "Bookmark or un-bookmark" and "b" not in rows
        assert rows["Ctrl+K"] == "Save the filter under a name"
