"""The open database file: refusing files we cannot use, pragmas, one transaction per action.

Everything that talks to SQLite directly lives here; the other parts of `Store` (bookmarks,
library, marks, removal, saved searches, settings) only run SQL inside `_transaction`. WAL
mode and a busy timeout let two papershelf processes write at once without losing anything.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn, TypeVar

from papershelf import locations
from papershelf.errors import UserError
from papershelf.store import schema

BUSY_TIMEOUT_S = 10.0
"""How long a writer waits for another process's transaction before giving up."""

QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
"""Files up to this size get `PRAGMA quick_check(1)` at open (about 0.1 s at 64 MB). Bigger
ones (100k papers is ~330 MB: 0.3 s warm, 0.9 s cold) get cheap probes at open and the full
quick check only before an import writes into them."""

DAMAGED = "damaged: browsing read-only, run `papershelf doctor`"
"""What a user is told, after the file's path, once the file turns out to be damaged."""

DAMAGE_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)
"""What SQLite raises on a damaged file: a schema whose bytes are not UTF-8 fails even in
the error message's decoding."""

ROW_ERRORS = (AttributeError, KeyError, TypeError, ValueError, RecursionError, UserError)
"""What decoding one damaged row (JSON `[]`, `{}`, garbage, wrong types) can raise."""

_DAMAGE_WORDS = ("malformed", "not a database", "corrupt", "database disk image")

_SQLITE_MAGIC = b"SQLite format 3\x00"

_D = TypeVar("_D", bound="Database")


