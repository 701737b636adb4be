"""`papershelf doctor`: how damaged the database is, and a copy of everything still readable.

The file is opened read-only and never changed. `check` runs `PRAGMA integrity_check` and
decodes every bookmark and library row; `export` copies what can be read into a new file,
stepping over damaged pages (`connection.salvage`) and, when the schema itself is damaged,
reading the tables whose definitions survived (`PRAGMA writable_schema`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papershelf.errors import UserError
from papershelf.store.bookmarks import _COLUMNS as _BOOKMARK_COLUMNS
from papershelf.store.bookmarks import _UPSERT, _bookmark_params, _row_to_bookmark
from papershelf.store.connection import _SQLITE_MAGIC, DAMAGE_ERRORS, ROW_ERRORS, salvage
from papershelf.store.library import _decode_library_paper

MAX_PROBLEMS = 20
"""Lines of `integrity_check` output shown, and ids named per kind of damaged row."""

# (what the user reads, table, columns) in the order they are copied.
_TABLES = (
    ("bookmarks", "bookmark", ", ".join(_BOOKMARK_COLUMNS)),
    ("library papers", "library_paper", "paper_id, paper, first_seen_at, day, rank"),
    ("appearances", "appearance", "paper_id, day, source, rank, seen_at"),
    ("read marks", "read_state", "paper_id, read_at"),
    ("new marks", "new_paper", "paper_id"),
    ("hidden papers", "hidden_paper", "paper_id, hidden_at"),
    ("meta rows", "meta", "key, value"),
    ("saved searches", "saved_search", "name, query, saved_at"),
)


_LATER_TABLES = frozenset({"new_paper", "hidden_paper", "saved_search"})
"""Tables of schemas v3 and v4: a file that no newer papershelf has opened lacks them."""


@dataclass
class Diagnosis:
    """What `check` found; `problems` is empty for a healthy file."""

    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """Readable rows of each kind (as in `_TABLES`)."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Rows of each kind that could not be read or decoded."""


@contextmanager
def _open(path: Path, *, writable_schema: bool = False) -> Iterator[sqlite3.Connection]:
    if not path.is_file():
        raise UserError(f"{path}: no papershelf database here; nothing to check")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise UserError(f"{path}: cannot read the database: {exc.strerror}") from exc
    if header != _SQLITE_MAGIC:
        # Without the path: the doctor prints it before each problem.
        raise _NotSqlite("not an SQLite database at all; nothing can be read")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        if writable_schema:
            db.execute("PRAGMA writable_schema = ON")  # read the tables whose schema survived
        yield db
    finally:
        db.close()


class _NotSqlite(Exception):
    pass


def _integrity(db: sqlite3.Connection) -> list[str]:
    db.text_factory = bytes
    try:
        rows = db.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})").fetchall()
    finally:
        db.text_factory = str
    lines = [
        r[0].decode("utf-8", "replace") if isinstance(r[0], bytes) else str(r[0]) for r in rows
    ]
    return [] if lines == ["ok"] else [f"integrity: {' '.join(line.split())}" for line in lines]


def _read(db: sqlite3.Connection, table: str, columns: str) -> tuple[list[tuple[Any, ...]], int]:
    """Readable rows (rowid dropped) and how many stretches or rows could not be read.
    A table an older schema does not have yet (an unmigrated file) has no rows to read."""
    try:
        known = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        if known is None and table in _LATER_TABLES:
            return [], 0
        found = salvage(db, table, columns)
    except DAMAGE_ERRORS:  # the table's own definition is gone
        return [], 1
    return [row[1:] for row in found.rows], found.lost_spans + len(found.undecodable)


def _decodes(kind: str, row: tuple[Any, ...]) -> bool:
    try:
        if kind == "bookmarks":
            _row_to_bookmark(dict(zip(_BOOKMARK_COLUMNS, row, strict=True)))
        elif kind == "library papers":
            _decode_library_paper(row[0], row[1], row[3], row[4])
    except ROW_ERRORS:
        return False
    return True


def _readable(path: Path) -> tuple[Diagnosis, dict[str, list[tuple[Any, ...]]]]:
    """Check `path` and collect every row that reads and decodes."""
    diagnosis = Diagnosis()
    schema_ok = True
    try:
        with _open(path) as db:
            diagnosis.problems += _integrity(db)
    except _NotSqlite as exc:
        diagnosis.problems.append(str(exc))
        return diagnosis, {}
    except DAMAGE_ERRORS as exc:
        schema_ok = False
        detail = str(exc) if isinstance(exc, sqlite3.Error) else "the schema is not UTF-8"
        detail = " ".join(detail.split())[:120]
        diagnosis.problems.append(f"integrity: the check itself fails ({detail})")
    kept: dict[str, list[tuple[Any, ...]]] = {}
    with _open(path, writable_schema=not schema_ok) as db:
        for kind, table, columns in _TABLES:
            rows, lost = _read(db, table, columns)
            good = [row for row in rows if _decodes(kind, row)]
            bad = [str(row[0]) for row in rows if not _decodes(kind, row)]
            if bad:
                named = ", ".join(bad[:MAX_PROBLEMS])
                more = f" and {len(bad) - MAX_PROBLEMS} more" if len(bad) > MAX_PROBLEMS else ""
                diagnosis.problems.append(f"{len(bad)} damaged {kind}: {named}{more}")
            if lost and schema_ok:
                diagnosis.problems.append(f"{kind}: {lost} unreadable stretch(es) of rows")
            kept[kind] = good
            diagnosis.counts[kind] = len(good)
            diagnosis.skipped[kind] = len(bad) + lost
    return diagnosis, kept


def check(path: Path) -> Diagnosis:
    """Run the integrity check and decode every row; nothing is written."""
    return _readable(path)[0]


def export(path: Path, target: Path) -> Diagnosis:
    """Check `path` and copy every readable row into `target`, a new papershelf database.

    Refuses an existing `target` (UserError), so nothing is ever overwritten.
    """
    from papershelf.store import Store

    target = target.expanduser()
    if target.exists() or Path(f"{target}-wal").exists():
        raise UserError(f"{target}: already exists; doctor writes only to a new file")
    diagnosis, kept = _readable(path)
    with Store(target) as store, store._transaction(write=True) as db:
        for row in kept.get("bookmarks", []):
            bookmark = _row_to_bookmark(dict(zip(_BOOKMARK_COLUMNS, row, strict=True)))
            db.execute(_UPSERT, _bookmark_params(bookmark))
        db.executemany(
            "INSERT OR IGNORE INTO library_paper (paper_id, paper, first_seen_at, day, rank)"
            " VALUES (?, ?, ?, ?, ?)",
            kept.get("library papers", []),
        )
        db.executemany(
            "INSERT OR IGNORE INTO appearance (paper_id, day, source, rank, seen_at)"
            " VALUES (?, ?, ?, ?, ?)",
            kept.get("appearances", []),
        )
        db.executemany("INSERT OR IGNORE INTO read_state VALUES (?, ?)", kept.get("read marks", []))
        db.executemany("INSERT OR IGNORE INTO new_paper VALUES (?)", kept.get("new marks", []))
        db.executemany(
            "INSERT OR IGNORE INTO hidden_paper VALUES (?, ?)", kept.get("hidden papers", [])
        )
        db.executemany("INSERT OR IGNORE INTO meta VALUES (?, ?)", kept.get("meta rows", []))
        db.executemany(
            "INSERT OR IGNORE INTO saved_search VALUES (?, ?, ?)", kept.get("saved searches", [])
        )
    return diagnosis
