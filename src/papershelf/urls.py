"""The one home of the link rules: which URLs papershelf opens, and what an arXiv id is.

The parser, the query language, exports and the API client all meet links and arXiv ids; one
rule and one pattern here keep them from drifting apart (a link the parser keeps is one the UI
will open, an id a query names is one the parser could have found).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# An arXiv id: new-style `YYMM.NNNNN` (4 digits after the dot until 2014), or old-style
# `archive/YYMMNNN` (`hep-th/9901001`). A version (`v2`) may follow.
_ID = r"\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7}"
_ARXIV_ID = re.compile(rf"({_ID})(?:v\d+)?")
# How abstracts cite one: `arXiv:2403.12345`, `arxiv.org/abs/2403.12345v2`, `.../pdf/...`.
_ARXIV_MENTION = re.compile(rf"ar[Xx]iv(?::\s*|\.org/(?:abs|pdf|html)/)({_ID})(?!\d)(?:v\d+)?")
# What a person pastes to name a paper: an arXiv abs/pdf/html page or a Hugging Face paper page,
# with or without scheme, `www.`, version, `.pdf`, query or fragment.
_PAPER_PAGE = re.compile(
    rf"(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf|html)|huggingface\.co/papers)/"
    rf"({_ID})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?",
    re.IGNORECASE,
)
# `is_web_url` for links found in prose, without parsing: lowercase scheme, a host of ASCII
# letters, digits, dots and hyphens starting with a letter or digit, an optional port, a path.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9][A-Za-z0-9.-]*(?::\d+)?(?:[/?#]|$)")


def is_web_url(url: str) -> bool:
    """True for `http://host/...` and `https://host/...`; False for file:, javascript:, etc.

    The one test for a link papershelf opens, styles as a link or exports. It rejects control
    characters and whitespace (a link that shows one thing and opens another), and any host
    or user part that is not ASCII: `gіthub.com` with a Cyrillic і looks like GitHub and is
    not. Hosts that really are internationalised still open in their `xn--` (IDNA) spelling.
    """
    if " " in url or not url.isprintable():  # printable leaves out every other blank
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.netloc.isascii()


def is_plain_web_url(url: str) -> bool:
    """`is_web_url` for the common shape only, cheap enough for every link in a 170 MB digest.

    Never true where `is_web_url` is false (a test holds it to that); false for the rarer
    shapes it does not read (user info, IPv6 hosts), which abstracts do not link to.
    """
    return _PLAIN_WEB_URL.match(url) is not None and " " not in url and url.isprintable()


def normalize_arxiv_id(text: str) -> str | None:
    """`text` if it is exactly an arXiv id, without its version (`2403.12345v2` -> `2403.12345`).

    Case matters (archive names are lowercase): lowercase what a user typed first.
    """
    match = _ARXIV_ID.fullmatch(text)
    return match[1] if match else None


def referenced_arxiv_id(text: str) -> str | None:
    """The arXiv id (unversioned) a person means by `text`, when it is nothing but a reference.

    The one rule for what a person may type or paste to name a paper, in the filter, in
    `bookmarks add` and wherever a paper is named: a bare id (`2511.20107`, `2511.20107v2`), an
    arXiv abs/pdf/html URL or a `huggingface.co/papers/` URL, as pasted. Anything else is None
    (`arxiv:ID` is the query's filter and the paper's own id, not a reference).
    """
    text = text.strip()
    found = normalize_arxiv_id(text.lower())
    if found is not None:
        return found
    match = _PAPER_PAGE.fullmatch(text)
    return match[1].lower() if match else None


def find_arxiv_id(text: str) -> str | None:
    """The first arXiv id cited in `text` (`arXiv:2403.12345`, `arxiv.org/abs/...`), unversioned.

    A bare number is not taken for an id: only a citation names one.
    """
    match = _ARXIV_MENTION.search(text)
    return match[1] if match else None


def arxiv_year(arxiv_id: str) -> int | None:
    """The year in a new-style id's YYMM (`2403.12345` -> 2024); None for an old-style id."""
    match = _ARXIV_ID.fullmatch(arxiv_id)
    if match is None or "/" in match[1]:
        return None
    return 2000 + int(arxiv_id[:2])


def paper_id_candidates(token: str) -> list[str]:
    """The paper ids `token` may mean, the one rule for every command and key that names a
    paper: itself (`arxiv:2403.12345`, `title:...`), and for a reference (`referenced_arxiv_id`:
    a bare arXiv id, an arXiv or Hugging Face paper URL) or a versioned `arxiv:` id, its
    `arxiv:` id."""
    token = token.strip()
    found = [token]
    arxiv = referenced_arxiv_id(token) or normalize_arxiv_id(token.lower().removeprefix("arxiv:"))
    if arxiv is not None and f"arxiv:{arxiv}" != token:
        found.append(f"arxiv:{arxiv}")
    return found
