"""The detail pane shows what the API adds: both days, organisation, stars, comments, the AI
summary and keywords, all as plain text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from textual._context import active_app
from textual.app import App

from papershelf.model import Paper
from papershelf.ui.detail import render_paper


@pytest.fixture(autouse=True)
def app_context() -> Iterator[None]:
    """Theme variables such as `$accent` resolve against the active app."""
    token = active_app.set(App())
    try:
        yield
    finally:
        active_app.reset(token)


def api_paper(**fields: object) -> Paper:
    base: dict[str, object] = {
        "id": "arxiv:2602.23229",
        "title": "Large Multimodal Models as General In-Context Classifiers",
        "abstract": "Which multimodal model should we use?",
        "arxiv_id": "2602.23229",
        "date": dt.date(2026, 3, 6),
        "published_on": dt.date(2026, 2, 26),
        "upvotes": 10,
        "github_stars": 9,
        "num_comments": 1,
        "authors": ("Marco Garosi", "Elisa Ricci"),
        "hidden_authors": 1,
        "organization": "Multimedia and Human Understanding Group",
        "submitted_by": "marco-garosi",
        "ai_summary": "LMMs with in-context examples [bold]match[/bold] CLIP.",
        "ai_keywords": ("Vision-Language Models", "context refinement"),
        "num_models": 2,
        "num_datasets": 0,
        "num_spaces": 1,
    }
    base.update(fields)
    return Paper(**base)  # type: ignore[arg-type]


def test_the_detail_shows_the_api_fields() -> None:
    text = render_paper(api_paper()).plain
    lines = text.splitlines()
    assert lines[1] == (
        "listed Fri 06 Mar 2026 · arXiv 26 Feb 2026 · ▲ 10 · 9 stars · 1 comment"
        " · Marco Garosi, Elisa Ricci · 1 hidden"
    )
    assert lines[2] == (
        "Multimedia and Human Understanding Group · submitted by marco-garosi"
        " · 2 models, 0 datasets, 1 Space linked"
    )
    at = lines.index("AI summary")
    assert lines[at + 1] == "LMMs with in-context examples [bold]match[/bold] CLIP."  # not markup
    assert lines[at + 2] == "Vision-Language Models, context refinement"
    assert lines.index("Which multimodal model should we use?") > at


def test_a_digest_paper_looks_as_before() -> None:
    paper = Paper(id="title:x", title="T", abstract="A.", date=dt.date(2025, 3, 24), rank=2)
    assert render_paper(paper).plain.splitlines()[:2] == ["T", "Mon 24 Mar 2025 · #2 of the day"]
    assert "AI summary" not in render_paper(paper).plain
