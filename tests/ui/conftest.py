"""Helpers for driving the app headless: build it on the sample, wait for its workers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.pilot import Pilot

from papershelf.locations import sample_digest
from papershelf.store import Store
from papershelf.ui.app import PapershelfApp

SAMPLE_YEAR = 2025


def make_app(
    sources: Sequence[str | Path] | None = None,
    *,
    store: Store | None = None,
    read_after: float = 3600.0,
) -> PapershelfApp:
    """The app on the sample (or `sources`) with a fixed year, so dates never drift, and no
    paper turning read on its own during a test unless the test asks for it."""
    return PapershelfApp(
        sources=list(sources) if sources is not None else [sample_digest()],
        year=SAMPLE_YEAR,
        store=store,
        read_after=read_after,
    )


async def settle(pilot: Pilot[None]) -> None:
    """Wait until loading, indexing and any search scan have finished and been applied."""
    app = pilot.app
    assert isinstance(app, PapershelfApp)
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if (
            app.main.loaded
            and not app.keys_pending
            and not app.workers
            and (app.session.index is not None or not app.session.papers)
        ):
            return
    raise AssertionError("the app did not settle")


def row_text(app: PapershelfApp, row: int) -> str:
    """The text drawn on screen for list row `row` (0 = top of the visible list)."""
    strip = app.main.paper_list.render_line(row)
    return strip.text
