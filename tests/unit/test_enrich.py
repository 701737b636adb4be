"""`papershelf enrich` and the look-ups after `import`, against the loopback stand-in of the API.

The server is test_fetch_api's: its items are real-shaped (both generations), and it answers
`/api/papers/search?q=&limit=` with every item sharing a word with `q`, most shared first, as
the real search answers with near misses beside the paper asked for.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.test_fetch_api import DAY, FakeApi, api, item_2026, library, run, snapshot

from papershelf.enrich import candidates, exact_matches
from papershelf.model import Paper, paper_id
from papershelf.store import Store

__all__ = ["api"]

DIGEST_DAY = dt.date(2026, 11, 20)
"""The day the text digest lists its papers: not the API's listing day, and it must stay."""


def write_digest(tmp_path: Path, *titles: str) -> Path:
    parts = [DIGEST_DAY.isoformat()]
    for n, title in enumerate(titles):
        parts += [title, f"From the digest, paper {n}."]
    path = tmp_path / "digest.txt"
    path.write_text("\n\n".join(parts) + "\n", "utf-8")
    return path


def searches(api: FakeApi) -> list[str]:
    return [path for path in api.paths if path.startswith("/api/papers/search?")]


def by_id() -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in library()}


# --- an exact title merges ------------------------------------------------------------------


def test_an_exact_title_gets_its_arxiv_id_and_keeps_its_day_read_mark_and_bookmark(
    api: FakeApi, tmp_path: Path
) -> None:
    title = "PAPER 3 of the new-shape"  # the API says "Paper 3 of the new shape": same normalised
    digest = write_digest(tmp_path, title, "Nothing the Hub has heard of")
    assert run("import", "--offline", str(digest))[0] == 0
    assert searches(api) == [], "--offline asks nothing"
    old = paper_id(title)
    assert run("bookmarks", "add", old)[0] == 0
    with Store() as store:
        store.set_note(old, "read section 3")
        store.set_read(old, True)

    code, out, err = run("enrich")

    assert code == 0, err
    assert out.splitlines() == [
        "matched arxiv:2611.00003  Paper 3 of the new shape",
        "enrich: 1 matched, 1 not found",
    ]
    assert err.splitlines() == [
        "enrich: 1/2 looked up, 1 matched…",
        "enrich: 2/2 looked up, 1 matched…",
    ]
    papers = by_id()
    assert old not in papers and len(papers) == 2
    entry = papers["arxiv:2611.00003"]
    assert entry["arxiv_id"] == "2611.00003"
    assert entry["date"] == DIGEST_DAY.isoformat(), "the day it was listed on carries over"
    assert (entry["authors"], entry["upvotes"]) == (["Author 3"], 497)
    assert (entry["abstract"], entry["ai_summary"]) == ("Abstract 3.", "AI summary 3.")
    assert entry["published_on"] == (DAY - dt.timedelta(days=4)).isoformat()
    with Store() as store:
        [bookmark] = store.bookmarks()
        assert bookmark.paper.id == "arxiv:2611.00003" and bookmark.note == "read section 3"
        assert bookmark.paper.arxiv_id == "2611.00003" and bookmark.paper.authors == ("Author 3",)
        assert store.read_ids() == {"arxiv:2611.00003"}
        assert store.appearances("arxiv:2611.00003") == [(DIGEST_DAY, str(digest))]

    code, out, _ = run("enrich")  # nothing left but the unknown paper
    assert (code, out) == (0, "enrich: 0 matched, 1 not found\n")


def test_import_looks_up_what_it_imported_when_online(api: FakeApi, tmp_path: Path) -> None:
    digest = write_digest(tmp_path, "Paper 5 of the old shape", "Paper 7 of the new shape")
    code, out, err = run("import", str(digest))
    assert code == 0, err
    assert out.splitlines() == [
        f"imported 2 papers from {digest}, 2 new",
        "matched arxiv:2410.00005  Paper 5 of the old shape",
        "matched arxiv:2611.00007  Paper 7 of the new shape",
        "enrich: 2 matched, 0 not found",
    ]
    assert set(by_id()) == {"arxiv:2410.00005", "arxiv:2611.00007"}
    assert by_id()["arxiv:2410.00005"]["authors"] == ["Old Author 5"]


