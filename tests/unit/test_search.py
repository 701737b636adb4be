"""Search: quality on the bundled sample, the query language, ranking rules, highlighting,
and the index's storage (segments, save/load)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import papershelf.search.postings as postings_module
import papershelf.search.terms as terms_module
from papershelf.model import Paper, paper_id
from papershelf.search import (
    Phrase,
    QueryWord,
    SearchIndex,
    highlight_spans,
    parse_query,
    scan_search,
)
from papershelf.search.terms import Level, token_match
from papershelf.search.vocabulary import Vocabulary
from papershelf.text import fold

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample-digest.txt"


def load_sample() -> list[Paper]:
    """The sample's papers, through the real parser when it is there."""
    try:
        from papershelf.parser import parse_sources
    except ImportError:  # pragma: no cover - only while the parser was being written
        paragraphs = [p.strip() for p in SAMPLE.read_text("utf-8").split("\n\n") if p.strip()]
        body = paragraphs[paragraphs.index("Mar 21") + 1 :]
        return [
            Paper(id=paper_id(t), title=t, abstract=a)
            for t, a in zip(body[0::2], body[1::2], strict=True)
        ]
    return parse_sources([SAMPLE]).papers


@pytest.fixture(scope="module")
def sample() -> list[Paper]:
    return load_sample()


@pytest.fixture(scope="module")
def index(sample: list[Paper]) -> SearchIndex:
    return SearchIndex.build(sample)


def titles(papers: list[Paper], found: np.ndarray) -> list[str]:
    return [papers[i].title for i in found.tolist()]


def paper(title: str, abstract: str = "") -> Paper:
    return Paper(id=paper_id(title), title=title, abstract=abstract)


def search(index: SearchIndex, raw: str) -> np.ndarray:
    """The index's answer to `raw` typed in the filter bar, parsed as the app parses it."""
    return index.search(parse_query(raw))


def scan(papers: list[Paper], raw: str, *, titles_only: bool = False) -> np.ndarray:
    return scan_search(papers, parse_query(raw), titles_only=titles_only)


def highlight(raw: str, text: str) -> list[tuple[int, int]]:
    return highlight_spans(parse_query(raw), text)


# --------------------------------------------------------------------------------------------
# Quality on the sample: the first result of each query.

QUALITY = [
    # typos in several words
    ("permutaton equivarant", "Subgraph Permutation Equivariant Networks"),
    ("masked diffusoin", "Masked Diffusion Models are Secretly Time-Agnostic"),  # swapped letters
    ("quantm algorithm", "Less Quantum, More Advantage"),
    ("programing puzzles", "Programming Puzzles"),
    ("Differentail privacy", "The Price of Differential Privacy under Continual Observation"),
    # accents fold
    ("schrodinger", "Light Schrödinger Bridge"),
    ("Schrödinger bridges", "Light Schrödinger Bridge"),
    # words only in an abstract
    ("salesman", 'Rethinking the "Heatmap + Monte Carlo Tree Search"'),
    ("shadowy", "LeMo: Enabling LEss Token Involvement"),
    ("tsp heatmap", 'Rethinking the "Heatmap + Monte Carlo Tree Search"'),
    # the last word is a prefix still being typed
    ("retrosynth", "UAlign: Pushing the Limit of Template-free Retrosynthesis Prediction"),
    ("halfspace", "An Efficient Tester-Learner for Halfspaces"),
    # several words
    ("graph neural", "Learnable Commutative Monoids for Graph Neural Networks"),
    ("weisfeiler leman", "On the Power of the Weisfeiler-Leman Test for Graph Motif Parameters"),
    ("rust c", "Compiling C to Safe Rust, Formalized"),
    ("lora", "Merging LoRAs like Playing LEGO"),
    ("LORA merging", "Merging LoRAs like Playing LEGO"),
    ("feynman-kac", "Feynman-Kac Correctors in Diffusion"),
    # whole word in a title beats the same letters inside a word ("XGrammar")
    ("grammar", "SynCode: LLM Generation with Grammar Augmentation"),
    ("sarathi", "Taming Throughput-Latency Tradeoff in LLM Inference with Sarathi-Serve"),
    # phrases, closed and still open
    ('"monte carlo"', 'Rethinking the "Heatmap + Monte Carlo Tree Search"'),
    ('"private synthetic', "Generating Private Synthetic Data with Genetic Algorithms"),
    ('"neural networks" permutation', "Subgraph Permutation Equivariant Networks"),
    # exclusions
    ("permutation -graph", "Analysis of Linear Mode Connectivity via Permutation-Based Weight"),
    ("llm reasoning -code", "Bridging Internal Probability and Self-Consistency"),
]


