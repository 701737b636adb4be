"""Today's papers, live: one GET of the Hugging Face daily-papers list, parsed into `Paper`s.

`GET {endpoint}/api/daily_papers` takes `date` (YYYY-MM-DD), `week` (YYYY-Www) or `month`
(YYYY-MM), `sort` (`trending` or `publishedAt`), `p` (0-based page) and `limit` (page size, at
most 100). The endpoint is `$HF_ENDPOINT` when set (tests point it at a local server), else
https://huggingface.co.

Why the standard library and not `huggingface_hub`: the JSON is small and the shared parser
already reads it (`parser.parse_hf_json`); `HfApi.list_daily_papers` returns `PaperInfo`
records that drop `githubRepo`, `projectPage` and `ai_summary`, which we want; and a terminal
app meant for a 2-core laptop should not import a hub client for one GET.

Paging is kept simple. Without a `limit`, one request, and the server picks the page size. With
one, pages of `min(limit, 100)` are requested until `limit` papers arrived or a page comes back
short. A paper listed on two pages (the list moved meanwhile) is kept once.

Every failure is one `UserError` line: the host cannot be reached, it timed out, it answered
with an HTTP error, or it sent something that is not a complete list of papers. Nothing here
writes anywhere: the caller stores the papers in one transaction once the fetch succeeded.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urlsplit

from papershelf import __version__
from papershelf.errors import UserError
from papershelf.model import Paper
from papershelf.parser import parse_hf_json
from papershelf.text import strip_controls
from papershelf.urls import is_web_url

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_TIMEOUT_S",
    "ENDPOINT_ENV",
    "MAX_PAGE_SIZE",
    "SORTS",
    "FetchRequest",
    "build_url",
    "endpoint",
    "fetch_papers",
    "parse_day",
]

ENDPOINT_ENV = "HF_ENDPOINT"
DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_TIMEOUT_S = 10.0
MAX_PAGE_SIZE = 100
"""The most items the API returns per page."""

SORTS = ("trending", "published")
_API_SORT = {"trending": "trending", "published": "publishedAt"}
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_ERROR_DETAIL_MAX = 200
"""How much of an error body (the API's `{"error": ...}`) a message quotes."""


def parse_day(text: str) -> dt.date:
    """A `YYYY-MM-DD` day as typed on the command line; `UserError` otherwise."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise UserError(f"date expects YYYY-MM-DD (a real day), not {text!r}")


@dataclass(frozen=True)
class FetchRequest:
    """Which list to download; validated on construction, so a bad one never reaches the net.

    At most one of `date`, `week` and `month`; none means the server's default (today's list).
    """

    date: dt.date | None = None
    week: str | None = None
    """ISO week, `YYYY-Www` (W01..W53, W53 only in years that have one)."""
    month: str | None = None
    """`YYYY-MM`."""
    sort: str = "trending"
    """`trending` or `published` (newest submission first)."""
    limit: int | None = None
    """How many papers at most; None takes the server's default page."""

    def __post_init__(self) -> None:
        periods = [name for name in ("date", "week", "month") if getattr(self, name) is not None]
        if len(periods) > 1:
            raise UserError(f"choose one of date, week or month, not {' and '.join(periods)}")
        if self.week is not None:
            _check_week(self.week)
        if self.month is not None:
            _check_month(self.month)
        if self.sort not in SORTS:
            raise UserError(f"unknown sort {self.sort!r}: use {' or '.join(SORTS)}")
        if self.limit is not None and (
            isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1
        ):
            raise UserError(f"limit must be a whole number of at least 1, not {self.limit!r}")

    def describe(self) -> str:
        """A short label for notes and for the library's `source` column: `hf:2024-03-19`."""
        if self.date is not None:
            period = self.date.isoformat()
        else:
            period = self.week or self.month or "today"
        return f"hf:{period}"


def _check_week(week: str) -> None:
    match = _WEEK.fullmatch(week)
    if match is not None:
        try:
            dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return
        except ValueError:
            pass
    raise UserError(f"week expects YYYY-Www (an ISO week such as 2024-W12), not {week!r}")


def _check_month(month: str) -> None:
    match = _MONTH.fullmatch(month)
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise UserError(f"month expects YYYY-MM (such as 2024-03), not {month!r}")


def endpoint() -> str:
    """`$HF_ENDPOINT` without a trailing slash, else https://huggingface.co."""
    value = os.environ.get(ENDPOINT_ENV, "").strip()
    if not value:
        return DEFAULT_ENDPOINT
    if not is_web_url(value):
        raise UserError(f"{ENDPOINT_ENV}={value!r} is not an http(s) URL")
    return value.rstrip("/")