def test_a_paper_already_fetched_and_then_read_from_a_digest_becomes_one_entry(
    api: FakeApi, tmp_path: Path
) -> None:
    assert run("fetch", "--date", DAY.isoformat())[0] == 0
    digest = write_digest(tmp_path, "Paper 9 of the new shape")
    assert run("import", str(digest))[0] == 0
    papers = by_id()
    assert paper_id("Paper 9 of the new shape") not in papers
    assert len([p for p in papers.values() if p["title"] == "Paper 9 of the new shape"]) == 1


# --- near misses do not ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["Paper 3 of the new shapes", "Paper 3 of a new shape", "Paper 3 of the new shape, part II"],
)
def test_a_near_miss_title_is_left_alone(api: FakeApi, tmp_path: Path, title: str) -> None:
    assert run("import", "--offline", str(write_digest(tmp_path, title)))[0] == 0
    code, out, _ = run("enrich")
    assert (code, out) == (0, "enrich: 0 matched, 1 not found\n")
    assert len(searches(api)) == 1
    assert list(by_id()) == [paper_id(title)]


def test_two_arxiv_ids_for_one_title_are_left_alone(api: FakeApi, tmp_path: Path) -> None:
    twin = item_2026(3, DAY)
    twin["paper"] = {**twin["paper"], "id": "2611.99999"}
    api.items.append(twin)
    assert (
        run("import", "--offline", str(write_digest(tmp_path, "Paper 3 of the new shape")))[0] == 0
    )
    code, out, _ = run("enrich")
    assert (code, out) == (0, "enrich: 0 matched, 0 not found, 1 ambiguous\n")
    assert list(by_id()) == [paper_id("Paper 3 of the new shape")]


title_words = st.lists(st.text("abcdefghij", min_size=1, max_size=6), min_size=1, max_size=6)


@given(title_words, st.sampled_from([str.upper, str.title, str.lower]), st.sampled_from(" -:,"))
def test_exact_matches_takes_case_and_punctuation_variants(
    words: list[str], case: Any, separator: str
) -> None:
    title = " ".join(words)
    ours = Paper(id=paper_id(title), title=title)
    theirs = Paper(id="arxiv:2611.00001", title=case(separator.join(words)), arxiv_id="2611.00001")
    assert exact_matches(ours, [theirs, theirs]) == [theirs]


@given(title_words, st.sampled_from(["s", " x", "0"]))
def test_exact_matches_refuses_any_other_title(words: list[str], extra: str) -> None:
    title = " ".join(words)
    ours = Paper(id=paper_id(title), title=title)
    theirs = Paper(id="arxiv:2611.00001", title=title + extra, arxiv_id="2611.00001")
    assert exact_matches(ours, [theirs]) == []
    no_id = Paper(id=paper_id(title), title=title)
    assert exact_matches(ours, [no_id]) == [], "a result without an arXiv id is no match"


def test_candidates_are_the_papers_known_only_by_title() -> None:
    text = Paper(id=paper_id("T"), title="T")
    fetched = Paper(id="arxiv:2611.00001", title="T", arxiv_id="2611.00001")
    assert candidates([text, fetched]) == [text]


# --- offline, limit, deadline -------------------------------------------------------------------


def test_offline_enrich_says_so_and_changes_nothing(tmp_path: Path, isolated_home: Path) -> None:
    # conftest points HF_ENDPOINT at a loopback port that refuses connections
    assert (
        run("import", "--offline", str(write_digest(tmp_path, "Paper 3 of the new shape")))[0] == 0
    )
    before = snapshot(isolated_home)
    code, out, err = run("enrich")
    assert (code, out) == (2, "")
    assert err.startswith("papershelf: error: cannot reach 127.0.0.1:") and err.count("\n") == 1
    assert err.rstrip().endswith("nothing was changed")
    assert snapshot(isolated_home) == before


def test_an_offline_import_still_succeeds_with_one_note(tmp_path: Path) -> None:
    digest = write_digest(tmp_path, "Paper 3 of the new shape")
    code, out, err = run("import", str(digest))
    assert (code, out) == (0, f"imported 1 papers from {digest}, 1 new\n")
    [note] = err.splitlines()
    assert note.startswith("papershelf: note: arXiv ids not looked up (cannot reach 127.0.0.1:")
    assert note.endswith("run 'papershelf enrich' when online")
    assert list(by_id()) == [paper_id("Paper 3 of the new shape")]