@pytest.mark.parametrize(("query", "first"), QUALITY)
def test_first_result(sample: list[Paper], index: SearchIndex, query: str, first: str) -> None:
    found = search(index, query)
    assert len(found), f"{query!r} found nothing"
    assert sample[found[0]].title.startswith(first)


@pytest.mark.parametrize(("query", "first"), QUALITY)
def test_scan_gives_the_same_results(
    sample: list[Paper], index: SearchIndex, query: str, first: str
) -> None:
    assert scan(sample, query).tolist() == search(index, query).tolist()


def test_lora_does_not_match_load_or_local(sample: list[Paper], index: SearchIndex) -> None:
    found = set(search(index, "lora").tolist())
    with_load = {
        i
        for i, p in enumerate(sample)
        if re.search(r"\b(load|local)\b", fold(p.title + " " + p.abstract))
        and "lora" not in fold(p.title + " " + p.abstract)
    }
    assert with_load, "the sample should have papers with 'load' or 'local' to test this"
    assert not found & with_load
    assert titles(sample, search(index, "lora"))[0].startswith("Merging LoRAs")


def test_lora_in_the_vocabulary() -> None:
    vocabulary = Vocabulary(sorted(["load", "local", "lora", "loras", "flora", "lord"]))
    match = vocabulary.match("lora", last=True)
    terms = vocabulary.terms
    assert terms[match.exact] == "lora"
    assert terms[match.prefix[0] : match.prefix[1]] == ["loras"]
    assert sorted(terms[i] for i in match.fuzzy) == ["flora", "lord"]
    assert not len(match.fuzzy_prefix) and not len(match.infix)


# --------------------------------------------------------------------------------------------
# Matching rules


@pytest.mark.parametrize(
    ("word", "last", "token", "level"),
    [
        ("graph", False, "graph", Level.EXACT),
        ("graph", False, "graphs", Level.PREFIX),
        ("cat", False, "cut", None),  # <= 3 letters: no typos
        ("lira", False, "lora", Level.FUZZY),  # 4-7 letters: one
        ("modle", False, "model", Level.FUZZY),  # a swap of neighbours is one edit
        ("lora", False, "load", None),
        ("permutaton", False, "permutations", Level.FUZZY),  # >= 8 letters: two
        ("permutatn", False, "permutations", None),  # three
        ("pernu", True, "permutation", Level.FUZZY_PREFIX),  # typed prefix of 5-8: one
        ("pernu", False, "permutation", None),  # ... only while being typed
        ("lorx", True, "loras", None),  # typed prefix of <= 4: none
        ("equivarant", True, "equivariance", Level.FUZZY_PREFIX),
        ("graph", False, "subgraph", Level.INFIX),  # 5+ letters also match mid-word
        ("raph", False, "subgraph", None),
        ("", True, "anything", None),
    ],
)
def test_token_match_levels(word: str, last: bool, token: str, level: Level | None) -> None:
    found = token_match(word, last, token)
    assert (found[0] if found else None) == level


