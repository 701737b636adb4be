"""Hugging Face's paper lists, live: `/api/daily_papers`, paged, parsed into `Paper`s.

Where the parameters and shapes come from (tests/fixtures/real/API.md has the details):
- huggingface_hub `HfApi.list_daily_papers` (hf_api.py L11958-12025, at ee0a4510): the query keys
  `date` (YYYY-MM-DD), `week` (YYYY-Www), `month` (YYYY-MM), `submitter`, `sort` (`publishedAt`,
  the default, or `trending`), `p` (0-based page) and `limit` (page size, 50 when not given).
  Its tests: `p` past the end is an empty list, not an error (test_hf_api.py L4430); `limit=10`
  gives exactly 10 (L4434). The client makes one GET and leaves paging to the caller.
- huggingface_hub `HfApi.paper_info` / `PaperInfo` (L11918-11936, L1892ff, L1966-2000) and
  hub-docs `docs/hub/api.md`: `date`/`week`/`month` filter on the day a paper was included in
  Daily Papers; the item shapes of 2024 and 2025/2026 (parsed in `parser.hfjson`).
- `MAX_PAGE_SIZE` = 100: neither huggingface_hub nor hub-docs states a maximum `limit`; a
  third-party wrapper documents "1-100, default 50" (API.md). Should the server cap pages lower,
  paging still ends right: a page ends the list only when it is shorter than what was asked
  *and* shorter than a page the server already sent (so a 50-item cap reads 50, 50, 20, done).

What is fetched, and what it is called:
- the default is the latest daily list: one page of the most recent papers (no `date`) says
  which day that is (today's, else the most recent day with papers), then that day is fetched;
- `date` / `week` / `month` fetch that day's, week's or month's list;
- `trending` fetches the trending list (`sort=trending`, no period: it spans months).
Every list is paged with `limit`/`p` until it ends, at most `MAX_PAGES` pages or `limit` papers;
each page is reported to a `progress` callback (the CLI prints it on stderr, the app shows it).
A paper listed on two pages (the list moved meanwhile) is kept once.

Why the standard library and not `huggingface_hub`: `PaperInfo` reads `ai_summary`, `githubStars`
and `organization` from the top level only and so drops them from daily items, and a terminal
app meant for a 2-core laptop should not import a hub client for a few GETs.

Every failure is one `UserError` line: the host cannot be reached, it timed out, the whole fetch
took longer than its deadline, it answered with an HTTP error or a redirect to another host, a
page was bigger than `MAX_RESPONSE_BYTES`, or it sent something that is not a list of papers.
Nothing here writes anywhere: the caller stores all pages in one transaction once all arrived.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import http.client
import math
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import IO, Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

from papershelf import __version__
from papershelf.deadline import Watchdog, watched_handlers
from papershelf.errors import UserError
from papershelf.model import Paper
from papershelf.parser import parse_hf_json
from papershelf.parser.hfjson import loads
from papershelf.text import ellipsize, strip_controls
from papershelf.urls import is_web_url

__all__ = [
    "DEFAULT_DEADLINE_S",
    "DEFAULT_ENDPOINT",
    "DEFAULT_TIMEOUT_S",
    "ENDPOINT_ENV",
    "MAX_PAGES",
    "MAX_PAGE_SIZE",
    "MAX_RESPONSE_BYTES",
    "FetchRequest",
    "Fetched",
    "Progress",
    "build_url",
    "check_seconds",
    "endpoint",
    "fetch_list",
    "fetch_papers",
    "parse_day",
    "search_papers",
]

ENDPOINT_ENV = "HF_ENDPOINT"
DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_TIMEOUT_S = 10.0
"""Bounds connecting and each wait for data."""
DEFAULT_DEADLINE_S = 120.0
"""Bounds the whole fetch, every page included."""
MAX_PAGE_SIZE = 100
"""The largest `limit` asked for (see the module docstring for where 100 comes from)."""
MAX_PAGES = 50
"""At most this many pages per list (5,000 papers): a month is about 1,500."""
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
"""A page of 100 items is about 0.5 MB; more than 20 MB is not a page of papers."""

_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_ERROR_DETAIL_MAX = 200
"""How much of an error body (the API's `{"error": ...}`) a message quotes."""
_CHUNK = 64 * 1024


def parse_day(text: str) -> dt.date:
    """A `YYYY-MM-DD` day as typed on the command line; `UserError` otherwise."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise UserError(f"date expects YYYY-MM-DD (a real day), not {text!r}")


def check_seconds(value: object, what: str = "timeout") -> float:
    """A positive, finite number of seconds, else a one-line `UserError`."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = float(value)
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    ):
        return float(value)
    raise UserError(f"{what} must be a positive number of seconds, not {value!r}")


