"""Small preferences the user chose in the app (pane width, a hidden pane), kept in `meta`.

They live in the database beside the reading list rather than in a file of their own, so one
file holds everything papershelf remembers and tests isolate it with the same `PAPERSHELF_HOME`.
Keys are namespaced `setting.` so they cannot collide with the store's own bookkeeping.
"""

from __future__ import annotations

from papershelf.store.connection import Database

_PREFIX = "setting."


class Settings(Database):
    """The `Store` methods for user settings: short strings by name."""

    def get_setting(self, name: str) -> str | None:
        """The value saved under `name`, or None when it was never set."""
        with self._transaction(write=False) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (_PREFIX + name,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, name: str, value: str) -> None:
        """Save `value` under `name` (committed at once); raises `UserError` when read-only."""
        with self._transaction(write=True) as db:
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_PREFIX + name, value)
            )
