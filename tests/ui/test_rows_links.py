"""Rows worth reading, the pane layout, read rows dim, the right link, palette, footer, marks."""

from __future__ import annotations

import datetime as dt
import webbrowser
from pathlib import Path

import pytest
from textual.widgets import Input, Label
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from papershelf.fetch import Fetched, FetchRequest
from papershelf.layout import DEFAULT_DETAIL_WIDTH, PaneLayout
from papershelf.model import Paper, paper_id
from papershelf.store import Store
from papershelf.ui.app import PapershelfApp
from papershelf.ui.dialogs import CopyMenu, ExportDialog
from tests.ui.conftest import make_app, row_text, settle
from tests.ui.shelf import linked_papers, shelf_app

FIRST = "LeMo: Enabling LEss Token Involvement for MOre Context Fine-tuning"


class FakeBrowser(webbrowser.BaseBrowser):
    """Stands in for the user's browser: records what it was asked to open."""

    def __init__(self, answer: bool = True) -> None:
        super().__init__("fake")
        self.opened: list[str] = []
        self.answer = answer

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return self.answer


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> FakeBrowser:
    fake = FakeBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda using=None: fake)
    return fake


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import pyperclip

    texts: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", texts.append)
    return texts


def messages(app: PapershelfApp) -> list[str]:
    return [n.message for n in app._notifications]


# -- rows and layout ----------------------------------------------------------------------


async def test_rows_show_60_characters_of_title_at_120_columns() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert FIRST[:60] in row_text(app, 0)
        assert app.main.paper_list.region.width > app.main.detail.region.width


async def test_library_rows_with_dates_still_show_60_characters() -> None:
    app = shelf_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = {p.title for p in linked_papers()}
        for row in range(len(app.session.papers)):
            text = row_text(app, row)
            assert any(t[:60] in text for t in titles), text
        assert "▲" not in row_text(app, 0), "no columns at 120"


async def test_wide_rows_show_upvotes_and_first_author_right_aligned() -> None:
    app = shelf_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        rows = [row_text(app, r) for r in range(4)]
        sam = next(r for r in rows if "SAM 3" in r)
        assert "▲412" in sam and "Nicolas Carion +2" in sam
        assert sam.index("SAM 3: Segment Anything with Concepts, Promptable Everywhere") >= 0
        # The columns line up: every row's votes column ends at the same place.
        ends = {r.index("▲") + len(r.split("▲")[1].split()[0]) for r in rows}
        assert len(ends) == 1, rows
        long = next(r for r in rows if "Expressivity" in r)
        assert "Maximilian Alexa… +1 " in long


async def test_detail_pane_resizes_hides_and_is_remembered() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        start = app.main.detail.region.width
        await pilot.press("less_than_sign")
        await pilot.pause()
        wider = app.main.detail.region.width
        assert wider > start
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        assert app.main.detail.region.width < start
        await pilot.press("z")
        await pilot.pause()
        assert not app.main.detail.display or app.main.detail.region.width == 0
        assert app.main.paper_list.region.width == 120
        remembered = app.main.panes
    assert remembered == PaneLayout(DEFAULT_DETAIL_WIDTH - 5, detail_shown=False)
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.main.panes == remembered
        assert again.main.paper_list.region.width == 120
        await pilot.press("z")
        await pilot.pause()
        assert again.main.detail.region.width < start, "restored at the width it had"
        assert again.main.detail.region.width > 0


async def test_no_empty_columns_for_papers_without_votes_or_authors() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await pilot.pause()
        second = app.session.papers[1].title
        assert second[:100] in row_text(app, 1), "the whole width goes to the title"


async def test_hidden_pane_marks_nothing_read_and_narrow_screens_stack() -> None:
    app = make_app(read_after=0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        assert app.main.detail.region.y >= app.main.paper_list.region.bottom
        await pilot.press("z", "j")
        await pilot.pause()
        assert app.main.reading is None, "no read timer for a paper nobody can see"


async def test_read_rows_are_dim_and_unread_rows_are_not() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "m", "j")
        assert app.session.papers[1].id in app.session.read_ids
        lst = app.main.paper_list
        read = lst.render_line(1)
        unread = lst.render_line(3)
        title = app.session.papers[1].title[:20]
        assert all(s.style is not None and s.style.dim for s in read if title in s.text)
        assert any(title in s.text for s in read)
        assert not any(s.style is not None and s.style.dim for s in unread)


