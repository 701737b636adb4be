"""Fetching the daily-papers list from a local stand-in for the Hugging Face API.

A real HTTP server on 127.0.0.1 answers with recorded responses; `HF_ENDPOINT` points the
fetcher at it. Requests that must hang wait on an Event released at teardown, never a sleep.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf import fetch
from papershelf.errors import UserError
from papershelf.fetch import FetchRequest, build_url, endpoint, fetch_papers, parse_day

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "daily_papers.json"
PROXY_VARS = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


@dataclass
class Reply:
    body: bytes = b"[]"
    status: int = 200
    declared_length: int | None = None
    """Content-Length to announce; more than `len(body)` makes a truncated response."""
    hang: bool = False
    """Wait for the test to end before answering (a server that never replies in time)."""


@dataclass
class FakeHub:
    """What the handler answers (queued replies, then `default`) and what it was asked."""

    url: str = ""
    default: Reply = field(default_factory=Reply)
    queued: deque[Reply] = field(default_factory=deque)
    paths: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def next_reply(self) -> Reply:
        return self.queued.popleft() if self.queued else self.default

    def query(self, n: int = -1) -> dict[str, list[str]]:
        """The query string of request `n`, parsed."""
        return parse_qs(urlsplit(self.paths[n]).query)


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hub.paths.append(self.path)
            reply = hub.next_reply()
            if reply.hang:
                hub.release.wait(timeout=60)  # released at teardown; the bound is a safety net
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            length = reply.declared_length
            self.send_header("Content-Length", str(len(reply.body) if length is None else length))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (the timeout test)
                self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment must not sit between the tests and 127.0.0.1."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    state = FakeHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    # A short poll interval: `shutdown` waits for the loop to notice, 0.5 s by default.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv(fetch.ENDPOINT_ENV, state.url)
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def fixture_body() -> bytes:
    return FIXTURE.read_bytes()


def items(start: int, count: int) -> bytes:
    """`count` minimal daily-papers items with distinct arXiv ids."""
    return json.dumps(
        [
            {
                "paper": {"id": f"2503.{n:05d}", "title": f"Paper {n}", "summary": "S."},
                "publishedAt": "2025-03-24T00:00:00.000Z",
            }
            for n in range(start, start + count)
        ]
    ).encode()


# --- requests --------------------------------------------------------------------------------


def test_endpoint_defaults_to_huggingface_and_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(fetch.ENDPOINT_ENV, raising=False)
    assert endpoint() == "https://huggingface.co"
    monkeypatch.setenv(fetch.ENDPOINT_ENV, "http://mirror.example:8080/")
    assert endpoint() == "http://mirror.example:8080"
    assert build_url(FetchRequest()).startswith("http://mirror.example:8080/api/daily_papers?")


@pytest.mark.parametrize("value", ["mirror.example", "ftp://mirror.example", "http://"])
def test_a_bad_endpoint_is_a_user_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(fetch.ENDPOINT_ENV, value)
    with pytest.raises(UserError, match=r"HF_ENDPOINT=.* is not an http"):
        build_url(FetchRequest())


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (FetchRequest(), {"p": ["0"], "limit": ["100"]}),
        (
            FetchRequest(date=dt.date(2025, 3, 24)),
            {"date": ["2025-03-24"], "p": ["0"], "limit": ["100"]},
        ),
        (FetchRequest(week="2025-W13"), {"week": ["2025-W13"], "p": ["0"], "limit": ["100"]}),
        (
            FetchRequest(month="2025-03", limit=20),
            {"month": ["2025-03"], "p": ["0"], "limit": ["20"]},
        ),
        (FetchRequest(trending=True), {"sort": ["trending"], "p": ["0"], "limit": ["100"]}),
        (FetchRequest(limit=500), {"p": ["0"], "limit": ["100"]}),
    ],
)
def test_build_url_sends_the_documented_parameters(
    request_: FetchRequest, expected: dict[str, list[str]]
) -> None:
    url = build_url(request_)
    parts = urlsplit(url)
    assert parts.path == "/api/daily_papers"
    assert parse_qs(parts.query) == expected
    assert parse_qs(urlsplit(build_url(request_, page=3)).query)["p"] == ["3"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": dt.date(2025, 3, 24), "week": "2025-W13"}, "one of date, week, month or"),
        ({"week": "2025-W13", "month": "2025-03"}, "not week and month"),
        ({"week": "2025-13"}, "week expects YYYY-Www"),
        ({"week": "2025-W00"}, "week expects YYYY-Www"),
        ({"week": "2021-W53"}, "week expects YYYY-Www"),  # 2021 has 52 ISO weeks
        ({"week": "2025-w13"}, "week expects YYYY-Www"),
        ({"month": "2025-3"}, "month expects YYYY-MM"),
        ({"month": "2025-13"}, "month expects YYYY-MM"),
        ({"month": "2025-03-01"}, "month expects YYYY-MM"),
        ({"date": dt.date(2025, 3, 24), "trending": True}, "not date and trending"),
        ({"limit": 0}, "limit must be a whole number of at least 1"),
        ({"limit": -5}, "limit must be"),
        ({"limit": True}, "limit must be"),
    ],
)
def test_request_validation(fields: dict[str, object], message: str) -> None:
    with pytest.raises(UserError, match=message):
        FetchRequest(**fields)  # type: ignore[arg-type]


def test_valid_requests_their_names_and_labels() -> None:
    assert FetchRequest(week="2020-W53").label() == "hf:2020-W53"  # 2020 has a week 53
    assert FetchRequest(date=dt.date(2025, 3, 24)).label() == "hf:2025-03-24"
    assert FetchRequest(month="2025-03").label() == "hf:2025-03"
    assert FetchRequest(trending=True).label() == "hf:trending"
    assert FetchRequest().label() == "hf:latest"
    assert FetchRequest(week="2020-W53").describe() == "week 2020-W53"
    assert FetchRequest(date=dt.date(2025, 3, 24)).describe() == "daily list of 2025-03-24"
    assert FetchRequest(month="2025-03").describe() == "month 2025-03"
    assert FetchRequest(trending=True).describe() == "trending list"
    assert FetchRequest().describe() == "latest daily list"


def test_parse_day() -> None:
    assert parse_day("2025-03-24") == dt.date(2025, 3, 24)
    for bad in ("2025-02-30", "20250324", "2025-3-24", "yesterday", ""):
        with pytest.raises(UserError, match="date expects YYYY-MM-DD"):
            parse_day(bad)


@given(st.text(max_size=12), st.text(max_size=12))
def test_request_validation_only_raises_user_errors(week: str, month: str) -> None:
    for fields in ({"week": week}, {"month": month}):
        with contextlib.suppress(UserError):
            FetchRequest(**fields)  # type: ignore[arg-type]


# --- answers ---------------------------------------------------------------------------------


def test_fetch_parses_the_daily_list(hub: FakeHub) -> None:
    hub.default = Reply(fixture_body())
    papers = fetch_papers(FetchRequest(date=dt.date(2025, 3, 24)))
    assert hub.query(0) == {"date": ["2025-03-24"], "p": ["0"], "limit": ["100"]}
    assert hub.query(1) == {"date": ["2025-03-24"], "p": ["1"], "limit": ["100"]}
    assert len(hub.paths) == 2  # page 1 repeated page 0: nothing new, the end
    assert [p.id for p in papers] == [
        "arxiv:2503.18101",
        "arxiv:2503.17755",
        "arxiv:2503.16020",
        "arxiv:2503.15533",
        "arxiv:2503.14002",
    ]
    first = papers[0]
    assert first.title == (
        "Sparse Routing Without Regret: Mixture-of-Experts at a Tenth of the Compute"
    )
    assert first.authors == ("Mira Okafor", "Jonas Brandt", "Lucía Ferrer")
    assert first.code_url == "https://github.com/okafor-lab/sparse-routing"
    assert first.project_url == "https://okafor-lab.github.io/sparse-routing/"
    assert (first.upvotes, first.github_stars, first.num_comments) == (87, 412, 4)
    assert first.source == f"{hub.url}/api/daily_papers?date=2025-03-24&p=0&limit=100"
    assert {p.date for p in papers} == {dt.date(2025, 3, 24)}
    assert [p.rank for p in papers] == [1, 2, 3, 4, 5]
    assert papers[2].code_url == "https://github.com/tsilva/lora-align"  # tree/main trimmed
    assert papers[1].code_url is None and papers[3].code_url is None
    assert papers[4].code_url == "https://github.com/amehta/retrieval-heads"  # from the text


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (FetchRequest(week="2025-W13"), {"week": ["2025-W13"]}),
        (FetchRequest(month="2025-03"), {"month": ["2025-03"]}),
        (FetchRequest(trending=True), {"sort": ["trending"]}),
        (FetchRequest(week="2025-W13", limit=3), {"limit": ["3"]}),
    ],
)
def test_fetch_sends_the_request_it_was_given(
    hub: FakeHub, request_: FetchRequest, expected: dict[str, list[str]]
) -> None:
    hub.default = Reply(fixture_body())
    papers = fetch_papers(request_)
    sent = hub.query(0)
    for key, value in expected.items():
        assert sent[key] == value
    assert ("sort" in sent) == request_.trending  # listing-day lists are not "trending"
    assert sent["p"] == ["0"]
    assert len(papers) == (request_.limit or 5)


def test_a_limit_above_one_page_fetches_pages_until_it_is_met(hub: FakeHub) -> None:
    hub.queued.extend([Reply(items(0, 100)), Reply(items(100, 100)), Reply(items(200, 100))])
    papers = fetch_papers(FetchRequest(week="2025-W13", limit=150))
    assert [hub.query(n)["p"] for n in range(len(hub.paths))] == [["0"], ["1"]]
    assert {hub.query(n)["limit"][0] for n in range(len(hub.paths))} == {"100"}
    assert len(papers) == 150
    assert [p.rank for p in papers] == list(range(1, 151))
    assert papers[149].id == "arxiv:2503.00149"


def test_a_short_page_ends_the_list(hub: FakeHub) -> None:
    hub.queued.extend([Reply(items(0, 100)), Reply(items(100, 7))])
    papers = fetch_papers(FetchRequest(week="2025-W13", limit=300))
    assert len(hub.paths) == 2
    assert len(papers) == 107


def test_a_server_ignoring_the_page_number_does_not_loop(hub: FakeHub) -> None:
    hub.default = Reply(items(0, 100))
    papers = fetch_papers(FetchRequest(week="2025-W13", limit=1000))
    assert len(hub.paths) == 2  # the second page added nothing new
    assert len(papers) == 100


def test_an_empty_list_is_no_papers_not_an_error(hub: FakeHub) -> None:
    hub.default = Reply(b"[]")
    assert fetch_papers(FetchRequest(date=dt.date(2025, 3, 23))) == []


# --- failures --------------------------------------------------------------------------------


def test_nothing_listening_is_cannot_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:  # bound but not listening: connecting is refused
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        monkeypatch.setenv(fetch.ENDPOINT_ENV, f"http://127.0.0.1:{port}")
        with pytest.raises(UserError) as caught:
            fetch_papers(FetchRequest())
    assert str(caught.value) == f"cannot reach 127.0.0.1:{port}: connection refused"


def test_a_name_that_does_not_resolve_is_cannot_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setenv(fetch.ENDPOINT_ENV, "http://hub.invalid")
    with pytest.raises(UserError) as caught:
        fetch_papers(FetchRequest())
    assert str(caught.value) == "cannot reach hub.invalid: name or service not known"


def test_a_server_that_does_not_answer_times_out(hub: FakeHub) -> None:
    hub.default = Reply(fixture_body(), hang=True)
    with pytest.raises(UserError) as caught:
        fetch_papers(FetchRequest(), timeout=0.2)
    host = urlsplit(hub.url).netloc
    assert str(caught.value) == f"{host} did not answer: timed out after 0.2 s"


def test_the_default_timeout_is_ten_seconds() -> None:
    assert fetch.DEFAULT_TIMEOUT_S == 10.0
    assert fetch_papers.__kwdefaults__ == {"timeout": 10.0}
    assert (fetch.fetch_list.__kwdefaults__ or {}).get("timeout") == 10.0


def test_an_http_error_names_the_status_and_the_api_message(hub: FakeHub) -> None:
    hub.default = Reply(b'{"error": "Internal\\u001b[31m error"}', status=500)
    with pytest.raises(UserError) as caught:
        fetch_papers(FetchRequest(date=dt.date(2025, 3, 24)))
    message = str(caught.value)
    host = urlsplit(hub.url).netloc
    assert message.startswith(f"{host} answered HTTP 500 Internal Server Error ('Internal")
    assert "\x1b" not in message and "\n" not in message
    assert message.endswith("/api/daily_papers?date=2025-03-24&p=0&limit=100")


def test_an_http_error_without_a_json_body(hub: FakeHub) -> None:
    hub.default = Reply(b"<html>busy</html>", status=503)
    with pytest.raises(UserError, match=r"answered HTTP 503 Service Unavailable for http"):
        fetch_papers(FetchRequest())


def test_a_truncated_body_is_a_malformed_response(hub: FakeHub) -> None:
    body = fixture_body()
    hub.default = Reply(body[:200], declared_length=len(body))
    with pytest.raises(UserError) as caught:
        fetch_papers(FetchRequest())
    assert f"sent a malformed response: truncated after 200 of {len(body)} bytes" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'[{"paper": {"id": "2503.1", "title": "x"', "malformed JSON"),
        (b"<!doctype html><p>maintenance</p>", "malformed JSON: Expecting value"),
        (b'{"error": "Invalid week"}', "an object, not a list of papers saying 'Invalid week'"),
        (b'{"paper": {"id": "2503.18101", "title": "One"}}', "an object, not a list"),
        (b"[1, 2]", "JSON item 1 is not an object"),
        (b'"just a string"', "neither a list"),
        (b"[\xff\xfe]", "not UTF-8"),
    ],
)
def test_a_body_that_is_not_a_list_of_papers_is_a_malformed_response(
    hub: FakeHub, body: bytes, problem: str
) -> None:
    hub.default = Reply(body)
    with pytest.raises(UserError) as caught:
        fetch_papers(FetchRequest())
    message = str(caught.value)
    assert message.startswith(f"{urlsplit(hub.url).netloc} sent a malformed response: ")
    assert "\n" not in message
    assert problem in message
