"""`papershelf fetch` against a hostile loopback server (tests/support/hostile_server.py).

Whatever the server does (a body without end, one byte every few milliseconds, a redirect to
another host, escape sequences where text is expected, 429/503 with `Retry-After`), the command
ends within its bounds with at most one `papershelf: error:` line, no byte on the terminal that
could drive it, and the library byte-identical to what it was before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import io
import json
import re
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.hostile_server import (
    HostileServer,
    endless,
    redirect,
    reply,
    serving,
    trickle,
)
from tests.unit.test_fetch import no_proxy

from papershelf import fetch
from papershelf.cli import main
from papershelf.errors import UserError

__all__ = ["no_proxy"]

DAY = "2025-03-24"
NOW = dt.datetime(2026, 12, 7, 12, 0, 0, tzinfo=dt.UTC)
# What must never reach a terminal: C0 controls but the line break, DEL, C1 (CSI is U+009B).
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
ESCAPES = "\x1b]52;c;cGF3bmVk\x07\x1b[2J\x9b31m"


def items(start: int, count: int) -> list[dict[str, object]]:
    return [
        {
            "paper": {"id": f"2503.{n:05d}", "title": f"Paper {n}", "summary": "S."},
            "publishedAt": f"{DAY}T00:00:00.000Z",
        }
        for n in range(start, start + count)
    ]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HostileServer]:
    with serving() as state:
        state.default = reply([])  # past the end of the list: the next page is empty
        monkeypatch.setenv(fetch.ENDPOINT_ENV, state.url)
        yield state


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Waits asked for instead of slept; the wall clock stands at `NOW`."""
    asked: list[float] = []
    monkeypatch.setattr(fetch, "_sleep", asked.append)
    monkeypatch.setattr(fetch, "_utc_now", lambda: NOW)
    return asked


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(argv), out=out)
    return code, out.getvalue(), err.getvalue()


def snapshot(home: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()
    }


@pytest.fixture
def stocked(server: HostileServer, isolated_home: Path) -> dict[str, bytes]:
    """A library with one fetched day in it, as it was before the hostile fetch."""
    server.then(reply(items(0, 5)))
    assert run("fetch", "--date", DAY)[0] == 0
    return snapshot(isolated_home)


def failed_cleanly(code: int, out: str, err: str, message: str) -> None:
    """Exit 2, nothing on stdout, one error line saying `message`, nothing that drives a tty."""
    assert (code, out) == (2, "")
    lines = [line for line in err.splitlines() if not line.startswith("fetched page")]
    assert len(lines) == 1 and lines[0].startswith("papershelf: error: "), err
    assert message in lines[0]
    assert _UNSAFE.search(out + err.replace("\n", "")) is None, repr(err)


# --- size, time, hosts -----------------------------------------------------------------------


def test_an_endless_body_stops_at_the_size_cap_in_bounded_memory(
    server: HostileServer, stocked: dict[str, bytes], isolated_home: Path
) -> None:
    server.then(endless())
    tracemalloc.start()
    try:
        code, out, err = run("fetch", "--date", DAY)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    failed_cleanly(code, out, err, "sent more than 20 MB for one page")
    assert peak < 2 * fetch.MAX_RESPONSE_BYTES, f"peak {peak >> 20} MB"
    assert snapshot(isolated_home) == stocked


def test_max_mb_sets_the_size_cap(
    server: HostileServer, stocked: dict[str, bytes], isolated_home: Path
) -> None:
    server.then(endless())
    code, out, err = run("fetch", "--date", DAY, "--max-mb", "1")
    failed_cleanly(code, out, err, "sent more than 1 MB for one page")
    assert snapshot(isolated_home) == stocked
    for bad in ("0", "-1", "1.5", "2000", "x", "²"):
        code, out, err = run("fetch", "--date", DAY, "--max-mb", bad)
        assert code == 2 and "--max-mb" in err and "Traceback" not in err, bad


def test_a_trickling_body_meets_the_overall_deadline(
    server: HostileServer, stocked: dict[str, bytes], isolated_home: Path
) -> None:
    server.then(trickle(json.dumps(items(0, 50)).encode(), every=0.005))
    start = time.monotonic()
    code, out, err = run("fetch", "--date", DAY, "--deadline", "0.5", "--timeout", "5")
    took = time.monotonic() - start
    failed_cleanly(code, out, err, "took longer than 0.5 s in all; nothing was stored")
    assert took < 3, f"{took:.1f} s"
    assert snapshot(isolated_home) == stocked


def test_trickling_headers_meet_the_overall_deadline(
    server: HostileServer, stocked: dict[str, bytes], isolated_home: Path
) -> None:
    # Each byte comes well within the per-read timeout; only the deadline can end this.
    server.then(trickle(b"[]", every=0.005, headers_too=True))  # 50 s of headers
    start = time.monotonic()
    code, out, err = run("fetch", "--date", DAY, "--deadline", "0.5", "--timeout", "5")
    took = time.monotonic() - start
    failed_cleanly(code, out, err, "took longer than 0.5 s in all; nothing was stored")
    assert took < 3, f"{took:.1f} s"
    assert snapshot(isolated_home) == stocked


