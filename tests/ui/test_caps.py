"""Display caps: what is cut, what the cut line says, and that the data keeps it all."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from papershelf.model import SEARCH_TITLE_CHARS, Paper
from papershelf.ui import caps


@given(st.text(max_size=300), st.integers(1, 200))
def test_capped_keeps_a_prefix_and_counts_the_rest(text: str, limit: int) -> None:
    shown, more = caps.capped(text, limit)
    assert text.startswith(shown) and len(shown) == min(len(text), limit)
    if len(text) <= limit:
        assert more is None
    else:
        assert more == f"… {len(text) - limit:,} more characters (y copies the whole text)"


def test_search_links_carry_the_start_of_a_huge_title() -> None:
    paper = Paper(id="title:x", title="word " * 2_000_000)
    assert len(paper.hf_search_url) < 4 * SEARCH_TITLE_CHARS
    assert paper.arxiv_search_url.startswith("https://arxiv.org/search/?query=word+word+")
    assert len(paper.title) == 10_000_000