def test_budgets_follow_the_design() -> None:
    assert [terms_module.whole_budget(n) for n in (1, 3, 4, 7, 8, 20)] == [0, 0, 1, 1, 2, 2]
    assert [terms_module.prefix_budget(n) for n in (1, 4, 5, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]


def test_vocabulary_match_agrees_with_token_match(sample: list[Paper]) -> None:
    terms = sorted(
        {w for p in sample for w in terms_module.words(fold(p.title + " " + p.abstract))}
    )
    vocabulary = Vocabulary(terms)
    for word in [
        "permutaton",
        "equivarant",
        "lora",
        "graph",
        "modles",
        "retrosynth",
        "netwrk",
        "s",
    ]:
        for last in (False, True):
            match = vocabulary.match(word, last)
            got: dict[str, Level] = {}
            if match.exact >= 0:
                got[terms[match.exact]] = Level.EXACT
            got.update((t, Level.PREFIX) for t in terms[match.prefix[0] : match.prefix[1]])
            for level, ids in (
                (Level.FUZZY, match.fuzzy),
                (Level.FUZZY_PREFIX, match.fuzzy_prefix),
                (Level.INFIX, match.infix),
            ):
                for i in ids.tolist():
                    assert terms[i] not in got, (word, terms[i])
                    got[terms[i]] = level
            expected = {}
            for term in terms:
                found = token_match(word, last, term)
                if found:
                    expected[term] = found[0]
            assert got == expected, (word, last)


# --------------------------------------------------------------------------------------------
# The query language


def test_parse_words_phrases_and_exclusions() -> None:
    query = parse_query('Graph "Monte  Carlo" -Tree -"fine tuning" title/lora neur')
    assert query.words == (
        QueryWord("graph", False),
        QueryWord("title", False),
        QueryWord("lora", False),
        QueryWord("neur", True),
    )
    assert query.phrases == (Phrase("monte carlo", False),)
    assert query.excluded_words == ("tree",)
    assert query.excluded_phrases == (Phrase("fine tuning", False),)


def test_parse_trailing_blank_ends_the_last_word() -> None:
    assert parse_query("neur ").words == (QueryWord("neur", False),)
    assert parse_query("fine-").words == (QueryWord("fine", False),)
    assert parse_query("fine-tu").words == (QueryWord("fine", False), QueryWord("tu", True))


def test_parse_unbalanced_quote_runs_to_the_end() -> None:
    assert parse_query('graph "monte car').phrases == (Phrase("monte car", True),)
    assert parse_query('graph "monte ').phrases == (Phrase("monte", False),)
    assert parse_query('"').blank
    assert parse_query('"" - -- "!?"').blank


def test_hyphenated_exclusion_is_a_phrase() -> None:
    assert parse_query("-fine-tuning").excluded_phrases == (Phrase("fine-tuning", True),)


def test_blank_query_is_digest_order(sample: list[Paper], index: SearchIndex) -> None:
    for query in ("", "   ", '"', "-", "!!!"):
        assert search(index, query).tolist() == list(range(len(sample)))
        assert scan(sample, query).tolist() == list(range(len(sample)))


def test_punctuation_separates_words(sample: list[Paper], index: SearchIndex) -> None:
    expected = search(index, "merging lora").tolist()
    for raw in ("merging/lora", "merging.lora", "merging://lora"):
        assert search(index, raw).tolist() == expected, raw


def test_phrase_needs_adjacent_words_on_word_edges(sample: list[Paper], index: SearchIndex) -> None:
    heatmap = [i for i, p in enumerate(sample) if p.title.startswith("Rethinking")]
    assert set(heatmap) <= set(search(index, '"monte carlo tree"').tolist())
    assert set(heatmap) <= set(search(index, '"MONTE   carlo"').tolist())
    assert not len(search(index, '"carlo monte"'))
    assert not len(search(index, '"onte carlo"'))  # starts mid-word
    assert not len(search(index, '"monte carl"'))  # closed: ends mid-word
    assert set(heatmap) <= set(search(index, '"monte carl').tolist())  # open: still typing


def test_phrase_edges_are_checked_in_the_text() -> None:
    # Every word of the phrase occurs as a word somewhere, but not on the phrase's edges.
    papers = [paper("Monte Carlo and Carl", "onte"), paper("A Monte Carl story")]
    index = SearchIndex.build(papers)
    assert titles(papers, search(index, '"monte carl"')) == ["A Monte Carl story"]
    assert titles(papers, search(index, '"onte carl')) == []
    assert titles(papers, search(index, '"monte carl')) == [p.title for p in papers]


def test_phrase_folds_accents(sample: list[Paper], index: SearchIndex) -> None:
    assert titles(sample, search(index, '"LIGHT schrodinger"')) == ["Light Schrödinger Bridge"]


def test_exclusion_is_exact_or_prefix_not_fuzzy(sample: list[Paper], index: SearchIndex) -> None:
    with_graph = set(search(index, "permutation").tolist())
    without = set(search(index, "permutation -graph").tolist())
    assert without < with_graph
    for i in without:
        text = fold(sample[i].title + " " + sample[i].abstract)
        assert not any(w.startswith("graph") for w in terms_module.words(text))
    assert set(search(index, "permutation -grap").tolist()) == without  # a prefix excludes
    assert set(search(index, "permutation -grahp").tolist()) == with_graph  # a typo does not


# --------------------------------------------------------------------------------------------
# Ranking rules on small hand-made lists


def ranked(papers: list[Paper], query: str) -> list[str]:
    return titles(papers, search(SearchIndex.build(papers), query))


def test_title_beats_abstract_only() -> None:
    papers = [paper("Alpha", "all about graph things"), paper("Graph beta", "nothing")]
    assert ranked(papers, "graph") == ["Graph beta", "Alpha"]


def test_title_typo_beats_abstract_exact() -> None:
    papers = [paper("Alpha", "graph"), paper("Grapf beta")]
    assert ranked(papers, "graph ") == ["Grapf beta", "Alpha"]


def test_whole_word_beats_word_start_beats_typo_beats_mid_word() -> None:
    papers = [
        paper("Subgraph one"),
        paper("Grapf two"),
        paper("Graphs three"),
        paper("Graph four"),
    ]
    assert ranked(papers, "graph") == ["Graph four", "Graphs three", "Grapf two", "Subgraph one"]


def test_exact_beats_typo_across_words() -> None:
    papers = [paper("Modle netwrok"), paper("Model network")]
    assert ranked(papers, "model network ") == ["Model network", "Modle netwrok"]


def test_more_words_in_the_title_rank_higher() -> None:
    papers = [
        paper("Graph things", "about neural stuff"),
        paper("Graph neural things", "nothing"),
    ]
    assert ranked(papers, "graph neural") == ["Graph neural things", "Graph things"]


def test_ties_keep_digest_order() -> None:
    papers = [paper(f"Same title {n}", "same abstract") for n in "abcdef"]
    assert ranked(papers, "same") == [p.title for p in papers]


def test_term_frequency_orders_within_a_tier() -> None:
    papers = [
        paper("LoRA noise one", "unrelated words here"),
        paper("LoRA the real one", "LoRA adapters: LoRA merging of LoRA modules with LoRA"),
        paper("LoRA noise two", "unrelated words there"),
    ]
    assert ranked(papers, "lora")[0] == "LoRA the real one"


def test_every_word_must_match(sample: list[Paper], index: SearchIndex) -> None:
    both = set(search(index, "graph neural").tolist())
    assert both <= set(search(index, "graph").tolist()) & set(search(index, "neural").tolist())
    assert not len(search(index, "lora xyzzyq"))


def test_titles_only_index_ignores_abstracts(sample: list[Paper]) -> None:
    titles_index = SearchIndex.build(sample, titles_only=True)
    assert titles_index.titles_only
    assert not len(search(titles_index, "salesman"))
    assert not len(scan(sample, "salesman", titles_only=True))
    expected = search(titles_index, "graph").tolist()
    assert scan(sample, "graph", titles_only=True).tolist() == expected
    assert scan(sample, "graph", titles_only=True).tolist() == expected  # reused
    assert len(titles_index) == len(sample)


def test_scan_follows_the_list_it_is_given() -> None:
    first = [paper("Graph one"), paper("Other")]
    second = [paper("Other"), paper("Graph two"), paper("Graph three")]
    for titles_only in (True, False):
        assert scan(first, "graph", titles_only=titles_only).tolist() == [0]
        assert scan(second, "graph", titles_only=titles_only).tolist() == [1, 2]
        assert scan(first, "graph", titles_only=titles_only).tolist() == [0]


def test_empty_corpus() -> None:
    empty = SearchIndex.build([])
    assert len(empty) == 0
    assert search(empty, "anything").tolist() == []
    assert search(empty, "").tolist() == []


def test_results_are_int_indices_without_duplicates(index: SearchIndex) -> None:
    found = search(index, "the")
    assert found.dtype.kind == "i"
    assert len(set(found.tolist())) == len(found)


# --------------------------------------------------------------------------------------------
# Storage: segments, chunks, save and load


def test_many_segments_and_chunks_give_the_same_results(
    sample: list[Paper], index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postings_module, "SEGMENT_DOCS", 8)
    monkeypatch.setattr(postings_module, "CHUNK_DOCS", 3)
    small = SearchIndex.build(sample)
    for query, _ in QUALITY:
        assert search(small, query).tolist() == search(index, query).tolist(), query
    for query in ("s", "graph neural netw", "the", '"of the"', "-the"):
        assert search(small, query).tolist() == search(index, query).tolist(), query


def test_save_and_load(tmp_path: Path, sample: list[Paper], index: SearchIndex) -> None:
    path = tmp_path / "index.npz"
    index.save(path, "key-1")
    loaded = SearchIndex.load(path, sample, "key-1")
    assert loaded is not None
    for query in ("permutaton equivarant", "lora", '"monte carlo"', "-graph permutation"):
        assert search(loaded, query).tolist() == search(index, query).tolist()
    assert SearchIndex.load(path, sample, "key-2") is None
    assert SearchIndex.load(path, sample[:-1], "key-1") is None
    assert SearchIndex.load(tmp_path / "missing.npz", sample, "key-1") is None
    path.write_bytes(b"not an index")
    assert SearchIndex.load(path, sample, "key-1") is None


def test_load_rejects_a_damaged_array(
    tmp_path: Path, sample: list[Paper], index: SearchIndex
) -> None:
    path = tmp_path / "index.npz"
    index.save(path, "k")
    with np.load(path) as data:
        arrays = dict(data.items())
    damaged = {
        "docs1_0": arrays["docs1_0"][:-1],
        "offsets0_0": arrays["offsets0_0"][::-1].copy(),
        "codes": arrays["codes"][:, :-1],
        "idf1": arrays["idf1"].astype(np.float64),
    }
    for name, array in damaged.items():
        np.savez(path, **dict(arrays, **{name: array}))
        assert SearchIndex.load(path, sample, "k") is None, name
    np.savez(path, **arrays)
    assert SearchIndex.load(path, sample, "k") is not None


# --------------------------------------------------------------------------------------------
# Highlighting


def test_highlight_words_and_prefixes() -> None:
    title = "Merging LoRAs like Playing LEGO: Pushing the Modularity of LoRA"
    spans = highlight("lora merg", title)
    assert [title[a:b] for a, b in spans] == ["Merg", "LoRA", "LoRA"]


def test_highlight_typos_cover_the_word() -> None:
    title = "Subgraph Permutation Equivariant Networks"
    spans = highlight("permutaton equivarant", title)
    assert [title[a:b] for a, b in spans] == ["Permutation", "Equivariant"]


def test_highlight_maps_back_through_folding() -> None:
    assert highlight("schrodinger", "Light Schrödinger Bridge") == [(6, 17)]
    decomposed = "Light Schro\u0308dinger Bridge"
    assert highlight("schrodinger", decomposed) == [(6, 18)]  # the accent comes along
    text = "Die Straße und die Strasse"
    assert [text[a:b] for a, b in highlight("strasse", text)] == ["Straße", "Strasse"]
    assert highlight("bridge", "ﬁne Bridge") == [(4, 10)]  # a ligature before it


def test_highlight_phrases_and_not_exclusions() -> None:
    title = 'Rethinking the "Heatmap + Monte Carlo Tree Search" Paradigm'
    spans = highlight('"monte carlo" -tree', title)
    assert [title[a:b] for a, b in spans] == ["Monte Carlo"]
    assert highlight("", title) == []
    assert highlight("-monte", title) == []


def test_highlight_merges_overlaps() -> None:
    title = "Monte Carlo Tree"
    assert highlight('"monte carlo" monte carl', title) == [(0, 11)]
