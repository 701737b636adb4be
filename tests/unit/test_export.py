"""Exports: BibTeX validity and escaping, CSV formula neutralisation, Markdown escaping, JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.errors import UserError
from papershelf.export import (
    BOOKMARK_COLUMNS,
    PAPER_COLUMNS,
    from_json,
    markdown_link,
    to_csv,
    to_json,
    to_markdown,
)
from papershelf.model import Bookmark, Paper, paper_id

T0 = dt.datetime(2024, 3, 21, 9, 30, tzinfo=dt.UTC)


def paper(
    title: str = "Attention Is All You Need", arxiv_id: str | None = None, **kw: object
) -> Paper:
    return Paper(id=paper_id(title, arxiv_id), title=title, arxiv_id=arxiv_id, **kw)  # type: ignore[arg-type]


def bookmark(
    p: Paper, note: str = "", tags: tuple[str, ...] = (), state: str = "reading"
) -> Bookmark:
    return Bookmark(p, state, note, tags, T0, T0 + dt.timedelta(hours=1))


# --- CSV --------------------------------------------------------------------------------------


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formula_cells(start: str) -> None:
    evil = f'{start}HYPERLINK("http://evil")'
    p = paper(evil, authors=(evil,), abstract=evil)
    rows = read_csv(to_csv([bookmark(p, note=evil, tags=("x",))]))
    assert rows[0] == list(BOOKMARK_COLUMNS)
    row = dict(zip(rows[0], rows[1], strict=True))
    for column in ("title", "authors", "abstract", "note"):
        assert row[column] == "'" + evil, column


def test_csv_of_papers_keeps_numbers_and_multiline_text() -> None:
    p = paper(
        "Plain, with comma",
        "2403.12345",
        abstract='two\nlines and "quotes"',
        date=dt.date(2024, 3, 21),
        upvotes=12,
        rank=3,
    )
    rows = read_csv(to_csv([p]))
    assert rows[0] == list(PAPER_COLUMNS)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["title"] == "Plain, with comma"
    assert row["abstract"] == 'two\nlines and "quotes"'
    assert row["upvotes"] == "12" and row["rank"] == "3" and row["github_stars"] == ""
    assert row["date"] == "2024-03-21" and row["link"] == "https://huggingface.co/papers/2403.12345"


def test_csv_of_bookmarks_has_state_tags_and_times() -> None:
    rows = read_csv(to_csv([bookmark(paper("A"), note="n", tags=("ml", "nlp"), state="done")]))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["state"], row["tags"], row["note"]) == ("done", "ml nlp", "n")
    assert row["added_at"] == "2024-03-21T09:30:00.000000+00:00"


def test_csv_of_nothing_is_a_header() -> None:
    assert read_csv(to_csv([])) == [list(PAPER_COLUMNS)]


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_link_escapes_brackets_and_parentheses() -> None:
    p = paper("A [bracketed] *bold* title", project_url="https://github.com/a/b_(c)")
    assert markdown_link(p) == (r"[A \[bracketed\] \*bold\* title](https://github.com/a/b_%28c%29)")


@given(title=st.text(max_size=60))
def test_markdown_link_text_cannot_close_the_link(title: str) -> None:
    link = markdown_link(paper(title, project_url="https://x.org/(y)"))
    text = link[1 : link.rindex("](")]
    assert "\n" not in link
    assert re.search(r"(?<!\\)(?:\\\\)*[\[\]]", text) is None
    assert link.endswith("](https://x.org/%28y%29)")


def test_markdown_reading_list_lines_and_quoted_notes() -> None:
    items = [
        bookmark(
            paper("First", "2403.00001", date=dt.date(2024, 3, 21)),
            note="why it matters\n\n> not a quote *really*",
            tags=("ml", "to_do"),
        ),
        bookmark(paper("Second <b>"), state="to-read"),
    ]
    assert to_markdown(items).splitlines() == [
        r"- [First](https://huggingface.co/papers/2403.00001) — 2024-03-21 · reading · #ml #to\_do",
        "  > why it matters",
        "  >",
        r"  > \> not a quote \*really\*",
        r"- [Second \<b\>](https://huggingface.co/papers?q=Second+%3Cb%3E)"
        " — to-read",
    ]


def test_markdown_of_plain_papers() -> None:
    text = to_markdown([paper("Only title"), paper("Dated", date=dt.date(2024, 1, 2))])
    lines = text.splitlines()
    assert (
        lines[0].startswith("- [Only title](https://huggingface.co/papers?q=")
        and " — " not in lines[0]
    )
    assert lines[1].endswith(" — 2024-01-02")
    assert text.endswith("\n")


# --- JSON -------------------------------------------------------------------------------------


def test_json_of_papers_is_paper_dicts_with_their_link() -> None:
    ps = [paper("A", "2401.00001", authors=("Zoë",)), paper('B "quoted"\nnewline')]
    data = json.loads(to_json(ps))
    assert data == [{**p.to_dict(), "link": p.link} for p in ps]
    assert data[0]["link"] == "https://huggingface.co/papers/2401.00001"
    assert all("link" not in p.to_dict() for p in ps), "the record holds real fields only"
    assert [Paper.from_dict(d) for d in data] == ps
    assert "Zoë" in to_json(ps)


def test_json_of_bookmarks_round_trips() -> None:
    items = [bookmark(paper("A", "2401.00001"), note='say "hi"\nagain', tags=("a", "b"))]
    assert from_json(to_json(items), "x.json") == items
    assert json.loads(to_json(items))[0]["state"] == "reading"
    assert json.loads(to_json(items))[0]["link"] == "https://huggingface.co/papers/2401.00001"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", r"export\.json: not valid JSON \(line 1"),
        ('{"a": 1}', r"export\.json: expected a JSON array"),
        ('[{"id": "x", "title": "t"}]', r"export\.json: record 1: .*'state'"),
        ("[1]", r"export\.json: record 1: .*JSON object"),
    ],
)
def test_from_json_errors_name_the_file_and_record(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message) as caught:
        from_json(text, "export.json")
    assert "\n" not in str(caught.value)
