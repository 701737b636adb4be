"""Taking papers out of the library: `library remove`, `prune`, `hide`, `unhide`, `list --hidden`,
in the store and through the CLI entry point."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from papershelf.cli import main
from papershelf.model import Paper, paper_id
from papershelf.store import Store
from papershelf.urls import paper_id_candidates as id_candidates

MON, TUE, WED = dt.date(2025, 3, 17), dt.date(2025, 3, 18), dt.date(2025, 3, 19)


def paper(n: int, day: dt.date | None, rank: int = 1) -> Paper:
    title = f"Paper {n}"
    return Paper(id=paper_id(title, f"2503.{n:05d}"), title=title, date=day, rank=rank)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(argv), out=out)
    return code, out.getvalue(), err.getvalue()


def listed() -> list[str]:
    code, text, _ = run("list", "--format", "tsv")
    assert code == 0
    return [line.split("\t")[0] for line in text.splitlines()[1:]]


@pytest.fixture
def library() -> list[Paper]:
    """Paper 1 on Monday, 2 on Monday and Wednesday, 3 on Tuesday (bookmarked), 4 undated."""
    with Store() as store:
        store.add_to_library([paper(1, MON, 1), paper(2, MON, 2)], "monday")
        store.add_to_library([paper(3, TUE, 1)], "tuesday")
        store.add_to_library([paper(2, WED, 1)], "wednesday")
        store.add_to_library([paper(4, None, 1)], "undated")
        store.add(paper(3, TUE))
        store.set_read(paper(3, TUE).id, True)
        store.set_read(paper(1, MON).id, True)
    return [paper(n, None) for n in range(1, 5)]


def test_id_candidates_read_arxiv_ids_and_urls() -> None:
    expected = "arxiv:2511.20107"
    for token in (
        "2511.20107",
        "2511.20107v2",
        "arxiv:2511.20107",
        "arXiv:2511.20107v3",
        "https://arxiv.org/abs/2511.20107v2",
        "https://arxiv.org/pdf/2511.20107",
        "https://huggingface.co/papers/2511.20107",
        # The forms `bookmarks add` and the filter take (`urls.referenced_arxiv_id`), which
        # library remove/hide read with a pattern of their own before:
        "HTTPS://ArXiv.org/abs/2511.20107v2",
        "www.huggingface.co/papers/2511.20107?utm=x",
        "arxiv.org/pdf/2511.20107v1.pdf",
    ):
        assert id_candidates(token)[-1] == expected, token
    # Prose that merely mentions an id is not a reference to it.
    assert id_candidates("see arXiv:2511.20107 for details") == ["see arXiv:2511.20107 for details"]
    assert id_candidates("title:abc") == ["title:abc"]


def test_remove_forgets_papers_but_keeps_their_bookmarks(library: list[Paper]) -> None:
    code, out, _ = run("library", "remove", "2503.00003", "https://arxiv.org/abs/2503.00001v2")
    assert (code, out) == (
        0,
        "removed 2 papers from your library (1 bookmark kept in the reading list)\n",
    )
    assert listed() == [library[1].id, library[3].id]
    with Store() as store:
        assert [b.paper.id for b in store.bookmarks()] == [library[2].id]
        assert store.appearances(library[0].id) == []
        assert store.read_ids() == {library[2].id}, "a bookmarked paper keeps its read mark"
        assert store.library_generation() > 0
        # Fetched again later, a removed paper is a new paper again.
        assert store.add_to_library([paper(1, WED)], "again") == (1, 1)
        assert library[0].id in store.new_ids()


def test_remove_of_an_unknown_id_changes_nothing(
    library: list[Paper], capsys: pytest.CaptureFixture[str]
) -> None:
    with Store() as store:
        generation = store.library_generation()
    code, _, err = run("library", "remove", "2503.00001", "9999.99999")
    assert code == 2
    assert err == "papershelf: error: no paper with id 9999.99999 in your library\n"
    assert len(listed()) == 4
    with Store() as store:
        assert store.library_generation() == generation


def test_prune_removes_papers_whose_every_listing_is_before_the_day(library: list[Paper]) -> None:
    code, out, _ = run("library", "prune", "--before", WED.isoformat(), "--dry-run")
    assert (code, out) == (
        0,
        f"would remove 1 paper listed only before {WED}; kept 1 bookmarked paper"
        " (--include-bookmarked)\n",
    )
    assert len(listed()) == 4, "a dry run changes nothing"
    code, out, _ = run("library", "prune", "--before", WED.isoformat())
    assert out.startswith(f"removed 1 paper listed only before {WED}")
    # Paper 2 was listed on Wednesday too; paper 4 is undated: both stay. By first day.
    assert listed() == [library[2].id, library[1].id, library[3].id]
    code, out, _ = run("library", "prune", "--before", WED.isoformat(), "--include-bookmarked")
    assert out == f"removed 1 paper listed only before {WED}\n"
    assert listed() == [library[1].id, library[3].id]
    with Store() as store:
        assert [b.paper.id for b in store.bookmarks()] == [library[2].id], "the bookmark stays"


def test_prune_needs_a_day(library: list[Paper]) -> None:
    code, _, err = run("library", "prune", "--before", "last week")
    assert code == 2 and err.startswith("papershelf: error: argument --before: expected a day")
    assert err.count("\n") == 1


def test_an_emptied_library_does_not_bring_the_sample_back() -> None:
    assert len(listed()) == 46  # a fresh install is seeded with the sample
    code, out, _ = run("library", "prune", "--before", "2100-01-01")
    assert code == 0
    assert out == "removed 46 papers listed only before 2100-01-01\n"
    assert listed() == []


def test_hide_keeps_the_paper_unlisted_and_not_new_again(library: list[Paper]) -> None:
    code, out, _ = run("library", "hide", "2503.00004")
    assert code == 0 and out.startswith("hid 1 paper (papershelf list --hidden shows them")
    assert library[3].id not in listed()
    code, text, _ = run("list", "--hidden", "--format", "tsv")
    assert [line.split("\t")[0] for line in text.splitlines()[1:]] == [library[3].id]
    with Store() as store:
        assert library[3].id not in store.new_ids(), "a hidden paper has been dealt with"
        assert store.add_to_library([paper(4, WED)], "refetch") == (1, 0)
        assert library[3].id not in store.new_ids(), "a re-fetch does not bring it back"
    assert library[3].id not in listed()
    code, _, err = run("library", "unhide", "2503.00001")
    assert code == 2 and "no paper with id 2503.00001 in the hidden papers" in err
    assert run("library", "unhide", "arxiv:2503.00004")[1] == "listing 1 paper again\n"
    assert library[3].id in listed()


def test_hiding_and_removing_bump_the_generation(library: list[Paper]) -> None:
    with Store() as store:
        stamps = [store.library_generation()]
        store.set_hidden([library[0].id], True)
        stamps.append(store.library_generation())
        store.set_hidden([library[0].id], True)  # already hidden: nothing changed
        stamps.append(store.library_generation())
        store.remove_from_library([library[0].id])
        stamps.append(store.library_generation())
        store.prune_library(TUE, dry_run=True)
        stamps.append(store.library_generation())
    assert stamps[0] < stamps[1] == stamps[2] < stamps[3] == stamps[4]


def test_list_json_names_every_appearance(library: list[Paper]) -> None:
    code, text, _ = run("list", "--format", "json")
    assert code == 0
    records = {r["id"]: r for r in json.loads(text)}
    assert records[library[1].id]["date"] == MON.isoformat()
    assert records[library[1].id]["appearances"] == [
        {"day": MON.isoformat(), "source": "monday", "rank": 2},
        {"day": WED.isoformat(), "source": "wednesday", "rank": 1},
    ]
    assert records[library[3].id]["appearances"] == [{"day": None, "source": "undated", "rank": 1}]


def test_list_hidden_refuses_sources(tmp_path: Path, sample_path: Path) -> None:
    code, _, err = run("list", "--hidden", str(sample_path))
    assert code == 2 and err.startswith("papershelf: error: --hidden lists the library's")
