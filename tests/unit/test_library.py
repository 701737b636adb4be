"""The library: every paper imported or fetched, by day, with read marks and "new" papers."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from papershelf import fetch, locations
from papershelf.errors import UserError
from papershelf.fetch import FetchRequest, fetch_papers
from papershelf.model import Paper, paper_id
from papershelf.parser import parse_hf_json, parse_sources, parse_text
from papershelf.store import Store, schema
from papershelf.store import clock as store_clock
from papershelf.store import library as store_library

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "daily_papers.json"
FETCH_URL = "https://huggingface.co/api/daily_papers?date=2025-03-24&sort=trending&p=0"
DIGEST_DAY = dt.date(2025, 3, 21)
FETCH_DAY = dt.date(2025, 3, 24)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(locations.HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


class Clock:
    """`store.clock.now` under the test's control: each reading is one second after the last."""

    def __init__(self) -> None:
        self.moment = dt.datetime(2025, 3, 24, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.moment += dt.timedelta(seconds=1)
        return self.moment


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    ticking = Clock()
    monkeypatch.setattr(store_clock, "now", ticking)
    return ticking


@pytest.fixture
def db(home: Path) -> Iterator[Store]:
    with Store() as opened:
        yield opened


@pytest.fixture
def digest(sample_path: Path) -> list[Paper]:
    return parse_sources([sample_path], year=DIGEST_DAY.year).papers


@pytest.fixture
def fetched() -> list[Paper]:
    """What `fetch_papers` returns for the recorded answer (test_fetch checks that it does)."""
    return parse_hf_json(FIXTURE.read_text(encoding="utf-8"), source=FETCH_URL).papers


def paper(n: int, day: dt.date | None, rank: int = 1, **fields: object) -> Paper:
    title = str(fields.pop("title", f"Paper {n}"))
    return Paper(id=paper_id(title, f"2503.{n:05d}"), title=title, date=day, rank=rank, **fields)  # type: ignore[arg-type]


# --- schema ------------------------------------------------------------------------------------


def test_a_v1_database_migrates_to_v2_with_its_bookmarks(
    home: Path, monkeypatch: pytest.MonkeyPatch, digest: list[Paper]
) -> None:
    path = home / "papershelf.sqlite3"
    with monkeypatch.context() as old_release:
        old_release.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        old_release.setattr(schema, "SCHEMA_VERSION", 1)
        with Store(path) as v1:
            kept = v1.add(digest[0])
            v1.set_tags(kept.paper.id, ["nlp"])
            kept = v1.set_note(kept.paper.id, "from v1")
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"bookmark"}
    finally:
        raw.close()

    with Store(path) as v2:
        assert v2.bookmarks() == [kept]
        assert v2.library() == [] and v2.library_size() == 0
        assert v2.add_to_library(digest, "digest") == (46, 46)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 2
    finally:
        raw.close()


# --- importing ---------------------------------------------------------------------------------


def test_importing_the_same_digest_twice_and_a_fetch(
    db: Store, digest: list[Paper], fetched: list[Paper]
) -> None:
    assert len(digest) == 46 and len(fetched) == 5
    assert db.add_to_library(digest, "sample-digest.txt") == (46, 46)
    assert db.add_to_library(digest, "sample-digest.txt") == (46, 0)
    assert db.add_to_library(fetched, "hf:2025-03-24") == (5, 5)
    assert db.add_to_library(fetched, "hf:2025-03-24") == (5, 0)
    assert db.library_size() == 51

    library = db.library()
    assert len(library) == len({p.id for p in library}) == 51
    # Newest day first, then rank within the day.
    assert library[:5] == fetched
    assert library[5:] == digest
    assert [p.date for p in library] == [FETCH_DAY] * 5 + [DIGEST_DAY] * 46
    assert [p.rank for p in library[5:]] == list(range(1, 47))
    assert db.appearances(digest[0].id) == [(DIGEST_DAY, "sample-digest.txt")]
    assert db.appearances(fetched[0].id) == [(FETCH_DAY, "hf:2025-03-24")]
    assert db.appearances("arxiv:0000.00000") == []


