"""Pilot tests: press keys as a person would, assert on the app's state and on what it draws."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from papershelf.locations import database_path
from papershelf.ui.app import PapershelfApp
from papershelf.ui.detail import DetailPane
from papershelf.ui.dialogs import CopyMenu, HelpScreen, NoteEditor, TagsEditor
from papershelf.ui.paper_list import PaperList
from papershelf.ui.screens.main import MainScreen
from tests.ui.conftest import make_app, row_text, settle

FIRST = "LeMo: Enabling LEss Token Involvement for MOre Context Fine-tuning"
SECOND = "Exact Learning of Permutations for Nonzero Binary Inputs"
LAST = "SynCode: LLM Generation with Grammar Augmentation"
SPEN = "Subgraph Permutation Equivariant Networks"


class RecordingBrowser(webbrowser.BaseBrowser):
    """A browser that only records the links it is asked to open."""

    def __init__(self, opened: list[str]) -> None:
        super().__init__("recording")
        self.opened = opened

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return True


async def test_opens_on_the_sample_with_counts_and_detail() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.session.papers) == 46
        assert app.main.paper_list.border_title == "Papers 46/46"
        assert app.main.paper_list.current is not None
        assert app.main.paper_list.current.title == FIRST
        assert FIRST[:30] in row_text(app, 0)
        assert app.main.detail.text.startswith(FIRST)
        assert "The escalating demand for long-context" in app.main.detail.text
        assert "Fri 21 Mar 2025" in app.main.detail.text
        assert app.focused is app.main.paper_list
        # Wide: the list on the left (the larger share), the abstract beside it, the filter on top.
        lst, detail = app.main.paper_list.region, app.main.detail.region
        assert lst.x == 0 and lst.width > detail.width
        assert detail.x == lst.right and detail.y == lst.y
        assert app.main.filter_input.region.bottom <= lst.y


async def test_movement_keys_and_detail_follows() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = app.main.paper_list
        await pilot.press("j")
        assert lst.cursor == 1 and app.main.detail.text.startswith(SECOND)
        await pilot.press("down", "down")
        assert lst.cursor == 3
        await pilot.press("k", "up")
        assert lst.cursor == 1
        await pilot.press("G")
        assert lst.cursor == 45 and app.main.detail.text.startswith(LAST)
        await pilot.press("g")
        assert lst.cursor == 0
        await pilot.press("end")
        assert lst.cursor == 45
        await pilot.press("home")
        assert lst.cursor == 0
        await pilot.press("pagedown")
        page = lst.cursor
        assert page > 10
        await pilot.press("pageup")
        assert lst.cursor == 0
        await pilot.press("up")
        assert lst.cursor == 0, "the cursor stops at the top"
        await pilot.press("G", "down")
        assert lst.cursor == 45, "and at the bottom"
        # The cursor's row is scrolled into view.
        assert lst.scroll_y > 0
        assert LAST[:20] in "".join(row_text(app, y) for y in range(lst.size.height))


async def test_filter_typo_tolerant_then_enter_keeps_it_and_escape_clears() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"permutaton equivarant")
        await settle(pilot)
        lst = app.main.paper_list
        assert lst.current is not None and lst.current.title == SPEN
        shown = len(lst.order)
        assert 0 < shown < 46
        assert lst.border_title == f"Papers {shown}/46"
        assert app.main.detail.text.startswith(SPEN)
        await pilot.press("enter")
        assert app.focused is lst
        assert app.main.filter_input.value == "permutaton equivarant"
        await pilot.press("slash", "escape")
        assert app.main.filter_input.value == ""
        assert app.focused is lst
        assert lst.border_title == "Papers 46/46"


async def test_down_in_filter_goes_to_the_list() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"graph", "down")
        assert app.focused is app.main.paper_list
        assert app.main.filter_input.value == "graph"


async def test_no_match_says_so() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzqxv")
        await settle(pilot)
        assert len(app.main.paper_list.order) == 0
        assert app.main.paper_list.border_title == "Papers 0/46"
        assert "No papers" in row_text(app, 0)
        assert "Nothing to show" in app.main.detail.text


async def test_matched_characters_are_highlighted_in_the_title() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"subgraph")
        await settle(pilot)
        strip = app.main.paper_list.render_line(0)
        styled = [seg.text for seg in strip if seg.style and seg.style.underline]
        assert "".join(styled).lower().startswith("subgraph")


async def test_enter_focuses_detail_and_escape_returns() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.focused, DetailPane)
        await pilot.press("j")
        assert app.main.paper_list.cursor == 0, "j scrolls the abstract, not the list"
        await pilot.press("escape")
        assert app.focused is app.main.paper_list


async def test_mouse_click_highlights_then_selects() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.click(PaperList, offset=(5, 4))  # row 3 inside the border
        assert app.main.paper_list.cursor == 3
        await pilot.click(PaperList, offset=(5, 4))
        assert isinstance(app.focused, DetailPane)


async def test_bookmark_toggle_persists_and_undo_restores(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        assert app.session.store is not None
        await settle(pilot)  # the write runs in the store's worker
        ids = app.session.store.bookmarked_ids()
        assert ids == {app.session.papers[0].id}
        assert "★" in row_text(app, 0)
        assert "bookmarked" in app.main.detail.text
        await pilot.press("b")
        await settle(pilot)  # the write runs in the store's worker
        assert app.session.store.bookmarked_ids() == set()
        assert "★" not in row_text(app, 0)
        await pilot.press("u")
        await settle(pilot)  # the write runs in the store's worker
        assert app.session.store.bookmarked_ids() == {app.session.papers[0].id}
    # Across restarts: a new app on the same store shows the badge.
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "★" in row_text(again, 0)


async def test_bookmarks_view_state_note_tags_remove_undo() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "b", "tab")
        assert app.session.view == "bookmarks"
        assert app.main.paper_list.border_title == "Bookmarks 1/1"
        assert "○" in row_text(app, 0), "to-read glyph"
        await pilot.press("s")
        assert app.session.store is not None
        paper_id = app.session.papers[1].id
        await settle(pilot)  # the write runs in the store's worker
        bookmark = app.session.store.get(paper_id)
        assert bookmark is not None and bookmark.state == "reading"
        assert "◐" in row_text(app, 0)
        await pilot.press("s", "s")
        await settle(pilot)  # the write runs in the store's worker
        assert app.session.store.get(paper_id).state == "to-read"  # type: ignore[union-attr]

        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).text = "Read §3 first"
        await pilot.press("ctrl+s")
        await settle(pilot)  # the write runs in the store's worker
        assert app.session.store.get(paper_id).note == "Read §3 first"  # type: ignore[union-attr]
        assert "Read §3 first" in app.main.detail.text

        await pilot.press("t")
        assert isinstance(app.screen, TagsEditor)
        app.screen.query_one(Input).value = "Theory, graphs"
        await pilot.press("enter")
        await settle(pilot)  # the write runs in the store's worker
        assert app.session.store.get(paper_id).tags == ("graphs", "theory")  # type: ignore[union-attr]
        assert "#graphs #theory" in row_text(app, 0)

        await pilot.press("d")
        await settle(pilot)  # the write runs in the store's worker
        assert app.session.store.get(paper_id) is None
        assert app.main.paper_list.border_title == "Bookmarks 0/0"
        await pilot.press("u")
        await settle(pilot)  # the write runs in the store's worker
        restored = app.session.store.get(paper_id)
        assert restored is not None and restored.note == "Read §3 first"
        assert app.main.paper_list.border_title == "Bookmarks 1/1"

        await pilot.press("tab")
        assert app.session.view == "all" and app.main.paper_list.border_title == "Papers 46/46"
        await pilot.press("2")
        assert app.session.view == "bookmarks"
        await pilot.press("1")
        assert app.session.view == "all"


async def test_filter_applies_in_bookmarks_view() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b", "j", "b", "tab", "slash", *"lemo")
        await settle(pilot)
        assert app.main.paper_list.border_title == "Bookmarks 1/2"
        assert app.main.paper_list.current is not None
        assert app.main.paper_list.current.title == FIRST


async def test_open_only_opens_web_links(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    app = make_app()
    monkeypatch.setattr("webbrowser.get", lambda using=None: RecordingBrowser(opened))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert opened == [app.session.papers[0].hf_search_url]  # no arXiv id: a search
        assert opened[0].startswith("https://")
        tooltip = app.main.active_bindings["o"].binding.tooltip
        assert "project page or a title search" in tooltip, "the tooltip says so"


async def test_copy_menu_falls_back_to_osc52(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyperclip

    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        assert isinstance(app.screen, CopyMenu)
        await pilot.press("t")
        assert app.clipboard == FIRST
        assert any("OSC 52" in n.message for n in app._notifications)
        await pilot.press("y", "b")
        assert app.clipboard.startswith("@misc{")
        assert FIRST.split(":")[0] in app.clipboard


async def test_copy_uses_the_system_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y", "l")
        assert copied == [app.session.papers[0].link]
        await pilot.press("y", "m")
        assert copied[-1].startswith("[LeMo")
        await pilot.press("y", "escape")
        assert len(copied) == 2
        await pilot.press("y", "b")
        toasts = [n.message for n in app._notifications]
        assert "Copied the BibTeX entry to the clipboard." in toasts, "the menu's label"
        assert "Copied the Markdown link to the clipboard." in toasts


async def test_help_lists_every_binding() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body", Static).content)
        for binding in [*PapershelfApp.BINDINGS, *PaperList.BINDINGS, *DetailPane.BINDINGS]:
            assert binding.tooltip or binding.description in text  # type: ignore[union-attr]
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_offers_the_app_commands() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Bookmark", "Open", "Copy", "Help", "Theme"} <= titles


async def test_q_quits() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_small_terminal_stacks_list_and_detail() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        lst, detail = app.main.paper_list.region, app.main.detail.region
        assert detail.y >= lst.bottom, "the abstract sits under the list"
        assert lst.width == detail.width == 80
        await pilot.press("j", "enter")
        assert app.main.detail.text.startswith(SECOND)


async def test_unusable_store_keeps_browsing_and_refuses_bookmarks() -> None:
    db = database_path()
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database at all")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.store is None
        await pilot.press("j", "b")
        assert app.main.paper_list.cursor == 1
        assert any(str(db) in n.message for n in app._notifications)
    assert db.read_bytes() == b"not a database at all"


async def test_hostile_titles_render_as_text_and_do_nothing(tmp_path: Path) -> None:
    digest = tmp_path / "hostile.txt"
    digest.write_text(
        "Mar 21\n\n"
        "[@click=app.quit]click me[/]\n\nAn abstract that is long enough to be one.\n\n"
        "[bold red]x[/] \x1b[31mred\x1b[0m \x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202eevil\n\n"
        "Another abstract with [link=file:///etc/passwd]markup[/link].\n",
        encoding="utf-8",
    )
    app = make_app([digest])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "[@click=app.quit]click me[/]" in row_text(app, 0)
        second = row_text(app, 1)
        assert "[bold red]x[/]" in second and "\x1b" not in second and "\u202e" not in second
        # Clicking the "[@click=app.quit]" title selects it and does nothing else.
        await pilot.click(PaperList, offset=(10, 1))
        await pilot.click(PaperList, offset=(10, 1))
        assert app.is_running and isinstance(app.focused, DetailPane)
        await pilot.click(DetailPane, offset=(3, 1))
        assert app.is_running
        await pilot.press("escape", "j")
        assert "[link=file:///etc/passwd]markup[/link]" in app.main.detail.text


async def test_unreadable_source_shows_the_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    app = make_app([empty])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = "".join(row_text(app, y).strip() for y in range(5))
        assert "empty.txt" in shown
        assert app.is_running
        assert app.main.paper_list.border_title == "Papers 0/0", "not 'reading…' forever"


async def test_keys_typed_in_one_burst_run_in_order() -> None:
    """A terminal delivers fast typing as one read; Tab must not overtake the keys before it."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, char in [("b", "b"), ("j", "j"), ("j", "j"), ("b", "b"), ("tab", "\t")]:
            app.post_message(events.Key(key, char))  # queued together, as the driver does
        await settle(pilot)
        assert app.session.view == "bookmarks"
        assert app.main.paper_list.border_title == "Bookmarks 2/2"


