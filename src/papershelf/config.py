"""The user's config file: their keys and look, read once at start.

A TOML file in the user config dir (`$PAPERSHELF_CONFIG` names another), e.g.

    theme = "gruvbox"
    view = "bookmarks"        # the view the app opens on: "all" or "bookmarks"
    sort = "upvotes"          # the sort it opens with (`=` cycles them)
    detail = 45               # the abstract pane's share of a wide screen, in percent (25-60)

    [keys]                    # binding id = key(s): `papershelf keys` lists the ids
    bookmark = "x"
    "bookmark.state" = "s,S"

A file that is not TOML is ignored as a whole; a setting with a wrong value is ignored on its
own; each problem is one line naming the file and the setting, and the app starts with the
defaults for what was ignored (newsboat and tig do the same: a typo must not lock anyone out).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from papershelf.search.sort import SORTS

CONFIG_ENV = "PAPERSHELF_CONFIG"
VIEWS = ("all", "bookmarks")
DETAIL_RANGE = (25, 60)
"""The abstract pane's share, in percent, that a config may ask for (`<` and `>` step through
the same range; the nearest step is taken). A width chosen with those keys, remembered in
the database, wins over the config's."""


@dataclass(frozen=True, slots=True)
class Config:
    keys: Mapping[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated keys, for Textual's `App.set_keymap`."""
    theme: str | None = None
    view: str | None = None
    sort: str | None = None
    detail: int | None = None
    problems: tuple[str, ...] = ()
    """One line per ignored part, naming the file and the setting."""
    path: Path | None = None
    """The file it was read from (None: no file, the defaults)."""


def config_path() -> Path:
    """Where the config file is read from (it need not exist)."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    return Path(platformdirs.user_config_dir("papershelf", appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The config at `path` (default: `config_path()`); an empty one when there is no file."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        return Config(
            problems=(f"{path}: cannot read it ({reason}); using the defaults",), path=path
        )
    except tomllib.TOMLDecodeError as exc:
        return Config(problems=(f"{path}: not valid TOML ({exc}); using the defaults",), path=path)
    return _settings(path, data)


def _settings(path: Path, data: Mapping[str, object]) -> Config:
    problems: list[str] = []

    def bad(name: str, why: str) -> None:
        problems.append(f"{path}: {name}: {why}; ignored")

    keys: dict[str, str] = {}
    table = data.get("keys", {})
    if not isinstance(table, dict):
        bad("keys", 'expected a table of binding id = "key"')
        table = {}
    for binding, value in table.items():
        if isinstance(value, str) and value.strip() and value.isprintable():
            keys[binding] = ",".join(k.strip() for k in value.split(",") if k.strip())
        else:
            bad(f"keys.{binding}", 'expected a key name such as "x" or "ctrl+b"')
    theme = data.get("theme")
    if theme is not None and not (isinstance(theme, str) and theme.isprintable()):
        bad("theme", "expected a theme name")
        theme = None
    view = data.get("view")
    if view is not None and view not in VIEWS:
        bad("view", f"expected one of {', '.join(VIEWS)}")
        view = None
    sort = data.get("sort")
    if sort is not None and sort not in SORTS:
        bad("sort", f"expected one of {', '.join(SORTS)}")
        sort = None
    detail = data.get("detail")
    low, high = DETAIL_RANGE
    if detail is not None and not (
        isinstance(detail, int) and not isinstance(detail, bool) and low <= detail <= high
    ):
        bad("detail", f"expected a whole number of percent from {low} to {high}")
        detail = None
    for name in sorted(data.keys() - {"keys", "theme", "view", "sort", "detail"}):
        bad(name, "unknown setting")
    return Config(
        keys=keys,
        theme=theme if isinstance(theme, str) else None,
        view=view if isinstance(view, str) else None,
        sort=sort if isinstance(sort, str) else None,
        detail=detail if isinstance(detail, int) else None,
        problems=tuple(problems),
        path=path,
    )
