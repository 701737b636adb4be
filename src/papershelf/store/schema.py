"""The database's shape: tables, their version, and the steps from each version to the next.

The schema is versioned with `PRAGMA user_version`. `MIGRATIONS[n]` upgrades version `n` to
`n + 1` in its own transaction, so a future version adds a step at the end and nothing else.
Callers read `MIGRATIONS` and `SCHEMA_VERSION` through this module at call time, so a test can
stand in an older or newer release by patching them here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from papershelf.errors import UserError

APPLICATION_ID = 0x50534846  # "PSHF": marks the file as papershelf's, see `PRAGMA application_id`.

Migration = Callable[[sqlite3.Connection], None]


def _migrate_to_v1(db: sqlite3.Connection) -> None:
    """The first release: one row per bookmark holding the paper as JSON."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(
        """
        CREATE TABLE bookmark (
            paper_id   TEXT PRIMARY KEY,
            paper      TEXT NOT NULL,            -- Paper.to_dict() as JSON
            state      TEXT NOT NULL CHECK (state IN ('to-read', 'reading', 'done')),
            note       TEXT NOT NULL DEFAULT '',
            tags       TEXT NOT NULL DEFAULT '', -- ' a b ' (normalised tags hold no spaces)
            added_at   TEXT NOT NULL,            -- ISO 8601 UTC, one fixed form: sorts by time
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX bookmark_added_at ON bookmark (added_at)")


def _migrate_to_v2(db: sqlite3.Connection) -> None:
    """The library: every paper ever imported or fetched, the days it was listed, read marks.

    `library_paper.day`/`rank` repeat the paper's newest appearance so that listing the whole
    library, newest day first, is one indexed scan instead of a join over `appearance`.
    """
    db.execute(
        """
        CREATE TABLE library_paper (
            paper_id      TEXT PRIMARY KEY,
            paper         TEXT NOT NULL,              -- Paper.to_dict() as JSON, as seen last
            first_seen_at TEXT NOT NULL,              -- ISO 8601 UTC, one fixed form
            day           TEXT,                       -- newest appearance: ISO day, NULL undated
            rank          INTEGER NOT NULL DEFAULT 0  -- its rank within that day
        )
        """
    )
    db.execute("CREATE INDEX library_paper_order ON library_paper (day DESC, rank)")
    db.execute("CREATE INDEX library_paper_first_seen ON library_paper (first_seen_at)")
    db.execute(
        """
        CREATE TABLE appearance (
            paper_id TEXT NOT NULL,
            day      TEXT,                            -- ISO day; NULL for an undated digest
            source   TEXT NOT NULL,                   -- a file path or a fetch label
            rank     INTEGER NOT NULL DEFAULT 0,
            seen_at  TEXT NOT NULL
        )
        """
    )
    # NULLs are distinct in a plain UNIQUE key: the expression makes undated rows collide too.
    db.execute(
        "CREATE UNIQUE INDEX appearance_key ON appearance (paper_id, ifnull(day, ''), source)"
    )
    db.execute("CREATE TABLE read_state (paper_id TEXT PRIMARY KEY, read_at TEXT NOT NULL)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _migrate_to_v3(db: sqlite3.Connection) -> None:
    """History kept, per-paper new marks, hidden papers.

    `library_paper.day`/`rank` now hold the paper's *first* listing (it never moves when the
    paper is listed again), so existing rows take their earliest dated appearance. "New"
    becomes a mark per paper (`new_paper`) that stays until the paper is read or bookmarked,
    instead of a time compared with the last visit: the papers the old rule would have shown
    as new at the next launch start with the mark, and the visit times go. `hidden_paper`
    holds papers kept in the library but not listed. The library generation is bumped, since
    the order of the library changes.
    """
    db.execute(
        """
        UPDATE library_paper SET (day, rank) = (
            SELECT a.day, a.rank FROM appearance a
            WHERE a.paper_id = library_paper.paper_id AND date(a.day) IS NOT NULL
            ORDER BY a.day, a.seen_at, a.rowid LIMIT 1)
        WHERE EXISTS (
            SELECT 1 FROM appearance a
            WHERE a.paper_id = library_paper.paper_id AND date(a.day) IS NOT NULL)
        """
    )
    db.execute("CREATE TABLE new_paper (paper_id TEXT PRIMARY KEY)")
    db.execute(
        """
        INSERT INTO new_paper (paper_id)
        SELECT paper_id FROM library_paper
        WHERE first_seen_at > (SELECT value FROM meta WHERE key = 'last_visit_at')
          AND paper_id NOT IN (SELECT paper_id FROM read_state)
          AND paper_id NOT IN (SELECT paper_id FROM bookmark)
        """
    )
    db.execute("DELETE FROM meta WHERE key IN ('last_visit_at', 'previous_visit_at')")
    db.execute("CREATE TABLE hidden_paper (paper_id TEXT PRIMARY KEY, hidden_at TEXT NOT NULL)")
    # Only a library that holds papers is bumped: generation 0 means "never written", which
    # is what lets a fresh install seed the sample (and only once).
    db.execute(
        "INSERT INTO meta (key, value) SELECT 'library_generation', '1'"
        " WHERE EXISTS (SELECT 1 FROM library_paper)"
        " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def _migrate_to_v4(db: sqlite3.Connection) -> None:
    """Saved searches: a filter kept under a name, to run again each morning."""
    db.execute(
        """
        CREATE TABLE saved_search (
            name     TEXT PRIMARY KEY,
            query    TEXT NOT NULL,               -- the filter exactly as typed
            saved_at TEXT NOT NULL                -- ISO 8601 UTC, one fixed form
        )
        """
    )


MIGRATIONS: tuple[Migration, ...] = (
    _migrate_to_v1,
    _migrate_to_v2,
    _migrate_to_v3,
    _migrate_to_v4,
)
"""`MIGRATIONS[n]` takes the schema from version n to n + 1; append new steps, never edit old."""

SCHEMA_VERSION = len(MIGRATIONS)


def check_version(db: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, after refusing files that are not ours or too new."""
    db.execute("BEGIN")  # one snapshot: another process may be migrating right now
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
        objects = int(db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    finally:
        if db.in_transaction:
            db.execute("COMMIT")
    if app_id not in (0, APPLICATION_ID) or (version == 0 and objects > 0):
        raise UserError(f"{path}: is an SQLite database but not papershelf's; move it aside")
    if version > SCHEMA_VERSION:
        raise UserError(
            f"{path}: was written by a newer papershelf (schema v{version}, this one"
            f" knows up to v{SCHEMA_VERSION}); upgrade papershelf to use it"
        )
    return version


def migrate(db: sqlite3.Connection) -> None:
    """Apply the missing steps, each in its own transaction, re-reading the version under
    the write lock so two processes opening a new file at once do not both migrate.

    An up-to-date file takes no lock at all: opening must not wait for (or fail on) another
    papershelf's long write, or the app would start without bookmarks during an import."""
    if int(db.execute("PRAGMA user_version").fetchone()[0]) >= SCHEMA_VERSION:
        return
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version >= SCHEMA_VERSION:
                db.execute("COMMIT")
                return
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