# -- links ----------------------------------------------------------------------------------


async def test_o_opens_the_paper_page_c_the_code_p_the_pdf(browser: FakeBrowser) -> None:
    app = shelf_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.main.paper_list.current is not None
        assert app.main.paper_list.current.arxiv_id == "2511.20107"
        await pilot.press("o", "c", "p")
        assert browser.opened == [
            "https://huggingface.co/papers/2511.20107",
            "https://github.com/facebookresearch/sam3",
            "https://arxiv.org/pdf/2511.20107",
        ]
        await pilot.press("j", "c")  # the second paper has no code
        assert len(browser.opened) == 3
        assert "This paper has no code link." in messages(app)


async def test_without_an_arxiv_id_o_opens_a_search_and_p_says_no_pdf(
    browser: FakeBrowser,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o", "p")
        assert browser.opened == [app.session.papers[0].hf_search_url]
        assert "This paper has no PDF link." in messages(app)


@pytest.mark.parametrize("broken", ["none", "refuses", "console"])
async def test_no_browser_copies_the_link_and_says_so(
    monkeypatch: pytest.MonkeyPatch, copied: list[str], broken: str
) -> None:
    monkeypatch.delenv("BROWSER", raising=False)
    fake = FakeBrowser(answer=False)

    def get(using: str | None = None) -> webbrowser.BaseBrowser:
        if broken == "none":
            raise webbrowser.Error("could not locate runnable browser")
        if broken == "console":
            return webbrowser.GenericBrowser("lynx")
        return fake

    monkeypatch.setattr(webbrowser, "get", get)
    app = shelf_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert copied == ["https://huggingface.co/papers/2511.20107"]
        assert any(m.startswith("No browser: link copied") for m in messages(app))
        assert not any(m.startswith("Opening") for m in messages(app))


async def test_copy_menu_offers_each_link_and_disables_the_absent(copied: list[str]) -> None:
    app = shelf_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        assert isinstance(app.screen, CopyMenu)
        await pilot.press("c")
        await pilot.press("y", "p")
        await pilot.press("y", "l")
        assert copied == [
            "https://github.com/facebookresearch/sam3",
            "https://arxiv.org/pdf/2511.20107",
            "https://huggingface.co/papers/2511.20107",
        ]
        await pilot.press("j", "y")
        menu = app.screen
        assert isinstance(menu, CopyMenu)
        options = menu.query_one("#copy-options")
        disabled = {o.id for o in options._options if o.disabled}  # type: ignore[attr-defined]
        assert disabled == {"code"}
        await pilot.press("c")
        assert not isinstance(app.screen, CopyMenu)
        assert len(copied) == 3, "nothing copied for an absent choice"
        assert "This paper has no code link." in [n.message for n in app._notifications]


# -- palette, footer, export ----------------------------------------------------------------


async def test_palette_names_fetch_and_export_once_each() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Fetch today's papers" in titles
        assert "Export reading list…" in titles
        assert len(titles) == len(set(titles)), titles


@pytest.mark.parametrize(
    ("typed", "found"), [("fetch", "Fetch today's papers"), ("filt", "Filter")]
)
async def test_the_palette_finds_commands_by_what_they_do(typed: str, found: str) -> None:
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *typed)
        for _ in range(20):  # the palette searches in a worker: wait until it answers
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, CommandPalette):
                options = app.screen.query_one(OptionList)
                shown = [
                    str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
                ]
                if any(found in text for text in shown):
                    break
        else:
            raise AssertionError(f"the palette did not offer {found!r}")
        assert app.is_running


async def test_footer_tab_names_the_other_view() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.active_bindings["tab"].binding.description == "Bookmarks"
        await pilot.press("tab")
        await settle(pilot)
        assert app.session.view == "bookmarks"
        assert app.screen.active_bindings["tab"].binding.description == "All papers"
        await pilot.press("tab")
        await settle(pilot)
        assert app.session.view == "all"


