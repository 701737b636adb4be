"""The browsing session's rules, without a screen: what the UI tests used to be the only
way to check (views, filter answers, bookmarks and undo, states, tags, read marks, days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.errors import UserError
from papershelf.model import STATES, Paper, paper_id
from papershelf.search import FilterColumns, QueryError, SearchIndex, parse_query
from papershelf.session import (
    SCAN_ALL_LIMIT,
    VIEW_ALL,
    VIEW_BOOKMARKS,
    Loaded,
    Session,
    copy_text,
    load,
    next_day_row,
    next_state,
    previous_day_row,
    split_tags,
)
from papershelf.store import Store

DAY = dt.date(2025, 3, 21)


def paper(title: str, day: dt.date = DAY, rank: int = 1, abstract: str = "") -> Paper:
    return Paper(
        id=paper_id(title), title=title, abstract=abstract or f"About {title}.", date=day, rank=rank
    )


PAPERS = [
    paper("Graph neural networks at scale", rank=1, abstract="Message passing on graphs."),
    paper("Low-rank adaptation revisited", rank=2, abstract="LoRA for large models."),
    paper("Diffusion for video", rank=3, abstract="Denoising video frames."),
]


@pytest.fixture
def session() -> Session:
    s = Session.open(library_mode=False)
    s.set_papers(Loaded(PAPERS))
    return s


def test_the_filter_answers_from_the_index_or_asks_for_a_scan(session: Session) -> None:
    session.set_query("")
    answer = session.answer()
    assert answer is not None and list(answer.order) == [0, 1, 2]
    session.set_query("lora")
    assert session.answer() is None, "no index yet: the UI must scan"
    scanned = session.scanner()()
    assert [PAPERS[i].title for i in scanned.order] == ["Low-rank adaptation revisited"]
    assert not scanned.partial
    index = SearchIndex.build(PAPERS)
    assert session.set_index(PAPERS, index, FilterColumns(PAPERS))
    answer = session.answer()
    assert answer is not None and list(answer.order) == list(scanned.order)


def test_an_index_for_other_papers_is_ignored(session: Session) -> None:
    stale = list(PAPERS)
    assert not session.set_index(stale, SearchIndex.build(stale), FilterColumns(stale))
    assert session.index is None


def test_a_scan_answers_the_query_it_was_given_not_a_later_one(session: Session) -> None:
    session.set_query("graph")
    job = session.scanner()
    session.set_query("diffusion")  # typed on while the scan was queued
    answer = job()
    assert answer.query.raw == "graph"
    assert [PAPERS[i].title for i in answer.order] == ["Graph neural networks at scale"]


def test_big_lists_scan_titles_only_and_say_so(session: Session) -> None:
    many = [paper(f"Paper {n}", rank=n) for n in range(SCAN_ALL_LIMIT + 1)]
    session.set_papers(Loaded(many))
    session.set_query("paper")
    assert session.scanner()().partial


def test_a_bad_filter_raises_and_keeps_the_last_query(session: Session) -> None:
    session.set_query("graph")
    with pytest.raises(QueryError):
        session.set_query("tga:nlp")
    assert session.raw_query == "graph"


def test_views_and_titles(session: Session) -> None:
    assert session.title(3) == "Papers 3/3"
    assert session.title(0, loading=True) == "Papers, reading…"
    assert session.title(1, partial=True) == "Papers 1/3 · titles only, indexing…"
    assert session.toggle_view() == VIEW_BOOKMARKS
    assert session.title(0) == "Bookmarks 0/0"
    session.set_view(VIEW_ALL)
    with pytest.raises(ValueError):
        session.set_view("elsewhere")


def test_bookmark_toggle_is_committed_and_undo_takes_it_back(session: Session) -> None:
    first = PAPERS[0]
    assert session.toggle_bookmark(first).startswith("Bookmarked: Graph")
    assert session.store is not None and session.store.bookmarked_ids() == {first.id}
    assert session.bookmark_papers == [first]
    assert session.toggle_bookmark(first).startswith("Removed bookmark")
    assert session.store.bookmarked_ids() == set()
    assert session.undo().startswith("Undid the removal")
    assert session.store.bookmarked_ids() == {first.id}
    assert session.undo().startswith("Undid the bookmark")
    assert session.store.bookmarked_ids() == set()
    assert session.undo() == "Nothing to undo."


def test_state_note_and_tags_need_a_bookmark_and_undo_any_change(session: Session) -> None:
    second = PAPERS[1]
    with pytest.raises(UserError, match="Bookmark it first"):
        session.cycle_state(second)
    session.toggle_bookmark(second)
    assert session.cycle_state(second) == "State: reading"
    assert session.cycle_state(second, -1) == "State: to-read"
    session.set_tags(second, "Theory, graphs  graphs")
    session.set_note(second, "Read §3 first")
    bookmark = session.bookmarks[second.id]
    assert bookmark.tags == ("graphs", "theory") and bookmark.note == "Read §3 first"
    assert session.undo().startswith("Undid the note edit")
    assert session.bookmarks[second.id].note == ""
    assert session.undo().startswith("Undid the tag edit")
    assert session.bookmarks[second.id].tags == ()


def test_nothing_changes_in_memory_when_the_store_refuses() -> None:
    session = Session(None, "cannot open the database: disk on fire")
    session.set_papers(Loaded(PAPERS))
    with pytest.raises(UserError, match="disk on fire"):
        session.toggle_bookmark(PAPERS[0])
    assert session.bookmarks == {} and session.undo_stack == []
    assert session.set_read(PAPERS[0], True) is False
    assert session.read_ids == frozenset()


def test_read_marks_are_stored(session: Session) -> None:
    assert session.set_read(PAPERS[2], True)
    assert PAPERS[2].id in session.read_ids
    assert session.store is not None and PAPERS[2].id in session.store.read_ids()
    session.set_read(PAPERS[2], False)
    assert PAPERS[2].id not in session.store.read_ids()


def test_filters_see_the_sessions_bookmarks_and_marks(session: Session) -> None:
    session.toggle_bookmark(PAPERS[1])
    session.set_read(PAPERS[0], True)
    assert [p.title for p in session.search(parse_query("is:bookmarked"), Loaded(PAPERS))] == [
        PAPERS[1].title
    ]
    assert [p.title for p in session.search(parse_query("is:unread"), Loaded(PAPERS))] == [
        PAPERS[1].title,
        PAPERS[2].title,
    ]
    assert session.search(parse_query(""), Loaded(PAPERS)) == PAPERS


@given(st.lists(st.sampled_from(STATES), min_size=1, max_size=8), st.integers(-5, 5))
def test_states_cycle_both_ways(states: list[str], step: int) -> None:
    for state in states:
        assert next_state(next_state(state, step), -step) == state
    assert next_state("done") == "to-read"


def test_tags_as_typed() -> None:
    assert split_tags("NLP, rl  to-cite,,") == ("nlp", "rl", "to-cite")
    assert split_tags("   ") == ()


def test_copy_formats() -> None:
    p = PAPERS[0]
    assert copy_text(p, "title") == p.title
    assert copy_text(p, "link") == p.link
    assert copy_text(p, "markdown").startswith("[Graph neural networks at scale](")
    assert copy_text(p, "bibtex").startswith("@misc{")
    with pytest.raises(ValueError):
        copy_text(p, "everything")


def test_day_jumps() -> None:
    days = [DAY, DAY, DAY - dt.timedelta(1), DAY - dt.timedelta(2), DAY - dt.timedelta(2)]

    def day(row: int) -> object:
        return days[row]

    assert next_day_row(day, 0, 5) == 2
    assert next_day_row(day, 2, 5) == 3
    assert next_day_row(day, 3, 5) is None
    assert previous_day_row(day, 4, 5) == 3
    assert previous_day_row(day, 3, 5) == 2
    assert previous_day_row(day, 1, 5) == 0
    assert previous_day_row(day, 0, 5) == 0
    assert next_day_row(day, 0, 0) is None and previous_day_row(day, 0, 0) is None


def test_load_reads_sources_or_the_library(tmp_path: Path, sample_path: Path) -> None:
    loaded = load([sample_path], store=None, year=2025)
    assert len(loaded.papers) == 46
    with Store() as store:
        library = load([], store=store)
        assert len(library.papers) == 46, "a fresh library is seeded with the sample"
    with pytest.raises(UserError):
        load([tmp_path / "missing.txt"], store=None)


def test_answers_are_index_arrays(session: Session) -> None:
    session.set_query("has:code")
    answer = session.answer()
    assert answer is not None and answer.order.dtype == np.int64 and len(answer.order) == 0


def test_the_library_index_is_saved_and_trusted_only_for_its_generation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from papershelf.search import cache
    from papershelf.session import load_library

    monkeypatch.setattr(cache, "MIN_PAPERS", 1)  # save even a small library's index
    built: list[int] = []
    real_build = SearchIndex.build

    def counting_build(papers: Sequence[Paper], **options: Any) -> SearchIndex:
        built.append(len(papers))
        return real_build(papers, **options)

    monkeypatch.setattr(SearchIndex, "build", staticmethod(counting_build))
    with Store() as store:
        store.add_to_library(PAPERS, "a")
        first = load_library(store)
        assert first.index_key is not None and first.index_path is not None
        session = Session(store)
        session.set_papers(first)
        session.index_job()()
        assert built == [3] and first.index_path.is_file()
        again = load_library(store)
        assert again.index_key == first.index_key
        session.set_papers(again)
        session.index_job()()
        assert built == [3], "reopening loaded the saved index"
        store.add_to_library([paper("A fourth paper")], "b")
        newer = load_library(store)
        assert newer.index_key != first.index_key, "every library write changes the key"
        session.set_papers(newer)
        _, index, _ = session.index_job()()
        assert built == [3, 4]
        answer = [newer.papers[i].title for i in index.search(parse_query("fourth"))]
        assert answer == ["A fourth paper"]
