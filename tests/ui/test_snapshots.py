"""Screenshots of the main screens; `pytest --snapshot-update tests/ui` after an intended change."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.conftest import make_app, settle
from tests.ui.days import days_app
from tests.ui.shelf import shelf_app


def test_main_screen(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=settle)


def test_filtered(snap_compare: Any) -> None:
    async def type_query(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"permutation graph")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=type_query)


def test_small_terminal(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=settle)


def test_help(snap_compare: Any) -> None:
    async def open_help(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=open_help)


def test_bookmarks_view(snap_compare: Any) -> None:
    async def bookmark_two(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("b", "j", "j", "b", "s", "tab")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=bookmark_two)


def _after(*keys: str) -> Any:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run


def test_copy_menu(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_after("y"))


def test_note_editor(snap_compare: Any) -> None:
    keys = ("b", "n", *"Read section 3 first")
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_after(*keys))


def test_tags_editor(snap_compare: Any) -> None:
    keys = ("b", "t", *"graphs theory")
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_after(*keys))


def test_malformed_filter(snap_compare: Any) -> None:
    keys = ("slash", *"graph tga:nlp")
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_after(*keys))


def test_no_match(snap_compare: Any) -> None:
    keys = ("slash", *"zzzqqq")
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_after(*keys))


def test_unreadable_source(snap_compare: Any) -> None:
    app = make_app(["no-such-digest.txt"])
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


def test_read_and_unread_rows(snap_compare: Any) -> None:
    """Row 2 is read (dim), the cursor is on row 3; rows 1 and 4 are unread."""
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_after("j", "m", "j"))


def test_read_and_unread_rows_no_color(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_after("j", "m", "j"))


def test_wide_rows_show_votes_and_authors(snap_compare: Any) -> None:
    assert snap_compare(shelf_app(), terminal_size=(160, 40), run_before=settle)


def test_abstract_hidden(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_after("z"))


def test_copy_menu_with_absent_code_link(snap_compare: Any) -> None:
    assert snap_compare(shelf_app(), terminal_size=(120, 40), run_before=_after("j", "y"))


def test_export_dialog(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")  # the default path shows the working directory: make it fixed
    # `end` moves the cursor, which shows it now rather than wherever its blink has got to.
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_after("e", "end"))


def test_day_headers(snap_compare: Any) -> None:
    """The library over three days: a header per day (3 of the first day's papers are read),
    the cursor on the second day's first paper after `]`."""
    assert snap_compare(
        days_app(read=3), terminal_size=(120, 40), run_before=_after("right_square_bracket")
    )
