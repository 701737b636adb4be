"""The query syntax: filters parsed from free text, their masks, and running a whole query."""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.locations import sample_digest
from papershelf.model import Bookmark, Paper, paper_id
from papershelf.parser import parse_sources
from papershelf.search import (
    KEYS,
    Context,
    Filter,
    FilterColumns,
    Phrase,
    Query,
    QueryError,
    QueryWord,
    SearchIndex,
    filter_mask,
    parse_query,
    run_query,
    scan_search,
)

T0 = dt.datetime(2025, 3, 24, tzinfo=dt.UTC)


def make(n: int, day: dt.date | None, code: bool = False, arxiv: str | None = None) -> Paper:
    title = f"Paper {n}"
    return Paper(
        id=paper_id(title, arxiv),
        title=title,
        date=day,
        rank=n,
        arxiv_id=arxiv,
        code_url=f"https://github.com/x/p{n}" if code else None,
    )


def bookmark(p: Paper, state: str = "to-read", tags: tuple[str, ...] = ()) -> Bookmark:
    return Bookmark(p, state, "", tags, T0, T0)


D20, D21, D22 = dt.date(2025, 3, 20), dt.date(2025, 3, 21), dt.date(2025, 3, 22)
PAPERS = [
    make(0, D20, code=True, arxiv="2503.00010"),
    make(1, D21),
    make(2, D21, code=True),
    make(3, D22),
    make(4, None, code=True),
]
IDS = [p.id for p in PAPERS]
CTX = Context(
    bookmarks={
        IDS[0]: bookmark(PAPERS[0], "reading", ("nlp", "lora")),
        IDS[2]: bookmark(PAPERS[2], "done", ("nlp",)),
        IDS[3]: bookmark(PAPERS[3]),
    },
    read_ids=frozenset({IDS[1], IDS[2], "title:elsewhere"}),
    new_ids=frozenset({IDS[3], IDS[4]}),
)


def selected(raw: str, papers: Sequence[Paper] = PAPERS, ctx: Context = CTX) -> list[int]:
    query = parse_query(raw)
    assert not query.has_text, "these cases are filters only"
    return [int(i) for i in np.flatnonzero(filter_mask(papers, query.filters, ctx))]


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("has:code", Filter("has", "code")),
        ("is:bookmarked", Filter("is", "bookmarked")),
        ("is:unread", Filter("is", "unread")),
        ("is:read", Filter("is", "read")),
        ("is:new", Filter("is", "new")),
        ("state:to-read", Filter("state", "to-read")),
        ("state:reading", Filter("state", "reading")),
        ("state:done", Filter("state", "done")),
        ("tag:nlp", Filter("tag", "nlp")),
        ("tag:Deep_Learning", Filter("tag", "deep_learning")),
        ("date:2025-03-21", Filter("date", "2025-03-21")),
        ("date:=2025-03-21", Filter("date", "2025-03-21")),
        ("date:>=2025-03-21", Filter("date", "2025-03-21", ">=")),
        ("date:>2025-03-21", Filter("date", "2025-03-21", ">")),
        ("date:<=2025-03-21", Filter("date", "2025-03-21", "<=")),
        ("date:<2025-03-21", Filter("date", "2025-03-21", "<")),
        ("arxiv:2503.00010", Filter("arxiv", "2503.00010")),
        ("arxiv:2503.00010v3", Filter("arxiv", "2503.00010")),
        ("arXiv:hep-th/9901001", Filter("arxiv", "hep-th/9901001")),
        ("-has:code", Filter("has", "code", negated=True)),
        ("-date:<2025-03-21", Filter("date", "2025-03-21", "<", negated=True)),
        ("HAS:Code", Filter("has", "code")),
        ("Is:NEW", Filter("is", "new")),
        ("State:Done", Filter("state", "done")),
    ],
)
def test_each_filter_parses(raw: str, expected: Filter) -> None:
    assert parse_query(raw) == Query(filters=(expected,))
    assert parse_query(str(expected)).filters == (expected,)


