"""`papershelf fetch` against a loopback server that behaves like the real `/api/daily_papers`.

The stand-in holds items of both generations (tests/fixtures/real/API.md): 2024 items carry
their listing time in the item's `publishedAt`; 2026 items carry it in
`paper.submittedOnDailyAt` and put an arXiv time in the item's `publishedAt`. It answers
`date`/`week`/`month`/`sort=trending`, pages with `p` (0-based) and `limit` (50 when not
given, capped at `cap`), and returns an empty list past the end, as the API does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from tests.unit.test_fetch import no_proxy

from papershelf import fetch
from papershelf.cli import main
from papershelf.errors import UserError
from papershelf.fetch import FetchRequest, Progress, fetch_list

__all__ = ["no_proxy"]

DAY = dt.date(2026, 12, 1)
"""A busy day in the 2026 shape: 120 papers."""
OLD_DAY = dt.date(2024, 10, 25)
"""A day in the 2024 shape: 60 papers."""


def item_2026(n: int, listed: dt.date) -> dict[str, Any]:
    arxiv = listed - dt.timedelta(days=4)  # arXiv days precede the listing
    stamp = f"{listed.isoformat()}T03:{n % 60:02d}:12.777Z"
    return {
        "paper": {
            "id": f"2611.{n:05d}",
            "authors": [
                {"_id": f"a{n}", "name": f"Author {n}", "hidden": False},
                {"_id": f"h{n}", "name": "Hidden Person", "hidden": True},
            ],
            "publishedAt": f"{arxiv.isoformat()}T17:08:18.000Z",
            "submittedOnDailyAt": stamp,
            "title": f"Paper {n} of the new shape",
            "submittedOnDailyBy": {"user": f"user{n}", "fullname": f"User {n}"},
            "summary": f"Abstract {n}.",
            "upvotes": 500 - n,
            "ai_summary": f"AI summary {n}.",
            "ai_keywords": ["alpha", f"kw{n}"],
            "githubStars": n,
            "organization": {"_id": "o", "name": "Org", "fullname": "Org Fullname"},
        },
        # The top-level publishedAt is an arXiv time in this generation (5 h off, as observed).
        "publishedAt": f"{arxiv.isoformat()}T12:08:18.000Z",
        "title": f"Paper {n} of the new shape",
        "summary": f"Abstract {n}.",
        "numComments": n % 7,
        "submittedBy": {"_id": f"u{n}", "name": f"user{n}", "fullname": f"User {n}"},
        "organization": {"_id": "o", "name": "Org", "fullname": "Org Fullname"},
        "isAuthorParticipating": False,
    }


def item_2024(n: int, listed: dt.date) -> dict[str, Any]:
    arxiv = listed - dt.timedelta(days=3)
    return {
        "paper": {
            "id": f"2410.{n:05d}",
            "authors": [{"_id": f"a{n}", "name": f"Old Author {n}", "hidden": False}],
            "publishedAt": f"{arxiv.isoformat()}T17:59:30.000Z",
            "title": f"Paper {n} of the\n  old shape",
            "summary": f"Old abstract\n{n}.",
            "upvotes": n,
            "discussionId": f"d{n}",
        },
        "publishedAt": f"{listed.isoformat()}T00:57:09.392Z",
        "title": f"Paper {n} of the old shape",
        "thumbnail": "https://cdn-thumbnails.huggingface.co/x.png",
        "numComments": 2,
        "submittedBy": {"name": f"old{n}", "fullname": f"Old {n}"},
    }


def listing_day(item: dict[str, Any]) -> dt.date:
    stamp = item["paper"].get("submittedOnDailyAt") or item["publishedAt"]
    return dt.date.fromisoformat(stamp[:10])


@dataclass
class FakeApi:
    items: list[dict[str, Any]] = field(default_factory=list)
    cap: int = 100
    """The largest page the server sends, whatever `limit` asks."""
    url: str = ""
    paths: list[str] = field(default_factory=list)
    fail_on_page: int | None = None
    """Answer HTTP 500 to this page number (0-based) of a listing."""
    redirect_to: str | None = None
    """Answer every request with a 302 to this URL (a path, or a full URL)."""
    huge: bool = False
    """Announce a body bigger than the size cap."""
    raw_page: tuple[int, bytes, int | None] | None = None
    """(page, body, declared length): send these bytes as that page of a listing."""
    hang_page: int | None = None
    """Never answer this page (until the test ends)."""
    release: threading.Event = field(default_factory=threading.Event)

    def queries(self) -> list[dict[str, list[str]]]:
        return [parse_qs(urlsplit(path).query) for path in self.paths]

    def paper(self, arxiv_id: str) -> tuple[int, Any]:
        return _paper_info(self, arxiv_id)

    def search(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        """`/api/papers/search?q=&limit=`: items sharing a word with `q`, most shared first
        (the real search is fuzzy too: near misses come back beside the paper asked for)."""
        words = set(query.get("q", [""])[0].lower().split())
        limit = int(query.get("limit", ["20"])[0])
        scored = [(len(words & set(i["title"].lower().split())), i) for i in self.items]
        hits = [item for score, item in sorted(scored, key=lambda s: -s[0]) if score]
        return 200, hits[:limit]

    def answer(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        one = {key: values[0] for key, values in query.items()}
        try:
            limit = min(int(one.get("limit", "50")), self.cap)
            page = int(one.get("p", "0"))
        except ValueError:
            return 400, {"error": "Invalid limit or p"}
        if self.fail_on_page is not None and page == self.fail_on_page:
            return 500, {"error": "Internal Error"}
        chosen = self.items
        if "date" in one:
            try:
                day = dt.date.fromisoformat(one["date"])
            except ValueError:
                return 400, {"error": "Invalid date"}
            chosen = [i for i in chosen if listing_day(i) == day]
        elif "week" in one:
            year, week = one["week"].split("-W")
            chosen = [
                i for i in chosen if listing_day(i).isocalendar()[:2] == (int(year), int(week))
            ]
        elif "month" in one:
            chosen = [i for i in chosen if listing_day(i).isoformat()[:7] == one["month"]]
        if one.get("sort") == "trending":
            chosen = sorted(chosen, key=lambda i: -i["paper"]["upvotes"])
        else:  # publishedAt: the most recent first
            chosen = sorted(chosen, key=listing_day, reverse=True)
        return 200, chosen[page * limit : (page + 1) * limit]


def _paper_info(api: FakeApi, arxiv_id: str) -> tuple[int, Any]:
    """`/api/papers/{id}`: the `paper` object at top level, with the linked counts."""
    for item in api.items:
        if item["paper"]["id"] == arxiv_id:
            n = int(arxiv_id.split(".")[1])
            linked = [{"id": f"org/model-{k}"} for k in range(n % 3)]
            return 200, {
                **item["paper"],
                "numTotalModels": n % 5,
                "linkedModels": linked,
                "numTotalDatasets": 1,
                "linkedSpaces": [{"id": "s"}] * (n % 2),
            }
    return 404, {"error": "Paper not found"}


def _handler(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            api.paths.append(self.path)
            if api.redirect_to is not None and "redirected" not in self.path:
                self.send_response(302)
                self.send_header("Location", api.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            parts = urlsplit(self.path)
            page = parse_qs(parts.query).get("p", ["0"])[0]
            if api.hang_page is not None and page == str(api.hang_page):
                api.release.wait(timeout=30)
            if api.raw_page is not None and page == str(api.raw_page[0]):
                _, raw, declared_length = api.raw_page
                self.send_response(200)
                self.send_header("Content-Length", str(declared_length or len(raw)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(raw)
                return
            if parts.path == "/api/daily_papers":
                status, data = api.answer(parse_qs(parts.query))
            elif parts.path == "/api/papers/search":
                status, data = api.search(parse_qs(parts.query))
            elif parts.path.startswith("/api/papers/"):
                status, data = api.paper(parts.path.removeprefix("/api/papers/"))
            else:
                status, data = 404, {"error": "Not Found"}
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            declared = fetch.MAX_RESPONSE_BYTES + 1 if api.huge else len(body)
            self.send_header("Content-Length", str(declared))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    state = FakeApi()
    state.items += [item_2026(n, DAY) for n in range(120)]
    state.items += [item_2026(1000 + n, DAY - dt.timedelta(days=1)) for n in range(30)]
    state.items += [item_2024(n, OLD_DAY) for n in range(60)]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
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


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(argv), out=out)
    return code, out.getvalue(), err.getvalue()


def library() -> list[dict[str, Any]]:
    code, text, _ = run("list", "--format", "json")
    assert code == 0
    papers: list[dict[str, Any]] = json.loads(text)
    return papers


def snapshot(home: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()
    }


# --- the day lands on its day ----------------------------------------------------------------


def test_fetch_date_stores_every_paper_of_a_120_paper_day_on_that_day(api: FakeApi) -> None:
    code, out, err = run("fetch", "--date", DAY.isoformat())
    assert code == 0
    assert out == f"fetched 120 papers (daily list of {DAY}), 120 new in your library\n"
    assert [q["p"] for q in api.queries()] == [["0"], ["1"]]
    assert {q["limit"][0] for q in api.queries()} == {"100"}
    assert all("sort" not in q for q in api.queries())
    assert err.splitlines() == [
        f"fetched page 1 (100 papers) of the daily list of {DAY}…",
        f"fetched page 2 (120 papers) of the daily list of {DAY}…",
    ]
    fetched = [p for p in library() if p["id"].startswith("arxiv:2611.")]
    assert len(fetched) == 120
    assert {p["date"] for p in fetched} == {DAY.isoformat()}
    assert {p["published_on"] for p in fetched} == {(DAY - dt.timedelta(days=4)).isoformat()}
    first = next(p for p in fetched if p["id"] == "arxiv:2611.00000")
    assert first["ai_summary"] == "AI summary 0."
    assert first["ai_keywords"] == ["alpha", "kw0"]
    assert first["organization"] == "Org Fullname"
    assert first["submitted_by"] == "user0"
    assert (first["authors"], first["hidden_authors"]) == (["Author 0"], 1)
    assert (first["upvotes"], first["github_stars"], first["num_comments"]) == (500, 0, 0)


def test_a_server_with_smaller_pages_still_gives_the_whole_day(api: FakeApi) -> None:
    api.cap = 50  # asked 100, sends 50: not a short page, just a smaller one
    papers = fetch_list(FetchRequest(date=DAY)).papers
    assert len(papers) == 120 and len({p.id for p in papers}) == 120
    assert [q["p"] for q in api.queries()] == [["0"], ["1"], ["2"]]


def test_the_2024_shape_lands_on_its_listing_day(api: FakeApi) -> None:
    fetched = fetch_list(FetchRequest(date=OLD_DAY))
    assert fetched.name == f"daily list of {OLD_DAY}"
    assert len(fetched.papers) == 60
    assert {p.date for p in fetched.papers} == {OLD_DAY}
    assert {p.published_on for p in fetched.papers} == {OLD_DAY - dt.timedelta(days=3)}
    first = fetched.papers[0]
    assert (first.title, first.abstract) == ("Paper 0 of the old shape", "Old abstract 0.")
    assert (first.submitted_by, first.ai_summary, first.organization) == ("old0", None, None)


def test_the_default_is_the_latest_daily_list(api: FakeApi) -> None:
    steps: list[Progress] = []
    fetched = fetch_list(FetchRequest(), progress=steps.append)
    assert fetched.name == f"daily list of {DAY}"
    assert fetched.label == f"hf:{DAY}"
    assert len(fetched.papers) == 120
    first, *rest = api.queries()
    assert "date" not in first  # the most recent papers say which day is the latest
    assert all(q["date"] == [DAY.isoformat()] for q in rest)
    assert [(s.page, s.papers) for s in steps] == [(1, 100), (2, 120)]


def test_the_default_when_today_has_no_papers_is_the_most_recent_day(api: FakeApi) -> None:
    api.items = [i for i in api.items if listing_day(i) != DAY]
    fetched = fetch_list(FetchRequest())
    assert fetched.name == f"daily list of {DAY - dt.timedelta(days=1)}"
    assert len(fetched.papers) == 30


def test_a_week_keeps_each_paper_on_its_own_day(api: FakeApi) -> None:
    week = "{}-W{:02d}".format(*DAY.isocalendar()[:2])
    code, out, _ = run("fetch", "--week", week)
    assert code == 0 and out.startswith(f"fetched 150 papers (week {week})")
    days = {p["date"] for p in library() if p["id"].startswith("arxiv:2611.")}
    assert days == {DAY.isoformat(), (DAY - dt.timedelta(days=1)).isoformat()}


def test_a_week_gives_ranks_one_to_n_on_each_day(api: FakeApi) -> None:
    """The rank used to be the place in the week's response: two #6 on one day."""
    week = "{}-W{:02d}".format(*DAY.isocalendar()[:2])
    assert run("fetch", "--week", week)[0] == 0
    by_day: dict[str, list[int]] = {}
    for p in library():
        if p["id"].startswith("arxiv:2611."):
            by_day.setdefault(p["date"], []).append(p["rank"])
    assert {day: sorted(ranks) for day, ranks in by_day.items()} == {
        DAY.isoformat(): list(range(1, 121)),
        (DAY - dt.timedelta(days=1)).isoformat(): list(range(1, 31)),
    }
    # The week agrees with each day's own list, so fetching the day adds nothing new.
    day_list = fetch_list(FetchRequest(date=DAY - dt.timedelta(days=1))).papers
    week_list = fetch_list(FetchRequest(week=week)).papers
    ranks = {p.id: p.rank for p in week_list}
    assert [(p.rank, ranks[p.id]) for p in day_list] == [(n, n) for n in range(1, 31)]