def burst(app: PapershelfApp, keys: str) -> None:
    """Post every key of `keys` at once, as a terminal delivers a paste or fast typing."""
    from textual import events

    names = {"/": "slash", " ": "space", "\b": "backspace", "\n": "enter", "\t": "tab"}
    for char in keys:
        app.post_message(events.Key(names.get(char, char), None if char == "\b" else char))


async def test_a_burst_that_opens_the_filter_lands_in_the_filter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`/shadowy` in one read: the letters used to reach the list (s, d, o, y ran as
    commands) because `/` had not moved focus yet when they were routed."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        opened: list[str] = []
        monkeypatch.setattr("webbrowser.get", lambda using=None: RecordingBrowser(opened))
        burst(app, "/shadowy activaton")
        await settle(pilot)
        assert app.main.filter_input.value == "shadowy activaton"
        assert app.session.raw_query == "shadowy activaton"
        assert isinstance(app.screen, MainScreen), "y did not open the copy menu"
        assert opened == [] and app.session.bookmarks == {}
        assert app.keys_pending == 0


async def test_a_burst_keeps_editing_keys_in_order_and_enter_leaves_the_filter() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "/gra\bap\njj")
        await settle(pilot)
        assert app.main.filter_input.value == "grap", "backspace ran before the next letter"
        assert app.focused is app.main.paper_list
        order = list(app.main.paper_list.order)
        start = order.index(0) if 0 in order else 0  # the filter keeps the highlighted paper
        assert app.main.paper_list.cursor == start + 2, "j after Enter moved the list"


