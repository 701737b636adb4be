"""The real API captures (tests/fixtures/real, see SOURCES.md sections 3, 8, 9) parse to the
values SOURCES.md lists, in both item generations; hostile JSON is one `UserError` line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from papershelf.errors import UserError
from papershelf.model import Paper
from papershelf.parser import parse_hf_json

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"


def parse(name: str) -> list[Paper]:
    return parse_hf_json((REAL / name).read_text(encoding="utf-8"), source=name).papers


def test_the_2024_shape_lists_on_the_items_publishedAt() -> None:
    first, second = parse("api-daily-papers-2024-10-25.json")
    assert first.arxiv_id == "2410.17243"
    assert first.title == (
        "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    )
    assert first.date == dt.date(2024, 10, 25)  # listing day: the item's publishedAt
    assert first.published_on == dt.date(2024, 10, 22)  # arXiv day: paper.publishedAt
    assert (first.upvotes, first.num_comments, first.submitted_by) == (64, 3, "ClownRat")
    assert len(first.authors) == 9 and first.hidden_authors == 0
    assert first.abstract.startswith("Contrastive loss is a powerful approach for representation l")
    assert first.ai_summary is None and first.ai_keywords == () and first.organization is None
    assert second.arxiv_id == "2410.16251"
    assert (second.date, second.published_on) == (dt.date(2024, 10, 25), dt.date(2024, 10, 21))
    assert (second.upvotes, second.num_comments, second.submitted_by) == (41, 2, "canyuchen")
    assert len(second.authors) == 5


def test_the_2026_shape_lists_on_submittedOnDailyAt() -> None:
    (paper,) = parse("api-daily-papers-item-2026-02.json")
    assert paper.arxiv_id == "2602.23229"
    assert paper.title == "Large Multimodal Models as General In-Context Classifiers"
    # The top-level publishedAt (2026-02-26T12:08Z) is an arXiv time here, not the listing day.
    assert paper.date == dt.date(2026, 3, 6)
    assert paper.published_on == dt.date(2026, 2, 26)
    assert paper.abstract.startswith("Which multimodal model should we use for classification? Pre")
    assert paper.ai_summary is not None
    summary_start = "Large Multimodal Models demonstrate superior performance in "
    assert paper.ai_summary.startswith(summary_start)
    assert len(paper.ai_keywords) == 9
    assert (paper.ai_keywords[0], paper.ai_keywords[-1]) == (
        "Vision-Language Models",
        "context refinement",
    )
    assert (paper.upvotes, paper.num_comments, paper.github_stars) == (10, 1, 9)
    assert paper.authors == (
        "Marco Garosi",
        "Matteo Farina",
        "Alessandro Conti",
        "Massimiliano Mancini",
        "Elisa Ricci",
    )
    assert paper.submitted_by == "marco-garosi"
    assert paper.organization == "Multimedia and Human Understanding Group"
    assert paper.code_url == "https://github.com/marco-garosi/CIRCLE"
    assert paper.project_url == "https://circle-lmm.github.io/"


def test_a_paper_object_from_the_paper_page() -> None:
    (paper,) = parse("api-paper-2407.13168-embedded.json")
    assert paper.arxiv_id == "2407.13168"
    assert paper.title == "SciCode: A Research Coding Benchmark Curated by Scientists"
    assert (paper.date, paper.published_on) == (dt.date(2024, 7, 22), dt.date(2024, 7, 18))
    assert paper.ai_keywords == (
        "language models",
        "coding benchmark",
        "knowledge recall",
        "reasoning",
        "code synthesis",
        "scientific AI",
    )
    assert paper.submitted_by == "amber1120"
    assert paper.upvotes == 17
    assert len(paper.authors) == 30
    assert (paper.authors[0], paper.authors[-1]) == ("Minyang Tian", "Hao Peng")
    assert paper.authors[2] == "Shizhuo Dylan Zhang"  # `name`, not `user.fullname`


def test_hidden_authors_are_counted_not_named() -> None:
    item = {
        "paper": {
            "id": "2601.00001",
            "title": "T",
            "authors": [
                {"name": "Shown", "hidden": False},
                {"name": "Hidden One", "hidden": True},
                {"name": "Also Shown"},
            ],
            "submittedOnDailyAt": "2026-01-05T10:00:00.000Z",
            "numTotalModels": 4,
            "linkedDatasets": [{"id": "a"}, {"id": "b"}],
            "linkedSpaces": [],
        },
        "publishedAt": "2026-01-01T00:00:00.000Z",
    }
    (paper,) = parse_hf_json(json.dumps([item])).papers
    assert paper.authors == ("Shown", "Also Shown")
    assert paper.hidden_authors == 1
    assert (paper.num_models, paper.num_datasets, paper.num_spaces) == (4, 2, 0)
    assert paper.date == dt.date(2026, 1, 5)


def test_new_fields_round_trip_and_old_records_still_load() -> None:
    (paper,) = parse("api-daily-papers-item-2026-02.json")
    assert Paper.from_dict(json.loads(json.dumps(paper.to_dict()))) == paper
    old = {"id": "arxiv:1", "title": "Old", "date": "2024-01-01", "upvotes": 3}
    loaded = Paper.from_dict(old)
    assert (loaded.published_on, loaded.ai_keywords, loaded.hidden_authors) == (None, (), 0)


def test_lone_surrogates_become_replacement_characters() -> None:
    text = '[{"paper": {"id": "2601.00002", "title": "Bad \\ud800 title", "summary": "x\\udfff"}}]'
    (paper,) = parse_hf_json(text).papers
    assert paper.title == "Bad \ufffd title"
    paper.title.encode("utf-8")  # no lone surrogate left to break a write
    assert "\ufffd" in paper.abstract


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('[{"paper": {"id": "1", "title": "T", "upvotes": ' + "9" * 5000 + "}}]", "digits"),
        ('[{"paper": {"id": "1", "title": "T", "upvotes": ' + "9" * 40 + "}}]", "digits"),
    ],
    ids=["deep", "huge-int", "long-int"],
)
def test_hostile_json_is_one_user_error(text: str, problem: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_hf_json(text, source="x.json")
    message = str(caught.value)
    assert problem in message and "\n" not in message


def test_counts_out_of_range_are_dropped() -> None:
    text = '[{"paper": {"id": "1", "title": "T", "upvotes": -3, "githubStars": 1e400}}]'
    (paper,) = parse_hf_json(text).papers
    assert (paper.upvotes, paper.github_stars) == (None, None)
