"""`papershelf fetch`, `import` and `list` on the library, through the CLI entry point."""

from __future__ import annotations

import io
import json

import pytest
from tests.unit.test_fetch import FakeHub, Reply, fixture_body, hub, no_proxy

from papershelf.cli import main
from papershelf.locations import sample_digest
from papershelf.store import Store

__all__ = ["hub", "no_proxy"]  # fixtures shared with test_fetch


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def library_size() -> int:
    with Store() as store:
        return store.library_size()


def test_fetch_stores_papers_and_counts_new_ones(hub: FakeHub) -> None:
    hub.default = Reply(fixture_body())
    code, text = run("fetch", "--date", "2025-03-24", "--limit", "5")
    assert code == 0
    assert text == "fetched 5 papers (daily list of 2025-03-24), 5 new in your library\n"
    assert hub.query()["date"] == ["2025-03-24"]
    code, text = run("fetch", "--date", "2025-03-24")
    assert "0 new" in text
    assert library_size() == 5


@pytest.mark.parametrize(
    "reply",
    [
        Reply(b"oops", status=500),
        Reply(b'[{"paper": ', status=200),
        Reply(b"[]", declared_length=99),
    ],
    ids=["http-500", "malformed", "truncated"],
)
def test_fetch_failures_are_one_line_and_leave_the_library(
    hub: FakeHub, reply: Reply, capsys: pytest.CaptureFixture[str]
) -> None:
    run("import", str(sample_digest()))
    capsys.readouterr()
    hub.default = reply
    code, _ = run("fetch")
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("papershelf: error:") and err.count("\n") == 1
    assert library_size() == 46


def test_fetch_with_nothing_listening(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    code, _ = run("fetch", "--timeout", "2")
    assert code == 2
    assert "cannot reach" in capsys.readouterr().err


def test_fetch_of_an_empty_day_is_a_note(hub: FakeHub) -> None:
    hub.default = Reply(b"[]")
    code, text = run("fetch", "--date", "2025-01-01")
    assert code == 0 and "no papers" in text
    assert library_size() == 0


def test_fetch_rejects_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("fetch", "--week", "2025-13")[0] == 2
    assert run("fetch", "--date", "2025-02-30")[0] == 2
    assert run("fetch", "--date", "2025-02-01", "--month", "2025-02")[0] == 2
    assert capsys.readouterr().err.count("papershelf: error:") == 3


def test_import_twice_adds_nothing_the_second_time(hub: FakeHub) -> None:
    code, text = run("import", str(sample_digest()))
    assert code == 0 and "46 new" in text
    code, text = run("import", str(sample_digest()))
    assert "0 new" in text
    hub.default = Reply(fixture_body())
    run("fetch")
    assert library_size() == 51


def test_list_without_source_shows_the_library_newest_first(hub: FakeHub) -> None:
    code, text = run("list", "--format", "json")
    assert code == 0 and len(json.loads(text)) == 46, "a fresh library holds the sample"
    hub.default = Reply(fixture_body())
    run("fetch")
    papers = json.loads(run("list", "--format", "json")[1])
    assert len(papers) == 51
    days = [p["date"] for p in papers]
    assert days == sorted(days, reverse=True)


def test_list_query_filters(capsys: pytest.CaptureFixture[str]) -> None:
    papers = json.loads(run("list", "--format", "json", "--query", "has:code")[1])
    assert len(papers) == 9
    ids = [p["id"] for p in papers]
    run("bookmarks", "add", ids[0])
    marked = json.loads(run("list", "--format", "json", "--query", "is:bookmarked")[1])
    assert [p["id"] for p in marked] == [ids[0]]
    code, _ = run("list", "--query", "tga:nlp")
    assert code == 2
    assert "tga" in capsys.readouterr().err
