"""The `Paper` record that every layer shares, and its stable identity.

One parser makes these; the list, the detail pane, the store, the CLI and the exports all
read them. Nothing downstream re-reads digest text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from papershelf.text import title_key


def paper_id(title: str, arxiv_id: str | None = None) -> str:
    """`arxiv:<id>` when the arXiv id is known, else a hash of the normalised title.

    The same paper gets the same id whichever digest, wrapping or line ending it came from.
    """
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return "title:" + hashlib.blake2b(title_key(title), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as a digest or the Hugging Face API described it.

    `title` and `abstract` are already cleaned of control characters and LaTeX escapes.
    """

    id: str
    title: str
    abstract: str = ""
    date: dt.date | None = None
    """The digest day the paper was listed on (not its arXiv submission date)."""
    rank: int = 0
    """1-based position within its date section; 0 when unknown."""
    urls: tuple[str, ...] = ()
    """Every http(s) link found in the abstract, in order, without trailing punctuation."""
    code_url: str | None = None
    """A GitHub or GitLab repository link, when there is one."""
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    source: str = ""
    """Where the record came from: a file path, `-` for stdin, or an API URL."""
    project_url: str | None = None
    upvotes: int | None = None
    github_stars: int | None = None
    num_comments: int | None = None

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def hf_url(self) -> str | None:
        return f"https://huggingface.co/papers/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def arxiv_search_url(self) -> str:
        return f"https://arxiv.org/search/?query={quote_plus(self.title)}&searchtype=title"

    @property
    def hf_search_url(self) -> str:
        return f"https://huggingface.co/papers?q={quote_plus(self.title)}"

    @property
    def link(self) -> str:
        """The one link `o` opens and `y` copies: code, else the paper page, else a HF search."""
        return self.code_url or self.arxiv_url or self.project_url or self.hf_search_url

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping; `from_dict` reads it back to an equal `Paper`."""
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "date": self.date.isoformat() if self.date else None,
            "rank": self.rank,
            "code_url": self.code_url,
            "urls": list(self.urls),
            "arxiv_id": self.arxiv_id,
            "authors": list(self.authors),
            "source": self.source,
            "project_url": self.project_url,
            "upvotes": self.upvotes,
            "github_stars": self.github_stars,
            "num_comments": self.num_comments,
            "link": self.link,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        """Inverse of `to_dict`; raises KeyError/TypeError/ValueError on a malformed mapping."""
        date = data.get("date")
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            abstract=str(data.get("abstract") or ""),
            date=dt.date.fromisoformat(date) if date else None,
            rank=int(data.get("rank") or 0),
            urls=tuple(str(u) for u in data.get("urls") or ()),
            code_url=data.get("code_url") or None,
            arxiv_id=data.get("arxiv_id") or None,
            authors=tuple(str(a) for a in data.get("authors") or ()),
            source=str(data.get("source") or ""),
            project_url=data.get("project_url") or None,
            upvotes=_opt_int(data.get("upvotes")),
            github_stars=_opt_int(data.get("github_stars")),
            num_comments=_opt_int(data.get("num_comments")),
        )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


# Each slot's own setter, in field order (a slots dataclass lists its fields as its slots).
_SETTERS = tuple(getattr(Paper, name).__set__ for name in Paper.__slots__)


def make_paper(
    id: str,
    title: str,
    abstract: str,
    date: dt.date | None,
    rank: int,
    urls: tuple[str, ...],
    code_url: str | None,
    arxiv_id: str | None,
    authors: tuple[str, ...],
    source: str,
    project_url: str | None,
    upvotes: int | None,
    github_stars: int | None,
    num_comments: int | None,
) -> Paper:
    """`Paper(...)` with every field given in order, built twice as fast, for bulk parsing.

    A frozen dataclass's `__init__` calls `object.__setattr__` once per field; filling the
    slots through their own descriptors skips that. A unit test holds the two to the same result.
    """
    paper: Paper = object.__new__(Paper)
    (s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13) = _SETTERS
    s0(paper, id)
    s1(paper, title)
    s2(paper, abstract)
    s3(paper, date)
    s4(paper, rank)
    s5(paper, urls)
    s6(paper, code_url)
    s7(paper, arxiv_id)
    s8(paper, authors)
    s9(paper, source)
    s10(paper, project_url)
    s11(paper, upvotes)
    s12(paper, github_stars)
    s13(paper, num_comments)
    return paper
