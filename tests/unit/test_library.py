"""The library: every paper imported or fetched, by day, with read marks and "new" papers."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf import fetch, locations
from papershelf.errors import UserError
from papershelf.fetch import FetchRequest, fetch_papers
from papershelf.model import Bookmark, Paper, paper_id
from papershelf.parser import parse_hf_json, parse_sources, parse_text
from papershelf.store import Store, schema
from papershelf.store import bookmarks as store_bookmarks
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
            now = store_clock.now()
            kept = Bookmark(digest[0], "to-read", "", (), now, now)
            with v1._transaction(write=True) as raw_v1:  # v1 had no new marks for `add` to clear
                raw_v1.execute(store_bookmarks._UPSERT, store_bookmarks._bookmark_params(kept))
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


def test_a_paper_keeps_its_first_listing_day_and_rank(db: Store) -> None:
    """A paper listed again later used to move to the later day and take its rank there."""
    old_day, new_day = dt.date(2025, 3, 20), dt.date(2025, 3, 24)
    db.add_to_library([paper(1, old_day, rank=5)], "monday.txt")
    db.add_to_library([paper(1, new_day, rank=2)], "friday.txt")
    assert [(p.date, p.rank) for p in db.library()] == [(old_day, 5)]
    # The same day again from another source (a week list) is one more appearance.
    db.add_to_library([paper(1, old_day, rank=40, abstract="re-read")], "hf:2025-W12")
    [only] = db.library()
    assert (only.date, only.rank, only.abstract) == (old_day, 5, "re-read")
    assert db.appearances(only.id) == [
        (new_day, "friday.txt"),
        (old_day, "hf:2025-W12"),
        (old_day, "monday.txt"),
    ]
    assert db.all_appearances()[only.id] == [
        ("2025-03-20", "monday.txt", 5),
        ("2025-03-20", "hf:2025-W12", 40),
        ("2025-03-24", "friday.txt", 2),
    ]


def test_an_earlier_listing_found_later_becomes_the_first_one(db: Store) -> None:
    """The first listing is the earliest day: an older digest imported late corrects it."""
    old_day, new_day = dt.date(2025, 3, 20), dt.date(2025, 3, 24)
    db.add_to_library([paper(1, new_day, rank=2)], "friday.txt")
    db.add_to_library([paper(1, old_day, rank=7)], "monday.txt")
    db.add_to_library([paper(1, new_day, rank=1)], "friday-again.txt")
    assert [(p.date, p.rank) for p in db.library()] == [(old_day, 7)]


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


# --- new marks ----------------------------------------------------------------------------------


def test_new_marks_stay_until_read_or_bookmarked_across_sessions(home: Path) -> None:
    """A launch used to clear every new mark, read or not."""
    a, b, c, d = (paper(n, FETCH_DAY, rank=n) for n in range(1, 5))
    with Store() as first:
        first.add_to_library([a, b, c], "x")
        assert first.new_ids() == {a.id, b.id, c.id}  # new at once, in the same session
        first.set_read(a.id, True)
        assert first.new_ids() == {b.id, c.id}
    with Store() as second:  # a session that reads nothing changes nothing
        assert second.new_ids() == {b.id, c.id}
    with Store() as third:
        third.add(b)  # bookmarked: marked, no longer new
        third.set_read(a.id, False)  # unread again, but it was opened: not new again
        third.add_to_library([c, d, a], "y")  # listed again: not new again either
        assert third.new_ids() == {c.id, d.id}
        third.remove(b.id)
        assert third.new_ids() == {c.id, d.id}


def test_a_paper_read_or_bookmarked_before_it_is_imported_is_not_new(db: Store) -> None:
    a, b, c = (paper(n, FETCH_DAY, rank=n) for n in range(1, 4))
    db.set_read(a.id, True)  # read in a digest file opened without importing it
    db.add(b)
    db.add_to_library([a, b, c], "x")
    assert db.new_ids() == {c.id}


def test_the_seeded_sample_is_not_new_and_is_seeded_once(db: Store) -> None:
    from papershelf.store import library_papers

    sample = library_papers(db)
    assert len(sample) == 46
    assert db.new_ids() == set()
    db.remove_from_library(p.id for p in sample)
    assert library_papers(db) == []  # an emptied library stays empty
    db.add_to_library([paper(1, FETCH_DAY)], "hf:2025-03-24")
    assert db.new_ids() == {paper(1, FETCH_DAY).id}


def test_a_read_only_store_reads_the_library_and_its_new_marks(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store() as db:
        db.add_to_library([paper(1, FETCH_DAY)], "x")
        db.set_read(paper(1, None).id, True)
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
        assert reader.new_ids() == {paper(2, None).id}
        for change in (
            lambda: reader.add_to_library([paper(3, FETCH_DAY)], "z"),
            lambda: reader.set_read(paper(1, None).id, True),
            lambda: reader.set_hidden([paper(1, None).id], True),
            lambda: reader.remove_from_library([paper(1, None).id]),
        ):
            with pytest.raises(UserError, match="read-only"):
                change()
    assert path.read_bytes() == before


def test_a_v2_database_migrates_to_v3_keeping_history_and_new_marks(
    home: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    """v2 kept each paper's newest day and measured "new" from the last visit."""
    path = home / "papershelf.sqlite3"
    monday, friday = dt.date(2025, 3, 17), dt.date(2025, 3, 21)
    with monkeypatch.context() as old_release:
        old_release.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
        old_release.setattr(schema, "SCHEMA_VERSION", 2)
        with Store(path) as v2:  # v2 knew no new marks
            monday_list = [paper(1, monday, rank=4), paper(2, monday, rank=5)]
            v2.add_to_library(monday_list, "monday", mark_new=False)
            visit = clock()
            friday_list = [paper(3, friday, rank=1), paper(4, friday, rank=2)]
            v2.add_to_library(friday_list, "friday", mark_new=False)
            v2.add_to_library([paper(1, friday, rank=3)], "friday", mark_new=False)
            generation = v2.library_generation()
    raw = sqlite3.connect(path)
    try:
        raw.execute(
            "UPDATE library_paper SET day = ?, rank = 3 WHERE paper_id = ?",
            (friday.isoformat(), paper(1, None).id),
        )  # what v2 did: the newest listing won
        raw.execute(
            "INSERT INTO meta (key, value) VALUES ('last_visit_at', ?)",
            (visit.isoformat(timespec="microseconds"),),
        )
        raw.execute("INSERT INTO read_state VALUES (?, 'x')", (paper(4, None).id,))
        raw.commit()
    finally:
        raw.close()
    with Store(path) as v3:
        assert {p.id: (p.date, p.rank) for p in v3.library()}[paper(1, None).id] == (monday, 4)
        assert v3.new_ids() == {paper(3, None).id}  # seen after the visit, not read
        assert v3.library_generation() == generation + 1  # the order changed: no stale index
        assert v3.hidden_ids() == set()
    raw = sqlite3.connect(path)
    try:
        keys = {r[0] for r in raw.execute("SELECT key FROM meta")}
    finally:
        raw.close()
    assert "last_visit_at" not in keys


