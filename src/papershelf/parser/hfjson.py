"""Hugging Face JSON: `/api/daily_papers` (a list) or `/api/papers/{id}` (one paper).

Its text fields get the same cleaning as digest text (arXiv summaries are hard-wrapped and carry
TeX escapes); links from it are kept only if they are web links.

Two days per paper (see tests/fixtures/real/API.md and SOURCES.md sections 3, 8 and 9):
- the listing day (`Paper.date`, the day it was on Daily Papers) is `paper.submittedOnDailyAt`;
  2024 responses have no such key, and there the item's top-level `publishedAt` is the listing
  time. In 2025/2026 items the top-level `publishedAt` is an arXiv time, so it is only a fallback.
- the arXiv day (`Paper.published_on`) is `paper.publishedAt`.
In the daily list `ai_summary`, `ai_keywords`, `githubStars` and `organization` sit inside `paper`
(huggingface_hub's `PaperInfo` reads them from the top level only and loses them there); both
places are read here. The linked models/datasets/Spaces counts come only from `/api/papers/{id}`.

The JSON is untrusted: lone surrogates (`"\ud800"`) become U+FFFD, numbers longer than
`MAX_INT_DIGITS` and nesting deeper than the interpreter can follow are one `UserError`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
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
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_INT_DIGITS = 30
"""Longer integers are not counts of anything; refusing them also keeps int() cheap."""
_MAX_COUNT = 2**63 - 1
_MAX_KEYWORDS = 50
"""A count above this is not kept (SQLite's integer range)."""


class _TooBig(ValueError):
    pass


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _TooBig(f"a number with {len(digits)} digits")
    return int(digits)


def loads(text: str, source: str) -> Any:
    """`json.loads` with the bounds above; every failure is one `UserError` line."""
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise json_error(source, exc) from None
    except RecursionError:
        raise SourceError(source or "<text>", "malformed JSON: nested too deeply") from None
    except _TooBig as exc:
        raise SourceError(source or "<text>", f"malformed JSON: {exc}") from None
    except ValueError as exc:  # e.g. the interpreter's own int digit limit
        raise SourceError(source or "<text>", f"malformed JSON: {exc}") from None


def parse_hf_json(text: str, *, source: str = "") -> ParseResult:
    """Parse `/api/daily_papers` (a list) or `/api/papers/{id}` (one object) JSON."""
    return from_json(loads(text.removeprefix("\ufeff"), source), source)


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
        return True, loads(text[first.start() :] if first.start() else text, source)
    except UserError:
        if _JSON_OPENING.match(text, first.start()):
            raise
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
    nested = isinstance(inner, dict)
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
    names, hidden = _json_authors(authors if isinstance(authors, list) else [])
    published_on = _json_date(paper.get("publishedAt"))
    # A daily item's own publishedAt was the listing time before submittedOnDailyAt existed
    # (2024 shape). When nothing says when it was listed (a bare paper object never submitted),
    # the arXiv day stands in, so the paper still sorts by time.
    listed = (
        _json_date(pick("submittedOnDailyAt"))
        or (_json_date(item.get("publishedAt")) if nested else None)
        or published_on
    )
    keywords = pick("ai_keywords")
    return Paper(
        id=paper_id(title, arxiv_id),
        title=title,
        abstract=abstract,
        date=listed,
        rank=rank if listed is not None else 0,  # a paper listed on no day has no rank in one
        urls=urls,
        code_url=_json_repo(pick("githubRepo")) or first_repo(urls),
        arxiv_id=arxiv_id,
        authors=names,
        source=source,
        project_url=_json_link(pick("projectPage")),
        upvotes=_json_int(pick("upvotes")),
        github_stars=_json_int(pick("githubStars")),
        num_comments=_json_int(pick("numComments")),
        published_on=published_on,
        ai_summary=_one_line(pick("ai_summary")) or None,
        ai_keywords=_json_keywords(keywords if isinstance(keywords, list) else []),
        organization=_json_org(pick("organization")),
        submitted_by=_json_submitter(item.get("submittedBy"), pick("submittedOnDailyBy")),
        hidden_authors=hidden,
        num_models=_json_count(pick("numTotalModels"), pick("linkedModels")),
        num_datasets=_json_count(pick("numTotalDatasets"), pick("linkedDatasets")),
        num_spaces=_json_count(pick("numTotalSpaces"), pick("linkedSpaces")),
    )


def _text(value: Any) -> str:
    """A string from the JSON, lone surrogates replaced; "" for anything else."""
    if not isinstance(value, str):
        return ""
    return _SURROGATE.sub("\ufffd", value)


def _one_line(value: Any) -> str:
    return " ".join(decode_latex(clean_paragraph(_text(value))).split())


def _json_abstract(summary: str) -> str:
    """arXiv summaries are hard-wrapped; join lines as for digests, keep paragraph breaks."""
    paragraphs = (decode_latex(clean_paragraph(raw)) for _, raw in split_paragraphs(summary))
    return "\n\n".join(p for p in paragraphs if p)


def _json_authors(authors: list[Any]) -> tuple[tuple[str, ...], int]:
    """(the names shown, how many are hidden): `hidden: true` authors are not on the web page."""
    names: list[str] = []
    hidden = 0
    for author in authors:
        if not isinstance(author, dict):
            continue
        name = tidy_title(decode_latex(clean_paragraph(_text(author.get("name")))))
        if author.get("hidden") is True:
            hidden += 1
        elif name:
            names.append(name)
    return tuple(names), hidden


def _json_keywords(keywords: list[Any]) -> tuple[str, ...]:
    found = (_one_line(keyword) for keyword in keywords[:_MAX_KEYWORDS])
    return tuple(dict.fromkeys(k for k in found if k))


def _json_org(value: Any) -> str | None:
    """`organization` is an object (`fullname`, `name`) in the API; a bare string is taken too."""
    if isinstance(value, dict):
        return _one_line(value.get("fullname")) or _one_line(value.get("name")) or None
    return _one_line(value) or None


def _json_submitter(submitted_by: Any, on_daily_by: Any) -> str | None:
    """The user name: `submittedBy.name` (daily items), else `submittedOnDailyBy.user`."""
    for value, key in ((submitted_by, "name"), (on_daily_by, "user"), (on_daily_by, "name")):
        if isinstance(value, dict) and (name := _one_line(value.get(key))):
            return name
    return None


def _json_count(total: Any, linked: Any) -> int | None:
    count = _json_int(total)
    if count is None and isinstance(linked, list):
        count = len(linked)
    return count


def _json_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _json_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_COUNT:
        return value
    return None


def _json_link(value: Any) -> str | None:
    url = _text(value).strip()
    return url if url and is_web_url(url) else None


def _json_repo(value: Any) -> str | None:
    url = _json_link(value)
    return (repo_url(url) or url) if url else None
