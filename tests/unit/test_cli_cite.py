"""The CLI's reading forms and citations: the paper link (never the code), readable math in
text and Markdown, the original LaTeX in JSON, BibTeX notes only with --notes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string

from papershelf.cli import main
from papershelf.store import Store

MATH_TITLE = r"On the Expressivity of $\mathcal{O}(\log n)$-Depth Transformers"
SHOWN_TITLE = "On the Expressivity of 𝒪(log n)-Depth Transformers"


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out=out) == 0
    return out.getvalue()


@pytest.fixture
def digest(tmp_path: Path) -> Path:
    """Two papers in the API's shape: one with math in its title and a code repository."""
    records = [
        {
            "paper": {
                "id": "2511.20107",
                "title": MATH_TITLE,
                "summary": "Depth matters.",
                "authors": [{"name": "Ludwig van der Berg"}, {"name": "Ada Lovelace"}],
                "publishedAt": "2025-11-24T10:00:00.000Z",
                "submittedOnDailyAt": "2026-01-02T08:00:00.000Z",
                "githubRepo": "https://github.com/vdb/depth",
            }
        },
        {
            "paper": {
                "id": "2511.20108",
                "title": "SAM 3: Segment Anything with Concepts",
                "summary": "Segments.",
                "authors": [{"name": "Nicolas Carion"}],
                "submittedOnDailyAt": "2026-01-02T08:00:00.000Z",
            }
        },
    ]
    path = tmp_path / "daily.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_list_text_shows_readable_math_and_the_paper_page(digest: Path) -> None:
    lines = run("list", str(digest)).splitlines()
    assert lines[0].endswith(f"{SHOWN_TITLE}  <https://huggingface.co/papers/2511.20107>")
    assert "github" not in "".join(lines)


def test_list_markdown_and_json(digest: Path) -> None:
    markdown = run("list", "--format", "markdown", str(digest))
    assert markdown.startswith(f"- [{SHOWN_TITLE}](https://huggingface.co/papers/2511.20107)")
    records = json.loads(run("list", "--format", "json", str(digest)))
    assert records[0]["title"] == MATH_TITLE, "JSON keeps the original"
    assert records[0]["link"] == "https://huggingface.co/papers/2511.20107"
    assert records[0]["code_url"] == "https://github.com/vdb/depth"


def test_bookmarks_bibtex_notes_only_when_asked(digest: Path) -> None:
    run("bookmarks", "add", "arxiv:2511.20107", "arxiv:2511.20108", "--from", str(digest))
    with Store() as store:
        for paper_id in ("arxiv:2511.20107", "arxiv:2511.20108"):
            store.set_note(paper_id, "my private thoughts")

    plain = parse_string(run("bookmarks", "--format", "bibtex"))
    assert not plain.failed_blocks
    entries = {e.key: e for e in plain.entries}
    assert set(entries) == {"vanderberg2025expressivity", "carion2025sam"}
    depth = entries["vanderberg2025expressivity"]
    assert depth["author"] == "van der Berg, Ludwig and Lovelace, Ada"
    assert depth["title"] == r"On the Expressivity of {$\mathcal{O}(\log n)$}-Depth Transformers"
    assert depth["year"] == "2025", "the arXiv id's year, not the listing day's (2026)"
    assert depth["url"] == "https://huggingface.co/papers/2511.20107"
    assert all("note" not in e.fields_dict for e in plain.entries)

    noted = parse_string(run("bookmarks", "--format", "bibtex", "--notes"))
    assert [e["note"] for e in noted.entries] == ["my private thoughts"] * 2
