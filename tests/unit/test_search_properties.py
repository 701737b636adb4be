"""Search properties over generated queries and generated paper lists (hypothesis).

The strongest check compares the index with a brute-force reading of every paper that applies
`token_match` word by word: same matches, and results ordered by the summed tiers.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import papershelf.search.postings as postings_module
from papershelf.model import Paper, paper_id
from papershelf.search import (
    QueryError,
    SearchIndex,
    highlight_spans,
    parse_query,
    scan_search,
)
from papershelf.search.query import phrase_pattern
from papershelf.search.ranking import ABSTRACT, TIERS, TITLE
from papershelf.search.terms import Level, token_match, tokens, words
from papershelf.text import fold

SAMPLE_PATH = Path(__file__).resolve().parents[2] / "assets" / "sample-digest.txt"


def load_sample() -> list[Paper]:
    """The sample's papers, through the real parser when it is there (as in test_search)."""
    try:
        from papershelf.parser import parse_sources
    except ImportError:  # pragma: no cover - only while the parser was being written
        paragraphs = [p.strip() for p in SAMPLE_PATH.read_text("utf-8").split("\n\n")]
        body = [p for p in paragraphs if p][[p for p in paragraphs if p].index("Mar 21") + 1 :]
        return [
            Paper(id=paper_id(t), title=t, abstract=a)
            for t, a in zip(body[0::2], body[1::2], strict=True)
        ]
    return parse_sources([SAMPLE_PATH]).papers


SAMPLE = load_sample()
INDEX = SearchIndex.build(SAMPLE)
VOCABULARY = sorted({w for p in SAMPLE for w in words(fold(p.title + " " + p.abstract))})
TITLE_WORDS = sorted({w for p in SAMPLE for w in words(fold(p.title))})

sample_words = st.sampled_from(VOCABULARY)
common = settings(suppress_health_check=[HealthCheck.too_slow])


@st.composite
def typo(draw: st.DrawFn, word: str) -> str:
    """`word` with one random edit (or none)."""
    if len(word) < 2 or draw(st.booleans()):
        return word
    i = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from("aeiourstnl"))
    edit = draw(st.sampled_from(["swap", "drop", "add", "change"]))
    if edit == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    if edit == "add":
        return word[:i] + letter + word[i:]
    return word[:i] + letter + word[i + 1 :]


query_words = sample_words.flatmap(typo)


def as_set(found: np.ndarray) -> set[int]:
    return set(found.tolist())


def search(index: SearchIndex, raw: str) -> np.ndarray:
    """The index's answer to `raw` typed in the filter bar, parsed as the app parses it."""
    return index.search(parse_query(raw))


def scan(papers: list[Paper], raw: str, *, titles_only: bool = False) -> np.ndarray:
    return scan_search(papers, parse_query(raw), titles_only=titles_only)


def highlight(raw: str, text: str) -> list[tuple[int, int]]:
    return highlight_spans(parse_query(raw), text)


# --------------------------------------------------------------------------------------------
# On the sample


@common
@given(st.lists(query_words, min_size=2, max_size=4), st.booleans())
def test_several_words_narrow(chosen: list[str], typing: bool) -> None:
    query = " ".join(chosen) + ("" if typing else " ")
    together = as_set(search(INDEX, query))
    for word in chosen:
        assert together <= as_set(search(INDEX, word)), word


free_text = st.text(max_size=40).filter(lambda t: ":" not in t)  # a colon may make a filter


@common
@given(free_text | st.lists(query_words, max_size=4).map(" ".join))
def test_results_are_unique_indices(query: str) -> None:
    found = search(INDEX, query)
    assert found.dtype.kind == "i"
    assert len(as_set(found)) == len(found)
    assert all(0 <= i < len(SAMPLE) for i in found.tolist())


@common
@given(st.sampled_from(["", " ", "  \t ", '"', '""', "-", " - "]))
def test_empty_query_is_digest_order(query: str) -> None:
    assert search(INDEX, query).tolist() == list(range(len(SAMPLE)))


@common
@given(st.lists(sample_words, min_size=1, max_size=3), st.booleans())
def test_scan_and_index_agree_on_exact_words(chosen: list[str], typing: bool) -> None:
    query = " ".join(chosen) + ("" if typing else " ")
    assert as_set(scan(SAMPLE, query)) == as_set(search(INDEX, query))


@common
@given(st.text() | st.text(alphabet='ab:-" /'))
def test_search_never_raises(raw: str) -> None:
    try:
        query = parse_query(raw)
    except QueryError:  # a malformed filter: the user's error, which the filter bar shows
        return
    INDEX.search(query)
    scan_search(SAMPLE, query, titles_only=True)
    highlight_spans(query, SAMPLE[0].title)


@common
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=60))
def test_tokens_are_words(text: str) -> None:
    assert [t.decode() for t in tokens(fold(text))] == words(fold(text))


# --------------------------------------------------------------------------------------------
# Highlighting