async def test_a_big_digest_paints_its_first_papers_before_the_parse_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.message import Message

    from papershelf.parser import blocks as parser_blocks
    from papershelf.ui.messages import PapersLoaded, PapersPartial

    monkeypatch.setattr(parser_blocks, "_BLOCK_SIZE", 4096)  # many blocks from a small file
    digest = tmp_path / "big.txt"
    blocks = ["Mar 21"]
    for n in range(300):
        blocks += [f"Paper number {n}", f"An abstract for paper {n}, long enough to read."]
    digest.write_text("\n\n".join(blocks), encoding="utf-8")
    seen: list[Message] = []
    app = make_app([digest])
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await settle(pilot)
        partial = [m for m in seen if isinstance(m, PapersPartial)]
        loaded = [m for m in seen if isinstance(m, PapersLoaded)]
        assert len(partial) == 1 and len(loaded) == 1
        assert 0 < len(partial[0].papers) < 300
        assert seen.index(partial[0]) < seen.index(loaded[0])
        assert app.main.paper_list.border_title == "Papers 300/300"


HOSTILE = [
    "A title [/] without abstract",
    "[@click=app.quit]click me[/]",
    "[@click=app.screenshot('victim.txt','/tmp')]x[/]",
    "[bold red]not bold[/bold red]",
]


