"""The app against a hostile world (#14): a store held by another writer or refusing writes,
a server that never finishes, fields of 10 MB, markup in every string a user can type.

Nothing here sleeps to synchronise: tests wait on events, on workers, or on a process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from textual.widgets import Input, Label, TextArea
from textual.widgets._toast import Toast

from papershelf import fetch
from papershelf.model import Paper, paper_id
from papershelf.session import Loaded
from papershelf.store import Store, connection
from papershelf.ui import caps
from papershelf.ui.app import PapershelfApp
from papershelf.ui.dialogs import NoteEditor, TagsEditor
from tests.ui.conftest import make_app, row_text, settle
from tests.unit.test_fetch import PROXY_VARS

ROOT = Path(__file__).resolve().parents[2]


def refuse_writes(store: Store | None) -> None:
    """Make the open store refuse every write from now on, as a file turned read-only does:
    SQLite answers "attempt to write a readonly database" and the store says "read-only"."""
    assert store is not None
    store._db.execute("PRAGMA query_only = ON")


def not_saved(app: PapershelfApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Not saved"]


# -- the store's writes never hold up a key ---------------------------------------------------


async def test_keys_land_at_once_while_another_writer_holds_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another papershelf holds the write lock (a long import): `b` used to freeze the screen
    for the whole busy timeout. Now every key lands at once and the writes follow, in order,
    when the lock is released."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 60.0)  # the hold outlasts the test's keys
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        store = app.session.store
        assert store is not None
        wanted = [p.id for p in app.session.papers[:3]]
        holder = sqlite3.connect(store.path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            started = time.monotonic()
            await pilot.press("b", "j", "b", "j", "b")
            assert all("★" in row_text(app, row) for row in range(3)), "shown at once"
            assert "★ bookmarked" in app.main.detail.text
            await pilot.press("slash", *"graph")
            await pilot.pause()
            elapsed = time.monotonic() - started
            assert app.main.filter_input.value == "graph"
            assert 0 < len(app.main.paper_list.order) < 46, "the filter answered"
            assert elapsed < 5, f"keys waited on the disk ({elapsed:.1f} s)"
            assert app.session.bookmarks.keys() == set(wanted)
            assert holder.execute("SELECT count(*) FROM bookmark").fetchone() == (0,)
            assert any(w.group == "store" for w in app.workers), "the writes are waiting"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await settle(pilot)
        assert [b.paper.id for b in store.bookmarks()] == wanted[::-1], "written in order"
        assert app.session.pending == []
        assert not_saved(app) == []


async def test_pane_keys_land_at_once_while_another_writer_holds_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Remembering the pane layout wrote the store on the UI thread: `<`, `>` and `z` froze
    the screen for the busy timeout during another papershelf's import. Now the layout
    changes at once and is written by the store queue, the last one winning."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 60.0)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        store = app.session.store
        assert store is not None
        before = app.main.panes
        holder = sqlite3.connect(store.path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            started = time.monotonic()
            await pilot.press("less_than_sign", "z")
            await pilot.pause()
            elapsed = time.monotonic() - started
            assert elapsed < 5, f"the pane keys waited on the disk ({elapsed:.1f} s)"
            assert app.main.panes == before.resized(1).toggled(), "applied at once"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await settle(pilot)
        assert app.session.pane_layout() == before.resized(1).toggled(), "written, in order"
        assert app.session.pending == []


async def test_h_and_u_land_at_once_while_another_writer_holds_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`H` wrote the hidden mark on the UI thread (and `u` its removal): each froze the screen
    for the busy timeout during another papershelf's import. Now both show at once and the
    store follows, in order."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 60.0)
    app = PapershelfApp(sources=[], read_after=3600)  # the library: only its papers hide
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        store = app.session.store
        assert store is not None
        first, second = app.session.papers[:2]
        holder = sqlite3.connect(store.path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            started = time.monotonic()
            await pilot.press("H", "H", "u")
            await pilot.pause()
            elapsed = time.monotonic() - started
            assert elapsed < 5, f"H and u waited on the disk ({elapsed:.1f} s)"
            shown = [app.session.papers[int(i)].id for i in app.main.paper_list.order]
            assert first.id not in shown and second.id in shown, "the hides and the undo show"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await settle(pilot)
        assert store.hidden_ids() == {first.id}, "written in order"
        assert app.session.pending == [] and not_saved(app) == []


async def test_the_app_opens_with_bookmarks_while_another_writer_holds_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Opening took the write lock to check the schema: during another papershelf's import
    the app waited the whole busy timeout, then started with bookmarking refused."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 60.0)
    with Store() as store:
        path = store.path
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            opened = time.monotonic() - started
            assert app.session.store is not None and not app.session.store.read_only
            assert opened < 5, f"opening waited on the lock ({opened:.1f} s)"
            holder.execute("ROLLBACK")  # the import ends; the store is free again
            await settle(pilot)
            await pilot.press("b")
            await settle(pilot)
            assert app.session.store.bookmarked_ids() == {app.session.papers[0].id}
            assert not_saved(app) == []
    finally:
        holder.close()


async def test_a_store_that_refuses_the_write_takes_the_star_back_and_says_why() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = app.session.papers[0]
        refuse_writes(app.session.store)
        await pilot.press("b")
        await settle(pilot)
        assert "★" not in row_text(app, 0)
        assert "bookmarked" not in app.main.detail.text
        assert app.session.bookmarks == {} and app.session.undo_stack == []
        [said] = not_saved(app)
        assert said.startswith(f"Not saved, taken back: the bookmark: {first.title[:40]}")
        assert said.endswith("the bookmark database is read-only")
        assert all(not n.markup for n in app._notifications)
        await pilot.press("u")
        assert any(n.message == "Nothing to undo." for n in app._notifications)
        await pilot.press("j", "m")  # a read mark is taken back too
        await settle(pilot)
        assert app.session.papers[1].id not in app.session.read_ids
        assert "read mark" in not_saved(app)[-1]
        assert app.is_running


# -- q during a fetch ---------------------------------------------------------------------------


class Trickle:
    """A server that answers with headers and one byte, then holds the rest until released."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.release = threading.Event()
        trickle = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b"[")
                self.wfile.flush()
                trickle.asked.set()
                trickle.release.wait(timeout=60)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def trickle(monkeypatch: pytest.MonkeyPatch) -> Iterator[Trickle]:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    server = Trickle()
    thread = threading.Thread(target=server.server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    monkeypatch.setenv(fetch.ENDPOINT_ENV, server.url)
    try:
        yield server
    finally:
        server.release.set()
        server.server.shutdown()
        server.server.server_close()
        thread.join()


QUIT_DURING_FETCH = """
import asyncio, sys, time
from papershelf.ui import caps
from papershelf.ui.app import PapershelfApp
from tests.ui.conftest import settle

async def main() -> None:
    app = PapershelfApp(sources=[])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        print("library", app.session.store.library_size(), flush=True)
        await pilot.press("r")
        await asyncio.to_thread(sys.stdin.readline)  # the server has the request
        print("quitting", time.monotonic(), flush=True)
        await pilot.press("q")
    print("exited", app.return_code, flush=True)

asyncio.run(main())
"""


def test_q_quits_at_once_while_a_fetch_waits_on_a_trickling_server(trickle: Trickle) -> None:
    """The app in a process of its own, as a user runs it: the fetch's read used to run in
    a thread the interpreter joins at exit, so `q` waited for the socket's timeout."""
    app = subprocess.Popen(
        [sys.executable, "-c", QUIT_DURING_FETCH],
        cwd=ROOT,
        env=os.environ.copy(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout is not None and app.stdin is not None
        library = app.stdout.readline().split()
        assert library[0] == "library", library
        assert trickle.asked.wait(timeout=60), "the fetch never reached the server"
        app.stdin.write("go\n")
        app.stdin.flush()
        quitting = app.stdout.readline().split()
        assert quitting[0] == "quitting", quitting
        out, err = app.communicate(timeout=60)
        elapsed = time.monotonic() - float(quitting[1])
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert out.split() == ["exited", "0"] and err == ""
    assert elapsed < 2, f"q took {elapsed:.1f} s"
    with Store() as store:
        assert store.library_size() == int(library[1]), "the library is untouched"


# -- a 10 MB field ------------------------------------------------------------------------------


HUGE = 10_000_000


def huge_papers() -> list[Paper]:
    words = ("lorem ipsum dolor sit amet " * (HUGE // 27 + 1))[:HUGE]
    titles = ["A normal paper", "Huge " + words[5:], "Another normal paper"]
    return [
        Paper(id=paper_id(title), title=title, abstract=words if n == 1 else "Short.", rank=n + 1)
        for n, title in enumerate(titles)
    ]


async def test_a_ten_megabyte_title_and_abstract_are_capped_and_the_cursor_stays_quick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every highlight of such a paper used to freeze the app for 15-30 s."""
    import pyperclip

    papers = huge_papers()
    monkeypatch.setattr("papershelf.ui.screens.main.load", lambda *args, **kwargs: Loaded(papers))
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        slowest = 0.0
        for key in ["j", "k", "j", "j", "k"]:
            started = time.monotonic()
            await pilot.press(key)
            slowest = max(slowest, time.monotonic() - started)
        assert app.main.paper_list.current is papers[1]
        assert slowest < 1, f"a highlight took {slowest:.2f} s"
        lines = app.main.detail.text.splitlines()
        assert lines[0] == papers[1].title[: caps.TITLE]
        assert lines[1] == f"… {HUGE - caps.TITLE:,} more characters (y copies the whole text)"
        assert f"… {HUGE - caps.BODY:,} more characters (y copies the whole text)" in lines
        assert len(app.main.detail.text) < caps.TITLE + caps.BODY + 1000
        assert len(row_text(app, 1)) < 200
        await pilot.press("y", "t")
        assert copied == [papers[1].title], "the whole text is still there"


# -- markup typed or shown anywhere does nothing --------------------------------------------------


HOSTILE_TITLE = "[@click=app.quit]click me[/] [/]"


async def test_hostile_strings_through_notes_tags_and_the_rollback_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    hostile = f"[@click=app.screenshot('victim.txt','{tmp_path}')]x[/] [/] [b]"
    paper = Paper(id=paper_id(HOSTILE_TITLE), title=HOSTILE_TITLE, abstract=hostile, rank=1)
    monkeypatch.setattr("papershelf.ui.screens.main.load", lambda *args, **kwargs: Loaded([paper]))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)

        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        heading = app.screen.query(Label).first()
        assert HOSTILE_TITLE in str(heading.render())
        app.screen.query_one(TextArea).text = hostile + "\n\x1b]52;c;aGk=\x07 [@click=app.quit]q[/]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.session.store is not None
        stored = app.session.store.get(paper.id)
        assert stored is not None and stored.note.startswith(hostile)
        assert "\x1b" not in stored.note
        assert hostile in app.main.detail.text

        await pilot.press("t")
        assert isinstance(app.screen, TagsEditor)
        app.screen.query_one(Input).value = "[/] [@click=app.quit] [b]x"
        await pilot.press("enter")
        await settle(pilot)
        stored = app.session.store.get(paper.id)
        assert stored is not None and stored.tags == app.session.bookmarks[paper.id].tags
        assert stored.tags == ("[/]", "[@click=app.quit]", "[b]x")
        assert "· #[/] #[@click=app.quit] #[b]x" in app.main.detail.text

        refuse_writes(app.session.store)
        await pilot.press("b")  # the removal fails: the notice names the hostile title
        await settle(pilot)
        [said] = not_saved(app)
        assert HOSTILE_TITLE in said
        assert all(not n.markup for n in app._notifications)
        for toast in app.query(Toast):
            await pilot.click(toast, offset=(4, 1))
            await pilot.click(toast, offset=(4, 2))
        await pilot.click("#detail", offset=(3, 1))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert not victim.exists()
        assert paper.id in app.session.bookmarks, "the removal was taken back"


def test_the_hostile_title_is_valid_markup_trap() -> None:
    """The strings above would act (or crash) as markup: the tests above mean something."""
    from textual.content import Content
    from textual.markup import MarkupError

    with pytest.raises(MarkupError):
        Content.from_markup(HOSTILE_TITLE)


async def test_a_hostile_title_in_the_similar_view_title_is_shown_as_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The similar view's border title names the paper: a title that is markup must show as
    it is, not be parsed (a lone `[/]` raised MarkupError and crashed the app)."""
    abstract = "graph neural networks for molecules and proteins"
    papers = [
        Paper(id=paper_id(HOSTILE_TITLE), title=HOSTILE_TITLE, abstract=abstract, rank=1),
        Paper(id=paper_id("Graphs"), title="Graphs", abstract=abstract + " again", rank=2),
    ]
    monkeypatch.setattr("papershelf.ui.screens.main.load", lambda *args, **kwargs: Loaded(papers))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.main.paper_list.move_to(papers[0].id)
        await pilot.press("tilde")
        await settle(pilot)
        assert app.session.view == "similar"
        assert app.is_running and app.return_code is None
        title = app.main.paper_list._border_title
        assert title is not None and not title.spans, "no style, no @click action"
        assert title.plain.startswith("Like “[@click=app.quit]click me[/]")
