"""README claims checked against the code: the JSON fields it lists, the `similar` example that
must work on a fresh install (the sample), the palette command it names for themes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.unit.test_cli import run

from papershelf.locations import sample_digest
from papershelf.parser import parse_sources

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_json_field_list_names_every_field() -> None:
    code, text = run("list", "--format", "json", "--year", "2025", str(sample_digest()))
    assert code == 0
    paragraph = README[README.index("`--format json` prints") :].split("\n- ")[0]
    named = set(re.findall(r"`(\w+)`", paragraph))
    assert set(json.loads(text)[0]) <= named


def test_the_similar_example_names_a_paper_of_the_sample() -> None:
    ids = re.findall(r"(title:[0-9a-f]+), its first paper", README)
    assert ids, "the README gives an id that works on the sample"
    papers = parse_sources([sample_digest()], year=2025).papers
    assert ids[0] == papers[0].id


def test_the_theme_comment_names_the_palette_command() -> None:
    from textual.app import App
    from textual.screen import Screen

    (named,) = re.findall(r'theme = "\w+" +# any theme of Ctrl\+P → "([^"]+)"', README)
    titles = [command.title for command in App[None]().get_system_commands(Screen())]
    assert named in titles