def test_a_paper_listed_on_two_days_keeps_its_first_day_and_rank(api: FakeApi) -> None:
    """A re-fetch used to move a paper to its later day and rank."""
    assert run("fetch", "--date", DAY.isoformat())[0] == 0
    first = next(p for p in library() if p["id"] == "arxiv:2611.00005")
    assert (first["date"], first["rank"]) == (DAY.isoformat(), 6)
    later = DAY + dt.timedelta(days=2)
    again = item_2026(5, later)  # listed again, first on its day
    api.items = [again, *(item_2026(2000 + n, later) for n in range(3))]
    code, out, _ = run("fetch", "--date", later.isoformat())
    assert code == 0
    assert out == f"fetched 4 papers (daily list of {later}), 3 new in your library\n"
    assert run("fetch", "--date", later.isoformat())[1].endswith(", 0 new in your library\n")
    [kept] = [p for p in library() if p["id"] == "arxiv:2611.00005"]
    assert (kept["date"], kept["rank"]) == (DAY.isoformat(), 6)
    assert kept["appearances"] == [
        {"day": DAY.isoformat(), "source": f"hf:{DAY}", "rank": 6},
        {"day": later.isoformat(), "source": f"hf:{later}", "rank": 1},
    ]


def test_trending_asks_for_the_trending_list(api: FakeApi) -> None:
    code, out, _ = run("fetch", "--trending", "--limit", "10")
    assert code == 0
    assert out == "fetched 10 papers (trending list), 10 new in your library\n"
    assert api.queries() == [{"sort": ["trending"], "p": ["0"], "limit": ["10"]}]