def test_filters_leave_the_free_text_as_it_was() -> None:
    query = parse_query('lora "low rank" -survey has:code -"video model" adapt')
    assert query.filters == (Filter("has", "code"),)
    free = parse_query('lora "low rank" -survey -"video model" adapt')
    assert dataclasses.replace(query, filters=()) == free
    assert query.raw == 'lora "low rank" -survey has:code -"video model" adapt'


def test_only_a_word_at_the_very_end_is_still_being_typed() -> None:
    # The last word matches as a prefix still being typed only if nothing follows it.
    assert parse_query("lora").words == (QueryWord("lora", True),)
    assert parse_query("lora ").words == (QueryWord("lora", False),)
    assert parse_query("lora has:code").words == (QueryWord("lora", False),)
    assert parse_query("has:code lora").words == (QueryWord("lora", True),)
    assert parse_query('has:code "open phr').phrases == (Phrase("open phr", True),)
    assert not parse_query("has:code").has_text
    assert parse_query("   ") == Query()


def test_urls_and_quoted_colons_are_free_words() -> None:
    query = parse_query('https://github.com/x/y http://a.org "ratio 1:2" -"re:search" 10:30')
    assert query.filters == ()
    assert [w.text for w in query.words] == [
        *("https", "github", "com", "x", "y", "http", "a", "org", "10", "30")
    ]
    assert query.phrases == (Phrase("ratio 1:2", False),)
    assert query.excluded_phrases == (Phrase("re:search", False),)
    assert parse_query("C++: x").filters == ()  # a key is letters only
    assert parse_query("-https://x.org").excluded_phrases == (Phrase("https://x.org", True),)


def test_several_filters_and_blank() -> None:
    query = parse_query("is:unread  date:>=2025-03-01 -tag:nlp")
    assert query.filters == (
        Filter("is", "unread"),
        Filter("date", "2025-03-01", ">="),
        Filter("tag", "nlp", negated=True),
    )
    assert not query.blank
    assert parse_query("  ").blank and Query().blank


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("foo:bar", "unknown filter 'foo:'; known: has, is, state, tag, date, arxiv"),
        ("tags:nlp", "unknown filter 'tags:'; did you mean 'tag:'? known: has, is"),
        ("lora sate:done", "did you mean 'state:'?"),
        ("-Foo:x", "unknown filter 'foo:'"),
        ("has:data", "unknown value 'has:data'; use has:code"),
        ("has:", "has: needs a value; use has:code"),
        ("is:", "is: needs a value; use is:bookmarked, is:read, is:unread, is:new"),
        ("is:starred", "unknown value 'is:starred'; use is:bookmarked, is:read, is:unread"),
        (
            "state:later",
            "unknown state 'state:later'; use state:to-read, state:reading, state:done",
        ),
        ("state:", "state: needs a value"),
        ("tag:", "tag: needs a tag name, e.g. tag:nlp"),
        ("tag:,", "tag: needs a tag name"),
        ("tag:a,b", "'tag:a,b' names 2 tags; write one per filter: tag:a tag:b"),
        ("tag:" + "x" * 41, "longer than 40 characters"),
        ("date:", "date: expects YYYY-MM-DD, YYYY-MM, YYYY, today, yesterday, -Nd or -Nw"),
        ("date:someday", "or a range A..B, not 'date:someday'"),
        ("date:2025-13", "'date:2025-13': 2025-13 is not a real day or month"),
        ("date:-7x", "date: expects YYYY-MM-DD"),
        ("date:2025-03-02..2025-03-01", "the range ends before it starts"),
        ("author:", 'author: needs a name, e.g. author:dao or author:"tri dao"'),
        ('author:""', "author: needs a name"),
        ("sort:", "sort: needs a value; use sort:rank, sort:upvotes, sort:day"),
        ("sort:stars", "unknown sort 'sort:stars'; use sort:rank"),
        ("-sort:upvotes", "'-sort:upvotes': a sort cannot be negated"),
        ("date:2025-3-1", "date: expects YYYY-MM-DD"),
        ("date:20250301", "date: expects YYYY-MM-DD"),
        ("date:=>2025-03-01", "date: expects YYYY-MM-DD"),
        ("date:2025-02-30", "'date:2025-02-30': 2025-02-30 is not a real day"),
        ("arxiv:", "arxiv: expects an arXiv id (arxiv:2403.12345)"),
        ("arxiv:12", "arxiv: expects an arXiv id"),
    ],
)
def test_malformed_terms_say_what_is_wrong(raw: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(raw)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_long_or_hostile_terms_are_shown_short_and_clean() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("is:" + "\x1b[31m" + "x" * 200)
    message = str(caught.value)
    assert "\x1b" not in message and len(message) < 160
    assert "…" in message


@given(st.text())
def test_parse_query_raises_nothing_but_query_errors(raw: str) -> None:
    try:
        query = parse_query(raw)
    except QueryError:
        return
    assert all(f.key in KEYS for f in query.filters)


_term_keys = st.sampled_from([*KEYS, "Has", "IS", "foo", "x", "tagz"])
_term_values = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.:<>=/,\\\"'", max_size=14)