@pytest.mark.parametrize(
    ("location", "message"),
    [
        (f"http://evil{ESCAPES}.example/api/daily_papers", "redirected to a malformed address"),
        (f"http://evil.example/{ESCAPES}", "redirected to another host ('evil.example')"),
        ("https://evil\x07\x9b2J.example/", "to another host ('evil%07%9B2J.example')"),
    ],
    ids=["bracket-in-host", "escapes-in-path", "escapes-in-host"],
)
def test_a_redirect_to_another_host_with_escapes_is_refused_and_not_echoed(
    server: HostileServer,
    stocked: dict[str, bytes],
    isolated_home: Path,
    location: str,
    message: str,
) -> None:
    server.then(redirect(location))
    code, out, err = run("fetch", "--date", DAY)
    failed_cleanly(code, out, err, message)
    assert len(server.paths) == 3  # the good fetch's two pages and this one: not followed
    assert snapshot(isolated_home) == stocked


def test_escapes_in_the_reason_phrase_and_the_error_body_never_reach_the_terminal(
    server: HostileServer, stocked: dict[str, bytes], isolated_home: Path
) -> None:
    server.then(reply({"error": f"bad {ESCAPES} thing"}, status=500, reason=f"Oops{ESCAPES}"))
    code, out, err = run("fetch", "--date", DAY)
    failed_cleanly(code, out, err, "answered HTTP 500 Oops")
    assert "bad" in err and "thing" in err
    assert snapshot(isolated_home) == stocked


def test_the_fetch_error_itself_carries_no_escape(server: HostileServer) -> None:
    """The message is clean before the CLI's sanitiser: the app shows it too."""
    server.then(reply({"error": ESCAPES}, status=503, reason=f"Down{ESCAPES}"))
    with pytest.raises(UserError) as caught:
        fetch.fetch_list(fetch.FetchRequest(date=dt.date(2025, 3, 24)))
    assert _UNSAFE.search(str(caught.value)) is None, repr(str(caught.value))


# --- Retry-After -----------------------------------------------------------------------------


def test_a_429_with_retry_after_seconds_is_retried_once_after_waiting(
    server: HostileServer, sleeps: list[float]
) -> None:
    server.then(reply({"error": "slow down"}, status=429, headers={"Retry-After": "7"}))
    server.then(reply(items(0, 5)))
    code, out, _ = run("fetch", "--date", DAY)
    assert code == 0 and out.startswith("fetched 5 papers")
    assert sleeps == [7.0]
    assert len(server.paths) == 3  # the 429, its retry, the empty page after it


def test_a_503_with_an_http_date_waits_until_that_date(
    server: HostileServer, sleeps: list[float]
) -> None:
    when = email.utils.format_datetime(NOW + dt.timedelta(seconds=12), usegmt=True)
    server.then(reply(status=503, headers={"Retry-After": when}), reply(items(0, 3)))
    code, out, _ = run("fetch", "--date", DAY)
    assert code == 0 and out.startswith("fetched 3 papers")
    assert sleeps == [12.0]


def test_a_date_in_the_past_retries_at_once(server: HostileServer, sleeps: list[float]) -> None:
    when = email.utils.format_datetime(NOW - dt.timedelta(hours=1), usegmt=True)
    server.then(reply(status=429, headers={"Retry-After": when}), reply(items(0, 3)))
    assert run("fetch", "--date", DAY)[0] == 0
    assert sleeps == [0.0]


@pytest.mark.parametrize(
    ("retry_after", "when"),
    [("3600", "2026-12-07 13:00:00"), ("99999999999999999999", "2058-08-15 13:46:40")],
)
def test_a_wait_beyond_the_bound_is_one_line_saying_when_to_retry(
    server: HostileServer,
    sleeps: list[float],
    stocked: dict[str, bytes],
    isolated_home: Path,
    retry_after: str,
    when: str,
) -> None:
    server.then(reply(status=429, reason="Too Many Requests", headers={"Retry-After": retry_after}))
    code, out, err = run("fetch", "--date", DAY)
    failed_cleanly(code, out, err, "answered HTTP 429 Too Many Requests")
    assert f"try again after {when} UTC" in err
    assert sleeps == []
    assert snapshot(isolated_home) == stocked


def test_a_wait_past_the_deadline_is_not_waited(server: HostileServer, sleeps: list[float]) -> None:
    server.then(reply(status=503, headers={"Retry-After": "20"}))
    code, out, err = run("fetch", "--date", DAY, "--deadline", "10")
    failed_cleanly(code, out, err, "it asks to wait 20 s: try again after 2026-12-07 12:00:20 UTC")
    assert sleeps == []


def test_only_one_retry(server: HostileServer, sleeps: list[float]) -> None:
    busy = reply(status=429, headers={"Retry-After": "1"})
    server.then(busy, busy, reply(items(0, 3)))
    code, out, err = run("fetch", "--date", DAY)
    failed_cleanly(code, out, err, "again after waiting as asked; try later")
    assert sleeps == [1.0] and len(server.paths) == 2


@pytest.mark.parametrize(
    "headers",
    [{}, {"Retry-After": f"soon{ESCAPES}"}, {"Retry-After": "-5"}, {"Retry-After": "1.5"}],
    ids=["none", "garbage", "negative", "fraction"],
)
def test_no_usable_retry_after_is_the_plain_error(
    server: HostileServer, sleeps: list[float], headers: dict[str, str]
) -> None:
    server.then(reply(status=429, headers=headers), reply(items(0, 3)))
    code, out, err = run("fetch", "--date", DAY)
    failed_cleanly(code, out, err, "answered HTTP 429")
    assert "try again" not in err and sleeps == []


def test_other_statuses_are_not_retried(server: HostileServer, sleeps: list[float]) -> None:
    server.then(reply(status=500, headers={"Retry-After": "1"}), reply(items(0, 3)))
    code, out, err = run("fetch", "--date", DAY)
    failed_cleanly(code, out, err, "answered HTTP 500")
    assert sleeps == []
