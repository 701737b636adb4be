"""The records every layer shares: `Paper`, `Bookmark`, and the rules for their fields.

One parser makes papers; the list, the detail pane, the store, the CLI and the exports all
read them. Nothing downstream re-reads digest text. The bookmark rules (states, tags, notes)
live here rather than in the store so that code which only reads bookmarks never imports
the database. No I/O happens here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import quote_plus

from papershelf.errors import UserError
from papershelf.links import paper_url
from papershelf.text import strip_controls, title_key

STATES = ("to-read", "reading", "done")
"""Reading states in the order a paper goes through them; a new bookmark is `to-read`."""

MAX_TAG_LENGTH = 40

_TAG_SPACE = re.compile(r"[\s,]+")


def paper_id(title: str, arxiv_id: str | None = None) -> str:
    """`arxiv:<id>` when the arXiv id is known, else a hash of the normalised title.

    The same paper gets the same id whichever digest, wrapping or line ending it came from.
    """
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return "title:" + hashlib.blake2b(title_key(title), digest_size=8).hexdigest()


SEARCH_TITLE_CHARS = 300
"""Characters of a title the search links carry."""


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
    published_on: dt.date | None = None
    """The arXiv publication day (`paper.publishedAt`), beside `date`, the listing day."""
    ai_summary: str | None = None
    """Hugging Face's generated one-paragraph summary (`ai_summary`)."""
    ai_keywords: tuple[str, ...] = ()
    organization: str | None = None
    """The organisation the paper is listed under (its display name)."""
    submitted_by: str | None = None
    """The Hugging Face user name of who put the paper on Daily Papers."""
    hidden_authors: int = 0
    """Authors the API marks `hidden`: left out of `authors`, as the web page leaves them out."""
    num_models: int | None = None
    """Models linked to the paper (only `/api/papers/{id}` says)."""
    num_datasets: int | None = None
    num_spaces: int | None = None

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def hf_url(self) -> str | None:
        return f"https://huggingface.co/papers/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def arxiv_search_url(self) -> str:
        return f"https://arxiv.org/search/?query={self._search_terms}&searchtype=title"

    @property
    def hf_search_url(self) -> str:
        return f"https://huggingface.co/papers?q={self._search_terms}"

    @property
    def _search_terms(self) -> str:
        # The title's start: enough to find any real paper, and a 10 MB title would cost
        # ~0.1 s to quote on every highlight (and make a URL no browser takes).
        return quote_plus(self.title[:SEARCH_TITLE_CHARS])

    @property
    def link(self) -> str:
        """The paper link (`o`, `y l`, exports): the paper's page, never its code repository.

        The rule is `links.paper_url`'s; the code and the PDF have `links.code_url`/`pdf_url`.
        """
        return paper_url(self)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready mapping; `from_dict` reads it back to an equal `Paper`.

        Derived values such as `link` are left out: whoever shows them adds them, and a stored
        copy cannot go stale.
        """
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
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "ai_summary": self.ai_summary,
            "ai_keywords": list(self.ai_keywords),
            "organization": self.organization,
            "submitted_by": self.submitted_by,
            "hidden_authors": self.hidden_authors,
            "num_models": self.num_models,
            "num_datasets": self.num_datasets,
            "num_spaces": self.num_spaces,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        """Inverse of `to_dict`; raises KeyError/TypeError/ValueError on a malformed mapping.

        Fields added later (`published_on` onwards) may be missing: older stored copies lack them.
        """
        date = data.get("date")
        published_on = data.get("published_on")
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
            published_on=dt.date.fromisoformat(published_on) if published_on else None,
            ai_summary=_opt_str(data.get("ai_summary")),
            ai_keywords=tuple(str(k) for k in data.get("ai_keywords") or ()),
            organization=_opt_str(data.get("organization")),
            submitted_by=_opt_str(data.get("submitted_by")),
            hidden_authors=int(data.get("hidden_authors") or 0),
            num_models=_opt_int(data.get("num_models")),
            num_datasets=_opt_int(data.get("num_datasets")),
            num_spaces=_opt_int(data.get("num_spaces")),
        )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _opt_str(value: Any) -> str | None:
    return str(value) if value else None


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
    published_on: dt.date | None = None,
    ai_summary: str | None = None,
    ai_keywords: tuple[str, ...] = (),
    organization: str | None = None,
    submitted_by: str | None = None,
    hidden_authors: int = 0,
    num_models: int | None = None,
    num_datasets: int | None = None,
    num_spaces: int | None = None,
) -> Paper:
    """`Paper(...)` with every field given in order, built twice as fast, for bulk parsing.

    A frozen dataclass's `__init__` calls `object.__setattr__` once per field; filling the
    slots through their own descriptors skips that. A unit test holds the two to the same result.
    """
    paper: Paper = object.__new__(Paper)
    (s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, *api) = _SETTERS
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
    api_values: tuple[object, ...] = (published_on, ai_summary, ai_keywords, organization)
    api_values += (submitted_by, hidden_authors, num_models, num_datasets, num_spaces)
    for setter, value in zip(api, api_values, strict=True):
        setter(paper, value)
    return paper


# --- bookmarks --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A bookmarked paper and what the user has recorded about it."""

    paper: Paper
    """The paper as it was when bookmarked (or last imported)."""
    state: str
    """One of `STATES`."""
    note: str
    """Free text; may span lines."""
    tags: tuple[str, ...]
    """Normalised (see `normalize_tags`): lowercase, no spaces or commas, sorted, unique."""
    added_at: dt.datetime
    """When it was bookmarked (UTC)."""
    updated_at: dt.datetime
    """When the state, note or tags last changed (UTC); decides which copy wins an import."""

    def to_dict(self) -> dict[str, Any]:
        """The paper's fields flattened, plus the bookmark's; `from_dict` reads it back."""
        return {
            **self.paper.to_dict(),
            "state": self.state,
            "note": self.note,
            "tags": list(self.tags),
            "added_at": format_time(self.added_at),
            "updated_at": format_time(self.updated_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Bookmark:
        """Read a `to_dict` mapping (e.g. from an export file); `UserError` if malformed.

        Imported files are untrusted, so text is cleaned of control characters as the parser
        cleans digest text. `note` and `tags` may be missing (empty); the rest is required.
        """
        if not isinstance(data, Mapping):
            raise UserError(f"a bookmark must be a JSON object, not {type(data).__name__}")
        missing = [
            key for key in ("id", "title", "state", "added_at", "updated_at") if key not in data
        ]
        if missing:
            raise UserError(f"bookmark is missing {', '.join(repr(k) for k in missing)}")
        try:
            paper = _clean_paper(Paper.from_dict(dict(data)))
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError(
                f"bookmark {data.get('id')!r} has a malformed paper field: {exc}"
            ) from exc
        note = data.get("note") or ""
        tags = data.get("tags") or []
        if not isinstance(note, str):
            raise UserError(f"bookmark {paper.id!r}: note must be a string")
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise UserError(f"bookmark {paper.id!r}: tags must be a list of strings")
        return cls(
            paper=paper,
            state=check_state(data["state"]),
            note=clean_note(note),
            tags=normalize_tags(tags),
            added_at=parse_time(data["added_at"], "added_at"),
            updated_at=parse_time(data["updated_at"], "updated_at"),
        )


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as stored: split on commas, stripped, lowercased, inner spaces as `-`, sorted, unique.

    `["Deep Learning", "ml, NLP"]` becomes `("deep-learning", "ml", "nlp")`, so a tag typed in
    a single text field and a tag passed as a list agree.
    """
    if isinstance(tags, str):
        tags = [tags]
    found: set[str] = set()
    for raw in tags:
        for piece in strip_controls(raw).split(","):
            tag = _TAG_SPACE.sub("-", piece.strip().lower()).strip("-")
            if not tag:
                continue
            if len(tag) > MAX_TAG_LENGTH:
                raise UserError(f"tag {tag[:20]!r}... is longer than {MAX_TAG_LENGTH} characters")
            found.add(tag)
    return tuple(sorted(found))


def clean_note(note: str) -> str:
    """A note as stored: control characters removed (newlines and tabs kept), ends trimmed."""
    return strip_controls(note).strip()


def check_state(state: object) -> str:
    """`state` if it is one of `STATES`, else a `UserError` listing them."""
    if state not in STATES:
        raise UserError(f"unknown state {state!r}: use one of {', '.join(STATES)}")
    return str(state)


def _clean_paper(paper: Paper) -> Paper:
    return replace(
        paper,
        title=strip_controls(paper.title),
        abstract=strip_controls(paper.abstract),
        authors=tuple(strip_controls(a) for a in paper.authors),
        source=strip_controls(paper.source),
        ai_summary=_opt_str(strip_controls(paper.ai_summary or "")),
        ai_keywords=tuple(strip_controls(k) for k in paper.ai_keywords),
        organization=_opt_str(strip_controls(paper.organization or "")),
        submitted_by=_opt_str(strip_controls(paper.submitted_by or "")),
    )


def format_time(moment: dt.datetime) -> str:
    """One fixed ISO 8601 form in UTC, so stored strings sort in time order."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_time(value: object, field: str) -> dt.datetime:
    """ISO 8601 to an aware UTC datetime; a time without an offset is taken as UTC."""
    if not isinstance(value, str):
        raise UserError(f"{field} must be an ISO 8601 string, not {value!r}")
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UserError(f"{field} {value!r} is not an ISO 8601 time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


# --- compact records --------------------------------------------------------------------------


class ListedPaper(Paper):
    """A paper as the list shows it: id, title, day, rank, links, authors, upvotes and arXiv
    day (`_LISTED`); every other field at its default until the full paper is read
    (`Session.full`).

    A 100k-paper library decodes in a fraction of the time and memory of full papers, and the
    abstract stays in the database until the detail pane, a copy or a bookmark needs it. Code
    that shows or stores more than the list row must resolve it first.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        """The default of a field the list does not carry (its slot was never filled)."""
        try:
            return _UNLISTED[name]
        except KeyError:
            raise AttributeError(name) from None


_LISTED = (
    "id",
    "title",
    "date",
    "rank",
    "code_url",
    "arxiv_id",
    "authors",
    "upvotes",
    "published_on",
    "project_url",
)
"""What a list row, the sorts, `author:` and the paper link need: the rest waits in the table."""
_LISTED_SET = tuple(getattr(Paper, name).__set__ for name in _LISTED)
_UNLISTED: dict[str, Any] = {f.name: f.default for f in fields(Paper) if f.name not in _LISTED}


def make_listed_paper(
    id: str,
    title: str,
    date: dt.date | None,
    rank: int,
    code_url: str | None,
    arxiv_id: str | None,
    authors: tuple[str, ...] = (),
    upvotes: int | None = None,
    published_on: dt.date | None = None,
    project_url: str | None = None,
) -> ListedPaper:
    """A `ListedPaper`, built through the slots' descriptors like `make_paper` (bulk loading)."""
    paper: ListedPaper = object.__new__(ListedPaper)
    s0, s1, s2, s3, s4, s5, s6, s7, s8, s9 = _LISTED_SET
    s0(paper, id)
    s1(paper, title)
    s2(paper, date)
    s3(paper, rank)
    s4(paper, code_url)
    s5(paper, arxiv_id)
    s6(paper, authors)
    s7(paper, upvotes)
    s8(paper, published_on)
    s9(paper, project_url)
    return paper


def listed_copy(paper: Paper) -> ListedPaper:
    """The list row of a full paper (the rows of a delta are made from the papers written)."""
    return make_listed_paper(
        paper.id,
        paper.title,
        paper.date,
        paper.rank,
        paper.code_url,
        paper.arxiv_id,
        paper.authors,
        paper.upvotes,
        paper.published_on,
        paper.project_url,
    )