def test_too_many_pages_is_said_not_silent(api: FakeApi) -> None:
    api.cap = 10
    fetched = fetch_list(FetchRequest(date=DAY), max_pages=3)
    assert (len(fetched.papers), fetched.pages, fetched.truncated) == (30, 3, True)


# --- failures leave the library byte-identical -----------------------------------------------


def failing(api: FakeApi, how: str) -> None:
    if how == "second-page-500":
        api.fail_on_page = 1
    elif how == "redirect-elsewhere":
        api.redirect_to = "http://elsewhere.invalid/api/daily_papers"
    elif how == "too-big":
        api.huge = True


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("second-page-500", "answered HTTP 500"),
        ("redirect-elsewhere", "redirected to another host ('elsewhere.invalid'); not followed"),
        ("too-big", "sent more than 20 MB for one page"),
    ],
)
def test_failures_leave_the_library_byte_identical(
    api: FakeApi, isolated_home: Path, how: str, message: str
) -> None:
    assert run("fetch", "--date", OLD_DAY.isoformat())[0] == 0
    before = snapshot(isolated_home)
    failing(api, how)
    code, out, err = run("fetch", "--date", DAY.isoformat())
    assert code == 2 and out == ""
    lines = [line for line in err.splitlines() if not line.startswith("fetched page")]
    assert len(lines) == 1 and lines[0].startswith("papershelf: error: ")
    assert message in lines[0]
    assert snapshot(isolated_home) == before


