"""The config file: settings read, every problem one line naming the file and the setting,
and `papershelf config` / `papershelf keys`."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from papershelf.cli import main
from papershelf.config import CONFIG_ENV, Config, config_path, load_config


def write(text: str) -> Path:
    path = Path(os.environ[CONFIG_ENV])
    path.write_text(text, encoding="utf-8")
    return path


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_no_file_is_the_defaults() -> None:
    assert load_config() == Config()


def test_settings_are_read() -> None:
    path = write(
        'theme = "gruvbox"\nview = "bookmarks"\nsort = "upvotes"\ndetail = 45\n'
        '[keys]\nbookmark = "x"\n"bookmark.state" = " s , S "\n'
    )
    config = load_config()
    assert config == Config(
        keys={"bookmark": "x", "bookmark.state": "s,S"},
        theme="gruvbox",
        view="bookmarks",
        sort="upvotes",
        detail=45,
        path=path,
    )


def test_not_toml_is_ignored_whole_with_one_line() -> None:
    path = write('[keys\nbookmark = "x"\n')
    config = load_config()
    assert config.keys == {} and config.theme is None
    (problem,) = config.problems
    assert problem.startswith(f"{path}: not valid TOML") and problem.endswith("using the defaults")


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("view = 'everything'", "view"),
        ("detail = 95", "detail"),
        ("sort = 'random'", "sort"),
        ("detail = true", "detail"),
        ("theme = 3", "theme"),
        ("keys = 'x'", "keys"),
        ("[keys]\nbookmark = 1", "keys.bookmark"),
        ("[keys]\nbookmark = ''", "keys.bookmark"),
        ("colour = 'red'", "colour"),
    ],
)
def test_a_bad_setting_is_ignored_alone(text: str, setting: str) -> None:
    good = 'view = "all"' if setting != "view" else 'theme = "nord"'
    path = write(f"{good}\n{text}\n")
    config = load_config()
    assert config.problems == (
        next(p for p in config.problems if p.startswith(f"{path}: {setting}: ")),
    )
    assert config.problems[0].endswith("; ignored")
    assert (config.view, config.theme) == (("all", None) if setting != "view" else (None, "nord"))


def test_config_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, "/somewhere/papershelf.toml")
    assert config_path() == Path("/somewhere/papershelf.toml")
    assert run("config", "--path") == (0, "/somewhere/papershelf.toml\n")
    monkeypatch.delenv(CONFIG_ENV)
    assert config_path().name == "config.toml"


def test_config_command_reports_problems(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run("config")
    assert code == 0 and text.endswith("(none yet: the defaults are in force)\n")
    path = write("view = 'nope'\n")
    code, text = run("config")
    assert code == 1 and text == f"{path} (found)\n"
    assert (
        capsys.readouterr().err
        == f"papershelf: warning: {path}: view: expected one of all, bookmarks; ignored\n"
    )


def test_keys_lists_every_binding_with_the_config_applied(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, text = run("keys")
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in text.splitlines()}
    assert code == 0
    assert rows["bookmark"] == ["b", "Bookmark or un-bookmark"]
    assert rows["list.down"][0] == "j,down"
    assert all(len(r) == 2 and r[1] for r in rows.values())
    path = write('[keys]\nbookmark = "x"\nnosuch = "z"\n')
    code, text = run("keys")
    assert "bookmark\tx\tBookmark or un-bookmark\n" in text
    assert capsys.readouterr().err == f"papershelf: warning: {path}: keys.nosuch: no such binding\n"


def test_config_command_reports_what_the_app_would_ignore(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`papershelf config` checks the file: an unknown binding id or theme is a problem there
    too, not only in the app's toast (README: "an unknown binding id ... one line")."""
    path = write('theme = "nosuch-theme"\n[keys]\nnosuch = "z"\nbookmark = "x"\n')
    code, text = run("config")
    assert (code, text) == (1, f"{path} (found)\n")
    assert capsys.readouterr().err == (
        f"papershelf: warning: {path}: keys.nosuch: no such binding; ignored\n"
        f"papershelf: warning: {path}: theme: no theme 'nosuch-theme'; ignored\n"
    )
    write('theme = "gruvbox"\n[keys]\nbookmark = "x"\n')
    assert run("config")[0] == 0
    assert capsys.readouterr().err == ""