def test_the_library_survives_reopening(home: Path, digest: list[Paper]) -> None:
    with Store() as db:
        db.add_to_library(digest, "digest")
    with Store() as db:
        assert db.library() == digest


def test_a_paper_takes_its_newest_appearance(db: Store) -> None:
    old_day, new_day = dt.date(2025, 3, 20), dt.date(2025, 3, 24)
    db.add_to_library([paper(1, old_day, rank=5)], "monday.txt")
    db.add_to_library([paper(1, new_day, rank=2)], "friday.txt")
    assert [(p.date, p.rank) for p in db.library()] == [(new_day, 2)]
    # An older digest imported later adds its day but does not move the paper back.
    db.add_to_library([paper(1, old_day, rank=9, abstract="re-read")], "monday-again.txt")
    [only] = db.library()
    assert (only.date, only.rank, only.abstract) == (new_day, 2, "re-read")
    assert db.appearances(only.id) == [
        (new_day, "friday.txt"),
        (old_day, "monday-again.txt"),
        (old_day, "monday.txt"),
    ]


def test_undated_papers_come_last_and_are_deduplicated(db: Store) -> None:
    undated = parse_text("Undated Paper Title\n\nIts abstract, with no date line above.\n")
    assert [p.date for p in undated.papers] == [None]
    assert db.add_to_library(undated.papers, "undated.txt") == (1, 1)
    assert db.add_to_library(undated.papers, "undated.txt") == (1, 0)
    db.add_to_library([paper(2, dt.date(2020, 1, 1))], "old.txt")
    assert [p.title for p in db.library()] == ["Paper 2", "Undated Paper Title"]
    assert db.appearances(undated.papers[0].id) == [(None, "undated.txt")]
    # A dated appearance later wins over the undated one.
    dated = [replace(undated.papers[0], date=dt.date(2021, 6, 1))]
    db.add_to_library(dated, "dated.txt")
    assert [p.title for p in db.library()] == ["Undated Paper Title", "Paper 2"]
    assert db.appearances(dated[0].id) == [
        (dt.date(2021, 6, 1), "dated.txt"),
        (None, "undated.txt"),
    ]


def test_one_import_counts_each_paper_once(db: Store) -> None:
    twice = [paper(1, FETCH_DAY, 1), paper(1, FETCH_DAY, 4), paper(2, FETCH_DAY, 2)]
    assert db.add_to_library(twice, "x") == (2, 2)
    assert [p.rank for p in db.library()] == [1, 2]


def test_a_poorer_later_copy_keeps_what_the_richer_one_knew(db: Store) -> None:
    rich = paper(
        1,
        FETCH_DAY,
        authors=("Ada", "Bo"),
        upvotes=12,
        code_url="https://github.com/a/b",
        project_url="https://a.example",
        abstract="From the API.",
        ai_summary="A short summary.",
        ai_keywords=("graphs",),
        published_on=dt.date(2025, 3, 20),
        num_models=3,
    )
    poor = paper(1, FETCH_DAY, abstract="From a digest, reworded.")
    db.add_to_library([rich], "hf:2025-03-24")
    db.add_to_library([poor], "digest.txt")
    [stored] = db.library()
    assert stored.abstract == "From a digest, reworded."  # what it says now
    assert stored.authors == ("Ada", "Bo") and stored.upvotes == 12
    assert stored.code_url == "https://github.com/a/b"
    assert stored.project_url == "https://a.example"
    assert stored.ai_summary == "A short summary." and stored.ai_keywords == ("graphs",)
    assert stored.published_on == dt.date(2025, 3, 20) and stored.num_models == 3


