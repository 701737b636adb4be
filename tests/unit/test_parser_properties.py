"""Property tests: digests rendered from generated papers, as messily as real copies are,
parse back to the same papers; and no input at all makes the parser fail with anything but a
`UserError`."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import textwrap
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from papershelf.errors import UserError
from papershelf.model import paper_id
from papershelf.parser import CHROME, decode_latex, parse_hf_json, parse_text
from papershelf.text import normalize_title, strip_controls
from papershelf.urls import is_web_url

REFERENCE = dt.date(2025, 4, 1)
LETTERS = "abcdefghijklmnopqrstuvwxyzéöüßłñçøåæœαβγλπ学習模型"
MONTHS = "January February March April May June July August September October November December"

# A word; sometimes a hyphenated compound ("fine-tuning") or joined by an em-dash ("a--b").
_word = st.text(LETTERS, min_size=1, max_size=9)
word = st.one_of(
    _word,
    _word,
    _word,
    st.builds(lambda a, b: f"{a}-{b}", _word, _word),
    st.builds(lambda a, b: f"{a}--{b}", _word, _word),
)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@st.composite
def titles(draw: st.DrawFn) -> str:
    """Short, capitalised, no final full stop; now and then "Name: ..." or "...? A ..."."""
    words = [
        _capital(w) if draw(st.booleans()) else w
        for w in draw(st.lists(word, min_size=3, max_size=12))
    ]
    words[0] = _capital(words[0])
    if draw(st.booleans()):
        words[0] += ":"
    if len(words) > 4 and draw(st.integers(0, 3)) == 0:
        words[2] += "?"
        words[3] = _capital(words[3])
    return " ".join(words)[:250].rstrip(" -:?")


@st.composite
def abstracts(draw: st.DrawFn) -> str:
    """One to six sentences, each capitalised and ending with a full stop."""
    sentences = []
    for _ in range(draw(st.integers(1, 6))):
        words = draw(st.lists(word, min_size=4, max_size=22))
        if len(words) > 6 and draw(st.booleans()):
            words[2] += ","
        sentences.append(_capital(" ".join(words)) + ".")
    return " ".join(sentences)


@dataclass(frozen=True)
class Section:
    day: dt.date | None
    papers: list[tuple[str, str]]


@st.composite
def sections(draw: st.DrawFn) -> list[Section]:
    names = draw(st.lists(titles(), min_size=1, max_size=12, unique_by=normalize_title))
    texts = draw(st.lists(abstracts(), min_size=len(names), max_size=len(names)))
    papers = list(zip(names, texts, strict=True))
    cuts = sorted(draw(st.lists(st.integers(0, len(papers)), max_size=3)))
    bounds = [0, *cuts, len(papers)]
    days = st.dates(REFERENCE - dt.timedelta(days=360), REFERENCE)
    undated_first = draw(st.booleans())
    return [
        Section(None if i == 0 and undated_first else draw(days), papers[a:b])
        for i, (a, b) in enumerate(itertools.pairwise(bounds))
    ]


def _date_line(draw: st.DrawFn, day: dt.date) -> str:
    month = MONTHS.split()[day.month - 1]
    return draw(
        st.sampled_from(
            [
                f"{month[:3]} {day.day}",
                f"{month} {day.day}",
                f"{month[:3]} {day.day}, {day.year}",
                day.isoformat(),
                f"{month[:3].upper()} {day.day}",
            ]
        )
    )


@st.composite
def rendered(draw: st.DrawFn) -> tuple[str, list[Section]]:
    """A digest as a person might have saved it: chrome, wrapping, odd blanks and line ends."""
    secs = draw(sections())
    width = draw(st.integers(30, 100))
    wrap = draw(st.booleans())
    hyphens = draw(st.booleans())
    chrome = sorted(CHROME)

    def fill(paragraph: str) -> str:
        if not wrap:
            return paragraph
        return textwrap.fill(paragraph, width, break_on_hyphens=hyphens, break_long_words=False)

    paragraphs: list[str] = []
    for section in secs:
        if section.day is not None:
            paragraphs.append(_date_line(draw, section.day))
        for title, abstract in section.papers:
            paragraphs += [fill(title), fill(abstract)]
    for _ in range(draw(st.integers(0, 4))):
        line = draw(st.sampled_from(chrome))
        line = draw(st.sampled_from([line, line.upper(), line.title(), f"  {line}\t"]))
        paragraphs.insert(draw(st.integers(0, len(paragraphs))), line)

    newlines = st.sampled_from(["\n", "\r\n", "\r"])
    newline = draw(newlines)
    mixed = (
        draw(st.integers(0, 3)) == 0
    )  # now and then, line ends change from paragraph to paragraph
    trailing = draw(st.sampled_from(["", " ", "\t", " \t "]))
    blank = draw(st.sampled_from(["", " ", "\t"]))
    parts = []
    for paragraph in paragraphs:
        if mixed:
            newline = draw(newlines)
        lines = [line + trailing for line in paragraph.split("\n")]
        parts.append(newline.join(lines))
        parts.append(newline * 2 + (blank + newline) * draw(st.integers(0, 2)))
    if not draw(st.booleans()):
        parts.pop()  # no final newline
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + "".join(parts), secs


@given(rendered())
def test_rendered_digests_parse_back_to_their_papers(case: tuple[str, list[Section]]) -> None:
    text, secs = case
    result = parse_text(text, reference_date=REFERENCE)
    expected = [
        (title, abstract, section.day, rank, paper_id(title))
        for section in secs
        for rank, (title, abstract) in enumerate(section.papers, start=1)
    ]
    # A paper with no day claims no rank of one.
    expected = [(t, a, day, rank if day else 0, i) for t, a, day, rank, i in expected]
    got = [(p.title, p.abstract, p.date, p.rank, p.id) for p in result.papers]
    assert got == expected
    assert result.warnings == []


@given(st.text(max_size=400))
def test_any_text_parses_or_fails_with_a_user_error(text: str) -> None:
    try:
        result = parse_text(text, source="fuzz", reference_date=REFERENCE)
    except UserError as exc:
        assert str(exc).startswith("fuzz: ")
        return
    for paper in result.papers:
        assert paper.title
        assert strip_controls(paper.title) == paper.title
        assert strip_controls(paper.abstract) == paper.abstract
        assert "\n" not in paper.title
        assert "\r" not in paper.title + paper.abstract
        assert paper.id == paper_id(paper.title, paper.arxiv_id)
    assert len({p.id for p in result.papers}) == len(result.papers)
    assert all(w.source == "fuzz" for w in result.warnings)


@given(st.text(st.characters(exclude_characters="\\"), max_size=200))
def test_decode_latex_changes_nothing_without_a_backslash(text: str) -> None:
    assert decode_latex(text) is text


@given(st.text(st.sampled_from("\\{}\"'`^~=.cvuHssoiaeAE%&_#$ xyz"), max_size=60))
def test_decode_latex_never_fails_and_only_shrinks(text: str) -> None:
    assert len(decode_latex(text)) <= len(text)


@given(st.lists(st.tuples(titles(), abstracts(), st.integers(0, 3)), max_size=8))
def test_daily_papers_json_keeps_order_and_joins_wrapped_fields(
    items: list[tuple[str, str, int]],
) -> None:
    listing = [
        {
            "paper": {
                "id": f"2403.{10000 + i}",
                "title": textwrap.fill(title, 40).replace("\n", "\n" + " " * wraps),
                "summary": textwrap.fill(abstract, 60),
            },
            "publishedAt": "2025-03-21T06:00:00.000Z",
        }
        for i, (title, abstract, wraps) in enumerate(items)
    ]
    result = parse_hf_json(json.dumps(listing))
    assert [(p.title, p.abstract, p.rank, p.date) for p in result.papers] == [
        (title, abstract, i, dt.date(2025, 3, 21))
        for i, (title, abstract, _) in enumerate(items, 1)
    ]


@given(st.text(st.sampled_from("htps:/.-_()[]?#@%aZ09é,;!\u00ad\u200b"), max_size=40))
def test_every_extracted_link_is_one_papershelf_may_open(tail: str) -> None:
    abstract = f"See https://{tail} and (http://x{tail}) or https:// {tail}."
    paper = parse_text(f"A Title\n\n{abstract}\n").papers[0]
    assert all(is_web_url(url) for url in paper.urls)
    assert all(not url.endswith((".", ",", ";", ":")) for url in paper.urls)
