"""Taking papers out of the library: removing them for good, pruning old ones, hiding some.

Removing forgets a paper (its appearances, its read and new marks), so a later fetch brings
it back as a new paper. Hiding keeps it, so a later fetch does not: the paper stays in the
library, unlisted, until it is unhidden. Either way its bookmark is kept: the reading list
outlives the library. Each change bumps the library generation, so a saved search index of
the old library is not trusted.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from papershelf.errors import UserError
from papershelf.model import format_time
from papershelf.store import clock
from papershelf.store.connection import Database
from papershelf.store.library import _BUMP_GENERATION, _GENERATION, _SQL_CHUNK
from papershelf.store.marks import marked_ids
from papershelf.urls import paper_id_candidates


@dataclass(frozen=True, slots=True)
class Removed:
    """What a removal or prune did (or, dry, would do)."""

    ids: list[str]
    """The library ids taken out, in the order given (prune: oldest first)."""
    kept_bookmarked: list[str]
    """Prune only: ids that matched but were kept because they are bookmarked."""


class Removal(Database):
    """The `Store` methods that remove, prune, hide and unhide library papers."""

    def resolve_library_ids(
        self, tokens: Sequence[str], *, hidden: bool | None = None
    ) -> list[str]:
        """The library ids of `tokens` (see `urls.paper_id_candidates`), all or none: a token
        naming no paper of the library is an error naming every such token. `hidden` narrows
        to hidden (True) or listed (False) papers."""
        with self._transaction(write=False) as db:
            found: list[str] = []
            missing: list[str] = []
            for token in tokens:
                match = next(
                    (c for c in paper_id_candidates(token) if self._holds(db, c, hidden)), None
                )
                if match is None:
                    missing.append(token)
                elif match not in found:
                    found.append(match)
        if missing:
            where = {None: "your library", True: "the hidden papers", False: "your library"}
            raise UserError(f"no paper with id {', '.join(missing)} in {where[hidden]}")
        return found

    @staticmethod
    def _holds(db: sqlite3.Connection, paper_id: str, hidden: bool | None) -> bool:
        if db.execute("SELECT 1 FROM library_paper WHERE paper_id = ?", (paper_id,)).fetchone():
            if hidden is None:
                return True
            row = db.execute("SELECT 1 FROM hidden_paper WHERE paper_id = ?", (paper_id,))
            return (row.fetchone() is not None) == hidden
        return False

    def remove_from_library(self, paper_ids: Iterable[str]) -> list[str]:
        """Forget these papers (library rows, appearances, new and hidden marks, and the read
        mark unless bookmarked); bookmarks stay. Returns the ids that were in the library."""
        with self._transaction(write=True) as db:
            removed = self._delete(db, list(dict.fromkeys(paper_ids)))
            if removed:
                db.execute(_BUMP_GENERATION, (_GENERATION,))
            return removed

    def prune_library(
        self, before: dt.date, *, include_bookmarked: bool = False, dry_run: bool = False
    ) -> Removed:
        """Remove the papers whose every listing is before `before` (an undated listing
        counts as recent: such papers are kept). Bookmarked papers are kept unless
        `include_bookmarked` (their bookmark stays either way). With `dry_run`, nothing is
        written; the answer says what would be removed."""
        day = before.isoformat()
        with self._transaction(write=not dry_run) as db:
            rows = db.execute(
                """
                SELECT p.paper_id, EXISTS (SELECT 1 FROM bookmark b WHERE b.paper_id = p.paper_id)
                FROM library_paper p
                WHERE p.day IS NOT NULL AND p.day < ?1
                  AND NOT EXISTS (SELECT 1 FROM appearance a WHERE a.paper_id = p.paper_id
                                  AND (a.day IS NULL OR a.day >= ?1))
                ORDER BY p.day, p.rank, p.rowid
                """,
                (day,),
            ).fetchall()
            chosen = [str(r[0]) for r in rows if include_bookmarked or not r[1]]
            kept = [str(r[0]) for r in rows if r[1] and not include_bookmarked]
            if not dry_run and chosen:
                self._delete(db, chosen)
                db.execute(_BUMP_GENERATION, (_GENERATION,))
        return Removed(chosen, kept)

    @staticmethod
    def _delete(db: sqlite3.Connection, ids: list[str]) -> list[str]:
        removed: list[str] = []
        for start in range(0, len(ids), _SQL_CHUNK):
            chunk = ids[start : start + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            held = {
                row[0]
                for row in db.execute(
                    f"SELECT paper_id FROM library_paper WHERE paper_id IN ({marks})", chunk
                )
            }
            removed += [i for i in chunk if i in held]
            for table in ("library_paper", "appearance", "new_paper", "hidden_paper"):
                db.execute(f"DELETE FROM {table} WHERE paper_id IN ({marks})", chunk)
            db.execute(
                f"DELETE FROM read_state WHERE paper_id IN ({marks})"
                " AND paper_id NOT IN (SELECT paper_id FROM bookmark)",
                chunk,
            )
        return removed

    def set_hidden(self, paper_ids: Iterable[str], hidden: bool) -> list[str]:
        """Hide (or unhide) these library papers; returns the ids whose flag changed. Hiding
        clears the new mark: a hidden paper has been dealt with."""
        ids = list(dict.fromkeys(paper_ids))
        changed: list[str] = []
        with self._transaction(write=True) as db:
            now = format_time(clock.now())
            for paper_id in ids:
                if hidden:
                    cursor = db.execute(
                        "INSERT OR IGNORE INTO hidden_paper (paper_id, hidden_at)"
                        " SELECT paper_id, ? FROM library_paper WHERE paper_id = ?",
                        (now, paper_id),
                    )
                    db.execute("DELETE FROM new_paper WHERE paper_id = ?", (paper_id,))
                else:
                    cursor = db.execute("DELETE FROM hidden_paper WHERE paper_id = ?", (paper_id,))
                if cursor.rowcount > 0:
                    changed.append(paper_id)
            if changed:
                db.execute(_BUMP_GENERATION, (_GENERATION,))
        return changed

    def hidden_ids(self) -> set[str]:
        return marked_ids(self, "hidden_paper")

    def all_appearances(self) -> dict[str, list[tuple[str | None, str, int]]]:
        """Every paper's listings as (day, source, rank), first listing first (undated last),
        in one query: what `list --format json` shows as `appearances`."""
        found: dict[str, list[tuple[str | None, str, int]]] = {}
        with self._transaction(write=False) as db:
            rows = db.execute(
                "SELECT paper_id, day, source, rank FROM appearance"
                " ORDER BY paper_id, day IS NULL, day, seen_at, rowid"
            )
            for paper_id, day, source, rank in rows:
                found.setdefault(str(paper_id), []).append(
                    (
                        day if isinstance(day, str) else None,
                        str(source),
                        rank if isinstance(rank, int) else 0,
                    )
                )
        return found
