"""Page furniture of the papers pages, recognised by pattern, and what its links tell.

A capture of a papers page carries, around each card, lines no reader wants as a title or an
abstract: vote counts, author counts, "Submitted by", star badges, card dates, bullets left by
tab bars. They are told by their shape ("a count", "N authors", "GitHub 11.3k"), not by a list
of the lines seen so far, so the next tool's copy of the page is read the same way.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from papershelf.urls import find_arxiv_id, normalize_arxiv_id

_COUNT = r"(?:\d+(?:[.,]\d+)?[kKmM]?|[-–])"
# A vote or comment count alone: `65`, `1.09k`, `-`, `[-] 1`, `Upvote 117`.
_VOTE = re.compile(rf"(?:\[-\]\s*)?(?:upvote\s*)?({_COUNT})?", re.IGNORECASE)
_AUTHORS = re.compile(r"[-*+•·\s]*\d[\d,]*\s+authors?", re.IGNORECASE)
_BULLETS = re.compile(r"[-*+•·|\s]*")
_SUBMITTED = re.compile(r"submitted by\b.{0,60}", re.IGNORECASE)
# Star badges and the links beside them: `GitHub 11.3k`, `LINK: GitHub 476`, `arXiv Page`.
_BADGE = re.compile(
    rf"(?:(?:LINK:\s*)?(?:GitHub|GitLab)(?:\s+{_COUNT})?|arXiv Page|Project Page|View paper)"
    rf"(?:\s+(?:(?:LINK:\s*)?(?:GitHub|GitLab)(?:\s+{_COUNT})?|arXiv Page|Project Page))*",
    re.IGNORECASE,
)
# A card's date: `· May 30`, `· Published on Oct 4, 2026` (its comment link is not in `plain`).
_CARD_DATE_PREFIX = re.compile(r"(?:[·•]\s*)?published on\s+|[·•]\s*", re.IGNORECASE)
_PAPER_URL = re.compile(r"huggingface\.co/(?:login\?next=/)?papers/(\d{4}\.\d{4,5})(?!\d)")
_HF_PAGE = re.compile(r"https?://(?:www\.)?huggingface\.co/(?!papers\b)[^/\s?#]+/?$")
_SEARCH = re.compile(r"[?&]q=")
_LISTING_DAY = re.compile(r"/papers/date/(\d{4}-\d{2}-\d{2})")


def is_furniture(text: str) -> bool:
    """A line that is page furniture by its shape alone (never a title or an abstract)."""
    if len(text) > 80:
        return False
    return any(
        pattern.fullmatch(text) is not None
        for pattern in (_BULLETS, _VOTE, _AUTHORS, _SUBMITTED, _BADGE)
    )


def is_author_count(text: str) -> bool:
    """A card's "N authors" line (`25 authors`, `· 8 authors`)."""
    return len(text) <= 80 and _AUTHORS.fullmatch(text) is not None


def vote_count(text: str) -> int | None:
    """The number a vote line shows (`1.09k` is 1090), None for `-` or no number."""
    match = _VOTE.fullmatch(text.strip())
    if match is None or not match[1] or match[1] in "-–":
        return None
    count = match[1].replace(",", "")
    scale = {"k": 1000, "m": 1_000_000}.get(count[-1].lower(), 1)
    try:
        return round(float(count.rstrip("kKmM")) * scale)
    except ValueError:
        return None


def card_date_text(plain: str) -> tuple[bool, str]:
    """(marked as a card's date by `·` or "Published on", the date text left to read)."""
    text = plain.strip()
    prefix = _CARD_DATE_PREFIX.match(text)
    if prefix is not None:
        text = text[prefix.end() :]
    return prefix is not None, text.strip()


def paper_arxiv_id(url: str) -> str | None:
    """The arXiv id a link to a paper names: `huggingface.co/papers/<id>` (also inside a login
    link's `next=`), or `arxiv.org/abs/<id>`."""
    if "%2f" in url.lower():
        url = unquote(url)
    match = _PAPER_URL.search(url)
    if match is not None:
        return normalize_arxiv_id(match[1])
    return find_arxiv_id(url) if "arxiv.org/" in url else None


def is_comment_link(url: str) -> bool:
    return url.endswith("#community")


def is_vote_link(url: str) -> bool:
    return "/login?" in url or ("/papers/" in url and not is_comment_link(url))


def is_profile_link(url: str) -> bool:
    """A link to a Hugging Face user or organisation page: a card's submitter or org."""
    return _HF_PAGE.match(url) is not None


def is_search_view(page_url: str) -> bool:
    """A search of the papers (`?q=...`) lists hits of many days: it has no listing day."""
    return _SEARCH.search(page_url) is not None


def listing_day_in(page_url: str) -> str | None:
    """`YYYY-MM-DD` from a daily page's address (`/papers/date/2026-04-17`)."""
    match = _LISTING_DAY.search(page_url)
    return match[1] if match else None
