"""Sorts (#11.4): each order, stability over relevance, the session's choice, `list --sort`."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from papershelf.cli import main
from papershelf.model import Paper
from papershelf.search import parse_query
from papershelf.search.sort import SORTS, SortKeys, next_sort
from papershelf.session import VIEW_BOOKMARKS, Loaded, Session

D1, D2, D3 = dt.date(2025, 3, 20), dt.date(2025, 3, 21), dt.date(2025, 3, 22)


def paper(
    n: int,
    title: str,
    day: dt.date | None,
    rank: int,
    upvotes: int | None = None,
    published: dt.date | None = None,
    arxiv: str | None = None,
) -> Paper:
    return Paper(
        id=f"p{n}",
        title=title,
        date=day,
        rank=rank,
        upvotes=upvotes,
        published_on=published,
        arxiv_id=arxiv,
    )


# As a folder of digests is read: oldest day first, ranks in order within a day.
PAPERS = [
    paper(0, "beta sparse routing", D1, 1, 5, dt.date(2025, 3, 1)),
    paper(1, "Alpha sparse experts", D1, 2, 90, None, "2502.00001"),
    paper(2, "gamma dense", D2, 2, None, dt.date(2025, 3, 19)),
    paper(3, "Éclair sparse", D2, 1, 12, dt.date(2025, 2, 27)),
    paper(4, "delta", D3, 0, 12, None),
    paper(5, "undated sparse", None, 1, 40, dt.date(2025, 3, 21)),
]
EVERYTHING = np.arange(len(PAPERS), dtype=np.int64)


def ordered(sort: str, hits: list[int] | None = None, *, list_order: bool = True) -> list[int]:
    chosen = EVERYTHING if hits is None else np.asarray(hits, dtype=np.int64)
    return [int(i) for i in SortKeys(PAPERS).order(chosen, sort, list_order=list_order)]


def test_rank_is_newest_day_first_then_rank_unknown_rank_and_undated_last() -> None:
    assert ordered("rank") == [4, 3, 2, 0, 1, 5]


def test_upvotes_most_first_ties_keep_their_order_none_last() -> None:
    assert ordered("upvotes") == [1, 5, 3, 4, 0, 2]
    assert ordered("upvotes", [4, 3], list_order=False) == [4, 3]  # a tie keeps relevance


def test_day_is_newest_listing_day_first_ties_keep_their_order() -> None:
    assert ordered("day") == [4, 2, 3, 0, 1, 5]
    assert ordered("day", [1, 3, 0, 2], list_order=False) == [3, 2, 1, 0]


def test_arxiv_is_newest_arxiv_day_first_falling_back_on_the_id_month() -> None:
    # 2502.00001 counts as 2025-02-01; paper 4 has neither and goes last.
    assert ordered("arxiv") == [5, 2, 0, 3, 1, 4]


def test_title_is_alphabetical_folded() -> None:
    assert [PAPERS[i].title[0] for i in ordered("title")] == ["A", "b", "d", "É", "g", "u"]


def test_relevance_keeps_the_order_it_is_given() -> None:
    assert ordered("relevance", [3, 0, 5], list_order=False) == [3, 0, 5]


def test_a_list_already_in_order_is_returned_as_is() -> None:
    library = [PAPERS[i] for i in (4, 3, 2, 0, 1, 5)]
    hits = np.arange(len(library), dtype=np.int64)
    assert SortKeys(library).order(hits, "rank", list_order=True) is hits


@given(
    st.lists(st.booleans(), min_size=len(PAPERS), max_size=len(PAPERS)),
    st.sampled_from(SORTS),
)
def test_the_list_order_shortcut_gives_what_a_full_sort_gives(
    chosen: list[bool], sort: str
) -> None:
    hits = np.flatnonzero(chosen).astype(np.int64)
    keys = SortKeys(PAPERS)
    fast = keys.order(hits, sort, list_order=True).tolist()
    assert fast == keys.order(hits, sort, list_order=False).tolist()
    assert sorted(fast) == hits.tolist()


def test_next_sort_cycles_and_skips_relevance_without_words() -> None:
    assert next_sort("rank", False) == "upvotes"
    assert next_sort("title", False) == "rank"
    assert next_sort("title", True) == "relevance"
    assert next_sort("relevance", True) == "rank"
    assert next_sort("rank", False, -1) == "title"


# --- the session --------------------------------------------------------------------------


def session_on(papers: list[Paper]) -> Session:
    session = Session(None)
    session.set_papers(Loaded(papers))
    return session


def shown(session: Session) -> list[str]:
    answer = session.answer() or session.scanner()()  # the scan: no index was built
    return [session.view_papers()[i].id for i in answer.order]


def test_the_default_is_rank_without_words_and_relevance_with_them() -> None:
    session = session_on(PAPERS)
    assert shown(session) == ["p4", "p3", "p2", "p0", "p1", "p5"]
    assert session.title(6) == "Papers 6/6"
    session.set_query("sparse")
    assert session.sort_for(session.query) == "relevance"
    assert shown(session) == ["p3", "p5", "p0", "p1"]  # short titles first: relevance
    assert session.title(4) == "Papers 4/6"
    session.set_query("sparse sort:rank")
    assert shown(session) == ["p3", "p0", "p1", "p5"]
    assert session.title(4) == "Papers 4/6 · sort: rank"


def test_cycling_the_sort_reorders_and_names_it_in_the_title() -> None:
    session = session_on(PAPERS)
    assert session.cycle_sort() == "upvotes"
    assert shown(session) == ["p1", "p5", "p3", "p4", "p0", "p2"]
    assert session.title(6) == "Papers 6/6 · sort: upvotes"
    for expected in ("day", "arxiv", "title", "rank"):
        assert session.cycle_sort() == expected
    assert session.sort is None and session.title(6) == "Papers 6/6"


def test_a_sort_in_the_query_wins_and_ties_keep_relevance() -> None:
    session = session_on(PAPERS)
    session.cycle_sort()  # upvotes chosen by key
    session.set_query("sort:day sparse")
    order = shown(session)
    days = [next(p.date for p in PAPERS if p.id == i) for i in order]
    assert order[-1] == "p5"  # undated last
    assert days[:-1] == sorted(days[:-1], reverse=True)  # type: ignore[type-var]
    assert session.title(len(order)) == f"Papers {len(order)}/6 · sort: day"
    session.set_query("sort:relevance")  # without words: the list's own order
    assert shown(session) == [p.id for p in PAPERS]


def test_the_bookmarks_view_keeps_its_own_order_by_default() -> None:
    session = session_on(PAPERS)
    session.bookmark_papers = [PAPERS[2], PAPERS[0]]
    session.reload_bookmarks = lambda: None  # type: ignore[method-assign]
    from papershelf.search.sort import SortKeys as Keys

    session.bookmark_sort_keys = Keys(session.bookmark_papers)
    session.set_view(VIEW_BOOKMARKS)
    assert session.cycle_sort() == "rank"
    assert session.title(2) == "Bookmarks 2/2 · sort: rank"


# --- the command line -----------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_list_sort_upvotes_and_title(tmp_path: Path) -> None:
    data = json.loads(Path("tests/fixtures/daily_papers.json").read_text())
    for item, votes in zip(data, [3, 50, 7, 99, None], strict=True):
        item["paper"]["upvotes"] = votes
    digest = tmp_path / "papers.json"
    digest.write_text(json.dumps(data))
    code, text = run("list", str(digest), "--sort", "upvotes", "--format", "json")
    assert code == 0
    assert [p["upvotes"] for p in json.loads(text)] == [99, 50, 7, 3, None]
    code, text = run("list", str(digest), "--sort", "title", "--format", "json")
    titles = [str(p["title"]) for p in json.loads(text)]
    assert titles == sorted(titles, key=str.lower)
    code, text = run("list", str(digest), "-q", "sort:upvotes", "--format", "json")
    assert [p["upvotes"] for p in json.loads(text)] == [99, 50, 7, 3, None]


def test_list_sort_rejects_an_unknown_key(capsys: object) -> None:
    code, _ = run("list", "--sort", "stars")
    assert code == 2


def test_query_sort_parses() -> None:
    assert parse_query("sort:Upvotes lora").sort == "upvotes"
    assert parse_query("lora").sort is None
    assert parse_query("sort:title sort:day").sort == "day"


def test_the_similar_view_sorts_its_own_papers() -> None:
    from papershelf.search import FilterColumns, SearchIndex

    session = session_on(PAPERS)
    session.set_index(session.papers, SearchIndex.build(PAPERS), FilterColumns(PAPERS))
    session.show_similar(PAPERS[0])  # "beta sparse routing": the other sparse papers
    found = [p.id for p in session.found_papers]
    assert shown(session) == found  # most similar first, by default
    assert session.title(len(found)).startswith("Like “beta sparse routing”")
    assert session.cycle_sort() == "rank"
    by_rank = [p for i in ordered("rank") for p in found if p == f"p{i}"]
    assert shown(session) == by_rank and by_rank != found
