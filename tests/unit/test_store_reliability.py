"""The store under stress: concurrent writers, a writer killed mid-write, export/import round trip.

Processes synchronise through their pipes (a child says "ready", waits for "go"; the parent
counts printed ids), never by sleeping.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import papershelf
from papershelf import locations
from papershelf.export import from_json, to_json
from papershelf.model import STATES, Paper, paper_id
from papershelf.store import Store
from papershelf.text import strip_controls

SRC = Path(papershelf.__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(locations.HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )


# --- concurrent writers -----------------------------------------------------------------------

WRITER = """
import sys
from papershelf.model import Paper, paper_id
from papershelf.store import Store

path, prefix, count, shared = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with Store(__import__("pathlib").Path(path)) as store:
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"
    for i in range(count):
        title = f"{prefix} paper {i}"
        paper = Paper(id=paper_id(title), title=title)
        store.add(paper)
        store.set_state(paper.id, "reading")
        store.set_state(shared, ("to-read", "reading", "done")[i % 3])
        store.set_tags(paper.id, [prefix])
        store.set_state(paper.id, "done")
print("finished", flush=True)
"""


def _start_together(procs: list[subprocess.Popen[str]]) -> None:
    """Wait until every child has opened the store, then release them all at once."""
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == "ready\n", line + (proc.stderr.read() if proc.stderr else "")
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()


def test_concurrent_writers_lose_nothing(home: Path) -> None:
    writers, count = 4, 40
    shared = Paper(id=paper_id("Shared paper"), title="Shared paper")
    with Store() as db:
        db.add(shared)
        path = db.path

    procs = [spawn(WRITER, str(path), f"w{k}", str(count), shared.id) for k in range(writers)]
    _start_together(procs)
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out == "finished\n", out + err

    with Store(path) as db:
        marks = {b.paper.id: b for b in db.bookmarks()}
    expected = {paper_id(f"w{k} paper {i}") for k in range(writers) for i in range(count)}
    assert set(marks) == expected | {shared.id}
    for k in range(writers):
        mine = [b for b in marks.values() if b.tags == (f"w{k}",)]
        assert len(mine) == count and all(b.state == "done" for b in mine)


OPENER = """
import sys
from pathlib import Path
print("ready", flush=True)
assert sys.stdin.readline().strip() == "go"
from papershelf.store import Store
from papershelf.model import Paper
with Store(Path(sys.argv[1])) as store:
    store.add(Paper(id=sys.argv[2], title=sys.argv[2]))
"""


def test_concurrent_first_open_migrates_once(home: Path) -> None:
    path = home / "papershelf.sqlite3"
    procs = [spawn(OPENER, str(path), f"title:{k}") for k in range(6)]
    _start_together(procs)
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with Store(path) as db:
        assert db.bookmarked_ids() == {f"title:{k}" for k in range(6)}


# --- killed mid-write -------------------------------------------------------------------------

VICTIM = """
import sys
from pathlib import Path
from papershelf.model import Paper, paper_id
from papershelf.store import Store

path, prefix = Path(sys.argv[1]), sys.argv[2]
store = Store(path)
for i in range(1_000_000):
    title = f"{prefix} paper {i}"
    paper = Paper(id=paper_id(title), title=title, abstract="x" * 5000)
    store.add(paper)
    print(paper.id, flush=True)
    store.set_note(paper.id, "note " * 200)
"""


def test_sigkill_mid_write_keeps_every_reported_bookmark(home: Path) -> None:
    path = home / "papershelf.sqlite3"
    reported: set[str] = set()
    for round_ in range(3):
        proc = spawn(VICTIM, str(path), f"round{round_}")
        assert proc.stdout is not None
        seen = 0
        while seen < 30:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "child exited"
            reported.add(line.strip())
            seen += 1
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        reported.update(rest.split())  # printed before it died, so also reported done

        with Store(path) as db:
            assert reported <= db.bookmarked_ids()
        raw = sqlite3.connect(path)
        try:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            raw.close()


# --- export then import -----------------------------------------------------------------------

clean_text = st.text(max_size=60).map(strip_controls)
tricky_text = st.one_of(
    clean_text,
    st.sampled_from(
        ['"quoted"', "line\nbreak", "tab\there", "back\\slash", "{}[]()", "Zoë ✓ 論文"]
    ),
)
maybe_url = st.none() | st.text(min_size=1, max_size=40)
maybe_count = st.none() | st.integers(min_value=0, max_value=10**9)


@st.composite
def papers(draw: st.DrawFn) -> Paper:
    title = draw(tricky_text)
    arxiv_id = draw(st.none() | st.from_regex(r"\A[0-9]{4}\.[0-9]{5}\Z"))
    return Paper(
        id=paper_id(title, arxiv_id),
        title=title,
        abstract=draw(tricky_text),
        date=draw(st.none() | st.dates()),
        rank=draw(st.integers(min_value=0, max_value=10**6)),
        urls=tuple(draw(st.lists(st.text(max_size=30), max_size=3))),
        code_url=draw(maybe_url),
        arxiv_id=arxiv_id,
        authors=tuple(draw(st.lists(tricky_text, max_size=4))),
        source=draw(clean_text),
        project_url=draw(maybe_url),
        upvotes=draw(maybe_count),
        github_stars=draw(maybe_count),
        num_comments=draw(maybe_count),
    )


entries = st.lists(
    st.tuples(
        papers(),
        st.sampled_from(STATES),
        tricky_text,
        st.lists(st.text(max_size=12), max_size=5),
    ),
    max_size=6,
    unique_by=lambda entry: entry[0].id,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(entries=entries)
def test_export_then_import_reproduces_every_field(
    entries: list[tuple[Paper, str, str, list[str]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with Store(Path(folder) / "a.sqlite3") as source:
            for paper, state, note, tags in entries:
                source.add(paper)
                source.set_state(paper.id, state)
                source.set_note(paper.id, note)
                source.set_tags(paper.id, tags)
            original = source.bookmarks()
        exported = to_json(original)
        with Store(Path(folder) / "b.sqlite3") as target:
            assert target.import_bookmarks(from_json(exported, "export.json")) == (len(entries), 0)
            assert target.bookmarks() == original
            assert [b.paper for b in original] == [e[0] for e in entries][::-1]
            assert target.import_bookmarks(from_json(exported, "export.json")) == (0, 0)
            assert to_json(target.bookmarks()) == exported


def test_times_survive_the_round_trip_to_the_microsecond(home: Path) -> None:
    with Store() as db:
        bookmark = db.add(Paper(id="title:x", title="x"))
        assert db.get("title:x") == bookmark
    again = from_json(to_json([bookmark]))[0]
    assert again.added_at == bookmark.added_at
    assert again.added_at.utcoffset() == dt.timedelta(0)
