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
    COPY_ITEMS,
    SCAN_ALL_LIMIT,
    VIEW_ALL,
    VIEW_BOOKMARKS,
    Loaded,
    Session,
    copy_text,
    load,
    load_library,
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
    assert session.commit(session.toggle_bookmark(first)).startswith("Bookmarked: Graph")
    assert session.store is not None and session.store.bookmarked_ids() == {first.id}
    assert session.bookmark_papers == [first]
    assert session.commit(session.toggle_bookmark(first)).startswith("Removed bookmark")
    assert session.store.bookmarked_ids() == set()
    assert session.commit(session.undo()).startswith("Undid the removal")
    assert session.store.bookmarked_ids() == {first.id}
    assert session.commit(session.undo()).startswith("Undid the bookmark")
    assert session.store.bookmarked_ids() == set()
    assert session.commit(session.undo()) == "Nothing to undo."
    assert session.pending == []


def test_messages_name_the_keys_of_key_of(session: Session) -> None:
    """A front end with user keys passes `key_of`; the session's messages name those keys."""
    session.key_of = {"bookmark": "x", "bookmark.undo": "U"}.__getitem__
    with pytest.raises(UserError, match=r"^Bookmark it first \(x\)\.$"):
        session.cycle_state(PAPERS[0])
    session.commit(session.toggle_bookmark(PAPERS[0]))
    assert session.commit(session.remove_bookmark(PAPERS[0])).endswith("— press U to undo")


def test_state_note_and_tags_need_a_bookmark_and_undo_any_change(session: Session) -> None:
    second = PAPERS[1]
    with pytest.raises(UserError, match="Bookmark it first"):
        session.cycle_state(second)
    session.commit(session.toggle_bookmark(second))
    assert session.commit(session.cycle_state(second)) == "State: reading"
    assert session.commit(session.cycle_state(second, -1)) == "State: to-read"
    session.commit(session.set_tags(second, "Theory, graphs  graphs"))
    session.commit(session.set_note(second, "Read §3 first"))
    bookmark = session.bookmarks[second.id]
    assert bookmark.tags == ("graphs", "theory") and bookmark.note == "Read §3 first"
    assert session.commit(session.undo()).startswith("Undid the note edit")
    assert session.bookmarks[second.id].note == ""
    assert session.commit(session.undo()).startswith("Undid the tag edit")
    assert session.bookmarks[second.id].tags == ()
    assert session.store is not None
    stored = session.store.get(second.id)
    assert stored is not None and (stored.state, stored.note, stored.tags) == ("to-read", "", ())


def test_nothing_changes_in_memory_when_the_store_refuses() -> None:
    session = Session(None, "cannot open the database: disk on fire")
    session.set_papers(Loaded(PAPERS))
    with pytest.raises(UserError, match="disk on fire"):
        session.toggle_bookmark(PAPERS[0])
    assert session.bookmarks == {} and session.undo_stack == [] and session.pending == []
    assert session.set_read(PAPERS[0], True) is None
    assert session.read_ids == frozenset()


def test_read_marks_are_stored(session: Session) -> None:
    change = session.set_read(PAPERS[2], True)
    assert change is not None
    assert PAPERS[2].id in session.read_ids, "shown before it is written"
    session.commit(change)
    assert session.store is not None and PAPERS[2].id in session.store.read_ids()
    unread = session.set_read(PAPERS[2], False)
    assert unread is not None
    session.commit(unread)
    assert PAPERS[2].id not in session.store.read_ids()


def test_changes_show_at_once_and_are_written_in_order(session: Session) -> None:
    """The app runs writes later, in a worker: every change is shown the moment it is made,
    and the store gets them in the order made."""
    store = session.store
    assert store is not None
    made = [session.toggle_bookmark(p) for p in PAPERS]
    made.append(session.cycle_state(PAPERS[0]))
    assert [p.id for p in session.bookmark_papers] == [p.id for p in reversed(PAPERS)]
    assert session.bookmarks[PAPERS[0].id].state == "reading"
    assert store.bookmarked_ids() == set(), "nothing written yet"
    assert session.pending == made
    for change in made:
        assert change.write is not None
        change.write()
        session.written(change)
    assert session.pending == []
    assert [b.paper.id for b in store.bookmarks()] == [p.id for p in reversed(PAPERS)]
    assert session.confirmed.bookmarks.keys() == session.bookmarks.keys()
    stored = store.get(PAPERS[0].id)
    assert stored is not None and stored.state == "reading"