@dataclass(frozen=True)
class FetchRequest:
    """Which list to download; validated on construction, so a bad one never reaches the net.

    At most one of `date`, `week`, `month` and `trending`; none means the latest daily list.
    """

    date: dt.date | None = None
    week: str | None = None
    """ISO week, `YYYY-Www` (W01..W53, W53 only in years that have one)."""
    month: str | None = None
    """`YYYY-MM`."""
    trending: bool = False
    """The trending list (`sort=trending`) instead of a daily/weekly/monthly one."""
    limit: int | None = None
    """How many papers at most; None takes the whole list (up to `MAX_PAGES` pages)."""

    def __post_init__(self) -> None:
        periods = [name for name in ("date", "week", "month") if getattr(self, name) is not None]
        if self.trending:
            periods.append("trending")
        if len(periods) > 1:
            raise UserError(
                f"choose one of date, week, month or trending, not {' and '.join(periods)}"
            )
        if self.week is not None:
            _check_week(self.week)
        if self.month is not None:
            _check_month(self.month)
        if self.limit is not None and (
            isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1
        ):
            raise UserError(f"limit must be a whole number of at least 1, not {self.limit!r}")

    @property
    def latest(self) -> bool:
        """No period and not trending: the latest daily list, whichever day that is."""
        return not self.trending and self.date is None and self.week is None and self.month is None

    def describe(self) -> str:
        """What the list is, for people: `daily list of 2024-03-19`, `trending list`, ..."""
        if self.date is not None:
            return f"daily list of {self.date.isoformat()}"
        if self.week is not None:
            return f"week {self.week}"
        if self.month is not None:
            return f"month {self.month}"
        return "trending list" if self.trending else "latest daily list"

    def label(self) -> str:
        """The library's `source` for papers of this list: `hf:2024-03-19`, `hf:trending`."""
        if self.date is not None:
            return f"hf:{self.date.isoformat()}"
        return f"hf:{self.week or self.month or ('trending' if self.trending else 'latest')}"

    def params(self) -> list[tuple[str, str]]:
        """The query parameters naming the list (paging comes on top)."""
        if self.date is not None:
            return [("date", self.date.isoformat())]
        if self.week is not None:
            return [("week", self.week)]
        if self.month is not None:
            return [("month", self.month)]
        return [("sort", "trending")] if self.trending else []


@dataclass(frozen=True)
class Progress:
    """One page arrived: reported after each page, so a long fetch is visibly moving."""

    name: str
    page: int
    """1-based count of pages fetched so far (with `details`: papers looked up so far)."""
    papers: int
    """Distinct papers so far (with `details`: papers to look up)."""
    details: bool = False
    """A step of the per-paper look-ups (`/api/papers/{id}`), not of the list."""

    def __str__(self) -> str:
        if self.details:
            return f"fetched details of {self.page}/{self.papers} papers of the {self.name}…"
        return f"fetched page {self.page} ({self.papers} papers) of the {self.name}…"


