"""Similar papers and recommendations: quality on a hand-labelled set from the seed, the rules
(never the paper itself, best first, nothing by chance), and the CLI commands."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.cli import main
from papershelf.locations import sample_digest
from papershelf.model import Paper
from papershelf.parser import parse_sources
from papershelf.search import SearchIndex
from papershelf.search.similar import recommend, similar
from papershelf.session import find_paper

REAL = Path(__file__).parent.parent / "fixtures" / "real"
SEED = parse_sources([sample_digest()]).papers
SEED_INDEX = SearchIndex.build(SEED)

# Hand-labelled from the seed: the papers about permutations, and the papers about graphs.
PERMUTATION = {
    "Subgraph Permutation Equivariant Networks",
    "Pard: Permutation-Invariant Autoregressive Diffusion for Graph Generation",
    "PLeaS -- Merging Models with Permutations and Least Squares",
    "Analysis of Linear Mode Connectivity via Permutation-Based Weight Matching",
    "Exact Learning of Permutations for Nonzero Binary Inputs with Logarithmic Training Size"
    " and Quadratic Ensemble Complexity",
}
GRAPH = {
    "Subgraph Permutation Equivariant Networks",
    "Pard: Permutation-Invariant Autoregressive Diffusion for Graph Generation",
    "Learnable Commutative Monoids for Graph Neural Networks",
    "On the Power of the Weisfeiler-Leman Test for Graph Motif Parameters",
    "Knowledge Graph Embedding by Normalizing Flows",
    "Shortcut Partitions in Minor-Free Graphs: Steiner Point Removal, Distance Oracles, Tree"
    " Covers, and More",
}


def doc(title: str) -> int:
    return next(i for i, p in enumerate(SEED) if p.title.startswith(title))


def titles(found: list[int]) -> list[str]:
    return [SEED[i].title for i in found]


def test_the_seed_holds_the_labelled_papers() -> None:
    for title in PERMUTATION | GRAPH:
        assert doc(title) >= 0


def test_permutation_papers_find_each_other() -> None:
    found = titles([r.doc for r in similar(SEED_INDEX, SEED, doc("Subgraph Permutation"), 10)])
    assert PERMUTATION - {"Subgraph Permutation Equivariant Networks"} <= set(found)


@pytest.mark.parametrize(
    "title",
    [
        "Subgraph Permutation Equivariant Networks",
        "Learnable Commutative Monoids for Graph Neural Networks",
        "On the Power of the Weisfeiler-Leman Test for Graph Motif Parameters",
    ],
)
def test_graph_papers_find_graph_papers_first(title: str) -> None:
    found = titles([r.doc for r in similar(SEED_INDEX, SEED, doc(title), 3)])
    assert sum(t in GRAPH for t in found) >= 2, found


def test_similar_is_best_first_and_never_the_paper_itself() -> None:
    for i in range(len(SEED)):
        found = similar(SEED_INDEX, SEED, i, 10)
        assert i not in [r.doc for r in found]
        scores = [r.score for r in found]
        assert scores == sorted(scores, reverse=True)
        assert all(s > 0 for s in scores)


def test_a_copy_of_a_real_paper_is_found_first() -> None:
    """On a real capture: the same text under another id is the most similar paper."""
    papers = list(parse_sources([REAL / "obsidian-webclipper-2026-04-17.md"]).papers)
    assert len(papers) > 10
    for i in (0, len(papers) // 2, len(papers) - 1):
        copy = dataclasses.replace(papers[i], id="copy")
        corpus = [*papers, copy]
        index = SearchIndex.build(corpus)
        assert similar(index, corpus, i, 3)[0].doc == len(corpus) - 1


def test_a_paper_with_no_shared_words_has_no_similar_papers() -> None:
    papers = [
        Paper(id="a", title="Zyxwv qwerty", abstract="plonk plonk"),
        Paper(id="b", title="Alpha beta", abstract="gamma delta"),
        Paper(id="c", title="Alpha gamma", abstract="beta delta"),
    ]
    index = SearchIndex.build(papers)
    assert similar(index, papers, 0) == []
    assert [r.doc for r in similar(index, papers, 1)] == [2]


@given(st.lists(st.text(max_size=60), min_size=1, max_size=12), st.integers(0, 11))
def test_similar_never_fails_on_any_text(texts: list[str], which: int) -> None:
    papers = [Paper(id=str(i), title=t, abstract=t[::-1]) for i, t in enumerate(texts)]
    index = SearchIndex.build(papers)
    found = similar(index, papers, which % len(papers), 5)
    assert which % len(papers) not in [r.doc for r in found]


def test_recommendations_follow_the_bookmarks_and_say_why() -> None:
    liked = [doc("Subgraph Permutation"), doc("Learnable Commutative Monoids")]
    read = doc("Pard")
    found = recommend(SEED_INDEX, SEED, liked, skip=[read], limit=5)
    assert not {r.doc for r in found} & {*liked, read}
    assert set(titles([r.doc for r in found[:3]])) <= GRAPH | PERMUTATION
    assert all(r.because in liked for r in found)
    assert recommend(SEED_INDEX, SEED, [], limit=5) == []


def test_find_paper_takes_ids_arxiv_ids_and_urls() -> None:
    papers = [Paper(id="x", title="T", arxiv_id="2511.20107"), Paper(id="title:1", title="U")]
    for ref in (
        "x",
        "2511.20107",
        "2511.20107v2",
        "https://arxiv.org/abs/2511.20107v3",
        "https://arxiv.org/pdf/2511.20107",
        "https://huggingface.co/papers/2511.20107",
    ):
        assert find_paper(papers, ref) == 0, ref
    assert find_paper(papers, "title:1") == 1
    assert find_paper(papers, "2511.2010") is None
    assert find_paper(papers, "https://example.com/2511.20107") is None


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_cli_similar_and_recommend_on_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    code, listing = run("list", "--format", "json")
    assert code == 0
    ids = {p["title"]: p["id"] for p in json.loads(listing)}
    subgraph = ids["Subgraph Permutation Equivariant Networks"]
    code, text = run("similar", subgraph, "--limit", "10")
    assert code == 0
    assert text.splitlines()[0] == "like: Subgraph Permutation Equivariant Networks"
    assert "Pard: Permutation-Invariant" in text
    code, text = run("similar", subgraph, "-n", "3", "--format", "json")
    records = json.loads(text)
    assert len(records) == 3 and all(r["score"] > 0 for r in records)
    assert subgraph not in [r["id"] for r in records]

    code, text = run("recommend")
    assert code == 0 and text == ""
    assert "no bookmarks yet" in capsys.readouterr().err
    assert run("bookmarks", "add", subgraph)[0] == 0
    code, text = run("recommend", "--format", "json", "-n", "4")
    records = json.loads(text)
    assert len(records) == 4 and {r["because"] for r in records} == {subgraph}


def test_cli_similar_names_an_unknown_paper(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("similar", "2101.00001")[0] == 2
    assert capsys.readouterr().err.startswith("papershelf: error: 2101.00001: no such paper")