# --- one identity per paper ------------------------------------------------------------------


def test_a_text_paper_fetched_later_with_its_arxiv_id_is_one_entry(db: Store) -> None:
    """It used to become two entries, and its bookmark never learned the arXiv id."""
    title = "Learnable Commutative Monoids for Graph Neural Networks"
    text_copy = Paper(
        id=paper_id(title), title=title, abstract="From the digest.", date=FETCH_DAY, rank=3
    )
    db.add_to_library([text_copy], "digest.txt")
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


def test_doctor_on_a_v2_file_does_not_call_the_v3_tables_damage(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papershelf.store import doctor

    path = home / "papershelf.sqlite3"
    with monkeypatch.context() as old_release:
        old_release.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
        old_release.setattr(schema, "SCHEMA_VERSION", 2)
        with Store(path) as v2:
            v2.add_to_library([paper(1, FETCH_DAY)], "x", mark_new=False)
    found = doctor.check(path)
    assert found.problems == []
    assert found.counts["library papers"] == 1 and found.counts["new marks"] == 0


_DAYS = [None, dt.date(2025, 3, 17), dt.date(2025, 3, 18), dt.date(2025, 3, 19)]


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(_DAYS), st.integers(1, 9), st.integers(0, 2)),
        min_size=1,
        max_size=12,
    )
)
def test_property_a_paper_shows_its_first_listing(
    listings: list[tuple[int, dt.date | None, int, int]],
) -> None:
    """Whatever order listings arrive in, a paper shows its earliest dated day (undated only
    when it never had a day) and the rank it was first given on that day."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "p.sqlite3") as db:
        first: dict[str, tuple[dt.date | None, int]] = {}
        for n, day, rank, source in listings:
            db.add_to_library([paper(n, day, rank=rank)], f"source-{source}")
            held = first.get(paper(n, None).id)
            if held is None or (day is not None and (held[0] is None or day < held[0])):
                first[paper(n, None).id] = (day, rank)
        assert {p.id: (p.date, p.rank) for p in db.library()} == first
