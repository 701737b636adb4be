"""Keystroke to repainted list inside the running app, headless (run by bench/run.py).

    python bench/measure_app.py DIGEST --mode painted|pilot QUERY [QUERY ...]

Opens `PapershelfApp` on DIGEST with `run_test(size=(120, 40))`, waits until the papers are
loaded and the search index is built (so every keystroke takes the inline index path), then
types each query one character at a time into the filter and times each keystroke. Between
queries Esc clears the filter and `/` focuses it again (not timed). Prints one JSON object.

Modes (run each in its own process, so neither warms the other's search cache):

painted
    The key event is posted to the app, as the terminal driver posts it. `applied` stops when
    the list holds the new results (`paper_list.filter_query.raw == typed`: the Input handled the
    key, posted Changed, the app searched and called `set_results`); `painted` stops when the
    screen has been refreshed after that (`app.screen.wait_for_refresh()`: the next compositor
    refresh, which renders the changed lines of the list). The wait for Textual's frame timer
    (up to 1/60 s) is included, as a user sees it; the headless driver skips only the final
    write of escape sequences to a terminal.
pilot
    The recipe of the benchmark issue: `await pilot.press(ch)`, then `pilot.pause()` until
    `filter_query.raw == typed`, then one more `pilot.pause()`. Pilot waits for the process to be
    idle with 20 ms sleeps (three such waits per key at least), so this measures the test
    harness as much as the app; reported for comparison only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from time import perf_counter

from textual import events
from textual.pilot import Pilot

from papershelf.locations import HOME_ENV
from papershelf.ui.app import PapershelfApp

SIZE = (120, 40)
YEAR = 2025
READY_TIMEOUT_S = 180.0
KEY_TIMEOUT_S = 30.0
MODES = ("painted", "pilot")


@dataclass
class Session:
    """What one app session measured; times in milliseconds, one list per query."""

    mode: str
    ready_s: float = 0.0
    """From entering `run_test` to papers loaded and index built."""
    painted_ms: list[list[float]] = field(default_factory=list)
    applied_ms: list[list[float]] = field(default_factory=list)
    shown: list[int] = field(default_factory=list)
    """How many papers the list showed after each whole query (a cross-check with search)."""


def key_event(character: str) -> events.Key:
    """The Key event a terminal driver posts for a typed character."""
    if character.isalnum():
        key = character
    elif character == " ":
        key = "space"
    else:
        key = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    return events.Key(key, character)


async def _until(condition: Callable[[], bool], pilot: Pilot[None] | None, what: str) -> None:
    """Yield to the event loop until `condition()` holds (Pilot pauses if `pilot` is given)."""
    deadline = perf_counter() + KEY_TIMEOUT_S
    while not condition():
        if perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        if pilot is None:
            await asyncio.sleep(0)
        else:
            await pilot.pause()


def shows(app: PapershelfApp, typed: str) -> bool:
    """Whether the list holds the results for `typed` (set when results are applied)."""
    return app.main.paper_list.filter_query.raw == typed


async def wait_ready(app: PapershelfApp, pilot: Pilot[None]) -> None:
    """Wait until the parse is applied and the index is built (the worker posts it back)."""
    deadline = perf_counter() + READY_TIMEOUT_S
    while not (app.main.loaded and app.session.index is not None):
        if app.main.loaded and not app.session.papers:
            raise RuntimeError(f"the app loaded no papers: {app.main.paper_list.empty_message}")
        if perf_counter() > deadline:
            raise TimeoutError("the app did not load and index in time")
        await app.workers.wait_for_complete()
        await pilot.pause()


async def focus_filter(app: PapershelfApp, pilot: Pilot[None]) -> None:
    await pilot.press("slash")
    if app.focused is not app.main.filter_input:
        raise RuntimeError(f"'/' did not focus the filter (focused: {app.focused!r})")


async def clear_filter(app: PapershelfApp, pilot: Pilot[None]) -> None:
    await pilot.press("escape")
    await _until(partial(shows, app, ""), pilot, "the filter to clear")
    await focus_filter(app, pilot)


async def type_painted(app: PapershelfApp, query: str, session: Session) -> None:
    painted: list[float] = []
    applied: list[float] = []
    for i, character in enumerate(query, 1):
        typed = query[:i]
        start = perf_counter()
        app.post_message(key_event(character))
        await _until(partial(shows, app, typed), None, repr(typed))
        applied.append((perf_counter() - start) * 1000)
        await app.screen.wait_for_refresh()
        painted.append((perf_counter() - start) * 1000)
    session.painted_ms.append(painted)
    session.applied_ms.append(applied)


async def type_pilot(app: PapershelfApp, pilot: Pilot[None], query: str, session: Session) -> None:
    painted: list[float] = []
    for i, character in enumerate(query, 1):
        typed = query[:i]
        start = perf_counter()
        await pilot.press(character)
        await _until(partial(shows, app, typed), pilot, repr(typed))
        await pilot.pause()
        painted.append((perf_counter() - start) * 1000)
    session.painted_ms.append(painted)


async def measure(digest: Path, queries: Sequence[str], mode: str) -> Session:
    """Open the app on `digest` and type every query in `mode` (see the module docstring)."""
    session = Session(mode)
    app = PapershelfApp(sources=[digest], year=YEAR)
    async with app.run_test(size=SIZE) as pilot:
        start = perf_counter()
        await wait_ready(app, pilot)
        session.ready_s = perf_counter() - start
        await focus_filter(app, pilot)
        for query in queries:
            if mode == "painted":
                await type_painted(app, query, session)
            else:
                await type_pilot(app, pilot, query, session)
            session.shown.append(len(app.main.paper_list.order))
            await clear_filter(app, pilot)
    return session


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("digest", type=Path)
    parser.add_argument("queries", nargs="+", metavar="QUERY")
    parser.add_argument("--mode", choices=MODES, default="painted")
    args = parser.parse_args(argv)
    # The app opens its bookmark store on mount: keep it away from the user's data.
    with tempfile.TemporaryDirectory(prefix="papershelf-bench-") as home:
        os.environ[HOME_ENV] = home
        session = asyncio.run(measure(args.digest, args.queries, args.mode))
    print(json.dumps(asdict(session)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
