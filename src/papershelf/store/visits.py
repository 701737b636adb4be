"""Read marks and visits: which papers were read, and which are new since the last visit.

A visit is the app's start. "New" is measured from the visit before this session's, so it
stays stable while the app runs; the two times are kept in the `meta` table.
"""

from __future__ import annotations

import sqlite3

from papershelf.model import format_time
from papershelf.store import clock
from papershelf.store.connection import Database

_LAST_VISIT = "last_visit_at"
_PREVIOUS_VISIT = "previous_visit_at"


class Visits(Database):
    """The `Store` methods for read marks and the last visit."""

    _visit_marked = False
    """Whether this store has called `mark_visit`, fixing the session's baseline."""
    _visit_baseline: str | None = None
    """The last visit as it was before this session's `mark_visit`; None if there was none."""

    def read_ids(self) -> set[str]:
        with self._transaction(write=False) as db:
            return {row[0] for row in db.execute("SELECT paper_id FROM read_state")}

    def set_read(self, paper_id: str, read: bool) -> None:
        """Mark a paper read (keeping the first time it was) or unread; any id may be marked."""
        with self._transaction(write=True) as db:
            if read:
                db.execute(
                    "INSERT OR IGNORE INTO read_state (paper_id, read_at) VALUES (?, ?)",
                    (paper_id, format_time(clock.now())),
                )
            else:
                db.execute("DELETE FROM read_state WHERE paper_id = ?", (paper_id,))

    def new_since_last_visit(self) -> set[str]:
        """Ids first seen after the previous visit; empty when no visit was ever recorded
        (then everything is new, and marking it all would tell nothing).

        Stable for the whole session: once this store has called `mark_visit`, the answer
        is measured from the visit before it, so papers fetched during the session join the
        set and nothing leaves it.
        """
        with self._transaction(write=False) as db:
            marked = self._visit_marked
            baseline = self._visit_baseline if marked else self._meta(db, _LAST_VISIT)
            if baseline is None:
                return set()
            rows = db.execute(
                "SELECT paper_id FROM library_paper WHERE first_seen_at > ?", (baseline,)
            )
            return {row[0] for row in rows}

    def mark_visit(self) -> None:
        """Record now as the last visit (the app calls it at start, after `new_since_last_visit`).

        The visit before is kept as `previous_visit_at`. Only the first call per store counts
        for this session's baseline. On a read-only store nothing is written, but the session
        baseline still holds.
        """
        with self._lock:
            if self.read_only:
                if not self._visit_marked:
                    with self._transaction(write=False) as db:
                        self._visit_baseline = self._meta(db, _LAST_VISIT)
                    self._visit_marked = True
                return
            with self._transaction(write=True) as db:
                last = self._meta(db, _LAST_VISIT)
                now = format_time(clock.now())
                if last is not None:
                    now = max(now, last)  # a clock set back must not make old papers new
                    self._set_meta(db, _PREVIOUS_VISIT, last)
                self._set_meta(db, _LAST_VISIT, now)
            if not self._visit_marked:
                self._visit_baseline = last
                self._visit_marked = True

    @staticmethod
    def _meta(db: sqlite3.Connection, key: str) -> str | None:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
