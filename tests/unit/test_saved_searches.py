"""Saved searches: kept in the database under a name, counted by their new matches, listed and
run from the CLI (`saved`, `list --saved`)."""

from __future__ import annotations

import io

import pytest
from tests.unit.test_session import PAPERS

from papershelf.cli import main
from papershelf.errors import UserError
from papershelf.search import FilterColumns, SearchIndex
from papershelf.session import Loaded, SavedSearch, Session
from papershelf.store import Store


@pytest.fixture
def session() -> Session:
    s = Session.open(library_mode=False)
    s.set_papers(Loaded(PAPERS))
    return s


def test_a_search_is_saved_replaced_and_deleted(session: Session) -> None:
    with pytest.raises(UserError, match="type a filter first"):
        session.save_search("empty")
    session.set_query("graph")
    assert session.save_search("  Graph   papers ") == "Saved search 'Graph   papers'"
    session.set_query("lora -video")
    assert session.save_search("graph papers") == "Replaced search 'graph papers'"
    assert session.store is not None
    assert session.store.saved_searches() == [("graph papers", "lora -video")]
    assert session.saved_query("GRAPH PAPERS") == "lora -video"
    assert session.delete_search("graph papers") == "Deleted saved search 'graph papers'"
    with pytest.raises(UserError, match="no saved search named 'graph papers'"):
        session.saved_query("graph papers")
    with pytest.raises(UserError, match="a saved search needs a name"):
        session.save_search(" \t ")


def test_saved_searches_survive_a_new_store(session: Session) -> None:
    session.set_query("has:code")
    session.save_search("code")
    with Store() as store:
        assert store.saved_searches() == [("code", "has:code")]


def test_new_matches_are_counted_once_the_index_is_ready(session: Session) -> None:
    session.set_query("graph")
    session.save_search("graphs")
    session.set_query("is:bookmarked")
    session.save_search("mine")
    session.new_ids = frozenset({PAPERS[0].id, PAPERS[2].id})
    assert session.saved_searches() == [
        SavedSearch("graphs", "graph", None),  # text needs the index
        SavedSearch("mine", "is:bookmarked", 0),
    ]
    session.set_index(PAPERS, SearchIndex.build(PAPERS), FilterColumns(PAPERS))
    assert session.saved_searches()[0] == SavedSearch("graphs", "graph", 1)
    session.new_ids = frozenset()
    assert session.saved_searches()[0].new == 0


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_cli_saved_and_list_saved(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("saved") == (0, "")
    assert run("saved", "add", "graphs", "graph neural") == (0, "Saved search 'graphs'\n")
    assert run("saved", "add", "bad", "date:nope")[0] == 2
    assert "date" in capsys.readouterr().err
    code, text = run("saved")
    assert (code, text) == (0, "graphs\t0 new\tgraph neural\n")
    code, listed = run("list", "--saved", "graphs")
    assert code == 0
    assert listed == run("list", "--query", "graph neural")[1]
    assert "Learnable Commutative Monoids for Graph Neural Networks" in listed
    code, both = run("list", "--saved", "graphs", "--query", "has:code")
    assert set(both.splitlines()) < set(listed.splitlines())
    assert run("list", "--saved", "nope")[0] == 2
    assert "no saved search named 'nope'" in capsys.readouterr().err
    assert run("saved", "remove", "graphs") == (0, "Deleted saved search 'graphs'\n")
    assert run("saved") == (0, "")


def test_a_filter_starting_with_a_dash_is_a_filter_not_an_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """README: `-word` and `-has:code` negate; as the whole --query or QUERY they start with
    `-`, which argparse alone would read as an unknown option."""
    code, without = run("list", "--query", "-has:code")
    assert code == 0, capsys.readouterr().err
    assert without == run("list", "--query=-has:code")[1]
    assert run("list", "-q", "-has:code")[1] == without
    with_code = run("list", "--query", "has:code")[1]
    assert without and with_code
    assert not set(without.splitlines()) & set(with_code.splitlines())
    assert run("saved", "add", "no code", "-has:code") == (0, "Saved search 'no code'\n")
    assert run("saved") == (0, "no code\t0 new\t-has:code\n")
    assert run("list", "--saved", "no code")[1] == without
    assert run("list", "--query", "-graph", "--format", "tsv", "--no-header")[0] == 0


def test_a_missing_query_value_is_still_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Only a negation is taken as the value: `--query --format json` lacks its query."""
    for argv in (["--query", "--format", "json"], ["-q", "-f", "json"]):
        assert run("list", *argv)[0] == 2
        assert "argument -q/--query: expected one argument" in capsys.readouterr().err