async def test_warnings_from_data_are_shown_as_plain_text(tmp_path: Path) -> None:
    """A digest's text reaches toasts verbatim: `[/]` used to crash the app at open, and
    `[@click=...]` turned into an action link."""
    digest = tmp_path / "hostile.txt"
    # A paper first: a title with no abstract right under the date line would be a page header,
    # dropped without a warning.
    abstract = "This abstract is long enough to count as one of a paper."
    lines = ["Trending Papers", "", "Mar 21", "", "First paper title", "", abstract, ""]
    for title in HOSTILE:
        lines += [title, ""]
    lines += [
        "Good paper title",
        "",
        "This abstract is long enough to count as one of a paper.",
        "",
    ]
    digest.write_text("\n".join(lines), encoding="utf-8")
    app = make_app([digest])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.is_running and app.return_code is None
        notes = list(app._notifications)
        assert notes, "the parse warnings were not shown"
        shown = "\n".join(n.message for n in notes)
        for title in HOSTILE[:2]:
            assert title in shown
        assert all(not n.markup for n in notes)
        app.notify("[@click=app.quit]x[/]", markup=True)  # even a widget's default is ignored
        await pilot.pause()
        assert all(not n.markup for n in app._notifications)
        assert app.is_running


async def test_a_new_query_lands_on_its_best_match() -> None:
    """The highlighted paper used to stay highlighted (and scrolled to) while it still
    matched, with better matches above it, off screen."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        assert app.main.paper_list.current is not None
        assert app.main.paper_list.current.title == LAST
        await pilot.press("slash", *"language")
        await settle(pilot)
        order = list(app.main.paper_list.order)
        assert order.index(45) > 0, "SynCode matches, below better matches"
        assert app.main.paper_list.cursor == 0 and app.main.paper_list.scroll_y == 0
        await pilot.press("down", "j")
        await pilot.press("escape")  # clearing keeps the paper found, shown in context
        await settle(pilot)
        assert app.main.paper_list.current is not None
        assert app.main.paper_list.current.id == app.session.papers[int(order[1])].id


async def test_keys_typed_while_loading_get_the_final_answer(tmp_path: Path) -> None:
    """Typed before the papers (and the index) exist: every key lands in the filter and
    the list ends showing exactly the index's answer to what the filter holds."""
    from papershelf.search import parse_query

    digest = tmp_path / "many.txt"
    blocks = ["Mar 21"]
    for n in range(3000):
        topic = "graph" if n % 7 == 0 else "vision"
        blocks += [f"A {topic} paper number {n}", f"We study {topic} models, case {n}, at length."]
    digest.write_text("\n\n".join(blocks), encoding="utf-8")
    app = make_app([digest])
    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, "/grahp")  # before the first paint, with a typo
        await settle(pilot)
        assert app.main.filter_input.value == "grahp"
        assert app.session.index is not None
        expected = app.session.index.search(parse_query("grahp"))
        assert list(app.main.paper_list.order) == list(expected)
        assert len(expected) == 429
        assert app.main.paper_list.border_title == "Papers 429/3000"


async def test_help_rows_do_not_wrap_at_120_columns() -> None:
    """A wrapped help row continues at the left edge, under the keys, so the two columns
    (and the filter syntax's) read as one ragged block; at 120 columns every row fits."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        body = app.screen.query_one("#help-body", Static)
        longest = max(len(line) for line in str(body.content).splitlines())
        assert body.content_size.width >= longest, (body.content_size.width, longest)