def test_a_failed_write_takes_back_its_change_and_only_that(session: Session) -> None:
    first, second = PAPERS[0], PAPERS[1]
    add_first = session.toggle_bookmark(first)
    add_second = session.toggle_bookmark(second)
    state_first = session.cycle_state(first)
    said = session.write_failed(add_first, "/x/papershelf.db: another papershelf is busy")
    assert said.startswith("Not saved, taken back: the bookmark: Graph neural")
    assert said.endswith("another papershelf is busy")
    assert first.id not in session.bookmarks, "taken back"
    assert session.bookmarks[second.id].state == "to-read", "later changes still shown"
    assert [p.id for p in session.bookmark_papers] == [second.id]
    assert [u.paper.id for u in session.undo_stack] == [second.id, first.id]
    # The state change needed the bookmark: its write fails, and taking it back is a no-op.
    assert state_first.write is not None
    with pytest.raises(UserError, match="not bookmarked"):
        state_first.write()
    session.write_failed(state_first, "not bookmarked")
    assert add_second.write is not None
    add_second.write()
    session.written(add_second)
    assert session.bookmarks.keys() == {second.id} and session.undo_stack[-1].paper is second
    assert session.store is not None and session.store.bookmarked_ids() == {second.id}


def test_a_failed_undo_can_be_undone_again(session: Session) -> None:
    session.commit(session.toggle_bookmark(PAPERS[0]))
    undo = session.undo()
    assert session.bookmarks == {} and session.undo_stack == []
    session.write_failed(undo, "busy")
    assert PAPERS[0].id in session.bookmarks
    assert [u.what for u in session.undo_stack] == ["bookmark"]


def test_a_store_turned_read_only_rolls_back_through_commit(session: Session) -> None:
    session.commit(session.toggle_bookmark(PAPERS[0]))
    assert session.store is not None
    removal = session.toggle_bookmark(PAPERS[0])  # made while writable, written after
    session.store.read_only_reason = "/x/papershelf.db: the bookmark database is read-only"
    with pytest.raises(UserError, match=r"(?s)Not saved, taken back: the removal.*read-only"):
        session.commit(removal)
    assert PAPERS[0].id in session.bookmarks and session.pending == []


def test_filters_see_the_sessions_bookmarks_and_marks(session: Session) -> None:
    session.commit(session.toggle_bookmark(PAPERS[1]))
    read = session.set_read(PAPERS[0], True)
    assert read is not None
    session.commit(read)
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


def test_copy_links_give_the_paper_the_code_and_the_pdf() -> None:
    code = "https://github.com/a/sam3"
    p = Paper(id="arxiv:2511.16719", title="SAM 3", arxiv_id="2511.16719", code_url=code)
    assert copy_text(p, "link") == "https://huggingface.co/papers/2511.16719", "not the code"
    assert copy_text(p, "code") == code
    assert copy_text(p, "pdf") == "https://arxiv.org/pdf/2511.16719"
    assert "url = {https://huggingface.co/papers/2511.16719}" in copy_text(p, "bibtex")
    assert "](https://huggingface.co/papers/2511.16719)" in copy_text(p, "markdown")
    with pytest.raises(UserError, match="no code link"):
        copy_text(PAPERS[0], "code")
    with pytest.raises(UserError, match="no arXiv id"):
        copy_text(PAPERS[0], "pdf")


def test_every_copy_item_is_a_choice_with_a_label() -> None:
    p = Paper(id="arxiv:2511.16719", title="SAM", arxiv_id="2511.16719", code_url="https://x.org")
    assert [name for name, _ in COPY_ITEMS] == [
        "title",
        "link",
        "code",
        "pdf",
        "markdown",
        "bibtex",
    ]
    for name, label in COPY_ITEMS:
        assert label and copy_text(p, name)


def test_the_copied_bibtex_never_carries_the_note(session: Session) -> None:
    p = Paper(id="arxiv:2401.00001", title="Noted", arxiv_id="2401.00001")
    session.toggle_bookmark(p)
    session.set_note(p, "reviewer 2 is wrong")
    assert "reviewer" not in copy_text(p, "bibtex")


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


# -- new marks and hiding (the library) ------------------------------------------------------


@pytest.fixture
def library_session() -> Session:
    with Store() as store:
        store.add_to_library(PAPERS, "digest")
    s = Session.open(library_mode=True)
    assert s.store is not None
    s.set_papers(load_library(s.store))
    return s


def test_new_marks_clear_when_read_or_bookmarked_not_when_unread(library_session: Session) -> None:
    s = library_session
    assert s.new_ids == {p.id for p in PAPERS}
    for change in (s.set_read(PAPERS[0], True), s.set_read(PAPERS[0], False)):
        assert change is not None
        s.commit(change)
    s.commit(s.toggle_bookmark(PAPERS[1]))
    assert s.new_ids == {PAPERS[2].id}
    assert s.store is not None and s.store.new_ids() == {PAPERS[2].id}
    s.commit(s.undo())  # the bookmark goes; the paper was dealt with all the same
    assert s.new_ids == {PAPERS[2].id}
    s.set_query("is:new")
    answer = s.answer()
    assert answer is not None and [s.papers[i].id for i in answer.order] == [PAPERS[2].id]


