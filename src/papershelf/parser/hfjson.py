"""Hugging Face JSON: `/api/daily_papers` (a list) or `/api/papers/{id}` (one paper).

Its text fields get the same cleaning as digest text (arXiv summaries are hard-wrapped and carry
TeX escapes); links from it are kept only if they are web links.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from papershelf.errors import UserError
from papershelf.model import Paper, paper_id
from papershelf.parser.latex import decode_latex
from papershelf.parser.links import find_urls, first_repo, repo_url
from papershelf.parser.paragraphs import (
    NONBLANK,
    bom_offset,
    clean_paragraph,
    split_paragraphs,
    tidy_title,
)
from papershelf.parser.results import ParseResult, ParseWarning, SourceError, unique
from papershelf.urls import is_web_url, normalize_arxiv_id

# What the start of real JSON from the API looks like; "[Re] A Title" is a digest, not JSON.
_JSON_OPENING = re.compile(r"\[\s*[\[{\]]|\{\s*[\"}]")


def parse_hf_json(text: str, *, source: str = "") -> ParseResult:
    """Parse `/api/daily_papers` (a list) or `/api/papers/{id}` (one object) JSON."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise json_error(source, exc) from None
    return from_json(data, source)


def json_error(source: str, exc: json.JSONDecodeError) -> UserError:
    """The one-line error for JSON that does not parse, with where it breaks."""
    return SourceError(
        source or "<text>", f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    )


def sniff_json(text: str, source: str) -> tuple[bool, Any]:
    """(is JSON, the data): text opening like JSON must parse as JSON, else it is a digest."""
    first = NONBLANK.search(text, bom_offset(text))
    if first is None or text[first.start()] not in "[{":
        return False, None
    try:
        return True, json.loads(text[first.start() :] if first.start() else text)
    except json.JSONDecodeError as exc:
        if _JSON_OPENING.match(text, first.start()):
            raise json_error(source, exc) from None
        return False, None


def from_json(data: Any, source: str) -> ParseResult:
    """Papers from decoded API JSON; `UserError` if it is neither a list of them nor one."""
    label = source or "<text>"
    if isinstance(data, dict):
        if not any(key in data for key in ("paper", "title", "id")):
            error = data.get("error")
            problem = f"the JSON is an error message: {error}" if isinstance(error, str) else ""
            raise SourceError(label, problem or "JSON object is not a Hugging Face paper")
        items: list[Any] = [data]
    elif isinstance(data, list):
        items = data
    else:
        raise SourceError(label, "JSON is neither a list of daily papers nor a paper object")
    result = ParseResult()
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise SourceError(label, f"JSON item {index} is not an object")
        paper = _json_paper(item, rank=index if isinstance(data, list) else 0, source=source)
        if paper is None:
            result.warnings.append(
                ParseWarning(source, None, f"item {index} has no title; skipped")
            )
        else:
            result.papers.append(paper)
    result.papers = unique(result.papers)
    return result


def _json_paper(item: dict[str, Any], *, rank: int, source: str) -> Paper | None:
    inner = item.get("paper")
    paper: dict[str, Any] = inner if isinstance(inner, dict) else item

    def pick(key: str) -> Any:
        value = paper.get(key)
        return item.get(key) if value is None else value

    title = tidy_title(decode_latex(clean_paragraph(_text(pick("title")))))
    if not title:
        return None
    abstract = _json_abstract(_text(pick("summary")))
    arxiv_id = normalize_arxiv_id(_text(paper.get("id")).strip())
    urls = find_urls(abstract)
    authors = paper.get("authors")
    return Paper(
        id=paper_id(title, arxiv_id),
        title=title,
        abstract=abstract,
        date=_json_date(item.get("publishedAt")) or _json_date(paper.get("publishedAt")),
        rank=rank,
        urls=urls,
        code_url=_json_repo(pick("githubRepo")) or first_repo(urls),
        arxiv_id=arxiv_id,
        authors=tuple(_json_authors(authors if isinstance(authors, list) else [])),
        source=source,
        project_url=_json_link(pick("projectPage")),
        upvotes=_json_int(pick("upvotes")),
        github_stars=_json_int(pick("githubStars")),
        num_comments=_json_int(pick("numComments")),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_abstract(summary: str) -> str:
    """arXiv summaries are hard-wrapped; join lines as for digests, keep paragraph breaks."""
    paragraphs = (decode_latex(clean_paragraph(raw)) for _, raw in split_paragraphs(summary))
    return "\n\n".join(p for p in paragraphs if p)


def _json_authors(authors: list[Any]) -> Iterator[str]:
    for author in authors:
        name = clean_paragraph(_text(author.get("name"))) if isinstance(author, dict) else ""
        name = tidy_title(decode_latex(name))
        if name:
            yield name


def _json_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _json_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _json_link(value: Any) -> str | None:
    url = _text(value).strip()
    return url if url and is_web_url(url) else None


def _json_repo(value: Any) -> str | None:
    url = _json_link(value)
    return (repo_url(url) or url) if url else None
