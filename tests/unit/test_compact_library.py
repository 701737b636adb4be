"""A big library as compact list rows (`ListedPaper`): the same list, the same answers, and
full papers read by id only where more than the row is shown or stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf import loading as session_module
from papershelf.cli import main
from papershelf.links import paper_page
from papershelf.model import ListedPaper, Paper, listed_copy, paper_id
from papershelf.search import parse_query
from papershelf.search.rowcache import NO_DAY, load_rows, load_saved_rows, rows_path, save_rows
from papershelf.session import FIRST_PAINT, Session, load_library
from papershelf.store import Store, library

WORDS = ["graph", "lora", "diffusion", "video", "shadow", "rank", "agent", "token", "sparse"]


def _paper(k: int) -> Paper:
    title = f"{WORDS[k % 9].title()} {WORDS[(k * 7) % 9]} study number {k}"
    arxiv = f"2403.{k:05d}" if k % 3 else None
    return Paper(
        id=paper_id(title, arxiv),
        title=title,
        abstract=f"We examine {WORDS[(k * 5) % 9]} {WORDS[(k * 2) % 9]} carefully, case {k}.",
        date=dt.date(2025, 3, 1 + k % 20) if k % 11 else None,
        rank=k % 37 + 1,
        code_url=f"https://github.com/lab/repo{k}" if k % 4 == 0 else None,
        arxiv_id=arxiv,
        authors=(f"Author {k}", "B. Second") if k % 5 else (),
        ai_summary=f"Summary {k}",
        upvotes=(k * 37) % 101 if k % 6 else None,
        published_on=dt.date(2025, 2, 1 + k % 27) if k % 4 else None,
        project_url=f"https://lab.example/p{k}" if k % 7 == 0 else None,
    )


PAPERS = [_paper(k) for k in range(60)]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(session_module, "COMPACT_MIN", 10)  # compact from 10 papers on
    with Store() as opened:
        opened.add_to_library(PAPERS, "digest")
        yield opened


def _row(paper: Paper) -> tuple[object, ...]:
    return (
        paper.id,
        paper.title,
        paper.date,
        paper.rank,
        paper.code_url,
        paper.arxiv_id,
        paper.authors,
        paper.upvotes,
        paper.published_on,
        paper.project_url,
    )


def test_a_big_library_loads_as_compact_rows_in_library_order(store: Store) -> None:
    full = store.library()
    loaded = load_library(store)
    assert all(isinstance(p, ListedPaper) for p in loaded.papers)
    assert [_row(p) for p in loaded.papers] == [_row(p) for p in full]
    assert all(p.abstract == "" and p.ai_summary is None for p in loaded.papers)
    assert loaded.abstracts is not None
    assert loaded.abstracts([0, 5]) == [full[0].abstract, full[5].abstract]


def test_a_small_library_still_loads_full_papers(store: Store) -> None:
    assert not any(isinstance(p, ListedPaper) for p in load_library(store, compact=False).papers)


def test_reopening_reads_the_saved_rows_not_the_table(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_library(store)
    assert first.index_path is not None and rows_path(first.index_path).is_file()

    def no_table() -> None:
        raise AssertionError("the saved rows should have answered")

    monkeypatch.setattr(Store, "listed_papers", lambda self: no_table())
    again = load_library(store)
    assert [_row(p) for p in again.papers] == [_row(p) for p in first.papers]


def test_saved_rows_of_another_generation_are_not_used(store: Store) -> None:
    first = load_library(store)
    assert first.index_path is not None and first.index_key is not None
    store.add_to_library([_paper(100)], "later")
    newer = load_library(store)
    assert newer.index_key != first.index_key
    assert _paper(100).id in {p.id for p in newer.papers}
    assert load_rows(rows_path(first.index_path), first.index_key) is None, "replaced"


def test_damaged_saved_rows_fall_back_to_the_table(store: Store) -> None:
    first = load_library(store)
    assert first.index_path is not None
    rows_path(first.index_path).write_bytes(b"PK\x03\x04 not a zip at all")
    again = load_library(store)
    assert [_row(p) for p in again.papers] == [_row(p) for p in first.papers]


def test_saved_rows_round_trip(tmp_path: Path) -> None:
    papers = [listed_copy(p) for p in PAPERS]
    path = tmp_path / "rows.npz"
    rowids = list(range(100, 100 + len(papers)))
    assert save_rows(path, "key", papers, rowids)
    loaded = load_rows(path, "key")
    assert loaded is not None and list(loaded) == papers
    assert [_row(p) for p in loaded] == [_row(p) for p in PAPERS], "every listed field kept"
    assert loaded[-1] is loaded[len(papers) - 1], "a row is made once"
    saved = load_saved_rows(path, "key")
    assert saved is not None and saved.rowids.tolist() == rowids
    assert saved.ranks.tolist() == [p.rank for p in papers]
    assert (saved.days == NO_DAY).tolist() == [p.date is None for p in papers]
    assert load_rows(path, "other key") is None
    assert load_rows(tmp_path / "missing.npz", "key") is None


def test_a_damaged_row_falls_back_to_the_full_read_that_names_it(store: Store) -> None:
    with sqlite3.connect(store.path) as db:
        db.execute(
            "UPDATE library_paper SET paper = '{not json' WHERE paper_id = ?", (PAPERS[3].id,)
        )
    db.close()
    loaded = load_library(store)
    assert not any(isinstance(p, ListedPaper) for p in loaded.papers)
    assert PAPERS[3].id not in {p.id for p in loaded.papers}
    assert store.damaged_rows.get("library paper") == (PAPERS[3].id,)


def test_full_reads_every_field_of_a_compact_paper(store: Store) -> None:
    session = Session(store, library_mode=True)
    loaded = load_library(store)
    by_id = {p.id: p for p in store.library()}
    listed = loaded.papers[7]
    assert session.full(listed) == by_id[listed.id]
    assert session.full(by_id[listed.id]) is by_id[listed.id], "a full paper is itself"
    picked = [loaded.papers[i] for i in (9, 2, 40)]
    assert session.full_papers(picked) == [by_id[p.id] for p in picked]


def test_bookmarking_a_compact_paper_keeps_its_abstract_and_authors(store: Store) -> None:
    session = Session(store, library_mode=True)
    listed = load_library(store).papers[4]
    session.commit(session.toggle_bookmark(listed))
    kept = store.bookmarks()[0].paper
    full = {p.id: p for p in store.library()}[listed.id]
    assert kept.abstract == full.abstract and kept.authors == full.authors
    assert not isinstance(kept, ListedPaper)


QUERIES = [
    "lora",
    "graph video",
    '"carefully, case 1"',
    "-diffusion rank",
    "shadw",
    "case 4",
    "author:second",
    'author:"author 12"',
    "second",
    "sort:upvotes",
    "sort:arxiv lora",
    "sort:title",
    "2403.00007",
]


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.sampled_from(QUERIES) | st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join))
def test_compact_search_answers_as_the_full_papers_do(store: Store, raw: str) -> None:
    session = Session(store, library_mode=True)
    query = parse_query(raw)
    full = load_library(store, compact=False)
    compact = load_library(store)
    assert session.search(query, compact) == session.search(query, full)


def test_list_query_decodes_only_the_matching_papers(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[str] = []
    real = library._decode_library_paper

    def counting(paper_id: str, *args: Any) -> Paper:
        decoded.append(paper_id)
        return real(paper_id, *args)

    monkeypatch.setattr("papershelf.store.listing._decode_library_paper", counting)
    out = io.StringIO()
    assert main(["list", "--query", '"carefully, case 1"', "-f", "tsv"], out=out) == 0
    lines = out.getvalue().splitlines()[1:]
    expected = [p for p in PAPERS if p.abstract.endswith(" case 1.")]
    assert sorted(line.split("\t")[0] for line in lines) == sorted(p.id for p in expected)
    assert sorted(decoded) == sorted(p.id for p in expected), "only the matches, in full"
    decoded.clear()
    out = io.StringIO()
    assert main(["list", "--query", "carefully"], out=out) == 0
    assert len(out.getvalue().splitlines()) == len(PAPERS) and not decoded, "rows suffice"
    by_title = {p.title: p for p in PAPERS}
    for line in out.getvalue().splitlines():
        title = line.split(maxsplit=2)[2].split("  <")[0]
        page = paper_page(by_title[title])
        assert line.endswith(f"  <{page}>") if page else not line.endswith(">")


def test_the_first_paint_reads_at_most_first_paint_rows_before_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(session_module, "COMPACT_MIN", 10)
    monkeypatch.setattr(session_module, "FIRST_PAINT", 25)
    assert FIRST_PAINT >= 25
    events: list[tuple[str, int]] = []
    with Store() as store:
        store.add_to_library(PAPERS, "digest")
        real_library, real_listed = store.library, store.listed_papers

        def library(limit: int | None = None) -> list[Paper]:
            rows = real_library(limit)
            events.append(("library", len(rows)))
            return rows

        def listed() -> tuple[list[ListedPaper], list[int]] | None:
            rows = real_listed()
            events.append(("listed", len(rows[0]) if rows else 0))
            return rows

        monkeypatch.setattr(store, "library", library)
        monkeypatch.setattr(store, "listed_papers", listed)
        load_library(store, lambda batch: events.append(("painted", len(batch))))
    assert events[:2] == [("library", 25), ("painted", 25)], "first paint: 25 rows, no more"
    assert events[2:] == [("listed", len(PAPERS))], "the rest, compact, after the paint"


def test_the_scan_before_the_index_of_compact_papers_is_titles_only_and_says_so(
    store: Store,
) -> None:
    session = Session(store, library_mode=True)
    session.set_papers(load_library(store))
    session.set_query("carefully")  # in every abstract, in no title
    answer = session.scanner()()
    assert answer.partial and not len(answer.order)


def test_an_index_built_from_a_text_source_reads_it_a_block_at_a_time() -> None:
    from papershelf.search import SearchIndex
    from papershelf.search.index import _Blocks

    texts = [f"text number {k} {'odd' if k % 2 else 'even'}" for k in range(10_000)]
    calls: list[range] = []

    def source(positions: Sequence[int]) -> list[str]:
        calls.append(range(positions[0], positions[-1] + 1))
        return [texts[i] for i in positions]

    column = _Blocks(source, len(texts))
    assert [column[i] for i in (0, 4095, 4096, 9999)] == [texts[i] for i in (0, 4095, 4096, 9999)]
    assert max(len(c) for c in calls) <= _Blocks._SIZE
    papers = [Paper(id=f"p{k}", title=f"Paper {k}") for k in range(len(texts))]
    index = SearchIndex.build(papers, abstracts=source)
    full = [dataclasses.replace(p, abstract=texts[k]) for k, p in enumerate(papers)]
    expected = SearchIndex.build(full)
    query = parse_query('"number 77" odd')
    assert list(index.search(query)) == list(expected.search(query))


def test_hidden_papers_stay_out_of_the_compact_rows(store: Store) -> None:
    hidden = PAPERS[3].id
    store.set_hidden([hidden], True)
    for compact in (True, False):
        papers = load_library(store, compact=compact).papers
        assert hidden not in [p.id for p in papers] and len(papers) == len(PAPERS) - 1
    again = load_library(store)  # from the rows saved beside the index this time
    assert hidden not in [p.id for p in again.papers]


def test_similar_papers_of_a_compact_library_are_those_of_the_full_one(store: Store) -> None:
    session = Session(store, library_mode=True)
    for loaded in (load_library(store), load_library(store, compact=False)):
        paper, found = session.similar_to(loaded, PAPERS[8].id, 5)
        assert paper.id == PAPERS[8].id
        assert found, "the abstract was read for the question"
    compact = [f.paper.id for f in session.similar_to(load_library(store), PAPERS[8].id, 5)[1]]
    full = [
        f.paper.id
        for f in session.similar_to(load_library(store, compact=False), PAPERS[8].id, 5)[1]
    ]
    assert compact == full