def test_importing_is_one_transaction(db: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    db.add_to_library([paper(1, FETCH_DAY)], "first")
    # The papers are written, then recording their appearances fails: nothing may remain.
    monkeypatch.setattr(
        store_library, "_APPEARANCE_INSERT", "INSERT INTO gone VALUES (?, ?, ?, ?, ?)"
    )
    with pytest.raises(UserError, match="no such table: gone"):
        db.add_to_library([paper(1, FETCH_DAY, rank=7), paper(2, FETCH_DAY)], "second")
    assert [(p.id, p.rank) for p in db.library()] == [(paper(1, FETCH_DAY).id, 1)]
    assert db.library_size() == 1


def test_a_failed_fetch_leaves_the_library_alone(
    db: Store, monkeypatch: pytest.MonkeyPatch, digest: list[Paper]
) -> None:
    db.add_to_library(digest, "digest")
    before = db.library()
    with socket.socket() as taken:  # nothing listening there
        taken.bind(("127.0.0.1", 0))
        monkeypatch.setenv(fetch.ENDPOINT_ENV, f"http://127.0.0.1:{taken.getsockname()[1]}")
        for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
            monkeypatch.delenv(name, raising=False)
        with pytest.raises(UserError, match="cannot reach"):
            db.add_to_library(fetch_papers(FetchRequest(date=FETCH_DAY)), "hf:2025-03-24")
    assert db.library() == before


def test_a_damaged_library_row_is_skipped_and_named(db: Store) -> None:
    db.add_to_library([paper(1, FETCH_DAY)], "x")
    raw = sqlite3.connect(db.path)
    try:
        raw.execute("UPDATE library_paper SET paper = ?", (json.dumps({"title": "no id"}),))
        raw.commit()
    finally:
        raw.close()
    assert db.library() == []
    assert db.damaged_rows == {"library paper": ("arxiv:2503.00001",)}


# --- read marks --------------------------------------------------------------------------------


def test_read_marks(home: Path, digest: list[Paper]) -> None:
    ids = [p.id for p in digest[:3]]
    with Store() as db:
        db.add_to_library(digest, "digest")
        assert db.read_ids() == set()
        db.set_read(ids[0], True)
        db.set_read(ids[1], True)
        db.set_read(ids[1], True)  # idempotent
        db.set_read(ids[2], False)  # unread already: nothing to do
        assert db.read_ids() == {ids[0], ids[1]}
    with Store() as db:
        assert db.read_ids() == {ids[0], ids[1]}
        db.set_read(ids[0], False)
        assert db.read_ids() == {ids[1]}
        db.set_read("title:not-in-the-library", True)  # a paper from an unsaved digest
        assert "title:not-in-the-library" in db.read_ids()


# --- new since the last visit ------------------------------------------------------------------


def test_new_since_last_visit_across_sessions(home: Path) -> None:
    a, b, c, d = (paper(n, FETCH_DAY, rank=n) for n in range(1, 5))
    with Store() as first:
        first.add_to_library([a], "x")
        assert first.new_since_last_visit() == set()  # never visited: nothing stands out
        first.mark_visit()
        assert first.new_since_last_visit() == set()
        first.add_to_library([b], "y")  # fetched during the first session

    # The CLI adds a paper between sessions; it has no visit of its own.
    with Store() as cli:
        cli.add_to_library([c, a], "z")

    with Store() as second:
        assert second.new_since_last_visit() == {b.id, c.id}
        second.mark_visit()
        assert second.new_since_last_visit() == {b.id, c.id}  # stable after marking
        second.mark_visit()  # a second call does not move this session's baseline
        second.add_to_library([d], "w")
        assert second.new_since_last_visit() == {b.id, c.id, d.id}

    with Store() as third:
        assert third.new_since_last_visit() == {d.id}
        third.mark_visit()
        assert third.new_since_last_visit() == {d.id}


def test_visits_are_stored_as_last_and_previous(db: Store, clock: Clock) -> None:
    db.mark_visit()
    first = clock.moment
    with Store(db.path) as again:
        again.mark_visit()
        second = clock.moment
    raw = sqlite3.connect(db.path)
    try:
        meta = dict(raw.execute("SELECT key, value FROM meta").fetchall())
    finally:
        raw.close()
    assert meta == {
        "previous_visit_at": first.isoformat(timespec="microseconds"),
        "last_visit_at": second.isoformat(timespec="microseconds"),
    }


def test_a_read_only_store_reads_the_library_and_keeps_the_session_baseline(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store() as db:
        db.add_to_library([paper(1, FETCH_DAY)], "x")
        db.mark_visit()
        db.add_to_library([paper(2, FETCH_DAY, rank=2)], "y")
        path = db.path
    real = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda p, mode, **kw: False if mode & os.W_OK and Path(str(p)) == path else real(p, mode),
    )
    before = path.read_bytes()
    with Store() as reader:
        assert reader.read_only
        assert [p.id for p in reader.library()] == [paper(1, FETCH_DAY).id, paper(2, None).id]
        assert reader.new_since_last_visit() == {paper(2, None).id}
        reader.mark_visit()  # writes nothing, but the session keeps its baseline
        assert reader.new_since_last_visit() == {paper(2, None).id}
        for change in (
            lambda: reader.add_to_library([paper(3, FETCH_DAY)], "z"),
            lambda: reader.set_read(paper(1, None).id, True),
        ):
            with pytest.raises(UserError, match="read-only"):
                change()
    assert path.read_bytes() == before


# --- one identity per paper ------------------------------------------------------------------


def test_a_text_paper_fetched_later_with_its_arxiv_id_is_one_entry(db: Store) -> None:
    """It used to become two entries, and its bookmark never learned the arXiv id."""
    title = "Learnable Commutative Monoids for Graph Neural Networks"
    text_copy = Paper(
        id=paper_id(title), title=title, abstract="From the digest.", date=FETCH_DAY, rank=3
    )
    db.add_to_library([text_copy], "digest.txt")
    db.mark_visit()
    db.add(text_copy)
    db.set_note(text_copy.id, "read section 3")
    db.set_read(text_copy.id, True)
    fetched = Paper(
        id=paper_id(title, "2212.08541"),
        title=title.replace("Graph", "graph"),  # the API's casing differs: same normalised title
        abstract="From the API.",
        date=FETCH_DAY + dt.timedelta(days=1),
        rank=1,
        arxiv_id="2212.08541",
        authors=("Euan Ong", "Petar Veličković"),
    )
    assert db.add_to_library([fetched], "hf:2025-03-25") == (1, 0), "not a new paper"
    [entry] = db.library()
    assert entry.id == "arxiv:2212.08541" and entry.arxiv_id == "2212.08541"
    assert entry.authors == ("Euan Ong", "Petar Veličković")
    assert [day for day, _ in db.appearances(entry.id)] == [FETCH_DAY + dt.timedelta(1), FETCH_DAY]
    assert db.read_ids() == {entry.id}
    [bookmark] = db.bookmarks()
    assert bookmark.paper.id == entry.id and bookmark.paper.arxiv_id == "2212.08541"
    assert bookmark.note == "read section 3" and bookmark.paper.authors == entry.authors
    assert db.get(text_copy.id) is None


def test_a_different_title_with_an_arxiv_id_stays_its_own_entry(db: Store) -> None:
    a = Paper(id=paper_id("Paper A"), title="Paper A", date=FETCH_DAY, rank=1)
    b = Paper(id=paper_id("Paper B", "2501.00001"), title="Paper B", arxiv_id="2501.00001")
    db.add_to_library([a], "digest.txt")
    assert db.add_to_library([b], "hf") == (1, 1)
    assert {p.id for p in db.library()} == {a.id, b.id}
