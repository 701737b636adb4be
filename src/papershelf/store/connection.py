"""The open database file: refusing files we cannot use, pragmas, one transaction per action.

Everything that talks to SQLite directly lives here; the bookmark, library and visit parts of
`Store` only run SQL inside `_transaction`. WAL mode and a busy timeout let two papershelf
processes write at once without losing anything.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import NoReturn, TypeVar

from papershelf import locations
from papershelf.errors import UserError
from papershelf.store import schema

BUSY_TIMEOUT_S = 10.0
"""How long a writer waits for another process's transaction before giving up."""

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

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else locations.database_path()
        self.read_only_reason = None
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
            version = schema.check_version(db, self.path)
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