@given(st.lists(st.tuples(st.booleans(), _term_keys, _term_values), max_size=5), st.text())
def test_filter_like_terms_raise_only_query_errors_and_round_trip(
    terms: list[tuple[bool, str, str]], words: str
) -> None:
    raw = " ".join(f"{'-' if neg else ''}{key}:{value}" for neg, key, value in terms)
    try:
        query = parse_query(f"{words} {raw}")
    except QueryError:
        return
    again = parse_query(" ".join(str(f) for f in query.filters))
    assert again.filters == query.filters


# --- masks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", [0, 1, 2, 3, 4]),
        ("has:code", [0, 2, 4]),
        ("-has:code", [1, 3]),
        ("is:bookmarked", [0, 2, 3]),
        ("-is:bookmarked", [1, 4]),
        ("is:read", [1, 2]),
        ("is:unread", [0, 3, 4]),
        ("-is:unread", [1, 2]),
        ("is:new", [3, 4]),
        ("-is:new", [0, 1, 2]),
        ("state:reading", [0]),
        ("state:done", [2]),
        ("state:to-read", [3]),
        ("-state:done", [0, 1, 3, 4]),
        ("tag:nlp", [0, 2]),
        ("tag:lora", [0]),
        ("tag:missing", []),
        ("-tag:nlp", [1, 3, 4]),
        ("date:2025-03-21", [1, 2]),
        ("date:>=2025-03-21", [1, 2, 3]),
        ("date:>2025-03-21", [3]),
        ("date:<=2025-03-21", [0, 1, 2]),
        ("date:<2025-03-21", [0]),
        ("-date:2025-03-21", [0, 3, 4]),  # the undated paper is not on that day
        ("-date:>=2025-03-20", [4]),
        ("date:>=2025-03-21 date:<=2025-03-21", [1, 2]),
        ("arxiv:2503.00010", [0]),
        ("arxiv:2503.00010v2", [0]),
        ("-arxiv:2503.00010", [1, 2, 3, 4]),
        ("has:code is:bookmarked -state:done", [0]),
        ("is:unread is:new has:code", [4]),
    ],
)
def test_each_filter_selects_the_right_papers(raw: str, expected: list[int]) -> None:
    assert selected(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "has:code",
        "is:read",
        "is:new",
        "state:done",
        "tag:nlp",
        "date:>2025-03-20",
        "arxiv:2503.00010",
    ],
)
def test_negation_is_the_complement(raw: str) -> None:
    both = set(selected(raw)) | set(selected(f"-{raw}"))
    assert set(selected(raw)).isdisjoint(selected(f"-{raw}"))
    assert both == set(range(len(PAPERS)))


def test_an_empty_context_bookmarks_and_reads_nothing() -> None:
    empty = Context()
    assert selected("is:bookmarked", ctx=empty) == []
    assert selected("is:unread", ctx=empty) == [0, 1, 2, 3, 4]
    assert selected("state:to-read tag:nlp", ctx=empty) == []


def test_duplicate_ids_in_a_list_are_each_selected() -> None:
    papers = [PAPERS[0], PAPERS[1], PAPERS[0], PAPERS[3]]
    assert selected("is:bookmarked", papers) == [0, 2, 3]
    assert selected("is:read", papers) == [1]
    assert selected("-is:new", papers) == [0, 1, 2]