def footer_actions(app: PapershelfApp) -> dict[str, bool]:
    """Each footer key's action: whether it is drawn whole on screen."""
    width = app.size.width
    return {
        key.action: key.display and key.region.width > 0 and key.region.right <= width
        for key in app.screen.query(FooterKey)
    }


async def test_the_footer_fits_80_columns_with_help_and_quit() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = footer_actions(app)
        assert shown["app.help"] and shown["app.quit"], "Help and Quit are drawn whole"
        assert shown["toggle_bookmark"] and shown["command_palette"]
        assert not shown["copy"] and not shown["refresh"], "the optional keys step aside"
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, CopyMenu), "a hidden key still works"
    wide = make_app()
    async with wide.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert all(footer_actions(wide).values()), "wide: every footer key is shown"


async def test_export_writes_the_reading_list_by_extension(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b", "e")
        assert isinstance(app.screen, ExportDialog)
        field = app.screen.query_one(Input)
        assert field.value.endswith("reading-list.bib")
        target = tmp_path / "list.md"
        field.value = str(target)
        await pilot.press("enter")
        assert target.read_text(encoding="utf-8").startswith("- [LeMo")
        assert f"Exported 1 bookmark(s) to {target}" in messages(app)
        await pilot.press("e")
        app.screen.query_one(Input).value = str(tmp_path / "list.txt")
        await pilot.press("enter")
        assert any("end the name in .bib, .md, .json or .csv" in m for m in messages(app))


async def test_export_asks_before_replacing_a_file(tmp_path: Path) -> None:
    """An existing file is kept on Enter (the dialog says it exists) and on Esc; a second
    Enter replaces it."""
    target = tmp_path / "list.md"
    target.write_text("mine", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b", "e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog, "the dialog stays open"
        warning = dialog.query_one("#export-exists", Label)
        assert warning.display and f"{target} exists" in str(warning.render())
        assert target.read_text(encoding="utf-8") == "mine"
        await pilot.press("escape")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == "mine", "Esc keeps it"
        await pilot.press("e")
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == "mine"
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_text(encoding="utf-8").startswith("- [LeMo"), "replaced"


async def test_toasts_sit_over_the_list_not_the_abstract() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Something happened")
        for _ in range(10):
            await pilot.pause()
            if app.screen.query(Toast):
                break
        toast = app.screen.query(Toast).last()
        assert toast.region.width > 0
        assert toast.region.right <= app.main.paper_list.region.right


# -- states, undo, new marks ----------------------------------------------------------------


async def test_capital_s_cycles_states_backwards_and_u_says_what_it_undid() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper = app.session.papers[0]
        await pilot.press("b", "S")
        assert app.session.bookmarks[paper.id].state == "done"
        await pilot.press("S")
        assert app.session.bookmarks[paper.id].state == "reading"
        await pilot.press("s")
        assert app.session.bookmarks[paper.id].state == "done"
        await pilot.press("u")
        assert app.session.bookmarks[paper.id].state == "reading"
        assert messages(app)[-1].startswith("Undid the state change: LeMo")


async def test_papers_a_fetch_adds_show_the_new_dot_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Store() as store:  # earlier papers, already looked at
        store.add_to_library(linked_papers(), "earlier", mark_new=False)
    fresh = Paper(
        id=paper_id("A brand new paper"), title="A brand new paper", date=dt.date(2030, 1, 2)
    )

    def fetch_list(request: FetchRequest, **kwargs: object) -> Fetched:
        return Fetched([fresh], "daily list of 2030-01-02", "hf:2030-01-02", pages=1)

    monkeypatch.setattr("papershelf.fetch.fetch_list", fetch_list)
    app = PapershelfApp(sources=[], read_after=3600.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "•" not in row_text(app, 0)
        await pilot.press("r")
        await settle(pilot)
        assert app.session.papers[0].title == "A brand new paper"
        assert fresh.id in app.main.new_ids
        assert "1 paper · 1 unread" in row_text(app, 0), "two days now: a header each"
        assert row_text(app, 1).lstrip().startswith("•")
        assert "•" not in row_text(app, 3)
