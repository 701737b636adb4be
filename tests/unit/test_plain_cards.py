"""A plain browser copy of the daily list page: titles with "N authors", a card date and a vote
count under each, no abstracts and no links. Each card is a paper; nothing else is."""

from __future__ import annotations

import datetime as dt

import pytest

from papershelf.parser import parse_text
from papershelf.parser.capture import looks_like_capture

NAV = "Hugging Face\nModels\nDatasets\nSpaces\nPapers\nLog In\nSign Up\n\n"
HEAD = "Daily Papers\nby AK and the research community\n\nDec 5\n\n"
CARDS = [
    ("SAM 3: Segment Anything with Concepts", 25, "Nov 20", 412, "akhaliq"),
    ("Depth Anything 3: Recovering the Visual Space from Any Views", 10, "Nov 13", 98, "taesiri"),
    ("Kimi Linear: An Expressive, Efficient Attention Architecture", 30, "Oct 30", 76, "someone"),
]


def copy(*, submitted: bool = True, crlf: bool = False) -> str:
    parts = [NAV, HEAD]
    for title, authors, card_day, votes, who in CARDS:
        if submitted:
            parts.append(f"Submitted by\n{who}\n\n")
        parts.append(f"{title}\n{authors} authors\n·\n{card_day}\n{votes}\n\n")
    text = "".join(parts)
    return text.replace("\n", "\r\n") if crlf else text


@pytest.mark.parametrize("submitted", [True, False])
@pytest.mark.parametrize("crlf", [False, True])
def test_each_card_is_a_paper_on_the_listing_day(submitted: bool, crlf: bool) -> None:
    text = copy(submitted=submitted, crlf=crlf)
    assert looks_like_capture(text)
    result = parse_text(text, reference_date=dt.date(2026, 12, 7))
    got = [(p.title, p.date, p.rank, p.upvotes) for p in result.papers]
    assert got == [
        (title, dt.date(2026, 12, 5), rank, votes)
        for rank, (title, _a, _d, votes, _w) in enumerate(CARDS, start=1)
    ], "the card dates (Nov 20...) are publication days, the bare Dec 5 is the listing day"


def test_one_author_line_alone_does_not_make_a_capture() -> None:
    digest = "Mar 21\n\nA title\n\n3 authors\n\nAn abstract of the paper in several words.\n"
    assert not looks_like_capture(digest)