def test_columns_are_reused_and_frozen_sets_cached() -> None:
    columns = FilterColumns(PAPERS)
    assert len(columns) == len(PAPERS)
    assert columns.has_code.tolist() == [True, False, True, False, True]
    assert np.isnat(columns.days[4])
    query = parse_query("is:new")
    first = filter_mask(PAPERS, query.filters, CTX, columns)
    assert columns.ids_mask(CTX.new_ids, "new") is columns.ids_mask(CTX.new_ids, "new")
    # A new frozenset (the app re-read its ids) is a new answer, not the cached one.
    changed = Context(new_ids=frozenset({IDS[0]}))
    assert filter_mask(PAPERS, query.filters, changed, columns).tolist() == [
        True,
        False,
        False,
        False,
        False,
    ]
    assert filter_mask(PAPERS, query.filters, CTX, columns).tolist() == first.tolist()
    # A mutable set is never cached: changing it changes the answer.
    live = {IDS[1]}
    ctx = Context(read_ids=live)
    assert filter_mask(PAPERS, parse_query("is:read").filters, ctx, columns).tolist()[1]
    live.clear()
    assert not filter_mask(PAPERS, parse_query("is:read").filters, ctx, columns).any()


def test_columns_for_another_list_are_refused() -> None:
    with pytest.raises(ValueError, match="another paper list"):
        filter_mask(PAPERS[:2], (), CTX, FilterColumns(PAPERS))


def test_an_empty_list() -> None:
    query = parse_query("lora has:code date:>=2025-01-01 is:new")
    assert filter_mask([], query.filters, CTX).tolist() == []
    assert run_query([], query, CTX, None).tolist() == []


# --- running a whole query ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def digest() -> list[Paper]:
    return parse_sources([sample_digest()], year=2025).papers


@pytest.fixture(scope="module")
def index(digest: list[Paper]) -> SearchIndex:
    return SearchIndex.build(digest)


def test_filters_alone_keep_digest_order(digest: list[Paper], index: SearchIndex) -> None:
    hits = run_query(digest, parse_query("has:code"), Context(), index)
    assert hits.dtype == np.int64
    assert hits.tolist() == [i for i, p in enumerate(digest) if p.code_url]
    assert len(hits) == 9
    assert run_query(digest, parse_query(""), Context(), index).tolist() == list(range(46))


@pytest.mark.parametrize("use_index", [True, False])
def test_free_text_keeps_search_rank_and_drops_filtered_papers(
    digest: list[Paper], index: SearchIndex, use_index: bool
) -> None:
    query = parse_query("permutation has:code")
    ranked = index.search(query).tolist()
    hits = run_query(digest, query, Context(), index if use_index else None).tolist()
    assert hits == [i for i in ranked if digest[i].code_url]
    assert len(hits) >= 2 and len(ranked) > len(hits)
    assert "PLeaS" in digest[hits[0]].title


def test_negated_filters_with_free_text_and_context(
    digest: list[Paper], index: SearchIndex
) -> None:
    ranked = index.search(parse_query("graph ")).tolist()
    read = frozenset(digest[i].id for i in ranked[:2])
    ctx = Context(read_ids=read)
    hits = run_query(digest, parse_query("graph is:unread"), ctx, index).tolist()
    assert hits == ranked[2:]
    hits = run_query(digest, parse_query("graph -is:unread"), ctx, index).tolist()
    assert hits == ranked[:2]


def test_scan_and_index_agree(digest: list[Paper], index: SearchIndex) -> None:
    for raw in ("lora -has:code", '"language model" date:2025-03-21', "diffusion is:unread"):
        query = parse_query(raw)
        assert (
            run_query(digest, query, Context(), index).tolist()
            == run_query(digest, query, Context(), None).tolist()
        )
    assert (
        scan_search(digest, parse_query("lora")).tolist()
        == index.search(parse_query("lora")).tolist()
    )


def test_a_filter_for_another_day_empties_the_digest(digest: list[Paper]) -> None:
    assert run_query(digest, parse_query("lora date:2025-03-22"), Context(), None).tolist() == []


# --- date forms (#11.11): months, years, today, yesterday, days ago ----------------------------