@common
@given(st.sampled_from(SAMPLE), st.data())
def test_highlight_spans_are_sorted_disjoint_and_fold_to_the_word(
    paper: Paper, data: st.DataObject
) -> None:
    title_words = words(fold(paper.title))
    word = data.draw(st.sampled_from(title_words))
    spans = highlight(word + " ", paper.title)
    check_spans(spans, paper.title)
    assert any(fold(paper.title[a:b]) == word for a, b in spans)


@common
@given(
    st.text(alphabet="aAbßẞéE\u0301İıﬁ -'Ö", min_size=1, max_size=30),
    st.text(alphabet='abseiof "-', max_size=12),
)
def test_highlight_spans_on_odd_text(text: str, query: str) -> None:
    check_spans(highlight(query, text), text)
    for word in words(fold(text)):
        spans = highlight(word + " ", text)
        check_spans(spans, text)
        assert any(fold(text[a:b]) == word for a, b in spans), (word, spans)


def check_spans(spans: list[tuple[int, int]], text: str) -> None:
    for a, b in spans:
        assert 0 <= a < b <= len(text)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end < start


# --------------------------------------------------------------------------------------------
# Against a brute-force reading of generated papers

letters = st.text(alphabet="abcdeé", min_size=1, max_size=9)
generated_text = st.lists(letters, max_size=10).map(" ".join)


@st.composite
def corpora(draw: st.DrawFn) -> list[Paper]:
    count = draw(st.integers(0, 12))
    return [
        Paper(id=paper_id(f"p{i}"), title=draw(generated_text), abstract=draw(generated_text))
        for i in range(count)
    ]


@st.composite
def generated_queries(draw: st.DrawFn, papers: list[Paper]) -> str:
    pool = sorted({w for p in papers for w in words(fold(p.title + " " + p.abstract))})
    word = st.sampled_from(pool).flatmap(typo) if pool else letters
    parts = draw(st.lists(word | letters, min_size=1, max_size=3))
    if draw(st.booleans()):
        parts.append("-" + draw(word | letters))
    if draw(st.booleans()) and pool:
        first, second = draw(st.sampled_from(pool)), draw(st.sampled_from(pool))
        parts.insert(0, f'"{first} {second}"')
    query = " ".join(draw(st.permutations(parts)))
    return query + draw(st.sampled_from(["", " "]))


def brute_force(papers: list[Paper], query: str) -> dict[int, int]:
    """Paper -> summed tier, for every paper that matches `query`, by reading each one."""
    parsed = parse_query(query)
    found: dict[int, int] = {}
    for i, paper in enumerate(papers):
        fields = [fold(paper.title), fold(paper.abstract)]
        field_words = [set(words(f)) for f in fields]
        total = 0
        for word in parsed.words:
            best = 0
            for field, these in zip((TITLE, ABSTRACT), field_words, strict=True):
                for token in these:
                    matched = token_match(word.text, word.last, token)
                    if matched:
                        best = max(best, TIERS[field, matched[0]])
            if not best:
                break
            total += best
        else:
            for phrase in parsed.phrases:
                pattern = phrase_pattern(phrase)
                if pattern.search(fields[0]):
                    total += TIERS[TITLE, Level.EXACT]
                elif pattern.search(fields[1]):
                    total += TIERS[ABSTRACT, Level.EXACT]
                else:
                    break
            else:
                everything = field_words[0] | field_words[1]
                excluded = any(
                    t.startswith(x) for x in parsed.excluded_words for t in everything
                ) or any(
                    phrase_pattern(p).search(f) for p in parsed.excluded_phrases for f in fields
                )
                if not excluded:
                    found[i] = total
    return found


@common
@given(st.data())
def test_index_matches_brute_force(data: st.DataObject) -> None:
    papers = data.draw(corpora())
    query = data.draw(generated_queries(papers))
    expected = brute_force(papers, query)
    index = SearchIndex.build(papers)
    found = search(index, query).tolist()
    assert set(found) == set(expected), query
    tiers = [expected[i] for i in found]
    assert tiers == sorted(tiers, reverse=True), query


@pytest.mark.parametrize("segment_docs", [1, 2, 5])
@common
@given(st.data())
def test_segmented_index_matches_one_segment(segment_docs: int, data: st.DataObject) -> None:
    """Tiny segments and chunks (patched by hand: hypothesis cannot share `monkeypatch`)."""
    papers = data.draw(corpora())
    query = data.draw(generated_queries(papers))
    whole = search(SearchIndex.build(papers), query).tolist()
    saved = postings_module.SEGMENT_DOCS, postings_module.CHUNK_DOCS
    postings_module.SEGMENT_DOCS, postings_module.CHUNK_DOCS = segment_docs, 1
    try:
        cut = search(SearchIndex.build(papers), query).tolist()
    finally:
        postings_module.SEGMENT_DOCS, postings_module.CHUNK_DOCS = saved
    assert cut == whole, query
