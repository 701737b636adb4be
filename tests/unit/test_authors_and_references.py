"""Authors in search (#11.5) and papers named by id or URL (#11.6)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.cli import main
from papershelf.model import Paper, paper_id
from papershelf.search import Context, SearchIndex, parse_query, run_query
from papershelf.session import load
from papershelf.store import Store
from papershelf.urls import referenced_arxiv_id

REAL = "tests/fixtures/real/api-daily-papers-2024-10-25.json"
DAILY = "tests/fixtures/daily_papers.json"


def make(title: str, authors: tuple[str, ...] = (), abstract: str = "", arxiv: str = "") -> Paper:
    return Paper(
        id=paper_id(title, arxiv or None),
        title=title,
        abstract=abstract,
        authors=authors,
        arxiv_id=arxiv or None,
    )


PAPERS = [
    make("Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer"), arxiv="1706.03762"),
    make("FlashAttention-2: Faster Attention", ("Tri Dao",), arxiv="2307.08691"),
    make("Mamba: Linear-Time Sequence Modeling", ("Albert Gu", "Tri Dao"), arxiv="2312.00752"),
    make("The Dao of Scaling", ("Jane Roe",), abstract="A tribute to tri-level scaling."),
    make("Transformers in Practice", ("Tri Nguyen", "Minh Dao")),
    make("Citing a Classic", ("Jane Roe",), abstract="We build on arXiv:2307.08691 directly."),
    make("Zürich Models", ("Jürgen Müller",)),
]


def titles(raw: str, papers: list[Paper] = PAPERS) -> list[str]:
    found = run_query(papers, parse_query(raw), Context(), SearchIndex.build(papers))
    return [papers[i].title for i in found]


# --- authors --------------------------------------------------------------------------------


def test_a_surname_finds_the_paper_by_its_author() -> None:
    assert titles("vaswani") == ["Attention Is All You Need"]
    assert titles("vaswany") == ["Attention Is All You Need"]  # a typo in a surname


def test_a_title_match_outranks_an_author_only_match() -> None:
    found = titles("dao")
    assert found[0] == "The Dao of Scaling"
    assert set(found[1:]) == {
        "FlashAttention-2: Faster Attention",
        "Mamba: Linear-Time Sequence Modeling",
        "Transformers in Practice",
    }


def test_two_names_typed_as_words_find_their_papers() -> None:
    found = titles("Tri Dao")
    assert "FlashAttention-2: Faster Attention" in found
    assert "Mamba: Linear-Time Sequence Modeling" in found


def test_author_filter_is_folded_typo_tolerant_and_keeps_a_name_together() -> None:
    assert titles("author:dao") == [
        "FlashAttention-2: Faster Attention",
        "Mamba: Linear-Time Sequence Modeling",
        "Transformers in Practice",
    ]
    # Tri Nguyen and Minh Dao are two people: "tri dao" is one.
    assert titles('author:"tri dao"') == [
        "FlashAttention-2: Faster Attention",
        "Mamba: Linear-Time Sequence Modeling",
    ]
    assert titles("author:muller") == ["Zürich Models"]  # accents fold
    assert titles("author:mueller") == ["Zürich Models"]  # one edit away
    assert titles("author:vasvani") == ["Attention Is All You Need"]
    assert titles("-author:dao author:roe") == ["The Dao of Scaling", "Citing a Classic"]
    assert titles("author:dao mamba") == ["Mamba: Linear-Time Sequence Modeling"]
    assert titles("author:ao") == []  # never inside a name


def test_author_filter_without_an_index_and_in_the_real_capture() -> None:
    papers = list(load([REAL], store=None).papers)
    query = parse_query("author:lidong")
    found = run_query(papers, query, Context(), None)
    assert [papers[i].arxiv_id for i in found] == ["2410.17243"]
    daily = list(load([DAILY], store=None).papers)
    assert [
        p.arxiv_id
        for p in (
            daily[i]
            for i in run_query(daily, parse_query('author:"lucia ferrer"'), Context(), None)
        )
    ] == ["2503.18101"]
    assert [
        daily[i].arxiv_id for i in run_query(daily, parse_query("kobayasi"), Context(), None)
    ] == ["2503.16020"]


def test_a_phrase_does_not_join_two_people() -> None:
    assert titles('"gu tri"') == []
    assert titles('"albert gu"') == ["Mamba: Linear-Time Sequence Modeling"]


# --- ids and URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2307.08691",
        "2307.08691v2",
        "https://arxiv.org/abs/2307.08691",
        "https://arxiv.org/abs/2307.08691v3",
        "http://arxiv.org/pdf/2307.08691v1",
        "arxiv.org/pdf/2307.08691.pdf",
        "https://www.arxiv.org/abs/2307.08691?context=cs",
        "https://huggingface.co/papers/2307.08691",
        "huggingface.co/papers/2307.08691#community",
    ],
)
def test_every_form_of_a_reference_names_the_paper(text: str) -> None:
    assert referenced_arxiv_id(text) == "2307.08691"
    # Its paper first, then the one citing it; nothing else.
    assert titles(text) == ["FlashAttention-2: Faster Attention", "Citing a Classic"]


@pytest.mark.parametrize(
    "text",
    ["2307", "23.07", "https://example.org/abs/2307.08691", "arxiv:2307.08691", "lora"],
)
def test_what_is_not_a_reference(text: str) -> None:
    assert referenced_arxiv_id(text) is None


def test_a_reference_with_words_and_old_style_ids() -> None:
    assert titles("https://arxiv.org/abs/2312.00752v1")[0] == "Mamba: Linear-Time Sequence Modeling"
    assert titles("1706.03762 attention") == ["Attention Is All You Need"]
    assert referenced_arxiv_id("https://arxiv.org/abs/hep-th/9901001v2") == "hep-th/9901001"
    assert parse_query("2307.08691 2312.00752").references == ("2307.08691", "2312.00752")
    assert titles("2307.08691 2312.00752")[:2] == [
        "FlashAttention-2: Faster Attention",
        "Mamba: Linear-Time Sequence Modeling",
    ]


def test_an_unknown_id_finds_what_cites_it_or_nothing() -> None:
    assert titles("2501.99999") == []


def test_bookmarks_add_takes_every_form(tmp_path: Path) -> None:
    out = io.StringIO()
    forms = [
        "2503.18101v2",
        "https://arxiv.org/abs/2503.17755",
        "https://huggingface.co/papers/2503.16020",
    ]
    assert main(["bookmarks", "add", *forms, "--from", DAILY], out=out) == 0
    with Store() as store:
        assert store.bookmarked_ids() >= {
            "arxiv:2503.18101",
            "arxiv:2503.17755",
            "arxiv:2503.16020",
        }
    assert out.getvalue().count("bookmarked arxiv:") == 3


def test_bookmarks_add_names_a_reference_it_cannot_find(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bookmarks", "add", "https://arxiv.org/abs/2501.99999", "--from", DAILY]) == 2
    err = capsys.readouterr().err
    assert err.startswith("papershelf: error: no paper with id https://arxiv.org/abs/2501.99999")
    assert "Traceback" not in err


_NAMES = st.lists(
    st.text(alphabet="abcdeéklmnorstuz -", min_size=1, max_size=12), min_size=0, max_size=4
)


@given(
    st.lists(_NAMES, min_size=1, max_size=6),
    st.text(alphabet="abcdeklmnorstu", min_size=1, max_size=7),
)
def test_a_one_word_author_filter_is_token_match_on_the_names(
    authors: list[list[str]], word: str
) -> None:
    """The index's answer for `author:WORD` is the one-term rule applied to every name word."""
    from papershelf.search.terms import Level, token_match, words
    from papershelf.text import fold

    papers = [make(f"Paper {i}", tuple(names)) for i, names in enumerate(authors)]
    found = run_query(papers, parse_query(f"author:{word}"), Context(), SearchIndex.build(papers))

    def holds(paper: Paper) -> bool:
        return any(
            (hit := token_match(word, True, token)) is not None and hit[0] != Level.INFIX
            for name in paper.authors
            for token in words(fold(name))
        )

    assert sorted(found.tolist()) == [i for i, p in enumerate(papers) if holds(p)]