def test_limit_bounds_the_look_ups(api: FakeApi, tmp_path: Path) -> None:
    titles = [f"Paper {n} of the new shape" for n in range(5)]
    assert run("import", "--offline", str(write_digest(tmp_path, *titles)))[0] == 0
    code, out, _ = run("enrich", "--limit", "2")
    assert code == 0
    assert len(searches(api)) == 2
    assert out.splitlines()[-1] == "enrich: 2 matched, 0 not found, 3 not looked up"
    code, out, _ = run("enrich", "--limit", "10")
    assert out.splitlines()[-1] == "enrich: 3 matched, 0 not found"
    assert all(key.startswith("arxiv:") for key in by_id())


def test_the_deadline_ends_the_run_and_keeps_what_was_matched(api: FakeApi, tmp_path: Path) -> None:
    titles = [f"Paper {n} of the new shape" for n in range(4)]
    assert run("import", "--offline", str(write_digest(tmp_path, *titles)))[0] == 0
    answered = api.search
    calls: list[int] = []

    def third_never_answers(query: dict[str, list[str]]) -> tuple[int, Any]:
        calls.append(1)
        if len(calls) == 3:
            api.release.wait(timeout=30)  # released at teardown
        return answered(query)

    api.search = third_never_answers  # type: ignore[method-assign]
    code, out, err = run("enrich", "--deadline", "2", "--timeout", "10")
    assert code == 0
    assert out.splitlines() == [
        "matched arxiv:2611.00000  Paper 0 of the new shape",
        "matched arxiv:2611.00001  Paper 1 of the new shape",
        "enrich: 2 matched, 0 not found, 2 not looked up",
    ]
    warning = err.splitlines()[-1]
    assert warning == (
        "papershelf: warning: stopped after 2 of 4 look-ups (the look-ups took longer than"
        " 2 s in all); the matches so far are kept"
    )
    assert {"arxiv:2611.00000", "arxiv:2611.00001"} <= set(by_id())


def test_a_failing_server_after_some_answers_keeps_them(api: FakeApi, tmp_path: Path) -> None:
    titles = [f"Paper {n} of the new shape" for n in range(3)]
    assert run("import", "--offline", str(write_digest(tmp_path, *titles)))[0] == 0
    answered = api.search
    calls: list[int] = []

    def fails_second(query: dict[str, list[str]]) -> tuple[int, Any]:
        calls.append(1)
        return (500, {"error": "Internal Error"}) if len(calls) == 2 else answered(query)

    api.search = fails_second  # type: ignore[method-assign]
    code, out, err = run("enrich")
    assert code == 0
    assert out.splitlines()[-1] == "enrich: 1 matched, 0 not found, 2 not looked up"
    assert "answered HTTP 500" in err.splitlines()[-1]
    assert "arxiv:2611.00000" in by_id()


# --- hostile answers ----------------------------------------------------------------------------


def test_hostile_server_strings_are_cleaned(api: FakeApi, tmp_path: Path) -> None:
    evil = item_2026(3, DAY)
    evil["title"] = "Paper\x1b[31m 3 of the \u202enew shape\x07"
    evil["paper"] = {
        **evil["paper"],
        "title": evil["title"],
        "summary": "Clears\x1b[2J the screen\x9b and \x1b]52;c;cm0gLXJm\x07 copies.",
        "authors": [{"name": "Mallory\x1b]0;pwned\x07 Evil", "hidden": False}],
        "ai_summary": "Bidi \u202e trick",
    }
    bad_id = item_2026(4, DAY)
    bad_id["paper"] = {**bad_id["paper"], "id": "../../2611.00004\x1b[2J"}
    api.items = [evil, bad_id]
    digest = write_digest(tmp_path, "Paper 3 of the new shape", "Paper 4 of the new shape")
    code, out, err = run("import", str(digest))
    assert code == 0, err
    for text in (out, err):
        assert not any(c in text for c in "\x1b\x07\x9b\u202e")
    assert out.splitlines()[-1] == "enrich: 1 matched, 1 not found"
    papers = by_id()
    entry = papers["arxiv:2611.00003"]
    dumped = json.dumps(entry, ensure_ascii=False)
    assert not any(c in dumped for c in "\x1b\x07\x9b\u202e")
    assert entry["title"] == "Paper 3 of the new shape"
    assert paper_id("Paper 4 of the new shape") in papers, "a malformed id is no arXiv id"
