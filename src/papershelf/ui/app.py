"""The papershelf app: opens the session, hands it to the main screen, owns app-wide chrome.

Deliberately thin (posting's `get_default_screen`, frogmouth's small App): browsing state and
rules are the session's (`papershelf.session`), keys and widgets are the screen's
(`ui.screens.main`). What is left here is what belongs to the whole app: toasts, the help
screen, the command palette and the theme.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES

from papershelf.config import Config, load_config
from papershelf.search import SYNTAX as QUERY_SYNTAX
from papershelf.session import Session
from papershelf.store import Store
from papershelf.ui.detail import DetailPane
from papershelf.ui.dialogs import HelpScreen
from papershelf.ui.filter import FilterInput
from papershelf.ui.keys import (
    PALETTE_NAMES,
    binding_rows,
    bindings_by_id,
    effective_keys,
    key_label,
)
from papershelf.ui.ordered_keys import OrderedKeysApp
from papershelf.ui.paper_list import PaperList
from papershelf.ui.screens.main import READ_AFTER_S, MainScreen

FILTER_KEYS = [("Enter ↓", "Go to the list, keep the filter"), ("Esc", "Clear the filter")]


class PapershelfApp(OrderedKeysApp[None]):
    """Browse a digest or the library, filter as you type, read abstracts, keep a reading list."""

    TITLE = "papershelf"
    CSS_PATH = "app.tcss"

    def __init__(
        self,
        sources: Sequence[str | Path] = (),
        *,
        year: int | None = None,
        stdin_text: str | None = None,
        store: Store | None = None,
        read_after: float = READ_AFTER_S,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.config = load_config() if config is None else config
        """The user's keys and look (`papershelf.config`), read once."""
        self._config_problems = list(self.config.problems)
        self.read_after = read_after
        """Seconds a paper stays in the detail pane before it counts as read."""
        self.sources = list(sources)
        self.year = year
        self.stdin_text = stdin_text
        self._store = store
        self._session: Session | None = None

    def get_default_screen(self) -> MainScreen:
        self._session = Session.open(library_mode=not self.sources, store=self._store)
        self._session.key_of = self.key_of
        if self.config.view:
            self._session.set_view(self.config.view)
        if self.config.sort:
            self._session.sort = self.config.sort
        return MainScreen(
            self._session,
            self.sources,
            year=self.year,
            stdin_text=self.stdin_text,
            read_after=self.read_after,
            detail_width=self.config.detail,
        )

    def on_mount(self) -> None:
        self._apply_config()

    def _apply_config(self) -> None:
        """Keys and theme from the config; what cannot be applied is said once, in a toast."""
        config = self.config
        known = bindings_for_keymap()
        unknown = sorted(config.keys.keys() - known.keys())
        for binding_id in unknown:
            self._config_problems.append(
                f"{config.path}: keys.{binding_id}: no such binding"
                " (papershelf keys lists them); ignored"
            )
        self.set_keymap(self.keymap)
        if config.theme:
            if config.theme in self.available_themes:
                self.theme = config.theme
            else:
                self._config_problems.append(
                    f"{config.path}: theme: no theme {config.theme!r}; ignored"
                )
        if self._config_problems:
            self.notify("\n".join(self._config_problems), title="Config", severity="warning")

    @property
    def keymap(self) -> dict[str, str]:
        """The config's keys that rebind a binding (what `set_keymap` is given)."""
        known = bindings_for_keymap()
        return {k: v for k, v in self.config.keys.items() if k in known}

    def key_of(self, binding_id: str) -> str:
        """The key that runs `binding_id` now, as a message names it ('x', 'Ctrl+S')."""
        binding = bindings_for_keymap()[binding_id]
        return key_label(effective_keys(binding, self.keymap).split(",")[0])

    @property
    def session(self) -> Session:
        """The browsing session, opened with the default screen."""
        assert self._session is not None, "the app has not started"
        return self._session

    @property
    def main(self) -> MainScreen:
        """The browsing screen (under any dialog that is open)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast is plain text: messages carry titles, URLs and server errors, and Textual
        would parse them as markup (`[/]` crashes, `[@click=...]` runs an action). Widgets'
        `notify` pass `markup=True` by default, so the flag is ignored, not just defaulted."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help(self) -> None:
        keymap = self.keymap
        sections = [
            ("Anywhere", binding_rows(MainScreen.BINDINGS, keymap)),
            ("Paper list", binding_rows(PaperList.BINDINGS, keymap)),
            ("Abstract pane", binding_rows(DetailPane.BINDINGS, keymap)),
            ("Filter bar", FILTER_KEYS),
        ]
        self.push_screen(HelpScreen(sections, QUERY_SYNTAX))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The main screen's keys and the saved searches as palette commands. The palette reads
        titles and help as markup: both are made literal (a key shown as `[r]` would vanish, and
        a saved filter is the user's text)."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        seen: set[str] = set()
        keymap = self.keymap
        for binding in MainScreen.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in ("app.quit", *seen):
                continue  # one entry per action: Tab and 2 both show the bookmarks
            seen.add(binding.action)
            yield SystemCommand(
                literal(PALETTE_NAMES.get(binding.id or "", binding.description)),
                # The palette reads help as markup: `[/]` would be a closing tag.
                literal(
                    f"{binding.tooltip or binding.description}"
                    f"  [{key_label(effective_keys(binding, keymap))}]"
                ),
                partial(screen.run_action, binding.action),
            )
        store = self.session.store
        for name, query in store.saved_searches() if store is not None else ():
            yield SystemCommand(
                literal(f"Saved search: {name}"),
                literal(query),
                partial(screen.apply_saved_search, name),
            )


def literal(text: str) -> str:
    """Markup that Textual reads back as exactly `text`, unstyled: every `[` escaped.
    (`textual.markup.escape` escapes only tag-like brackets: `[ @click=app.quit]` stays a live
    action, and `[$name]` an undefined variable that fails when drawn.)"""
    return text.replace("[", "\\[")


def bindings_for_keymap() -> dict[str, Binding]:
    """The bindings a config's `[keys]` can rebind, by id, in the order the help shows them."""
    return bindings_by_id(
        MainScreen.BINDINGS, PaperList.BINDINGS, DetailPane.BINDINGS, FilterInput.BINDINGS
    )


def theme_names() -> frozenset[str]:
    """The themes a config's `theme` may name: Textual's built-in ones, which the app offers."""
    return frozenset(BUILTIN_THEMES)
