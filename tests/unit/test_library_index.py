"""The library index as base + delta: a few new papers are indexed on their own at import,
and the next open maps base and delta onto the current list instead of rebuilding."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.test_compact_library import PAPERS, WORDS, _paper, _row

from papershelf import library_index
from papershelf import loading as session_module
from papershelf.library_index import add_and_index, delta_paths, record_delta
from papershelf.model import Paper, paper_id
from papershelf.search import SearchIndex, cache, parse_query
from papershelf.search.segments import SegmentedIndex
from papershelf.session import Loaded, Session, load_library
from papershelf.store import Store


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(session_module, "COMPACT_MIN", 10)
    monkeypatch.setattr(cache, "MIN_PAPERS", 1)
    monkeypatch.setattr(library_index, "MERGE_RATIO", 0.5)
    with Store() as opened:
        opened.add_to_library(PAPERS, "digest")
        _open_and_index(opened)  # saves the base: rows and index of this generation
        yield opened


def _open_and_index(store: Store) -> tuple[Loaded, SearchIndex]:
    session = Session(store, library_mode=True)
    loaded = load_library(store)
    session.set_papers(loaded)
    _, index, _ = session.index_job()()
    return loaded, index


def _add(store: Store, papers: list[Paper]) -> bool:
    before = store.library_generation()
    store.add_to_library(papers, "later")
    return record_delta(store, [[p.id for p in papers]], before)


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    built: list[int] = []
    real = SearchIndex.build

    def counting(papers: Any, **options: Any) -> SearchIndex:
        built.append(len(papers))
        return real(papers, **options)

    monkeypatch.setattr(SearchIndex, "build", staticmethod(counting))
    return built


def _answers(loaded: Loaded, index: SearchIndex, raw: str) -> list[str]:
    return sorted(loaded.papers[i].id for i in index.search(parse_query(raw)))


NEW = [_paper(k) for k in range(200, 210)]


def test_an_import_writes_a_delta_and_the_next_open_rebuilds_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _add(store, NEW)
    built = _count_builds(monkeypatch)
    loaded, index = _open_and_index(store)
    assert built == [], "base and delta loaded, nothing built"
    assert isinstance(index, SegmentedIndex) and loaded.segments is not None
    assert [_row(p) for p in loaded.papers] == [_row(p) for p in store.library()]


QUERIES = [
    "lora",
    "study number 20",
    '"carefully, case 203"',
    "-video shadow",
    "grap",
    "author:second",
    'author:"author 203"',
    "2403.00203",
]


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.sampled_from(QUERIES) | st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join))
def test_base_and_delta_match_what_a_full_build_matches(store: Store, raw: str) -> None:
    if not (delta_paths(load_library(store).index_path or _no_path())[1]).exists():
        assert _add(store, NEW)
    loaded, index = _open_and_index(store)
    assert isinstance(index, SegmentedIndex)
    fresh = SearchIndex.build(store.library())
    assert _answers(loaded, index, raw) == _answers(loaded, fresh, raw)


def _no_path() -> Any:
    raise AssertionError("the library has an index path")


def test_a_paper_written_again_is_answered_from_its_new_copy(store: Store) -> None:
    old = PAPERS[5]
    changed = dataclasses.replace(
        old, abstract="An entirely rewritten zeppelin abstract.", date=dt.date(2025, 6, 1)
    )
    assert _add(store, [changed])
    loaded, index = _open_and_index(store)
    assert isinstance(index, SegmentedIndex)
    again = next(p for p in loaded.papers if p.id == old.id)
    assert again.date == old.date, "a paper keeps its first listing day"
    assert _answers(loaded, index, "zeppelin") == [old.id]
    assert old.id not in _answers(loaded, index, f'"{old.abstract[:-1]}"')


def test_a_title_entry_taken_over_by_its_arxiv_id_leaves_the_list(store: Store) -> None:
    untitled = next(p for p in PAPERS if not p.arxiv_id)
    arrived = dataclasses.replace(
        untitled, id=paper_id(untitled.title, "2501.99999"), arxiv_id="2501.99999"
    )
    assert _add(store, [arrived])
    loaded, index = _open_and_index(store)
    ids = [p.id for p in loaded.papers]
    assert untitled.id not in ids and arrived.id in ids
    assert [_row(p) for p in loaded.papers] == [_row(p) for p in store.library()]
    assert _answers(loaded, index, untitled.title) == [arrived.id]


def test_a_write_by_someone_else_meanwhile_is_not_trusted(store: Store) -> None:
    store.add_to_library([_paper(300)], "another writer, no delta")
    assert not _add(store, NEW)
    loaded, index = _open_and_index(store)
    assert loaded.segments is None and not isinstance(index, SegmentedIndex)
    assert {_paper(300).id, NEW[0].id} <= {p.id for p in loaded.papers}


def test_a_delta_past_the_ratio_is_merged_by_the_next_open(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = [_paper(k) for k in range(400, 440)]  # 40 > 0.5 * 60
    assert not _add(store, many)
    built = _count_builds(monkeypatch)
    loaded, _ = _open_and_index(store)
    assert built == [len(PAPERS) + len(many)] and loaded.segments is None
    assert loaded.index_path is not None
    assert not any(p.exists() for p in delta_paths(loaded.index_path))
    _open_and_index(store)
    assert built == [len(PAPERS) + len(many)], "the new base is used as is"


def test_a_delta_is_also_capped_in_papers(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_index, "DELTA_MAX", 12)
    assert _add(store, NEW)  # 10
    assert not _add(store, [_paper(600), _paper(601), _paper(602)]), "13 > 12"
    assert load_library(store).segments is None


def test_a_damaged_delta_is_rebuilt_not_trusted(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _add(store, NEW)
    path = load_library(store).index_path
    assert path is not None
    delta_index, _ = delta_paths(path)
    delta_index.write_bytes(b"damaged")
    built = _count_builds(monkeypatch)
    loaded, index = _open_and_index(store)
    assert not isinstance(index, SegmentedIndex) and built == [len(loaded.papers)]
    assert _answers(loaded, index, "case 203") == [NEW[3].id]
    assert not delta_index.exists(), "merged into the new base"
    built.clear()
    _open_and_index(store)
    assert built == []


def test_the_merged_order_breaks_ties_as_the_table_does(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = PAPERS[1], PAPERS[2]
    twins = [
        dataclasses.replace(_paper(500 + k), date=first.date, rank=first.rank) for k in range(3)
    ]
    moved = dataclasses.replace(second, date=first.date, rank=first.rank, abstract="Moved.")
    assert _add(store, [twins[0], moved, twins[1]])
    assert _add(store, [twins[2]])

    read_order: list[bool] = []
    real_order = Store.library_order

    def order(self: Store) -> list[str]:
        read_order.append(True)
        return real_order(self)

    monkeypatch.setattr(Store, "library_order", order)
    loaded, index = _open_and_index(store)
    assert isinstance(index, SegmentedIndex)
    assert not read_order, "the rows' order keys answered, not the table"
    assert [p.id for p in loaded.papers] == [p.id for p in store.library()]
    assert _answers(loaded, index, "moved") == [second.id]


def test_similar_papers_come_from_every_segment(store: Store) -> None:
    assert _add(store, NEW)
    loaded, index = _open_and_index(store)
    assert isinstance(index, SegmentedIndex)
    session = Session(store, library_mode=True)
    new = NEW[0]
    _, found = session.similar_to(loaded, new.id, 5)
    fresh = load_library(store, compact=False)
    _, expected = session.similar_to(fresh, new.id, 5)
    assert found and {f.paper.id for f in found} & {f.paper.id for f in expected}


def test_a_title_entry_taken_over_by_its_arxiv_paper_keeps_the_delta(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `enrich` writes (one paper adopting its title entry) goes through the delta too."""
    known_by_title = PAPERS[3]
    assert known_by_title.arxiv_id is None
    found = dataclasses.replace(
        known_by_title,
        id=paper_id(known_by_title.title, "2501.00003"),
        arxiv_id="2501.00003",
    )
    assert add_and_index(store, [found], "enrich") == (1, 0)
    built = _count_builds(monkeypatch)
    loaded, index = _open_and_index(store)
    assert built == [], "base and delta loaded, nothing built"
    ids = [p.id for p in loaded.papers]
    assert found.id in ids and known_by_title.id not in ids
    assert _answers(loaded, index, "2501.00003") == [found.id]
