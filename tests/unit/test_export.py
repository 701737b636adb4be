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
    bibtex_entry,
    from_json,
    markdown_link,
    to_bibtex,
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


# --- a small BibTeX reader --------------------------------------------------------------------


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(type, key, fields) per entry, following BibTeX's own rule: every brace counts, even
    after a backslash, and a field value is one balanced `{...}` group."""
    entries = []
    pos = 0
    header = re.compile(r"\s*@(\w+)\{([^,\s{}]+),")
    field = re.compile(r"\s*(\w+)\s*=\s*\{")
    while pos < len(text) and text[pos:].strip():
        match = header.match(text, pos)
        assert match, f"expected an entry at {text[pos : pos + 40]!r}"
        kind, key, pos = match.group(1), match.group(2), match.end()
        fields: dict[str, str] = {}
        while True:
            fmatch = field.match(text, pos)
            assert fmatch, f"expected a field at {text[pos : pos + 40]!r}"
            depth, start = 1, fmatch.end()
            pos = start
            while depth:
                assert pos < len(text), "unbalanced braces"
                depth += {"{": 1, "}": -1}.get(text[pos], 0)
                pos += 1
            name = fmatch.group(1).lower()
            assert name not in fields, f"duplicate field {name}"
            fields[name] = text[start : pos - 1]
            end = re.compile(r"\s*(,?)\s*(\}?)").match(text, pos)
            assert end is not None
            pos = end.end()
            if end.group(2):
                break
            assert end.group(1), "fields must be separated by commas"
        entries.append((kind, key, fields))
    return entries


ESCAPED = {
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "\\": r"{\textbackslash}",
}
_KNOWN_ESCAPES = re.compile(
    r"\\[#$%&_]|\{\\text(?:braceleft|braceright|asciitilde|asciicircum|backslash|less|greater)\}"
)


def assert_literal(value: str, *, author: bool = False) -> None:
    """After removing our escapes, no character LaTeX would interpret is left over (in an
    author list, a name holding the word "and" is braced on purpose so it is not split)."""
    rest = _KNOWN_ESCAPES.sub("\N{MIDDLE DOT}", value)
    if author:
        rest = re.sub(r"\{([^{}]*\band\b[^{}]*)\}", r"\1", rest, flags=re.IGNORECASE)
    assert not set(rest) & set("#$%&_{}~^\\"), rest


# --- BibTeX -----------------------------------------------------------------------------------


def test_bibtex_entry_has_required_fields_and_arxiv_eprint() -> None:
    p = paper(
        "Attention Is All You Need",
        "1706.03762",
        date=dt.date(2024, 3, 21),
        authors=("Ashish Vaswani", "Noam Shazeer"),
    )
    [(kind, key, fields)] = parse_bibtex(bibtex_entry(p, note="read twice"))
    assert kind == "misc" and key == "attention2017"
    assert fields == {
        "title": "{Attention Is All You Need}",
        "author": "Ashish Vaswani and Noam Shazeer",
        "year": "2017",
        "url": "https://arxiv.org/abs/1706.03762",
        "eprint": "1706.03762",
        "archiveprefix": "arXiv",
        "note": "read twice",
    }


def test_no_eprint_without_arxiv_id_and_no_empty_note() -> None:
    p = paper("Local LoRA", code_url="https://github.com/a/b", date=dt.date(2025, 1, 2))
    [(_, key, fields)] = parse_bibtex(bibtex_entry(p))
    assert key == "local2025"
    assert set(fields) == {"title", "year", "url"}
    assert fields["url"] == "https://github.com/a/b"


def test_bibtex_uses_bookmark_notes_only() -> None:
    with_note = bookmark(paper("One", "2401.00001"), note="see  fig. 3\nand 4")
    without = bookmark(paper("Two", "2401.00002"))
    plain = paper("Three", "2401.00003", abstract="an abstract is not a note")
    entries = parse_bibtex(to_bibtex([with_note, without, plain]))
    assert [fields.get("note") for _, _, fields in entries] == ["see fig. 3 and 4", None, None]


@pytest.mark.parametrize("char", sorted(ESCAPED))
def test_bibtex_escapes_each_special_character(char: str) -> None:
    p = paper(f"Cost {char} benefit", "2402.01234", authors=(f"A{char}B",))
    text = bibtex_entry(p, note=f"n{char}n")
    [(_, _, fields)] = parse_bibtex(text)
    assert fields["title"] == "{Cost " + ESCAPED[char] + " benefit}"
    assert fields["author"] == f"A{ESCAPED[char]}B"
    assert fields["note"] == f"n{ESCAPED[char]}n"


def test_bibtex_keys_are_unique_with_letter_suffixes() -> None:
    same = [paper(f"The Diffusion model {n}", f"2403.0000{n}") for n in range(4)]
    other = paper("Über Alles", "2403.00009")
    keys = [key for _, key, _ in parse_bibtex(to_bibtex([*same, other]))]
    assert keys == [
        "diffusion2024",
        "diffusion2024a",
        "diffusion2024b",
        "diffusion2024c",
        "uber2024",
    ]
    assert [k for _, k, _ in parse_bibtex(bibtex_entry(paper("!!!")))] == ["paper"]


def test_bibtex_year_falls_back_to_the_digest_date() -> None:
    [(_, key, fields)] = parse_bibtex(
        bibtex_entry(paper("Old style", "cs/0101001", date=dt.date(2023, 5, 1)))
    )
    assert fields["year"] == "2023" and key == "old2023"
    assert fields["eprint"] == "cs/0101001" and fields["archiveprefix"] == "arXiv"
    assert "year" not in parse_bibtex(bibtex_entry(paper("Undated")))[0][2]


def test_bibtex_author_named_and_is_kept_whole() -> None:
    [(_, _, fields)] = parse_bibtex(bibtex_entry(paper("X", authors=("Smith and Sons", " ", "Bo"))))
    assert fields["author"] == "{Smith and Sons} and Bo"


def test_bibtex_url_is_http_and_cannot_break_the_entry() -> None:
    sneaky = paper("X", code_url="https://example.org/a}b{c d\\e")
    [(_, _, fields)] = parse_bibtex(bibtex_entry(sneaky))
    assert fields["url"] == "https://example.org/a%7Db%7Bc%20d%5Ce"
    script = paper("Y", code_url="javascript:alert(1)")
    [(_, _, fields)] = parse_bibtex(bibtex_entry(script))
    assert fields["url"].startswith("https://arxiv.org/search/")


@given(
    title=st.text(max_size=80),
    note=st.text(max_size=80),
    authors=st.lists(st.text(max_size=20), max_size=3),
)
def test_any_text_gives_balanced_parseable_bibtex(
    title: str, note: str, authors: list[str]
) -> None:
    p = paper(title, authors=tuple(authors), code_url="https://github.com/x/y")
    text = to_bibtex([bookmark(p, note=note), bookmark(p, note=note)])
    entries = parse_bibtex(text)
    assert len(entries) == 2 and entries[0][1] != entries[1][1]
    for _, _, fields in entries:
        assert fields["title"].startswith("{") and fields["title"].endswith("}")
        assert_literal(fields["title"][1:-1])
        assert_literal(fields.get("note", ""))
        assert_literal(fields.get("author", ""), author=True)
        assert "\n" not in fields["title"]


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
    assert row["date"] == "2024-03-21" and row["link"] == "https://arxiv.org/abs/2403.12345"


def test_csv_of_bookmarks_has_state_tags_and_times() -> None:
    rows = read_csv(to_csv([bookmark(paper("A"), note="n", tags=("ml", "nlp"), state="done")]))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["state"], row["tags"], row["note"]) == ("done", "ml nlp", "n")
    assert row["added_at"] == "2024-03-21T09:30:00.000000+00:00"


def test_csv_of_nothing_is_a_header() -> None:
    assert read_csv(to_csv([])) == [list(PAPER_COLUMNS)]


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_link_escapes_brackets_and_parentheses() -> None:
    p = paper("A [bracketed] *bold* title", code_url="https://github.com/a/b_(c) d")
    assert markdown_link(p) == (
        r"[A \[bracketed\] \*bold\* title](https://github.com/a/b_%28c%29%20d)"
    )


@given(title=st.text(max_size=60))
def test_markdown_link_text_cannot_close_the_link(title: str) -> None:
    link = markdown_link(paper(title, code_url="https://x.org/(y)"))
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
        r"- [First](https://arxiv.org/abs/2403.00001) — 2024-03-21 · reading · #ml #to\_do",
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
    assert data[0]["link"] == "https://arxiv.org/abs/2401.00001"
    assert all("link" not in p.to_dict() for p in ps), "the record holds real fields only"
    assert [Paper.from_dict(d) for d in data] == ps
    assert "Zoë" in to_json(ps)


def test_json_of_bookmarks_round_trips() -> None:
    items = [bookmark(paper("A", "2401.00001"), note='say "hi"\nagain', tags=("a", "b"))]
    assert from_json(to_json(items), "x.json") == items
    assert json.loads(to_json(items))[0]["state"] == "reading"
    assert json.loads(to_json(items))[0]["link"] == "https://arxiv.org/abs/2401.00001"


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
