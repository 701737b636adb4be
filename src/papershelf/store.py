"""The reading list: bookmarks kept in one SQLite file, with their state, note and tags.

Each bookmark stores the whole `Paper` as it was seen, so the reading list outlives the digest
that held it. Every user action is one transaction committed before the method returns; WAL
mode and a busy timeout let two papershelf processes write at once without losing anything.

The schema is versioned with `PRAGMA user_version`. `MIGRATIONS[n]` upgrades version `n` to
`n + 1` in its own transaction, so a future version adds a step at the end and nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from papershelf import locations
from papershelf.errors import UserError
from papershelf.model import (
    Bookmark,
    Paper,
    check_state,
    clean_note,
    format_time,
    normalize_tags,
    parse_time,
)
from papershelf.text import strip_controls

APPLICATION_ID = 0x50534846  # "PSHF": marks the file as papershelf's, see `PRAGMA application_id`.
BUSY_TIMEOUT_S = 10.0
"""How long a writer waits for another process's transaction before giving up."""

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --- schema -----------------------------------------------------------------------------------

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


MIGRATIONS: tuple[Migration, ...] = (_migrate_to_v1, _migrate_to_v2)
"""`MIGRATIONS[n]` takes the schema from version n to n + 1; append new steps, never edit old."""

SCHEMA_VERSION = len(MIGRATIONS)


def _tags_column(tags: tuple[str, ...]) -> str:
    return f" {' '.join(tags)} " if tags else ""


def _row_to_bookmark(row: sqlite3.Row) -> Bookmark:
    paper = Paper.from_dict(json.loads(row["paper"]))
    return Bookmark(
        paper=paper,
        state=row["state"],
        note=row["note"],
        tags=tuple(row["tags"].split()),
        added_at=parse_time(row["added_at"], "added_at"),
        updated_at=parse_time(row["updated_at"], "updated_at"),
    )


def _bookmark_params(bookmark: Bookmark) -> tuple[str, str, str, str, str, str, str]:
    return (
        bookmark.paper.id,
        json.dumps(bookmark.paper.to_dict(), ensure_ascii=False),
        bookmark.state,
        bookmark.note,
        _tags_column(bookmark.tags),
        format_time(bookmark.added_at),
        format_time(bookmark.updated_at),
    )


_UPSERT = """
    INSERT OR REPLACE INTO bookmark (paper_id, paper, state, note, tags, added_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""

# A sighting replaces the paper's JSON; its day and rank only when the day is the newest yet
# (NULL, undated, counts as older than any day). SET expressions all read the old row.
_LIBRARY_UPSERT = """
    INSERT INTO library_paper (paper_id, paper, first_seen_at, day, rank)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (paper_id) DO UPDATE SET
        paper = excluded.paper,
        day = CASE WHEN day IS NULL OR excluded.day >= day THEN excluded.day ELSE day END,
        rank = CASE WHEN day IS NULL OR excluded.day >= day THEN excluded.rank ELSE rank END
"""

_APPEARANCE_INSERT = """
    INSERT OR IGNORE INTO appearance (paper_id, day, source, rank, seen_at)
    VALUES (?, ?, ?, ?, ?)
"""

_LAST_VISIT = "last_visit_at"
_PREVIOUS_VISIT = "previous_visit_at"

# Paper fields a later, poorer sighting (a text digest after the API) must not erase.
_KEPT_FIELDS = (
    "abstract",
    "urls",
    "code_url",
    "arxiv_id",
    "authors",
    "project_url",
    "upvotes",
    "github_stars",
    "num_comments",
)
_LIBRARY_JSON = json.JSONEncoder(ensure_ascii=False)
"""One encoder for every row: `json.dumps` with options builds a new one per call."""
_SQL_CHUNK = 500
"""Ids per `IN (...)` query; stays under SQLite's bound-parameter limit on old versions."""


def _library_record(paper: Paper, earlier: str | None) -> dict[str, Any]:
    """The JSON to store for `paper`: this sighting, with gaps filled from the `earlier` one."""
    record = paper.to_dict()
    if earlier is not None:
        old = json.loads(earlier)
        for key in _KEPT_FIELDS:
            if record.get(key) in (None, "", []) and old.get(key) not in (None, "", []):
                record[key] = old[key]
    return record


def _decode_library_paper(paper_id: str, data: str, day: str | None, rank: int) -> Paper:
    record = json.loads(data)
    record["date"] = day
    record["rank"] = rank
    paper = Paper.from_dict(record)
    if paper.id != paper_id:
        raise ValueError(f"holds paper {paper.id!r}")
    return paper


# --- the store --------------------------------------------------------------------------------


