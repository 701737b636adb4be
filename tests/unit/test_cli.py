"""The non-interactive CLI: `list` formats and query, the `bookmarks` commands, pipes."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf.cli import build_parser, main
from papershelf.locations import sample_digest

LEMO = "LeMo: Enabling LEss Token Involvement for MOre Context Fine-tuning"
SPEN = "Subgraph Permutation Equivariant Networks"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def list_json(*argv: str) -> list[dict[str, object]]:
    """`list --format json` of the sample (or of the given sources) with a fixed year."""
    sources = [a for a in argv if a == "-" or not a.startswith("-")] or [str(sample_digest())]
    options = [a for a in argv if a != "-" and a.startswith("-")]
    code, text = run("list", "--format", "json", "--year", "2025", *sources, *options)
    assert code == 0
    data = json.loads(text)
    assert isinstance(data, list)
    return data


def test_list_json_has_the_documented_fields() -> None:
    papers = list_json()
    assert len(papers) == 46
    first = papers[0]
    assert {"id", "title", "abstract", "date", "rank", "code_url", "urls", "arxiv_id"} <= set(first)
    assert first["title"] == LEMO
    assert first["date"] == "2025-03-21" and first["rank"] == 1
    assert papers[-1]["rank"] == 46
    assert sum(1 for p in papers if p["code_url"]) == 9


def test_json_outputs_carry_the_link_after_the_paper_fields() -> None:
    papers = list_json()
    assert list(papers[0])[-2:] == ["num_spaces", "link"]
    assert {"published_on", "ai_summary", "ai_keywords", "organization", "submitted_by"} <= set(
        papers[0]
    )
    assert {"hidden_authors", "num_models", "num_datasets"} <= set(papers[0])
    assert all(p["link"] != p["code_url"] for p in papers if p["code_url"]), "the paper's link"
    assert str(papers[0]["link"]).startswith("https://huggingface.co/papers?q=")
    run("bookmarks", "add", str(papers[0]["id"]), "--year", "2025")
    saved = json.loads(run("bookmarks", "--format", "json")[1])
    assert list(saved[0])[-7:-5] == ["num_spaces", "link"]
    assert saved[0]["link"] == papers[0]["link"]


def test_list_text_and_tsv() -> None:
    code, text = run("list", "--year", "2025", str(sample_digest()))
    assert code == 0
    lines = text.splitlines()
    assert len(lines) == 46
    assert lines[0].startswith("2025-03-21    1  LeMo: Enabling")
    code, tsv = run("list", "--format", "tsv", "--year", "2025", str(sample_digest()))
    rows = list(csv.reader(io.StringIO(tsv), delimiter="\t"))
    assert rows[0][:4] == ["id", "date", "rank", "title"]
    assert len(rows) == 47 and all(len(r) == len(rows[0]) for r in rows)
    assert rows[3][3] == SPEN
    code, bare = run("list", "-f", "tsv", "--no-header", "--year", "2025", str(sample_digest()))
    assert code == 0 and bare.splitlines() == tsv.splitlines()[1:]
    assert [line.split("\t")[3] for line in bare.splitlines()][2] == SPEN  # what `cut -f4` gives


def test_list_query_ranks_with_the_app_search() -> None:
    code, text = run("list", "--format", "json", "--query", "permutaton equivarant")
    assert code == 0
    papers = json.loads(text)
    assert papers[0]["title"] == SPEN
    assert len(papers) < 46


def test_list_reads_stdin(monkeypatch: pytest.MonkeyPatch, sample_path: Path) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(sample_path.read_text(encoding="utf-8")))
    papers = list_json("-")
    assert len(papers) == 46


def test_usage_mistakes_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("list", "--format", "yaml")
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("papershelf: error:") and err.count("\n") == 1


def test_bookmarks_add_list_remove_roundtrip(capsys: pytest.CaptureFixture[str]) -> None:
    ids = [p["id"] for p in list_json()]
    code, text = run("bookmarks", "add", str(ids[0]), str(ids[2]), "--year", "2025")
    assert code == 0 and text.count("bookmarked") == 2
    code, text = run("bookmarks", "--format", "json")
    saved = json.loads(text)
    assert {b["id"] for b in saved} == {ids[0], ids[2]}
    assert {"state", "note", "tags", "added_at", "updated_at", "abstract"} <= set(saved[0])
    code, text = run("bookmarks", "--format", "bibtex")
    assert text.count("@misc{") == 2
    code, text = run("bookmarks", "--format", "markdown")
    assert "[LeMo" in text
    code, text = run("bookmarks", "--format", "csv")
    assert len(list(csv.reader(io.StringIO(text)))) == 3
    code, text = run("bookmarks", "remove", str(ids[0]))
    assert code == 0 and "removed" in text
    code, text = run("bookmarks")
    assert SPEN in text and LEMO not in text


def test_bookmarks_add_unknown_id_adds_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    ids = [p["id"] for p in list_json()]
    code, _ = run("bookmarks", "add", str(ids[0]), "arxiv:0000.00000")
    assert code == 2
    assert "arxiv:0000.00000" in capsys.readouterr().err
    assert run("bookmarks", "--format", "json")[1].strip() == "[]"


def test_bookmarks_filters_by_state_and_tag() -> None:
    from papershelf.store import Store

    ids = [str(p["id"]) for p in list_json()]
    run("bookmarks", "add", ids[0], ids[1])
    with Store() as store:
        store.set_state(ids[0], "done")
        store.set_tags(ids[1], ["graphs"])
    assert LEMO in run("bookmarks", "--state", "done")[1]
    assert LEMO not in run("bookmarks", "--tag", "graphs")[1]
    assert "Exact Learning" in run("bookmarks", "--tag", "graphs")[1]


def test_bookmarks_import_is_idempotent(tmp_path: Path) -> None:
    ids = [str(p["id"]) for p in list_json()]
    run("bookmarks", "add", ids[0], ids[5])
    export = tmp_path / "export.json"
    export.write_text(run("bookmarks", "--format", "json")[1], encoding="utf-8")
    run("bookmarks", "remove", ids[0], ids[5])
    code, text = run("bookmarks", "import", str(export))
    assert code == 0 and "2 added" in text
    code, text = run("bookmarks", "import", str(export))
    assert code == 0 and "0 added, 0 updated" in text
    assert json.loads(run("bookmarks", "--format", "json")[1]) == json.loads(export.read_text())


def test_import_of_a_bad_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert run("bookmarks", "import", str(bad))[0] == 2
    err = capsys.readouterr().err
    assert err.startswith("papershelf: error:") and "bad.json" in err and err.count("\n") == 1


def test_a_closed_pipe_is_not_an_error() -> None:
    head = subprocess.run(
        # ~80 kB of JSON: more than a pipe buffer, so the writer does hit the closed pipe.
        f"{sys.executable} -m papershelf list --format json | head -c 100",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert len(head.stdout) == 100
    assert head.stderr == ""


def test_app_refuses_a_missing_source_before_starting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/digest.txt"]) == 2
    assert "papershelf: error: /nonexistent/digest.txt" in capsys.readouterr().err


def test_listing_a_file_leaves_the_data_directory_alone(isolated_home: Path) -> None:
    code, _ = run("list", str(sample_digest()))
    assert code == 0
    assert not isolated_home.exists(), "no database is created just to list a file"
    code, text = run("list", str(sample_digest()), "--query", "is:bookmarked")
    assert code == 0 and text == ""


# --- honest --help ------------------------------------------------------------------------------


def _parsers() -> list[argparse.ArgumentParser]:
    """The app's parser and every command's and sub-command's, found by walking the tree."""
    app, commands = build_parser()
    found: list[argparse.ArgumentParser] = [app]
    todo: list[argparse.ArgumentParser] = [commands]
    while todo:
        parser = todo.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                found += action.choices.values()
                todo += action.choices.values()
    return found


def test_every_argument_of_every_command_says_what_it_is() -> None:
    undocumented = [
        f"{parser.prog} {action.dest}"
        for parser in _parsers()
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not action.help
    ]
    assert undocumented == []


def test_help_says_a_source_defaults_to_the_library_not_the_sample() -> None:
    app, _ = build_parser()
    text = " ".join(app.format_help().split())
    assert "(default: your library, which starts with the bundled sample)" in text
    assert "default: the bundled sample)" not in text
    for parser in _parsers():
        assert "trending-papers digest" not in parser.format_help()


def test_options_before_the_command_are_the_commands() -> None:
    """`papershelf --year 2024 list FILE` lists FILE, as `papershelf list --year 2024 FILE`."""
    sample = str(sample_digest())
    before = run("--year", "2025", "list", sample)
    assert before == run("list", "--year", "2025", sample)
    assert before[0] == 0 and before[1].startswith("2025-03-21    1  LeMo")
    assert run("--year=2025", "list", sample) == before


def test_an_option_the_command_lacks_is_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--year", "2025", "keys")[0] == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unrecognized arguments: --year 2025" in err
    assert err.startswith("papershelf: error: ")
