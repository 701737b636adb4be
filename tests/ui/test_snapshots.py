"""Screenshots of the main screens; `pytest --snapshot-update tests/ui` after an intended change."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.ui.conftest import make_app, settle


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
