"""Day headers: which days an answer shows, their counts, and the line <-> paper mapping."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from papershelf.model import Paper, paper_id
from papershelf.search.daygroups import (
    UNDATED,
    day_numbers,
    group_by_day,
    header_text,
    read_flags,
)
from papershelf.session import VIEW_BOOKMARKS, Loaded, Session

TUE = dt.date(2026, 12, 1)
MON = dt.date(2026, 11, 30)


def paper(title: str, day: dt.date | None, rank: int) -> Paper:
    return Paper(id=paper_id(title), title=title, abstract=f"About {title}.", date=day, rank=rank)


PAPERS = [
    paper("Graphs on Tuesday", TUE, 1),
    paper("Diffusion on Tuesday", TUE, 2),
    paper("Graphs again on Tuesday", TUE, 3),
    paper("Graphs on Monday", MON, 1),
    paper("Video on Monday", MON, 2),
    paper("Graphs without a day", None, 0),
]
DAYS = day_numbers(PAPERS)


def order(*rows: int) -> np.ndarray:
    return np.array(rows, dtype=np.int64)


def test_each_day_shown_gets_its_count_and_unread_count() -> None:
    everything = order(0, 1, 2, 3, 4, 5)
    groups = group_by_day(everything, DAYS)
    assert list(groups.starts) == [0, 3, 5]
    assert list(groups.counts) == [3, 2, 1]
    assert list(groups.days) == [TUE.toordinal(), MON.toordinal(), UNDATED]
    read = read_flags(PAPERS, {PAPERS[1].id, PAPERS[3].id, PAPERS[4].id})
    assert list(groups.unread(everything, read)) == [2, 0, 1]
    assert groups.lines == 9  # six papers, three headers


def test_a_filter_changes_the_counts_to_what_is_shown() -> None:
    graphs = order(0, 2, 3, 5)  # the answer to "graphs"
    groups = group_by_day(graphs, DAYS)
    assert list(groups.counts) == [2, 1, 1]
    read = read_flags(PAPERS, {PAPERS[2].id})
    assert list(groups.unread(graphs, read)) == [1, 1, 1]
    tuesday_only = order(1, 2)
    assert len(group_by_day(tuesday_only, DAYS)) == 0, "one day shown: no headers"


def test_one_day_or_fewer_than_two_papers_has_no_headers() -> None:
    for rows in [(), (4,), (0, 1, 2)]:
        groups = group_by_day(order(*rows), DAYS)
        assert len(groups) == 0
        assert groups.line_of(1) == 1 and groups.at_line(1) == (None, 1)
        assert not groups.starts_day(0)


def test_lines_map_to_headers_and_papers() -> None:
    groups = group_by_day(order(0, 1, 2, 3, 4, 5), DAYS)
    assert [groups.at_line(line) for line in range(9)] == [
        (0, 0),
        (None, 0),
        (None, 1),
        (None, 2),
        (1, 3),
        (None, 3),
        (None, 4),
        (2, 5),
        (None, 5),
    ]
    assert [groups.line_of(p) for p in range(6)] == [1, 2, 3, 5, 6, 8]
    assert [groups.starts_day(p) for p in range(6)] == [True, False, False, True, False, True]
    assert groups.header_line(1) == 4


@given(st.lists(st.integers(0, 4), max_size=60))
def test_every_paper_has_one_line_and_every_day_one_header(day_of_row: list[int]) -> None:
    """Whatever the days (already grouped, as the day sorts leave them), the lines are the
    papers in order with exactly one header before each day's first paper."""
    days = np.array(sorted(day_of_row), dtype=np.int64)
    shown = np.arange(len(days), dtype=np.int64)
    groups = group_by_day(shown, days)
    distinct = len(set(day_of_row))
    assert len(groups) == (distinct if distinct > 1 else 0)
    drawn: list[tuple[str, int]] = []
    for line in range(groups.lines):
        header, row = groups.at_line(line)
        drawn.append(("header", int(days[row])) if header is not None else ("paper", row))
    papers = [row for kind, row in drawn if kind == "paper"]
    assert papers == list(range(len(days)))
    assert all(groups.at_line(groups.line_of(p)) == (None, p) for p in papers)
    if len(groups):
        headers = [day for kind, day in drawn if kind == "header"]
        assert headers == sorted(set(day_of_row))
        assert int(groups.counts.sum()) == len(days)


def test_the_header_reads_in_english_with_the_weekday() -> None:
    day = dt.date(2026, 12, 2).toordinal()
    assert header_text(day, 48, 12) == "Wed 02 Dec 2026 · 48 papers · 12 unread"
    assert header_text(day, 1, 0) == "Wed 02 Dec 2026 · 1 paper · 0 unread"
    assert header_text(UNDATED, 3, 3) == "No listing day · 3 papers · 3 unread"


def test_only_day_sorts_of_the_all_papers_view_get_headers() -> None:
    session = Session.open(library_mode=False)
    session.set_papers(Loaded(PAPERS))
    assert session.day_headers(session.set_query("")), "the default sort: rank, by day"
    assert session.day_headers(session.set_query("is:unread")), "filter terms, no words"
    assert not session.day_headers(session.set_query("graphs")), "relevance: days interleave"
    assert session.day_headers(session.set_query("graphs sort:day"))
    assert session.day_headers(session.set_query("graphs sort:rank"))
    for sort in ("upvotes", "arxiv", "title"):
        assert not session.day_headers(session.set_query(f"sort:{sort}")), sort
    session.set_query("")
    assert session.cycle_sort() == "upvotes"
    assert not session.day_headers(session.query)
    assert session.cycle_sort() == "day"
    assert session.day_headers(session.query)
    session.toggle_view()
    assert session.view == VIEW_BOOKMARKS
    assert not session.day_headers(session.query), "the bookmarks view has no headers"