def test_a_fetch_makes_its_papers_new_in_the_running_session(
    library_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papershelf.fetch import Fetched, FetchRequest

    fresh = paper("Fetched this morning", day=DAY + dt.timedelta(days=1))

    def fetch_list(request: FetchRequest, **kwargs: object) -> Fetched:
        return Fetched([fresh, PAPERS[0]], "daily list", "hf:2025-03-22")

    monkeypatch.setattr("papershelf.fetch.fetch_list", fetch_list)
    read = library_session.set_read(PAPERS[0], True)
    assert read is not None
    library_session.commit(read)
    seen, new, loaded = library_session.fetch()
    assert (seen, new) == (2, 1)
    assert library_session.new_ids == {fresh.id, PAPERS[1].id, PAPERS[2].id}
    assert loaded is not None and loaded.papers[0].id == fresh.id


def test_hide_leaves_the_paper_out_of_every_answer_and_u_brings_it_back(
    library_session: Session,
) -> None:
    s = library_session
    hidden = s.papers[1]
    message = s.commit(s.hide(hidden))
    assert message.startswith("Hidden: ") and message.endswith("press u to undo")
    assert hidden.id not in s.new_ids
    for raw in ("", "is:new", "lora"):
        s.set_query(raw)
        answer = s.answer() or s.scanner()()
        assert hidden.id not in [s.papers[i].id for i in answer.order], raw
    assert s.title(2) == "Papers 2/2"
    assert s.store is not None and s.store.hidden_ids() == {hidden.id}
    assert hidden.id not in [p.id for p in load_library(s.store).papers], "kept out at launch"
    assert s.commit(s.undo()).startswith("Undid the hide: ")
    assert s.store.hidden_ids() == set()
    s.set_query("")
    after = s.answer()
    assert after is not None and len(after.order) == 3
    assert s.hidden_count == 0


def test_a_hide_is_shown_at_once_and_written_later(library_session: Session) -> None:
    """Hiding wrote the store before returning, so the app's `H` waited on the disk (the
    busy timeout, with another papershelf importing). Now it is a change like a bookmark:
    shown at once, its write left to the caller (the app's store queue)."""
    s = library_session
    hidden = s.papers[1]
    change = s.hide(hidden)
    assert s.hidden_count == 1 and change.write is not None
    assert s.store is not None and s.store.hidden_ids() == set(), "nothing written yet"
    s.commit(change)
    assert s.store.hidden_ids() == {hidden.id}


def test_a_hide_the_store_refuses_is_taken_back(library_session: Session) -> None:
    s = library_session
    hidden = s.papers[1]
    assert hidden.id in s.new_ids
    assert s.store is not None
    s.store._db.execute("PRAGMA query_only = ON")  # refuses writes, as a read-only file does
    with pytest.raises(UserError, match="Not saved, taken back: the hide"):
        s.commit(s.hide(hidden))
    assert s.hidden_count == 0 and hidden.id in s.new_ids
    answer = s.answer()
    assert answer is not None and len(answer.order) == 3
    assert s.undo().message == "Nothing to undo."


def test_an_undo_of_a_hide_the_store_refuses_can_be_tried_again(library_session: Session) -> None:
    """The undo entry was dropped before the unhide was written: a busy or read-only store
    made the hide impossible to undo, ever."""
    s = library_session
    hidden = s.papers[1]
    s.commit(s.hide(hidden))
    assert s.store is not None
    s.store._db.execute("PRAGMA query_only = ON")  # refuses writes, as a read-only file does
    with pytest.raises(UserError, match="taken back"):
        s.commit(s.undo())
    assert s.hidden_count == 1, "still hidden, as the store says"
    s.store._db.execute("PRAGMA query_only = OFF")
    assert s.commit(s.undo()).startswith("Undid the hide: ")
    assert s.store.hidden_ids() == set() and s.hidden_count == 0
    assert hidden.id not in s.new_ids and hidden.id not in s.store.new_ids(), "dealt with"


def test_a_read_mark_the_store_refuses_gives_the_new_mark_back(library_session: Session) -> None:
    """Reading clears the new mark at once; a refused write took the read mark back but left
    the paper not new until the next launch."""
    s = library_session
    assert s.store is not None
    s.store._db.execute("PRAGMA query_only = ON")  # refuses writes, as a read-only file does
    change = s.set_read(PAPERS[0], True)
    assert change is not None and PAPERS[0].id not in s.new_ids
    with pytest.raises(UserError, match="taken back: the read mark"):
        s.commit(change)
    assert PAPERS[0].id not in s.read_ids and PAPERS[0].id in s.new_ids


def test_hide_needs_the_library(session: Session) -> None:
    with pytest.raises(UserError, match="Only papers of your library"):
        session.hide(PAPERS[0])
