"""Saved searches: a filter kept under a name (`ctrl+s` in the app, `list --saved NAME`)."""

from __future__ import annotations

from papershelf.errors import UserError
from papershelf.model import format_time
from papershelf.store import clock
from papershelf.store.connection import Database

NAME_MAX = 60
"""Characters in a name: it is shown in a menu row beside its count."""


def normalize_name(name: str) -> str:
    """A name as stored: one line, spaces collapsed; `UserError` when nothing is left or it is
    too long for the menu."""
    cleaned = " ".join("".join(c for c in name if c.isprintable()).split())
    if not cleaned:
        raise UserError("a saved search needs a name")
    if len(cleaned) > NAME_MAX:
        raise UserError(f"a saved search's name has at most {NAME_MAX} characters")
    return cleaned


class SavedSearches(Database):
    """The `Store` methods for saved searches."""

    def saved_searches(self) -> list[tuple[str, str]]:
        """(name, query) of every saved search, by name."""
        with self._transaction(write=False) as db:
            rows = db.execute("SELECT name, query FROM saved_search ORDER BY name COLLATE NOCASE")
            return [(str(name), str(query)) for name, query in rows]

    def saved_search(self, name: str) -> str | None:
        """The query saved under `name` (spaces and case as typed do not matter), or None."""
        with self._transaction(write=False) as db:
            row = db.execute(
                "SELECT query FROM saved_search WHERE name = ? COLLATE NOCASE",
                (normalize_name(name),),
            ).fetchone()
            return None if row is None else str(row[0])

    def save_search(self, name: str, query: str) -> bool:
        """Keep `query` under `name`; True when it replaced one of that name."""
        name = normalize_name(name)
        with self._transaction(write=True) as db:
            old = db.execute(
                "DELETE FROM saved_search WHERE name = ? COLLATE NOCASE", (name,)
            ).rowcount
            db.execute(
                "INSERT INTO saved_search (name, query, saved_at) VALUES (?, ?, ?)",
                (name, query, format_time(clock.now())),
            )
            return old > 0

    def delete_search(self, name: str) -> bool:
        """Forget the search saved under `name`; False when there was none."""
        with self._transaction(write=True) as db:
            deleted = db.execute(
                "DELETE FROM saved_search WHERE name = ? COLLATE NOCASE", (normalize_name(name),)
            ).rowcount
            return deleted > 0