class Database:
    """One SQLite connection, guarded by a lock so methods are safe to call from any thread.

    When the file or its directory is not writable it opens read-only: reading works, and
    every write transaction raises `UserError` with `read_only_reason`.
    """

    path: Path
    read_only_reason: str | None
    """Why changes are refused, or None when the store is writable."""

    damaged_rows: dict[str, tuple[str, ...]]
    """Ids of the rows the last listing of each kind ("bookmark", "library paper") skipped
    because they would not decode; a kind with none is absent."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else locations.database_path()
        self.read_only_reason = None
        self.damaged_rows = {}
        self._checked = False
        self._lock = threading.RLock()
        self._db = self._open()

    @classmethod
    def open_or_error(cls: type[_D], path: Path | None = None) -> tuple[_D | None, str | None]:
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

    @property
    def damaged(self) -> bool:
        """Whether a check or a read found the file itself damaged (then it is read-only)."""
        return self.read_only_reason == f"{self.path}: {DAMAGED}"

    def damage_warning(self) -> str | None:
        """One line naming the rows the last listings skipped, or None when none were."""
        if not self.damaged_rows:
            return None
        parts = []
        for kind, ids in self.damaged_rows.items():
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            parts.append(f"{len(ids)} damaged {kind}{'' if len(ids) == 1 else 's'} ({shown})")
        return f"{self.path}: skipped {' and '.join(parts)}; run `papershelf doctor`"

    def _note_damaged_rows(self, kind: str, ids: list[str]) -> None:
        if ids:
            self.damaged_rows[kind] = tuple(ids)
        else:
            self.damaged_rows.pop(kind, None)

    def _mark_damaged(self) -> None:
        """From now on refuse every change: writing into a damaged file spreads the damage."""
        self.read_only_reason = f"{self.path}: {DAMAGED}"

    def check_before_write(self) -> None:
        """Run the quick check skipped at open (a big file) before a big write; UserError if
        the file is damaged."""
        with self._lock:
            if self._checked or self.read_only_reason:
                return
            try:
                ok = _quick_check(self._db)
            except DAMAGE_ERRORS:
                ok = False
            self._checked = True
            if not ok:
                self._mark_damaged()
                raise UserError(f"{self.path}: {DAMAGED}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self: _D) -> _D:
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
        except UnicodeDecodeError as exc:
            raise UserError(f"{self.path}: {DAMAGED}") from exc
        except sqlite3.Error as exc:
            refused = isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc)
            if not (writable and refused):
                self._fail(exc, "cannot open")
        # Writable by its permissions but refused anyway (a read-only mount, say): read it.
        self.read_only_reason = f"{self.path}: the bookmark database is read-only"
        try:
            return self._open_as(False)
        except UnicodeDecodeError as exc:
            raise UserError(f"{self.path}: {DAMAGED}") from exc
        except sqlite3.Error as exc:
            self._fail(exc, "cannot open")

    def _open_as(self, writable: bool) -> sqlite3.Connection:
        db = self._connect(writable)
        try:
            version = schema.check_version(db, self.path)
            if version and not self._healthy(db):
                # Damaged: read what can be read, write nothing (not even the WAL switch).
                db.close()
                self._mark_damaged()
                writable = False
                db = self._connect(False)
            if writable:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = FULL")  # a commit survives power loss, too
                schema.migrate(db)
            elif version != schema.SCHEMA_VERSION:
                raise UserError(
                    f"{self.path}: this database needs an upgrade but is read-only"
                    f" ({self.read_only_reason})"
                )
        except BaseException:
            db.close()
            raise
        return db

    def _healthy(self, db: sqlite3.Connection) -> bool:
        """The check at open: the quick check when the file is small enough for it to be
        cheap, else reading the last row of every table (the pages an interrupted or damaged
        append hits first). A damaged schema fails here too."""
        try:
            if self.path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                self._checked = True
                return _quick_check(db)
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                db.execute(f'SELECT * FROM "{table}" ORDER BY rowid DESC LIMIT 1').fetchall()
        except DAMAGE_ERRORS:
            return False
        return True

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
            check_same_thread=False,  # guarded by Database._lock
        )
        db.row_factory = sqlite3.Row
        if probe:
            try:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except BaseException:
                db.close()
                raise
        return db

    def _fail(self, exc: sqlite3.Error, doing: str) -> NoReturn:
        """Raise a user-facing error for what the environment did wrong; bugs keep their type."""
        if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
            raise exc
        message = str(exc)
        if any(word in message for word in _DAMAGE_WORDS):
            self._mark_damaged()
            raise UserError(f"{self.path}: {DAMAGED}") from exc
        if "locked" in message or "busy" in message:
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
            except UnicodeDecodeError as exc:
                self._mark_damaged()
                raise UserError(f"{self.path}: {DAMAGED}") from exc
            try:
                yield db
                db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    self._fail(exc, "cannot update" if write else "cannot read")
                if isinstance(exc, UnicodeDecodeError):
                    self._mark_damaged()
                    raise UserError(f"{self.path}: {DAMAGED}") from exc
                raise


def _quick_check(db: sqlite3.Connection) -> bool:
    return [tuple(row) for row in db.execute("PRAGMA quick_check(1)")] == [("ok",)]


class Salvaged:
    """What `salvage` could read of one table."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        """Readable rows, rowid first, text decoded, in rowid order."""
        self.undecodable: list[str] = []
        """The first column (an id) of rows whose text is not UTF-8, decoded with `?`s."""
        self.lost_spans = 0
        """Stretches of rows that could not be read at all (damaged pages)."""


def salvage(db: sqlite3.Connection, table: str, columns: str, *, batch: int = 2000) -> Salvaged:
    """Every row of `table` that can still be read, stepping over damaged pages.

    Reads by rowid in batches; when a batch fails it reads row by row up to the damage, then
    finds the first rowid past it by probing forward and bisecting (each probe is one seek).
    The slow path: listings use it only after their plain query failed, and `doctor`.
    """
    found = Salvaged()
    sql = f"SELECT rowid, {columns} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?"
    factory = db.text_factory
    db.text_factory = bytes
    try:
        after = -(2**63)
        while True:
            rows = _try_rows(db, sql, (after, batch))
            if rows is None:
                rows = _try_rows(db, sql, (after, 1))
            if rows is None:
                found.lost_spans += 1
                resume = _first_readable(db, table, after)
                if resume is None:
                    break
                after = resume - 1
                continue
            if not rows:
                break
            for row in rows:
                try:
                    found.rows.append(tuple(_text(v) for v in row))
                except UnicodeDecodeError:
                    first = row[1]
                    name = first.decode("utf-8", "replace") if isinstance(first, bytes) else first
                    found.undecodable.append(str(name))
            after = rows[-1][0]
    finally:
        db.text_factory = factory
    return found


def _text(value: object) -> object:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _try_rows(db: sqlite3.Connection, sql: str, params: tuple[int, int]) -> list[Any] | None:
    try:
        return db.execute(sql, params).fetchall()
    except DAMAGE_ERRORS:
        return None


def _first_readable(db: sqlite3.Connection, table: str, after: int) -> int | None:
    """The smallest rowid > `after` from which a read succeeds; None if none does."""
    probe = f"SELECT rowid FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT 1"

    def reads(start: int) -> bool:
        return _try_rows(db, probe, (start, 1)) is not None

    limit = 2**63 - 1
    low, step = after + 1, 1
    high = None
    while low + step <= limit:
        if reads(low + step):
            high = low + step
            break
        step *= 2
    if high is None:
        return None
    while low < high:  # `low` fails, `high` reads
        mid = (low + high) // 2
        if reads(mid):
            high = mid
        else:
            low = mid + 1
    rows = _try_rows(db, probe, (high, 1))
    return int(rows[0][0]) if rows else None
