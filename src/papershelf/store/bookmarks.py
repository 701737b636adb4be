"""The reading list: bookmarks with their state, note and tags.

Each bookmark row stores the whole `Paper` as it was seen, so the reading list outlives the
digest that held it. Every method that changes a bookmark is one transaction, committed
before it returns.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

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
from papershelf.store import clock
from papershelf.store.connection import DAMAGE_ERRORS, ROW_ERRORS, Database, salvage

_COLUMNS = ("paper_id", "paper", "state", "note", "tags", "added_at", "updated_at")


def _tags_column(tags: tuple[str, ...]) -> str:
    return f" {' '.join(tags)} " if tags else ""


def _row_to_bookmark(row: sqlite3.Row | dict[str, Any]) -> Bookmark:
    paper = Paper.from_dict(json.loads(row["paper"]))
    if paper.id != row["paper_id"]:
        raise ValueError(f"holds paper {paper.id!r}")
    if not isinstance(row["note"], str) or not isinstance(row["tags"], str):
        raise TypeError("note and tags must be text")
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


class Bookmarks(Database):
    """The `Store` methods that read and change the reading list."""

    def _fetch(
        self, db: sqlite3.Connection, paper_id: str, *, damaged_as_none: bool = False
    ) -> Bookmark | None:
        """The bookmark of `paper_id`; a damaged row is a UserError, or None (to be
        overwritten) with `damaged_as_none`."""
        try:
            row = db.execute("SELECT * FROM bookmark WHERE paper_id = ?", (paper_id,)).fetchone()
        except sqlite3.OperationalError as exc:  # its text is not UTF-8
            if "decode" not in str(exc):
                raise
            if damaged_as_none:
                return None
            raise UserError(f"{self.path}: bookmark {paper_id!r} is damaged") from exc
        if row is None:
            return None
        try:
            return _row_to_bookmark(row)
        except ROW_ERRORS as exc:
            if damaged_as_none:
                return None
            raise UserError(f"{self.path}: bookmark {paper_id!r} is damaged") from exc

    def _change(self, paper_id: str, **changes: Any) -> Bookmark:
        """Apply field changes to one bookmark, touching `updated_at` only if something changed."""
        with self._transaction(write=True) as db:
            current = self._fetch(db, paper_id)
            if current is None:
                raise UserError(f"{paper_id} is not bookmarked")
            changed = replace(current, **changes)
            if changed == current:
                return current
            changed = replace(changed, updated_at=max(clock.now(), current.updated_at))
            db.execute(_UPSERT, _bookmark_params(changed))
            return changed

    def add(self, paper: Paper) -> Bookmark:
        """Bookmark `paper` as `to-read`; if it already is, return the existing one unchanged.
        A bookmarked paper is no longer new."""
        with self._transaction(write=True) as db:
            db.execute("DELETE FROM new_paper WHERE paper_id = ?", (paper.id,))
            existing = self._fetch(db, paper.id, damaged_as_none=True)  # a damaged one: replace
            if existing is not None:
                return existing
            now = clock.now()
            bookmark = Bookmark(paper, "to-read", "", (), now, now)
            db.execute(_UPSERT, _bookmark_params(bookmark))
            return bookmark

    def remove(self, paper_id: str) -> Bookmark | None:
        """Delete a bookmark and return it (for undo), or None if it was not bookmarked.

        A damaged row is removed too; what comes back for it is a stand-in holding only the
        id, titled "(damaged bookmark)", since the row itself cannot be read.
        """
        with self._transaction(write=True) as db:
            if db.execute("SELECT 1 FROM bookmark WHERE paper_id = ?", (paper_id,)).fetchone():
                existing = self._fetch(db, paper_id, damaged_as_none=True)
                if existing is None:
                    now = clock.now()
                    stand_in = Paper(id=paper_id, title="(damaged bookmark)")
                    existing = Bookmark(stand_in, "to-read", "", (), now, now)
                db.execute("DELETE FROM bookmark WHERE paper_id = ?", (paper_id,))
                return existing
            return None

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
        """The reading list, newest bookmark first, optionally only one state or tag.

        Rows that do not decode are skipped and named in `damaged_rows["bookmark"]`; when
        the table cannot be read in one go (damaged pages, text that is not UTF-8), every
        row that can be read is listed.
        """
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
            try:
                rows: list[Any] = db.execute(sql, params).fetchall()
            except DAMAGE_ERRORS:
                rows = self._salvage_bookmarks(db, state, params[-1] if tag else None)
        items, damaged = [], []
        for row in rows:
            try:
                items.append(_row_to_bookmark(row))
            except ROW_ERRORS:
                damaged.append(str(row["paper_id"]))
        self._note_damaged_rows("bookmark", damaged)
        return items

    def _salvage_bookmarks(
        self, db: sqlite3.Connection, state: str | None, tag_column: object
    ) -> list[dict[str, Any]]:
        found = salvage(db, "bookmark", ", ".join(_COLUMNS))
        if found.lost_spans:
            self._mark_damaged()
        rows = [dict(zip(("rowid", *_COLUMNS), row, strict=True)) for row in found.rows]
        rows += [{"paper_id": name, "paper": None} for name in found.undecodable]
        if state is not None:
            rows = [r for r in rows if r.get("state", state) == state]
        if tag_column is not None:
            rows = [r for r in rows if "tags" not in r or str(tag_column) in str(r["tags"])]
        rows.sort(key=lambda r: (str(r.get("added_at")), r.get("rowid", 0)), reverse=True)
        return rows

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
                existing = self._fetch(db, record.paper.id, damaged_as_none=True)
                if existing is not None and record.updated_at <= existing.updated_at:
                    continue
                db.execute(_UPSERT, _bookmark_params(record))
                db.execute("DELETE FROM new_paper WHERE paper_id = ?", (record.paper.id,))
                if existing is None:
                    added += 1
                else:
                    updated += 1
        return added, updated
