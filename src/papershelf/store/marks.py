"""Read and new marks: which papers were opened, and which have not been looked at yet.

"New" is a mark per paper, set when the library first holds it (a fetch, an import, `r` in
the app) and cleared for good when the paper is read (opened with Enter, shown for a while,
or marked with `m`), bookmarked or hidden. It is not a time compared with the last launch:
a launch that read nothing clears nothing, and papers fetched while the app runs are new at
once.
"""

from __future__ import annotations

from papershelf.errors import UserError
from papershelf.model import format_time
from papershelf.store import clock
from papershelf.store.connection import Database


class Marks(Database):
    """The `Store` methods for read and new marks."""

    def read_ids(self) -> set[str]:
        with self._transaction(write=False) as db:
            return {row[0] for row in db.execute("SELECT paper_id FROM read_state")}

    def set_read(self, paper_id: str, read: bool) -> None:
        """Mark a paper read (keeping the first time it was) or unread; any id may be marked.

        Reading a paper clears its new mark; marking it unread again does not bring it back.
        """
        with self._transaction(write=True) as db:
            if read:
                db.execute(
                    "INSERT OR IGNORE INTO read_state (paper_id, read_at) VALUES (?, ?)",
                    (paper_id, format_time(clock.now())),
                )
                db.execute("DELETE FROM new_paper WHERE paper_id = ?", (paper_id,))
            else:
                db.execute("DELETE FROM read_state WHERE paper_id = ?", (paper_id,))

    def new_ids(self) -> set[str]:
        """The papers of the library not yet read, bookmarked or hidden since it first held them."""
        return marked_ids(self, "new_paper")


def marked_ids(store: Database, table: str) -> set[str]:
    """The ids of a table of marks; none when the file is damaged there (marks are a
    convenience: the listing goes on, and the damage warning says why)."""
    try:
        with store._transaction(write=False) as db:
            return {str(row[0]) for row in db.execute(f"SELECT paper_id FROM {table}")}
    except UserError:
        if not store.damaged:
            raise
        return set()