def test_a_redirect_on_the_same_host_is_followed(api: FakeApi) -> None:
    api.redirect_to = f"/api/daily_papers?date={DAY}&p=0&limit=100&redirected=1"
    papers = fetch_list(FetchRequest(date=DAY, limit=100)).papers
    assert len(papers) == 100


def test_the_deadline_bounds_the_whole_fetch(
    api: FakeApi, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    answer = api.answer

    def slow(query: dict[str, list[str]]) -> tuple[int, Any]:
        if query.get("p") == ["1"]:
            release.wait(timeout=30)
        return answer(query)

    monkeypatch.setattr(api, "answer", slow)
    before = snapshot(isolated_home)
    try:
        code, _, err = run("fetch", "--date", DAY.isoformat(), "--deadline", "0.5")
    finally:
        release.set()
    assert code == 2
    assert "took longer than 0.5 s in all; nothing was stored" in err
    assert snapshot(isolated_home) == before


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_timeout_must_be_positive_and_finite(value: str) -> None:
    code, _, err = run("fetch", f"--timeout={value}")
    assert code == 2
    assert err.count("\n") == 1 and "positive number of seconds" in err
    with pytest.raises(UserError, match="timeout must be a positive number of seconds"):
        fetch_list(FetchRequest(), timeout=float(value) if value != "soon" else 0)


def test_details_look_up_the_linked_counts(api: FakeApi) -> None:
    code, out, err = run("fetch", "--date", DAY.isoformat(), "--limit", "12", "--details")
    assert code == 0 and out.startswith("fetched 12 papers")
    assert f"fetched details of 12/12 papers of the daily list of {DAY}…" in err.splitlines()
    assert sum(1 for path in api.paths if path.startswith("/api/papers/")) == 12
    papers = {p["id"]: p for p in library()}
    seventh = papers["arxiv:2611.00007"]
    assert (seventh["num_models"], seventh["num_datasets"], seventh["num_spaces"]) == (2, 1, 1)
    assert papers["arxiv:2611.00000"]["num_spaces"] == 0


@pytest.mark.parametrize(
    ("raw", "declared", "message"),
    [
        (b'[{"paper": ', None, "malformed JSON"),
        (b"[]", 99, "truncated after 2 of 99 bytes"),
        (b"<!doctype html><p>maintenance</p>", None, "malformed JSON: Expecting value"),
        (b'{"error": "Invalid date"}', None, "an object, not a list of papers saying"),
        (b"[1, 2]", None, "JSON item 1 is not an object"),
        (b"[\xff\xfe]", None, "not UTF-8"),
        (b"[" * 50_000 + b"]" * 50_000, None, "nested too deeply"),
        (
            b'[{"paper": {"id": "1", "title": "T", "upvotes": ' + b"9" * 5000 + b"}}]",
            None,
            "digits",
        ),
    ],
    ids=[
        "cut-json",
        "truncated",
        "html",
        "error-object",
        "not-objects",
        "not-utf8",
        "deep",
        "huge",
    ],
)
def test_every_bad_second_page_leaves_the_library_byte_identical(
    api: FakeApi, isolated_home: Path, raw: bytes, declared: int | None, message: str
) -> None:
    assert run("fetch", "--date", OLD_DAY.isoformat())[0] == 0
    before = snapshot(isolated_home)
    api.raw_page = (1, raw, declared)
    code, out, err = run("fetch", "--date", DAY.isoformat())
    assert (code, out) == (2, "")
    errors = [line for line in err.splitlines() if line.startswith("papershelf: error: ")]
    assert len(errors) == 1 and message in errors[0]
    assert "Traceback" not in err
    assert snapshot(isolated_home) == before


def test_a_second_page_that_never_comes_times_out_and_stores_nothing(
    api: FakeApi, isolated_home: Path
) -> None:
    assert run("fetch", "--date", OLD_DAY.isoformat())[0] == 0
    before = snapshot(isolated_home)
    api.hang_page = 1
    code, _, err = run("fetch", "--date", DAY.isoformat(), "--timeout", "0.3")
    assert code == 2 and "did not answer: timed out after 0.3 s" in err
    assert snapshot(isolated_home) == before
