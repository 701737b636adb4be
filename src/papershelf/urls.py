"""The one home of the link rules: which URLs papershelf opens, and what an arXiv id is.

The parser, the query language, exports and the API client all meet links and arXiv ids; one
rule and one pattern here keep them from drifting apart (a link the parser keeps is one the UI
will open, an id a query names is one the parser could have found).
"""

from __future__ import annotations

import re
from typing import Protocol
from urllib.parse import urlsplit

# An arXiv id: new-style `YYMM.NNNNN` (4 digits after the dot until 2014), or old-style
# `archive/YYMMNNN` (`hep-th/9901001`). A version (`v2`) may follow.
_ID = r"\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7}"
_ARXIV_ID = re.compile(rf"({_ID})(?:v\d+)?")
# How abstracts cite one: `arXiv:2403.12345`, `arxiv.org/abs/2403.12345v2`, `.../pdf/...`.
_ARXIV_MENTION = re.compile(rf"ar[Xx]iv(?::\s*|\.org/(?:abs|pdf|html)/)({_ID})(?!\d)(?:v\d+)?")
# `is_web_url` for links found in prose, without parsing: lowercase scheme, a host of letters,
# digits, dots and hyphens starting with a letter or digit, an optional port, then a path.
_PLAIN_WEB_URL = re.compile(r"https?://[^\W_][\w.-]*(?::\d+)?(?:[/?#]|$)")


def is_web_url(url: str) -> bool:
    """True for `http://host/...` and `https://host/...`; False for file:, javascript:, etc.

    The one test for a link papershelf opens, styles as a link or exports. It rejects control
    characters but not spaces inside the URL (exports percent-encode those).
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and url.isprintable()


def is_plain_web_url(url: str) -> bool:
    """`is_web_url` for the common shape only, cheap enough for every link in a 170 MB digest.

    Never true where `is_web_url` is false (a test holds it to that); false for the rarer
    shapes it does not read (user info, IPv6 hosts), which abstracts do not link to.
    """
    return _PLAIN_WEB_URL.match(url) is not None and url.isprintable()


def normalize_arxiv_id(text: str) -> str | None:
    """`text` if it is exactly an arXiv id, without its version (`2403.12345v2` -> `2403.12345`).

    Case matters (archive names are lowercase): lowercase what a user typed first.
    """
    match = _ARXIV_ID.fullmatch(text)
    return match[1] if match else None


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


class _Linked(Protocol):
    """What the link helpers read of a paper (`model.Paper` fits; urls sits below the model)."""

    @property
    def arxiv_id(self) -> str | None: ...
    @property
    def code_url(self) -> str | None: ...
    @property
    def project_url(self) -> str | None: ...
    @property
    def hf_url(self) -> str | None: ...
    @property
    def arxiv_url(self) -> str | None: ...
    @property
    def hf_search_url(self) -> str: ...


def paper_url(paper: _Linked) -> str:
    """The paper's own page: Hugging Face's when there is an arXiv id (it links the PDF, code
    and discussion), else the project page, else a Hugging Face title search. Never the code."""
    return paper.hf_url or paper.arxiv_url or paper.project_url or paper.hf_search_url


def code_url(paper: _Linked) -> str | None:
    """The code repository, when the paper has one."""
    return paper.code_url or None


def pdf_url(paper: _Linked) -> str | None:
    """arXiv's PDF, when the arXiv id is known."""
    return f"https://arxiv.org/pdf/{paper.arxiv_id}" if paper.arxiv_id else None