def build_url(request: FetchRequest, page: int = 0) -> str:
    """The request URL for one page; `limit` is the page size, capped at `MAX_PAGE_SIZE`."""
    params: list[tuple[str, str]] = []
    if request.date is not None:
        params.append(("date", request.date.isoformat()))
    elif request.week is not None:
        params.append(("week", request.week))
    elif request.month is not None:
        params.append(("month", request.month))
    params.append(("sort", _API_SORT[request.sort]))
    params.append(("p", str(page)))
    if request.limit is not None:
        params.append(("limit", str(min(request.limit, MAX_PAGE_SIZE))))
    return f"{endpoint()}/api/daily_papers?{urlencode(params)}"


def fetch_papers(request: FetchRequest, *, timeout: float = DEFAULT_TIMEOUT_S) -> list[Paper]:
    """Download the list `request` names; [] when the server has no papers for it.

    `timeout` bounds connecting and each wait for data, not the whole download. Raises
    `UserError` (one line) on any network, HTTP or format problem; never writes anything.
    """
    if request.limit is None:
        return _fetch_page(build_url(request), timeout)
    page_size = min(request.limit, MAX_PAGE_SIZE)
    papers: list[Paper] = []
    seen: set[str] = set()
    page = 0
    while len(papers) < request.limit:
        found = _fetch_page(build_url(request, page), timeout)
        before = len(papers)
        for paper in found:
            if paper.id not in seen:
                seen.add(paper.id)
                papers.append(replace(paper, rank=len(papers) + 1))
        if len(found) < page_size or len(papers) == before:
            break  # the last page, or a server that ignores `p`
        page += 1
    return papers[: request.limit]


def _fetch_page(url: str, timeout: float) -> list[Paper]:
    body = _download(url, timeout)
    host = _host(url)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{host} sent a malformed response: not UTF-8 text ({url})") from None
    _check_is_list(text, host, url)
    try:
        return parse_hf_json(text, source=url).papers
    except UserError as exc:
        problem = str(exc).removeprefix(f"{url}: ")
        raise UserError(f"{host} sent a malformed response: {problem}") from exc


def _check_is_list(text: str, host: str, url: str) -> None:
    """The daily list is a JSON array; an object is an error message or the wrong endpoint."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "[" or start != "{":
        return  # a list, or not JSON at all: the parser says what is wrong
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return
    error = data.get("error") if isinstance(data, dict) else None
    detail = f" saying {_quote(error)}" if isinstance(error, str) else ""
    raise UserError(f"{host} sent a malformed response: an object, not a list of papers{detail}")


def _download(url: str, timeout: float) -> bytes:
    """The response body, or a `UserError` naming what went wrong on the way."""
    host = _host(url)
    request = urllib.request.Request(
        url,
        headers={"Accept": "application/json", "User-Agent": f"papershelf/{__version__}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as exc:
        reason = f" {exc.reason}" if exc.reason else ""
        raise UserError(
            f"{host} answered HTTP {exc.code}{reason}{_error_detail(exc)} for {url}"
        ) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timed_out(host, timeout) from None
        raise UserError(f"cannot reach {host}: {_os_reason(exc.reason)}") from None
    except TimeoutError:
        raise _timed_out(host, timeout) from None
    except http.client.IncompleteRead as exc:
        got, expected = len(exc.partial), exc.expected
        more = f" of {got + expected}" if expected is not None else ""
        raise UserError(
            f"{host} sent a malformed response: truncated after {got}{more} bytes ({url})"
        ) from None
    except http.client.HTTPException as exc:
        raise UserError(f"{host} sent a malformed response: {type(exc).__name__} ({url})") from None
    except OSError as exc:  # the connection dropped while reading
        raise UserError(f"cannot reach {host}: {_os_reason(exc)}") from None


def _timed_out(host: str, timeout: float) -> UserError:
    return UserError(f"{host} did not answer: timed out after {timeout:g} s")


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The API's own explanation (`{"error": "..."}`), when the error body carries one."""
    try:
        body = exc.read(64 * 1024)
        data = json.loads(body.decode("utf-8"))
    except Exception:  # the detail is a bonus; the status line already tells the story
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    return f" ({_quote(error)})" if isinstance(error, str) and error.strip() else ""


def _quote(text: str) -> str:
    line = " ".join(strip_controls(text).split())
    if len(line) > _ERROR_DETAIL_MAX:
        line = line[: _ERROR_DETAIL_MAX - 1] + "…"
    return repr(line)


def _os_reason(reason: object) -> str:
    """`[Errno 111] Connection refused` -> `connection refused`; DNS failures likewise."""
    text = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
    text = " ".join(strip_controls(text).split()) or "unknown error"
    return text[:1].lower() + text[1:]


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url
