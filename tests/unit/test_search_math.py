"""Search finds a title with math by what the row shows (`𝒪(log n)`, `π₀`) and by what the
author wrote (`mathcal`, `pi`), with the index, the scan and a phrase alike."""

from __future__ import annotations

import pytest

from papershelf.model import Paper, paper_id
from papershelf.search import Context, SearchIndex, parse_query, run_query

TITLES = [
    r"On the Expressivity of $\mathcal{O}(\log n)$-Depth Transformers",
    r"$\pi_0$: A Vision-Language-Action Flow Model",
    "Plain Transformers for Logistics",
]
PAPERS = [Paper(id=paper_id(t), title=t) for t in TITLES]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("log n", 0),
        ("𝒪", 0),
        ("mathcal", 0),
        ('"𝒪(log n)-depth"', 0),
        ("π₀", 1),
        ("π0", 1),
        ("pi", 1),
    ],
)
@pytest.mark.parametrize("indexed", [True, False])
def test_math_titles_match_both_forms(query: str, first: int, indexed: bool) -> None:
    index = SearchIndex.build(PAPERS) if indexed else None
    found = run_query(PAPERS, parse_query(query), Context(), index)
    assert len(found) and int(found[0]) == first