@dataclass(frozen=True)
class Fetched:
    """A downloaded list: its papers in list order, and what the list was."""

    papers: list[Paper]
    name: str
    """`daily list of 2024-03-19`; the latest daily list is named for the day it turned out."""
    label: str
    """The library's `source` for these papers."""
    pages: int = 0
    truncated: bool = False
    """`MAX_PAGES` pages came back full: the list may go on past what was fetched."""


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
    """The URL of one page: the list's parameters, then `p` and `limit`."""
    size = min(request.limit or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    params = [*request.params(), ("p", str(page)), ("limit", str(size))]
    return f"{endpoint()}/api/daily_papers?{urlencode(params)}"


def fetch_papers(request: FetchRequest, *, timeout: float = DEFAULT_TIMEOUT_S) -> list[Paper]:
    """The papers of `fetch_list(request)`; [] when the list is empty."""
    return fetch_list(request, timeout=timeout).papers


def fetch_list(
    request: FetchRequest,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    deadline: float = DEFAULT_DEADLINE_S,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_RESPONSE_BYTES,
    progress: Callable[[Progress], None] | None = None,
    details: bool = False,
) -> Fetched:
    """Download the whole list `request` names, page by page.

    `timeout` bounds connecting and each wait for data; `deadline` the whole fetch. With
    `details`, each paper is also looked up at `/api/papers/{id}` for its linked models,
    datasets and Spaces (one more request per paper). Raises `UserError` (one line) on any
    network, HTTP or format problem; never writes anything.
    """
    timeout = check_seconds(timeout, "timeout")
    limits = _Limits(time.monotonic() + check_seconds(deadline, "deadline"), deadline, max_bytes)
    if request.latest:
        day = _latest_day(timeout, limits)
        if day is None:
            return Fetched([], request.describe(), request.label())
        request = replace(request, date=day)
    fetched = _collect(request, timeout, limits, max_pages, progress)
    if details:
        fetched = replace(fetched, papers=_with_details(fetched, timeout, limits, progress))
    return fetched


def _with_details(
    fetched: Fetched,
    timeout: float,
    limits: _Limits,
    progress: Callable[[Progress], None] | None,
) -> list[Paper]:
    """The papers with `num_models`/`num_datasets`/`num_spaces` (and AI fields they lacked)
    from `/api/papers/{id}` (`HfApi.paper_info`; `PaperInfo` docs, hf_api.py L1892ff)."""
    papers: list[Paper] = []
    total = len(fetched.papers)
    for done, paper in enumerate(fetched.papers, start=1):
        if paper.arxiv_id:
            url = f"{endpoint()}/api/papers/{quote(paper.arxiv_id, safe='')}"
            found = _fetch_page(url, timeout, limits, want_list=False)
            if found:
                info = found[0]
                paper = replace(
                    paper,
                    num_models=info.num_models,
                    num_datasets=info.num_datasets,
                    num_spaces=info.num_spaces,
                    ai_summary=paper.ai_summary or info.ai_summary,
                    ai_keywords=paper.ai_keywords or info.ai_keywords,
                    published_on=paper.published_on or info.published_on,
                )
        papers.append(paper)
        if progress is not None and (done % 10 == 0 or done == total):
            progress(Progress(fetched.name, done, total, details=True))
    return papers


SEARCH_RESULTS = 20
"""Results asked of `/api/papers/search` (`hf papers search` asks 20 too)."""


def search_papers(
    query: str,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    until: float,
    deadline: float,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> list[Paper]:
    """The papers the Hub's paper search finds for `query`: `GET /api/papers/search?q=&limit=`
    (huggingface_hub `HfApi.list_papers`, hf_api.py L11867-11916: a JSON list of items shaped
    like the daily list's, each read by `PaperInfo(**item)`). `until` is the `time.monotonic()`
    past which the caller's whole run gives up (`deadline` seconds after it began); a failure is
    one `UserError` line, as for `fetch_list`."""
    params = urlencode([("q", query), ("limit", str(SEARCH_RESULTS))])
    url = f"{endpoint()}/api/papers/search?{params}"
    return _fetch_page(url, check_seconds(timeout), _Limits(until, deadline, max_bytes))


@dataclass(frozen=True)
class _Limits:
    end: float
    """`time.monotonic()` past which the fetch gives up."""
    deadline: float
    max_bytes: int


def _latest_day(timeout: float, limits: _Limits) -> dt.date | None:
    """The listing day of the newest papers (no `date`: the API's most recent ones)."""
    url = f"{endpoint()}/api/daily_papers?{urlencode([('p', '0'), ('limit', MAX_PAGE_SIZE)])}"
    days = [paper.date for paper in _fetch_page(url, timeout, limits) if paper.date]
    return max(days, default=None)


def _collect(
    request: FetchRequest,
    timeout: float,
    limits: _Limits,
    max_pages: int,
    progress: Callable[[Progress], None] | None,
) -> Fetched:
    name = request.describe()
    asked = min(request.limit or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    papers: list[Paper] = []
    seen: set[str] = set()
    # Papers so far on each listing day: a paper's rank is its place within its own day's
    # list, so a week or a month does not turn day ranks into week ranks.
    per_day: dict[dt.date | None, int] = {}
    biggest = 0
    truncated = False
    pages = 0
    while True:
        if pages == max_pages:
            truncated = True
            break
        found = _fetch_page(build_url(request, pages), timeout, limits)
        pages += 1
        before = len(papers)
        for paper in found:
            if paper.id not in seen:
                seen.add(paper.id)
                if request.date is not None and paper.date is None:
                    paper = replace(paper, date=request.date)
                rank = per_day[paper.date] = per_day.get(paper.date, 0) + 1
                papers.append(replace(paper, rank=rank))
        if progress is not None:
            progress(Progress(name, pages, len(papers)))
        if request.limit is not None and len(papers) >= request.limit:
            break
        if len(papers) == before:
            break  # an empty page ends the list; so does a server that ignores `p`
        if len(found) < asked and len(found) < biggest:
            break  # a short page: the last one
        biggest = max(biggest, len(found))
    return Fetched(papers[: request.limit], name, request.label(), pages, truncated)


def _fetch_page(
    url: str, timeout: float, limits: _Limits, *, want_list: bool = True
) -> list[Paper]:
    body = _download(url, timeout, limits)
    host = _host(url)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{host} sent a malformed response: not UTF-8 text ({url})") from None
    if want_list:
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
        data = loads(text, url)
    except UserError:
        return  # the parser says what is wrong
    error = data.get("error") if isinstance(data, dict) else None
    detail = f" saying {_quote(error)}" if isinstance(error, str) else ""
    raise UserError(f"{host} sent a malformed response: an object, not a list of papers{detail}")


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only within the same scheme and host; anything else is refused."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        old, new = urlsplit(req.full_url), urlsplit(newurl)
        if (new.scheme, new.netloc) != (old.scheme, old.netloc):
            target = strip_controls(new.netloc or newurl)[:100]
            raise UserError(f"{old.netloc} redirected to another host ({target!r}); not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any
    ) -> Any:
        """A `Location` that is not even an address (`[` in a host) is refused like any other."""
        location = headers.get("location") or headers.get("uri") or ""
        try:
            urlsplit(urljoin(req.full_url, location))
        except ValueError:
            host = urlsplit(req.full_url).netloc
            raise UserError(f"{host} redirected to a malformed address; not followed") from None
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


_OPENER = urllib.request.build_opener(_SameHostRedirects, *watched_handlers())


RETRY_AFTER_MAX_S = 30.0
"""The longest `Retry-After` (429/503) waited out before the one retry; longer is an error."""
_RETRY_STATUSES = (429, 503)
_RETRY_AFTER_CAP = 1e9
"""About 30 years: any longer wait is said as this one, and stays a date Python can print."""
# Seams for tests: waiting and the wall clock an HTTP-date `Retry-After` is measured against.
_sleep: Callable[[float], None] = time.sleep


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _RetryLater(UserError):
    """A 429/503 that said how long to wait (`Retry-After`), in seconds from now."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


def _download(url: str, timeout: float, limits: _Limits) -> bytes:
    """`_download_once`, tried once more after a short `Retry-After` that fits the deadline."""
    try:
        return _download_once(url, timeout, limits)
    except _RetryLater as exc:
        remaining = limits.end - time.monotonic()
        if exc.wait > RETRY_AFTER_MAX_S or exc.wait >= remaining:
            when = (_utc_now() + dt.timedelta(seconds=exc.wait)).strftime("%Y-%m-%d %H:%M:%S")
            message = f"{exc}; it asks to wait {exc.wait:g} s: try again after {when} UTC"
            raise UserError(message) from None
        _sleep(exc.wait)
    try:
        return _download_once(url, timeout, limits)
    except _RetryLater as exc:
        raise UserError(f"{exc}, again after waiting as asked; try later") from None


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    """Seconds a 429/503 asks to wait: `Retry-After` as seconds or as an HTTP date."""
    if exc.code not in _RETRY_STATUSES or exc.headers is None:
        return None
    value = (exc.headers.get("Retry-After") or "").strip()
    if value.isdigit() and value.isascii():
        return min(float(value[:10]), _RETRY_AFTER_CAP)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(max(0.0, (when - _utc_now()).total_seconds()), _RETRY_AFTER_CAP)


def _download_once(url: str, timeout: float, limits: _Limits) -> bytes:
    """The response body, or a `UserError` naming what went wrong on the way.

    The deadline is checked before the request and between reads, and a watchdog shuts the
    connection down when it passes, so a server trickling its headers or body cannot hold
    the fetch past it.
    """
    host = _host(url)
    remaining = limits.end - time.monotonic()
    if remaining <= 0:
        raise _past_deadline(host, limits)
    watchdog = Watchdog()
    with watchdog.watching(remaining):
        try:
            body = _transfer(url, host, timeout, limits, remaining)
        except UserError:
            if watchdog.fired:  # whatever the cut-off read looked like, the deadline did it
                raise _past_deadline(host, limits) from None
            raise
    if watchdog.fired:
        raise _past_deadline(host, limits)
    return body


def _transfer(url: str, host: str, timeout: float, limits: _Limits, remaining: float) -> bytes:
    """One request and its whole body, within the size cap."""
    request = urllib.request.Request(
        url,
        headers={"Accept": "application/json", "User-Agent": f"papershelf/{__version__}"},
    )
    got = 0
    declared: int | None = None
    try:
        with _OPENER.open(request, timeout=min(timeout, remaining)) as response:
            length = response.headers.get("Content-Length")
            declared = int(length) if length and length.isascii() and length.isdigit() else None
            if declared is not None and declared > limits.max_bytes:
                raise _too_big(host, limits, url)
            chunks: list[bytes] = []
            while chunk := response.read1(_CHUNK):
                got += len(chunk)
                if got > limits.max_bytes:
                    raise _too_big(host, limits, url)
                if time.monotonic() > limits.end:
                    raise _past_deadline(host, limits)
                chunks.append(chunk)
            if declared is not None and got < declared:
                raise http.client.IncompleteRead(b"", declared - got)
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        reason = " ".join(strip_controls(str(exc.reason or "")).split())
        reason = f" {ellipsize(reason, _ERROR_DETAIL_MAX)}" if reason else ""
        message = f"{host} answered HTTP {exc.code}{reason}{_error_detail(exc)} for {url}"
        wait = _retry_after(exc)
        if wait is not None:
            raise _RetryLater(message, wait) from None
        raise UserError(message) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timed_out(host, timeout, limits) from None
        raise UserError(f"cannot reach {host}: {_os_reason(exc.reason)}") from None
    except TimeoutError:
        raise _timed_out(host, timeout, limits) from None
    except http.client.IncompleteRead as exc:
        got += len(exc.partial)
        more = f" of {declared}" if declared is not None else ""
        raise UserError(
            f"{host} sent a malformed response: truncated after {got}{more} bytes ({url})"
        ) from None
    except (http.client.HTTPException, ValueError) as exc:
        raise UserError(f"{host} sent a malformed response: {type(exc).__name__} ({url})") from None
    except OSError as exc:  # the connection dropped while reading
        raise UserError(f"cannot reach {host}: {_os_reason(exc)}") from None


def _too_big(host: str, limits: _Limits, url: str) -> UserError:
    size = f"{limits.max_bytes / 1024 / 1024:g} MB"
    return UserError(f"{host} sent more than {size} for one page; not a list of papers ({url})")


def _past_deadline(host: str, limits: _Limits) -> UserError:
    return UserError(
        f"fetching from {host} took longer than {limits.deadline:g} s in all; nothing was stored"
    )


def _timed_out(host: str, timeout: float, limits: _Limits) -> UserError:
    if time.monotonic() + 0.05 >= limits.end:  # the wait was cut short to meet the deadline
        return _past_deadline(host, limits)
    return UserError(f"{host} did not answer: timed out after {timeout:g} s")


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The API's own explanation (`{"error": "..."}`), when the error body carries one."""
    try:
        body = exc.read(64 * 1024)
        data = loads(body.decode("utf-8"), "")
    except Exception:  # the detail is a bonus; the status line already tells the story
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    return f" ({_quote(error)})" if isinstance(error, str) and error.strip() else ""


def _quote(text: str) -> str:
    return repr(ellipsize(" ".join(strip_controls(text).split()), _ERROR_DETAIL_MAX))


def _os_reason(reason: object) -> str:
    """`[Errno 111] Connection refused` -> `connection refused`; DNS failures likewise."""
    text = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
    text = " ".join(strip_controls(text).split()) or "unknown error"
    return text[:1].lower() + text[1:]


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url