TODAY = dt.date(2025, 3, 22)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("date:2025-03", Filter("date", "2025-03-01..2025-03-31")),
        ("date:2024-02", Filter("date", "2024-02-01..2024-02-29")),
        ("date:2025-12", Filter("date", "2025-12-01..2025-12-31")),
        ("date:2025", Filter("date", "2025-01-01..2025-12-31")),
        ("date:>=2025-03", Filter("date", "2025-03-01", ">=")),
        ("date:>2025-03", Filter("date", "2025-03-31", ">")),
        ("date:<2025-03", Filter("date", "2025-03-01", "<")),
        ("date:<=2025", Filter("date", "2025-12-31", "<=")),
        ("date:today", Filter("date", "2025-03-22")),
        ("date:Yesterday", Filter("date", "2025-03-21")),
        ("date:>=-7d", Filter("date", "2025-03-15", ">=")),
        ("date:-1w", Filter("date", "2025-03-15")),
        ("-date:today", Filter("date", "2025-03-22", negated=True)),
        ("date:2025-03-01..2025-03-21", Filter("date", "2025-03-01..2025-03-21")),
    ],
)
def test_date_forms_parse_against_the_given_today(raw: str, expected: Filter) -> None:
    assert parse_query(raw, today=TODAY).filters == (expected,)


def test_today_comes_from_the_search_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    from papershelf.search import clock

    monkeypatch.setattr(clock, "today", lambda: dt.date(2025, 3, 21))
    assert parse_query("date:today").filters == (Filter("date", "2025-03-21"),)
    assert parse_query("date:yesterday").filters == (Filter("date", "2025-03-20"),)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("date:2025-03", [0, 1, 2, 3]),
        ("-date:2025-03", [4]),
        ("date:2025", [0, 1, 2, 3]),
        ("date:2024", []),
        ("date:today", [3]),
        ("date:yesterday", [1, 2]),
        ("date:>=-1d", [1, 2, 3]),
        ("date:<-1d", [0]),
        ("date:>2025-02", [0, 1, 2, 3]),
        ("date:<2025-03", []),
        ("date:2025-03-21..2025-03-22", [1, 2, 3]),
    ],
)
def test_date_forms_select_the_right_papers(raw: str, expected: list[int]) -> None:
    query = parse_query(raw, today=TODAY)
    assert [int(i) for i in np.flatnonzero(filter_mask(PAPERS, query.filters, CTX))] == expected


def test_author_filters_and_quoted_values_round_trip() -> None:
    query = parse_query('author:"Tri  Dao" -author:Vaswani lora')
    assert query.filters == (
        Filter("author", "tri dao"),
        Filter("author", "vaswani", negated=True),
    )
    assert [w.text for w in query.words] == ["lora"]
    assert parse_query(" ".join(map(str, query.filters))).filters == query.filters
    assert parse_query('author:"tri d').filters == (Filter("author", "tri d"),)


@given(
    st.lists(st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)), min_size=1, max_size=12),
    st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)),
    st.sampled_from(["", ">=", ">", "<=", "<"]),
)
def test_a_month_filter_is_the_days_of_that_month(
    days: list[dt.date], pick: dt.date, op: str
) -> None:
    papers = [make(i, day) for i, day in enumerate(days)]
    query = parse_query(f"date:{op}{pick:%Y-%m}")
    got = np.flatnonzero(filter_mask(papers, query.filters, Context())).tolist()
    month = (pick.year, pick.month)
    compare = {
        "": operator.eq,
        ">=": operator.ge,
        ">": operator.gt,
        "<=": operator.le,
        "<": operator.lt,
    }[op]
    assert got == [i for i, d in enumerate(days) if compare((d.year, d.month), month)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("date:2026-11-01..2026-11-15", "2026-11-01..2026-11-15"),
        ("date:2026-11..2026-12", "2026-11-01..2026-12-31"),
        ("date:-14d..-7d", "2026-11-23..2026-11-30"),
        ("date:2025..today", "2025-01-01..2026-12-07"),
    ],
)
def test_a_range_joins_any_two_date_forms(raw: str, value: str) -> None:
    (found,) = parse_query(raw, today=dt.date(2026, 12, 7)).filters
    assert (found.op, found.value) == ("=", value)


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(QueryError, match="the range ends before it starts"):
        parse_query("date:-7d..-14d", today=dt.date(2026, 12, 7))
