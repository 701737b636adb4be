"""Page headers beside date lines, lone non-papers, and ranks of papers with no day (QA finds).

A header line ("Daily Papers") right above or below a date line, with or without a blank line
between, is page furniture: dropped, and the date still read. A lone word (`null`, `true`) is
no paper: a paper is a title with an abstract (or a JSON paper). A paper listed on no day
(an undated section, a search capture, a lone API paper object) has no rank of a day.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.cli import main
from papershelf.errors import UserError
from papershelf.parser import blocks, parse_sources, parse_text

REAL = Path(__file__).parents[1] / "fixtures" / "real"
REFERENCE = dt.date(2025, 4, 1)
MAR_21 = dt.date(2025, 3, 21)
ABSTRACT = "We study a thing in depth. It works well on every benchmark we tried."


def papers_of(text: str) -> list[tuple[str, dt.date | None, int]]:
    result = parse_text(text, source="d.txt", reference_date=REFERENCE)
    assert result.warnings == []
    return [(p.title, p.date, p.rank) for p in result.papers]


TWO_PAPERS = f"Title One\n\n{ABSTRACT}\n\nTitle Two\n\n{ABSTRACT}\n"
DATED = [("Title One", MAR_21, 1), ("Title Two", MAR_21, 2)]


@pytest.mark.parametrize(
    "head",
    [
        "Daily Papers\nMar 21\n\n",  # the QA case: the header typed right above the date
        "Daily Papers\n\nMar 21\n\n",
        "Mar 21\nDaily Papers\n\n",
        "Mar 21\n\nDaily Papers\n\n",
        "Hugging Face\nDaily Papers\nMar 21\nby AK\n\n",
        "Daily Papers\r\nMar 21\r\n\r\n",
    ],
)
def test_a_header_beside_the_date_line_is_dropped_and_the_date_read(head: str) -> None:
    assert papers_of(head + TWO_PAPERS) == DATED


def test_a_date_line_inside_a_paragraph_also_opens_later_sections() -> None:
    text = f"Daily Papers\nMar 21\n\n{TWO_PAPERS}\nDaily Papers\nMar 20\n\nLater\n\n{ABSTRACT}\n"
    assert papers_of(text)[-1] == ("Later", dt.date(2025, 3, 20), 1)


def test_the_title_under_a_date_line_with_no_blank_line_between_is_still_a_title() -> None:
    assert papers_of(f"Mar 21\nTitle One\n\n{ABSTRACT}\n") == [("Title One", MAR_21, 1)]


def test_a_header_with_controls_beside_the_date_line_is_dropped_too() -> None:
    assert papers_of("Daily\x07 Papers\nMar 21\n\n" + TWO_PAPERS) == DATED


_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1)
_HEADER = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@given(
    st.lists(_HEADER, min_size=1, max_size=3),
    st.lists(_HEADER, max_size=2),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),
)
def test_any_short_header_lines_beside_a_date_line_never_make_a_paper(
    above: list[str], below: list[str], blank: bool, newline: str
) -> None:
    gap = "\n\n" if blank else "\n"
    head = gap.join([*above, "Mar 21", *below]) + "\n\n"
    text = (head + TWO_PAPERS).replace("\n", newline)
    result = parse_text(text, reference_date=REFERENCE)
    assert [(p.title, p.date, p.rank) for p in result.papers] == DATED
    # Only the lines right beside the date line are known furniture; a header line further
    # up (after a blank line) is a title with no abstract: skipped, with a warning.
    far = [*above[:-1], *below[1:]] if blank else []
    expected = [f"title with no abstract, skipped: {line!r}" for line in far]
    assert [w.message for w in result.warnings] == expected


@pytest.mark.parametrize("text", ["null", "true", "false", "42", "[]", "Daily Papers", "Just\n"])
def test_a_lone_line_is_no_paper_but_an_error(text: str) -> None:
    with pytest.raises(UserError, match="no papers found"):
        parse_sources(["-"], stdin=io.StringIO(text))


def test_a_title_without_abstract_is_skipped_with_a_warning() -> None:
    result = parse_text(f"Paired\n\n{ABSTRACT}\n\nnull\n", source="d.txt")
    assert [p.title for p in result.papers] == ["Paired"]
    assert [str(w) for w in result.warnings] == ["d.txt:5: title with no abstract, skipped: 'null'"]


def test_papers_with_no_day_claim_no_rank() -> None:
    assert papers_of(TWO_PAPERS) == [("Title One", None, 0), ("Title Two", None, 0)]
    lone = parse_sources([REAL / "api-paper-2407.13168-embedded.json"]).papers
    assert [(p.rank, p.date) for p in lone] == [(0, dt.date(2024, 7, 22))]
    search = parse_sources([REAL / "notebooklm-search-2026-07-28.txt"]).papers
    assert search and {(p.date, p.rank) for p in search} == {(None, 0)}


def test_list_shows_no_rank_for_rank_0(capsys: pytest.CaptureFixture[str]) -> None:
    fixture = str(REAL / "api-paper-2407.13168-embedded.json")
    assert main(["list", fixture]) == 0
    assert capsys.readouterr().out.startswith("2024-07-22    -  SciCode:")
    assert main(["list", "--format", "tsv", "--no-header", fixture]) == 0
    assert capsys.readouterr().out.split("\t")[1:3] == ["2024-07-22", "-"]


@pytest.mark.parametrize("size", [1, 5, 40])
@pytest.mark.parametrize("clean", [True, False])
def test_a_header_over_the_date_line_is_found_across_block_seams(
    size: int, clean: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The header paragraph waits for its abstract while the next block is read: the lines it
    # had must still be there when it turns out to get none. `clean`: no control characters.
    header = "Hugging Face\nDaily Papers\nMar 21\nby AK" if clean else "Daily\x07\nMar 21"
    text = f"Intro\n\n{header}\n\n{TWO_PAPERS}"
    monkeypatch.setattr(blocks, "_BLOCK_SIZE", size)
    result = parse_sources(["-"], stdin=io.StringIO(text), year=2025)
    assert [(p.title, p.date, p.rank) for p in result.papers] == DATED
    assert [w.message for w in result.warnings] == ["title with no abstract, skipped: 'Intro'"]


def test_a_header_at_the_end_of_the_input_is_dropped_quietly() -> None:
    text = f"Mar 20\n\n{TWO_PAPERS}\nDaily Papers\nMar 21\n"
    result = parse_text(text, reference_date=REFERENCE)
    assert [p.title for p in result.papers] == ["Title One", "Title Two"]
    assert result.warnings == []
