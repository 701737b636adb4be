"""Captures of the papers pages: cards found by their structure, furniture dropped by pattern.

The seed layout (a title paragraph, an abstract paragraph) is one way a page reaches us; most
copies today are markdown or link-annotated text in which each card is a title heading (or a
title line with its paper's address right under it), an abstract right after it, and furniture
around: votes, "N authors", "Submitted by", star badges, a card date after a `·`. So a card is
a title and the prose that directly follows it; everything else between titles is furniture,
mined only for what it says about the card (its arXiv id, upvotes, code repository).

Dates. A date line marked as a card's (`· May 30`, "Published on ...") is the paper's
publication day and is not used; a bare date line outside a card is the listing day of the
cards after it, unless the page is a search, whose hits come from many days.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from papershelf.model import Paper, paper_id
from papershelf.parser.dates import DATE_MAX, date_of
from papershelf.parser.furniture import (
    card_date_text,
    is_author_count,
    is_comment_link,
    is_furniture,
    is_profile_link,
    is_search_view,
    is_vote_link,
    listing_day_in,
    paper_arxiv_id,
    vote_count,
)
from papershelf.parser.latex import decode_latex
from papershelf.parser.links import find_urls, first_repo, repo_url
from papershelf.parser.markup import Line, capture_lines, front_matter
from papershelf.parser.paragraphs import clean_paragraph, tidy_title
from papershelf.parser.results import ParseResult, ParseWarning
from papershelf.text import title_key

# How much of the start of a text is looked at to tell a capture from a seed-layout digest.
SNIFF_CHARS = 1 << 16
_MD_PAPER_LINK = re.compile(r"\]\(\s*https?://huggingface\.co/(?:login\?next=%2F)?papers")
_URL_LINE = re.compile(r"^[ \t]*https?://huggingface\.co/\S*[ \t]*$", re.MULTILINE)
_REF_LINK = re.compile(r"\]\[\d+\]")
_CARD_HEADING = re.compile(r"^[ \t]*#{3,6}[ \t]+\S", re.MULTILINE)
# A card's author count on a line of its own: what a plain browser copy of the daily page
# (titles, no abstracts, no links) has under every title.
_AUTHOR_LINE = re.compile(r"^[ \t]*[-*+•·]?[ \t]*\d[\d,]*[ \t]+authors?[ \t]*\r?$", re.I | re.M)
_BARE_URL = re.compile(r"https?://\S+")
_HEADER_URL = re.compile(
    r"^[ \t]*(?:[-*][ \t]*)?\**(?:source[ _]?)?url(?: source)?\**:?\**:?[ \t]*<?(https?://\S+?)>?$",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_DAY = re.compile(
    r"^[ \t]*(?:[-*][ \t]*)?\**(?:captured(?: \(utc\))?|retrieved|fetched|exported|created|clipped)"
    r"\**:?\**:?[ \t]*\"?(\d{4}-\d{2}-\d{2})",
    re.IGNORECASE | re.MULTILINE,
)
_DAY_KEYS = ("retrieved", "created", "exported", "captured", "fetched", "clipped", "date")
_ABSTRACT_MIN_WORDS = 5

# Kinds of line (see `_kind`).
_BLANK, _TITLE, _PROSE, _DATE, _DOT, _URL, _OTHER = range(7)


def looks_like_capture(head: str) -> bool:
    """Whether text (its start) is a page capture rather than the seed's plain layout.

    Markup that the plain layout never has, twice (one card's heading and its link will do):
    links to paper pages, paper addresses on lines of their own, numbered link references,
    card headings, "N authors" lines.
    """
    head = head[:SNIFF_CHARS]
    signs = (
        len(_MD_PAPER_LINK.findall(head))
        + len(_URL_LINE.findall(head))
        + len(_CARD_HEADING.findall(head))
        + len(_REF_LINK.findall(head)) // 2
        + len(_AUTHOR_LINE.findall(head))
    )
    return signs >= 2


@dataclass(slots=True)
class _Card:
    title: str
    line: int
    date: dt.date | None
    arxiv_id: str | None = None
    abstract: list[str] = field(default_factory=list)
    upvotes: int | None = None
    repo: str | None = None
    counted: bool = False
    """Known as a card by the "N authors" line under its title (a plain copy of the page)."""


def parse_capture(
    text: str, *, source: str = "", reference_date: dt.date | None = None, year: int | None = None
) -> ParseResult:
    """The papers of a page capture, each card once, in page order (see the module docstring)."""
    meta, body = front_matter(text)
    page_url, captured = _header(meta, text[body : body + 4000])
    reference = captured or reference_date or dt.date.today()
    search = is_search_view(page_url)
    day = listing_day_in(page_url)
    listing = None if search or day is None else dt.date.fromisoformat(day)
    cards = _cards(capture_lines(text, body), listing, search, reference, year)
    return _result(cards, source)


def _header(meta: dict[str, str], head: str) -> tuple[str, dt.date | None]:
    """The captured page's address and the day it was captured, from front matter or header."""
    url = meta.get("url") or meta.get("source") or ""
    if not url.startswith("http"):
        found = _HEADER_URL.search(head)
        url = found[1] if found else ""
    text = next((meta[key] for key in _DAY_KEYS if meta.get(key)), "")
    if not text:
        found = _HEADER_DAY.search(head)
        text = found[1] if found else ""
    try:
        return url, dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return url, None


def _title_level(lines: list[Line]) -> int:
    """The heading level of card titles: the commonest below the page's own (h1, h2)."""
    levels = Counter(line.heading for line in lines if line.heading >= 3 and line.text)
    return levels.most_common(1)[0][0] if levels else 0


def _kind(line: Line, level: int, after_dot: bool) -> int:
    text = line.text
    if not text:
        return _BLANK
    if line.heading:
        return _TITLE if line.heading == level and not is_furniture(text) else _OTHER
    marked, rest = card_date_text(line.plain)
    if rest and len(rest) <= DATE_MAX and date_of(rest, dt.date(2000, 1, 1), 2000)[0]:
        return _DATE if not (marked or after_dot) else _OTHER
    if "·" in text and not text.strip("·-*• "):
        return _DOT
    if _BARE_URL.fullmatch(text):
        return _URL
    if is_furniture(text) or len(text.split()) < 2:
        return _OTHER
    if line.links:
        if line.plain.strip("-*•· ") or len(line.links) != 1:
            return _OTHER  # an org or author line, badges, a heading's `by AK` line
        target = line.links[0].target
        if target is not None and (
            is_profile_link(target) or repo_url(target) or "/login?" in target
        ):
            return _OTHER
    return _PROSE


def _ids(line: Line) -> list[str]:
    ids = [paper_arxiv_id(link.target) for link in line.links if link.target]
    if _BARE_URL.fullmatch(line.text):
        ids.append(paper_arxiv_id(line.text))
    return [found for found in ids if found]


def _next_id(lines: list[Line], kinds: list[int], at: int) -> str | None:
    """The paper a title line names by the address right under it (plain-text captures)."""
    for index in range(at + 1, min(at + 4, len(lines))):
        if kinds[index] == _BLANK:
            continue
        line = lines[index]
        if line.text.startswith("http") and "/login?" not in line.text:
            found = _ids(line)
            return found[0] if found else None
        return None
    return None


def _cards(
    lines: list[Line], listing: dt.date | None, search: bool, reference: dt.date, year: int | None
) -> list[_Card]:
    level = _title_level(lines)
    kinds: list[int] = []
    after_dot = False
    for line in lines:
        kind = _kind(line, level, after_dot)
        kinds.append(kind)
        if kind != _BLANK:
            after_dot = kind == _DOT
    cards: list[_Card] = []
    card: _Card | None = None
    open_slot = False  # the card's abstract may come next
    last_prose = -2  # the line last added to an abstract: the next one continues its paragraph
    pending_vote: int | None = None
    votes: dict[str, int] = {}
    for index, line in enumerate(lines):
        kind = kinds[index]
        if kind == _BLANK:
            continue
        counted = False  # a title known by the "N authors" line under it (plain copies)
        if kind == _PROSE and level == 0 and len(line.text) <= 300:
            named = _next_id(lines, kinds, index)
            if named is not None and (card is None or named != card.arxiv_id):
                kind = _TITLE
            elif _next_is_author_count(lines, kinds, index):
                kind, counted = _TITLE, True
        if kind == _TITLE:
            ids = _ids(line) or ([] if level else [_next_id(lines, kinds, index) or ""])
            card = _Card(line.text, line.number, listing, ids[0] if ids and ids[0] else None)
            card.upvotes, pending_vote = (None, None) if counted else (pending_vote, None)
            card.counted = counted
            cards.append(card)
            open_slot = True
            continue
        if kind == _PROSE:
            if card is not None and open_slot and last_prose == index - 1:
                card.abstract[-1] += "\n" + line.text
                last_prose = index
                continue
            if card is not None and open_slot and len(line.text.split()) >= _ABSTRACT_MIN_WORDS:
                card.abstract.append(line.text)
                last_prose = index
                continue
            open_slot = False
            continue
        if kind == _DATE:
            if not search:
                _marked, rest = card_date_text(line.plain)
                listing = date_of(rest, reference, year)[1]
            open_slot = False
            continue
        ids = _ids(line)
        if card is not None and card.arxiv_id is None and ids:
            card.arxiv_id = ids[0]
        if card is not None and (card.abstract or not _names_card(line, ids, card)):
            open_slot = False
        _note_votes(line, ids, votes)
        shown = vote_count(line.text) if kind == _OTHER and not ids else None
        if shown is not None and card is not None and card.counted:
            # A plain card shows its votes under its own title (after the card date).
            if card.upvotes is None and not line.text.strip().startswith("-"):
                card.upvotes = shown
        elif shown is not None:
            pending_vote = _count_owner(lines, kinds, index, shown, votes, pending_vote)
        if card is not None and card.repo is None:
            card.repo = next((r for r in map(_repo_of, line.links) if r), None)
    for each in cards:
        if each.arxiv_id in votes:
            each.upvotes = votes[each.arxiv_id]
    return cards


def _next_is_author_count(lines: list[Line], kinds: list[int], at: int) -> bool:
    """Whether the next line with text is a card's "N authors" line."""
    for index in range(at + 1, min(at + 4, len(lines))):
        if kinds[index] != _BLANK:
            return is_author_count(lines[index].text)
    return False


def _count_owner(
    lines: list[Line],
    kinds: list[int],
    at: int,
    count: int,
    votes: dict[str, int],
    pending: int | None,
) -> int | None:
    """A bare count: a vote for the paper the login address under it names, a comment count
    when a `#community` address follows, else (numbered references) the next card's votes."""
    for index in range(at + 1, min(at + 4, len(lines))):
        if kinds[index] == _BLANK:
            continue
        if kinds[index] != _URL:
            return count
        url = lines[index].text
        found = paper_arxiv_id(url)
        if found and is_vote_link(url) and not is_comment_link(url):
            votes.setdefault(found, count)
        return pending
    return count


def _names_card(line: Line, ids: list[str], card: _Card) -> bool:
    """A line between a title and its abstract that only points at the paper (or is an image)."""
    if not ids:
        return not line.text
    return all(found == card.arxiv_id for found in ids) and (
        _BARE_URL.fullmatch(line.text) is not None or not line.text
    )


def _note_votes(line: Line, ids: list[str], votes: dict[str, int]) -> None:
    for link in line.links:
        target = link.target
        if target and is_vote_link(target) and not is_comment_link(target):
            count = vote_count(link.text)
            found = paper_arxiv_id(target)
            if count is not None and found:
                votes.setdefault(found, count)


def _repo_of(link: object) -> str | None:
    target = getattr(link, "target", None)
    return repo_url(target) if isinstance(target, str) else None


def _result(cards: list[_Card], source: str) -> ParseResult:
    """Cards made papers: a card repeated in the capture (by id, else title) counted once."""
    papers: list[Paper] = []
    seen: dict[str, int] = {}
    ranks: Counter[dt.date | None] = Counter()
    bare = 0
    for card in cards:
        title = _clean(card.title, title=True)
        if not title:
            continue
        keys = [title_key(title).decode("utf-8", "replace")]
        if card.arxiv_id:
            keys.append(card.arxiv_id)
        if any(key in seen for key in keys):
            continue
        abstract = "\n\n".join(_clean(part, title=False) for part in card.abstract)
        urls = find_urls(abstract) if "://" in abstract else ()
        ranks[card.date] += 1
        paper = Paper(
            id=paper_id(title, card.arxiv_id),
            title=title,
            abstract=abstract,
            date=card.date,
            rank=ranks[card.date] if card.date is not None else 0,  # no day, no rank of it
            urls=urls,
            code_url=card.repo or first_repo(urls),
            arxiv_id=card.arxiv_id,
            source=source,
            upvotes=card.upvotes,
        )
        for key in keys:
            seen[key] = len(papers)
        papers.append(paper)
        bare += not abstract
    warnings = []
    if bare:
        warnings.append(
            ParseWarning(source, None, f"{bare} of {len(papers)} papers have no abstract here")
        )
    return ParseResult(papers, warnings)


def _clean(text: str, *, title: bool) -> str:
    text = clean_paragraph(text)
    if "\\" in text:
        text = decode_latex(text)
    return tidy_title(text) if title else text