class Store:
    """The bookmark database. Open one per process; methods are safe to call from any thread.

    When the file or its directory is not writable the store opens read-only: reading works,
    and every change raises `UserError` with `read_only_reason`.
    """

    path: Path
    read_only_reason: str | None
    """Why changes are refused, or None when the store is writable."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else locations.database_path()
        self.read_only_reason = None
        self._visit_marked = False
        self._visit_baseline: str | None = None
        self._lock = threading.RLock()
        self._db = self._open()

    @classmethod
    def open_or_error(cls, path: Path | None = None) -> tuple[Store | None, str | None]:
        """For the app, which must keep browsing whatever happens here; never raises UserError.

        Returns `(store, None)` when all is well, `(store, reason)` when the store opened
        read-only (the reading list shows, bookmarking is refused with `reason`), and
        `(None, message)` when it cannot be opened at all (corrupt, newer version, ...).
        """
        try:
            store = cls(path)
        except UserError as exc:
            return None, str(exc)
        return store, store.read_only_reason

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- opening ---------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        """Connect, check the file is ours and not from a newer version, then migrate.

        Nothing is written until the checks pass, so a file we refuse stays byte-for-byte as
        it was.
        """
        try:
            writable = self._prepare_location()
        except OSError as exc:
            raise UserError(f"{self.path}: cannot use the bookmark database: {exc}") from exc
        try:
            return self._open_as(writable)
        except sqlite3.Error as exc:
            refused = isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc)
            if not (writable and refused):
                self._fail(exc, "cannot open")
        # Writable by its permissions but refused anyway (a read-only mount, say): read it.
        self.read_only_reason = f"{self.path}: the bookmark database is read-only"
        try:
            return self._open_as(False)
        except sqlite3.Error as exc:
            self._fail(exc, "cannot open")

    def _open_as(self, writable: bool) -> sqlite3.Connection:
        db = self._connect(writable)
        try:
            version = self._check_schema(db)
            if writable:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = FULL")  # a commit survives power loss, too
                self._migrate(db)
            elif version != SCHEMA_VERSION:
                raise UserError(
                    f"{self.path}: this database needs an upgrade but is read-only"
                    f" ({self.read_only_reason})"
                )
        except BaseException:
            db.close()
            raise
        return db

    def _prepare_location(self) -> bool:
        """Check the file looks like SQLite and create its directory; True if writable."""
        path, folder = self.path, self.path.parent
        if path.exists():
            if not path.is_file():
                raise UserError(f"{path}: is not a file; papershelf keeps its bookmarks there")
            try:
                with path.open("rb") as handle:
                    header = handle.read(len(_SQLITE_MAGIC))
            except OSError as exc:
                raise UserError(
                    f"{path}: cannot read the bookmark database: {exc.strerror}"
                ) from exc
            if header and header != _SQLITE_MAGIC:
                raise UserError(f"{path}: is not a papershelf database (not SQLite); move it aside")
            if not os.access(path, os.W_OK):
                self.read_only_reason = f"{path}: the bookmark database is read-only"
            elif not os.access(folder, os.W_OK):
                self.read_only_reason = f"{path}: read-only, its data directory is not writable"
            return self.read_only_reason is None
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"{folder}: cannot create the data directory: {exc.strerror}") from exc
        if not os.access(folder, os.W_OK):
            raise UserError(f"{path}: cannot create the bookmark database: directory is read-only")
        return True

    def _connect(self, writable: bool) -> sqlite3.Connection:
        uri = self.path.resolve().as_uri()
        if writable:
            return self._connect_uri(f"{uri}?mode=rwc")
        try:
            return self._connect_uri(f"{uri}?mode=ro", probe=True)
        except sqlite3.OperationalError:
            # A WAL database in a read-only directory cannot get its -shm file. With no -wal
            # file there is nothing unmerged, so reading the main file as immutable shows
            # every committed bookmark; nobody can write without that directory.
            if Path(f"{self.path}-wal").exists():
                raise
            return self._connect_uri(f"{uri}?mode=ro&immutable=1")

    @staticmethod
    def _connect_uri(uri: str, *, probe: bool = False) -> sqlite3.Connection:
        db = sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves: one per user action
            check_same_thread=False,  # guarded by Store._lock
        )
        db.row_factory = sqlite3.Row
        if probe:
            try:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except BaseException:
                db.close()
                raise
        return db

    def _check_schema(self, db: sqlite3.Connection) -> int:
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
            raise UserError(
                f"{self.path}: is an SQLite database but not papershelf's; move it aside"
            )
        if version > SCHEMA_VERSION:
            raise UserError(
                f"{self.path}: was written by a newer papershelf (schema v{version}, this one"
                f" knows up to v{SCHEMA_VERSION}); upgrade papershelf to use it"
            )
        return version

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Apply the missing steps, each in its own transaction, re-reading the version under
        the write lock so two processes opening a new file at once do not both migrate."""
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

    def _fail(self, exc: sqlite3.Error, doing: str) -> NoReturn:
        """Raise a user-facing error for what the environment did wrong; bugs keep their type."""
        if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
            raise exc
        message = str(exc)
        if "not a database" in message or "malformed" in message:
            reason = f"the bookmark database is damaged ({message})"
        elif "locked" in message or "busy" in message:
            reason = "another papershelf is busy writing; try again"
        elif "readonly" in message or "read-only" in message:
            reason = "the bookmark database is read-only"
        else:
            reason = f"{doing} the bookmark database: {message}"
        raise UserError(f"{self.path}: {reason}") from exc

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """One user action: a write takes the lock up front (`BEGIN IMMEDIATE`), so the busy
        timeout applies instead of failing on upgrade; a read sees one consistent snapshot."""
        if write and self.read_only_reason:
            raise UserError(self.read_only_reason)
        with self._lock:
            db = self._db
            try:
                db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.Error as exc:
                self._fail(exc, "cannot use")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    self._fail(exc, "cannot update" if write else "cannot read")
                raise

    def _fetch(self, db: sqlite3.Connection, paper_id: str) -> Bookmark | None:
        row = db.execute("SELECT * FROM bookmark WHERE paper_id = ?", (paper_id,)).fetchone()
        return None if row is None else self._decode(row)

    def _decode(self, row: sqlite3.Row) -> Bookmark:
        try:
            return _row_to_bookmark(row)
        except (KeyError, TypeError, ValueError, UserError) as exc:
            raise UserError(
                f"{self.path}: bookmark {row['paper_id']!r} is damaged ({exc})"
            ) from exc

    def _change(self, paper_id: str, **changes: Any) -> Bookmark:
        """Apply field changes to one bookmark, touching `updated_at` only if something changed."""
        with self._transaction(write=True) as db:
            current = self._fetch(db, paper_id)
            if current is None:
                raise UserError(f"{paper_id} is not bookmarked")
            changed = replace(current, **changes)
            if changed == current:
                return current
            changed = replace(changed, updated_at=max(_now(), current.updated_at))
            db.execute(_UPSERT, _bookmark_params(changed))
            return changed

    # -- public API ------------------------------------------------------------------------

    def add(self, paper: Paper) -> Bookmark:
        """Bookmark `paper` as `to-read`; if it already is, return the existing one unchanged."""
        with self._transaction(write=True) as db:
            existing = self._fetch(db, paper.id)
            if existing is not None:
                return existing
            now = _now()
            bookmark = Bookmark(paper, "to-read", "", (), now, now)
            db.execute(_UPSERT, _bookmark_params(bookmark))
            return bookmark

    def remove(self, paper_id: str) -> Bookmark | None:
        """Delete a bookmark and return it (for undo), or None if it was not bookmarked."""
        with self._transaction(write=True) as db:
            existing = self._fetch(db, paper_id)
            if existing is not None:
                db.execute("DELETE FROM bookmark WHERE paper_id = ?", (paper_id,))
            return existing

    def restore(self, bookmark: Bookmark) -> None:
        """Undo a removal: put `bookmark` back exactly, replacing any bookmark of that paper."""
        with self._transaction(write=True) as db:
            db.execute(_UPSERT, _bookmark_params(bookmark))

    def get(self, paper_id: str) -> Bookmark | None:
        with self._transaction(write=False) as db:
            return self._fetch(db, paper_id)

    def set_state(self, paper_id: str, state: str) -> Bookmark:
        return self._change(paper_id, state=check_state(state))

    def set_note(self, paper_id: str, note: str) -> Bookmark:
        return self._change(paper_id, note=clean_note(note))

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> Bookmark:
        """Replace the tags; `tags` may be a list or one comma-separated string."""
        return self._change(paper_id, tags=normalize_tags(tags))

    def bookmarks(self, *, state: str | None = None, tag: str | None = None) -> list[Bookmark]:
        """The reading list, newest bookmark first, optionally only one state or tag."""
        sql, params = "SELECT * FROM bookmark WHERE 1", []
        if state is not None:
            sql += " AND state = ?"
            params.append(check_state(state))
        if tag is not None:
            wanted = normalize_tags([tag])
            if len(wanted) != 1:
                return []
            sql += " AND instr(tags, ?) > 0"
            params.append(f" {wanted[0]} ")
        sql += " ORDER BY added_at DESC, rowid DESC"
        with self._transaction(write=False) as db:
            return [self._decode(row) for row in db.execute(sql, params)]

    def bookmarked_ids(self) -> set[str]:
        with self._transaction(write=False) as db:
            return {row[0] for row in db.execute("SELECT paper_id FROM bookmark")}

    def import_bookmarks(self, records: Iterable[Bookmark]) -> tuple[int, int]:
        """Merge `records` in one transaction; returns (added, updated).

        An unknown paper is added as it is; a known one is replaced only by a record changed
        later (`updated_at`), so importing the same file twice changes nothing.
        """
        added = updated = 0
        with self._transaction(write=True) as db:
            for record in records:
                existing = self._fetch(db, record.paper.id)
                if existing is not None and record.updated_at <= existing.updated_at:
                    continue
                db.execute(_UPSERT, _bookmark_params(record))
                if existing is None:
                    added += 1
                else:
                    updated += 1
        return added, updated

    # -- library ---------------------------------------------------------------------------

    def add_to_library(self, papers: Sequence[Paper], source: str) -> tuple[int, int]:
        """Record that `papers` were listed in `source` (a file, or a fetch label); one
        transaction. Returns (seen, new): distinct papers given, and how many the library
        did not hold before. Importing the same digest twice adds nothing the second time.

        Each paper's JSON becomes this copy, except that fields it lacks keep earlier values
        (a text digest has no authors; the API's copy had them).
        """
        unique: dict[str, Paper] = {}
        for paper in papers:
            unique.setdefault(paper.id, paper)
        source = strip_controls(source)
        now = format_time(_now())
        with self._transaction(write=True) as db:
            before = self._library_count(db)
            earlier = self._library_json(db, list(unique))
            rows = []
            sightings = []
            for paper in unique.values():
                record = _library_record(paper, earlier.get(paper.id))
                day = record["date"]
                data = _LIBRARY_JSON.encode(record)
                rows.append((paper.id, data, now, day, paper.rank))
                sightings.append((paper.id, day, source, paper.rank, now))
            db.executemany(_LIBRARY_UPSERT, rows)
            db.executemany(_APPEARANCE_INSERT, sightings)
            added = self._library_count(db) - before
        return len(unique), added

    @staticmethod
    def _library_count(db: sqlite3.Connection) -> int:
        return int(db.execute("SELECT count(*) FROM library_paper").fetchone()[0])

    @staticmethod
    def _library_json(db: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
        """The stored JSON of those of `ids` already in the library."""
        found: dict[str, str] = {}
        for start in range(0, len(ids), _SQL_CHUNK):
            chunk = ids[start : start + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT paper_id, paper FROM library_paper WHERE paper_id IN ({marks})"
            found.update((row[0], row[1]) for row in db.execute(sql, chunk))
        return found

    def library(self) -> list[Paper]:
        """Every paper in the library once: newest day first (undated last), then by rank.

        Each carries the date and rank of its newest appearance.
        """
        with self._transaction(write=False) as db:
            rows = db.execute(
                "SELECT paper_id, paper, day, rank FROM library_paper"
                " ORDER BY day DESC, rank, rowid"
            ).fetchall()
        papers: list[Paper] = []
        append = papers.append
        for paper_id, data, day, rank in rows:
            try:
                append(_decode_library_paper(paper_id, data, day, rank))
            except (KeyError, TypeError, ValueError) as exc:
                raise UserError(
                    f"{self.path}: library paper {paper_id!r} is damaged ({exc})"
                ) from exc
        return papers

    def library_size(self) -> int:
        with self._transaction(write=False) as db:
            return self._library_count(db)

    def appearances(self, paper_id: str) -> list[tuple[dt.date | None, str]]:
        """The (day, source) pairs a paper was listed under, newest day first, undated last."""
        with self._transaction(write=False) as db:
            rows = db.execute(
                "SELECT day, source FROM appearance WHERE paper_id = ? ORDER BY day DESC, source",
                (paper_id,),
            ).fetchall()
        found: list[tuple[dt.date | None, str]] = []
        for day, source in rows:
            try:
                found.append((dt.date.fromisoformat(day) if day else None, source))
            except ValueError as exc:
                raise UserError(f"{self.path}: an appearance of {paper_id!r} is damaged") from exc
        return found

    def read_ids(self) -> set[str]:
        with self._transaction(write=False) as db:
            return {row[0] for row in db.execute("SELECT paper_id FROM read_state")}

    def set_read(self, paper_id: str, read: bool) -> None:
        """Mark a paper read (keeping the first time it was) or unread; any id may be marked."""
        with self._transaction(write=True) as db:
            if read:
                db.execute(
                    "INSERT OR IGNORE INTO read_state (paper_id, read_at) VALUES (?, ?)",
                    (paper_id, format_time(_now())),
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
                now = format_time(_now())
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
