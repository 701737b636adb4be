"""The library: every paper fetched or imported, kept across days, with where it was listed.

`papershelf` and `papershelf list` with no source show it. A fresh install seeds it with the
bundled sample, so the first run still shows papers. Adding a digest is one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papershelf.errors import UserError
from papershelf.locations import sample_digest
from papershelf.model import Paper, format_time
from papershelf.model import paper_id as title_id
from papershelf.store import clock
from papershelf.store.connection import DAMAGE_ERRORS, ROW_ERRORS, Database, salvage
from papershelf.text import strip_controls

if TYPE_CHECKING:
    from papershelf.parser import ParseResult

# A sighting replaces the paper's JSON; its day and rank only when it is an earlier listing
# than the one held (history is kept: a paper listed again later keeps its first day and its
# rank on that day). An undated row takes the first dated listing; a damaged day is replaced.
# SET expressions all read the old row.
_FIRST_LISTING = """
    (day IS NULL AND excluded.day IS NOT NULL) OR (day IS NOT NULL AND date(day) IS NULL)
    OR excluded.day < day
"""
_LIBRARY_UPSERT = f"""
    INSERT INTO library_paper (paper_id, paper, first_seen_at, day, rank)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (paper_id) DO UPDATE SET
        paper = excluded.paper,
        day = CASE WHEN {_FIRST_LISTING} THEN excluded.day ELSE day END,
        rank = CASE WHEN {_FIRST_LISTING} THEN excluded.rank ELSE rank END
"""

# A paper the library did not hold is new, unless it was already read or bookmarked (a paper
# read in a digest file before it was imported has been opened).
_NEW_MARK_INSERT = """
    INSERT OR IGNORE INTO new_paper (paper_id)
    SELECT ?1 WHERE NOT EXISTS (SELECT 1 FROM read_state WHERE paper_id = ?1)
                AND NOT EXISTS (SELECT 1 FROM bookmark WHERE paper_id = ?1)
"""

_APPEARANCE_INSERT = """
    INSERT OR IGNORE INTO appearance (paper_id, day, source, rank, seen_at)
    VALUES (?, ?, ?, ?, ?)
"""

# Paper fields a later, poorer sighting (a text digest after the API) must not erase.
_KEPT_FIELDS: dict[str, type] = {
    "abstract": str,
    "urls": list,
    "code_url": str,
    "arxiv_id": str,
    "authors": list,
    "project_url": str,
    "upvotes": int,
    "github_stars": int,
    "num_comments": int,
    "published_on": str,
    "ai_summary": str,
    "ai_keywords": list,
    "organization": str,
    "submitted_by": str,
    "num_models": int,
    "num_datasets": int,
    "num_spaces": int,
}
"""Fields a text digest lacks but the API gave: a later copy without them keeps these. With
the type an earlier value must have to be kept (a damaged one is dropped)."""
_LIBRARY_JSON = json.JSONEncoder(ensure_ascii=False)
"""One encoder for every row: `json.dumps` with options builds a new one per call."""
_SQL_CHUNK = 500
"""Ids per `IN (...)` query; stays under SQLite's bound-parameter limit on old versions."""
IMPORT_BATCH = 5000
"""Papers per transaction of a big import: each batch holds the write lock well under a
second, so another writer (a bookmark in the app) waits at most about that long."""
BATCH_PAUSE_S = 0.11
"""The gap left between batches. A waiting writer polls the lock every 100 ms (SQLite's
busy handler); without a gap longer than that, back-to-back batches starve it."""


def _library_record(paper: Paper, earlier: str | bytes | None) -> dict[str, Any]:
    """The JSON to store for `paper`: this sighting, with gaps filled from the `earlier` one."""
    record = paper.to_dict()
    if earlier is not None:
        try:
            old = json.loads(earlier)
        except ROW_ERRORS:
            return record  # a damaged row is simply replaced
        if not isinstance(old, dict):
            return record
        for key, kind in _KEPT_FIELDS.items():
            value = old.get(key)
            if (
                record.get(key) in (None, "", [])
                and value not in (None, "", [])
                and isinstance(value, kind)
            ):
                record[key] = value
    return record


def _refresh_bookmark_snapshot(db: sqlite3.Connection, paper: Paper) -> None:
    """A bookmark's copy of `paper` gains what the arriving copy knows (its arXiv id, authors,
    summary); what only the old copy had (a note-worthy abstract) is kept."""
    row = db.execute("SELECT paper FROM bookmark WHERE paper_id = ?", (paper.id,)).fetchone()
    if row is None:
        return
    record = _library_record(paper, row[0])
    db.execute(
        "UPDATE bookmark SET paper = ? WHERE paper_id = ?",
        (_LIBRARY_JSON.encode(record), paper.id),
    )


def _decode_library_paper(paper_id: str, data: str, day: str | None, rank: int) -> Paper:
    record = json.loads(data)
    record["date"] = day
    record["rank"] = rank
    paper = Paper.from_dict(record)
    if paper.id != paper_id:
        raise ValueError(f"holds paper {paper.id!r}")
    return paper


class Library(Database):
    """The `Store` methods that add papers to the library and list it."""

    def add_to_library(
        self, papers: Sequence[Paper], source: str, *, mark_new: bool = True
    ) -> tuple[int, int]:
        """Record that `papers` were listed in `source` (a file, or a fetch label).
        Returns (seen, new): distinct papers given, and how many the library did not hold
        before. Importing the same digest twice adds nothing the second time. Papers the
        library did not hold get the new mark (unless `mark_new` is False, or they were read
        or bookmarked already); a paper held before, hidden ones too, never becomes new again.

        A paper's day and rank stay those of its first listing; every listing is recorded as
        an appearance (day, source, rank).

        Each paper's JSON becomes this copy, except that fields it lacks keep earlier values
        (a text digest has no authors; the API's copy had them). A damaged earlier copy is
        replaced.

        Up to `IMPORT_BATCH` papers are one transaction; a bigger input is several, so other
        writers are never locked out for long. If one fails, the batches before it stay
        committed and the `UserError` says how many papers were saved; importing the same
        input again completes it (nothing is added twice). A big file not checked at open
        gets its quick check here, before anything is written into it.
        """
        unique: dict[str, Paper] = {}
        for paper in papers:
            unique.setdefault(paper.id, paper)
        source = strip_controls(source)
        now = format_time(clock.now())
        todo = list(unique.values())
        self.check_before_write()
        added = saved = 0
        for start in range(0, len(todo), IMPORT_BATCH) or [0]:
            batch = todo[start : start + IMPORT_BATCH]
            if start:
                time.sleep(BATCH_PAUSE_S)
            try:
                added += self._add_batch(batch, source, now, mark_new)
            except UserError as exc:
                if not saved:
                    raise
                raise UserError(
                    f"{exc} ({saved} of {len(todo)} papers were saved before it)"
                ) from exc
            saved += len(batch)
        return len(unique), added

    def _add_batch(self, batch: list[Paper], source: str, now: str, mark_new: bool) -> int:
        """One transaction of `add_to_library`; returns how many papers were new."""
        with self._transaction(write=True) as db:
            before = self._library_count(db)
            self._adopt_title_entries(db, batch)
            earlier = self._library_json(db, [paper.id for paper in batch])
            rows = []
            sightings = []
            for paper in batch:
                record = _library_record(paper, earlier.get(paper.id))
                day = record["date"]
                data = _LIBRARY_JSON.encode(record)
                rows.append((paper.id, data, now, day, paper.rank))
                sightings.append((paper.id, day, source, paper.rank, now))
            db.executemany(_LIBRARY_UPSERT, rows)
            db.executemany(_APPEARANCE_INSERT, sightings)
            if mark_new:
                fresh = [(paper.id,) for paper in batch if paper.id not in earlier]
                db.executemany(_NEW_MARK_INSERT, fresh)
            db.execute(_BUMP_GENERATION, (_GENERATION,))
            return self._library_count(db) - before

    @staticmethod
    def _adopt_title_entries(db: sqlite3.Connection, batch: list[Paper]) -> None:
        """One identity per paper: a paper arriving with its arXiv id takes over the entry its
        title made earlier (from a text digest, which has no ids). The entry keeps when it was
        first seen, its days, its read, new and hidden marks and its bookmark, whose
        snapshot gains the arriving fields; the arXiv id wins."""
        by_title = {title_id(p.title): p for p in batch if p.arxiv_id and title_id(p.title) != p.id}
        if not by_title:
            return
        olds = list(by_title)
        for start in range(0, len(olds), _SQL_CHUNK):
            chunk = olds[start : start + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            found = db.execute(
                f"SELECT paper_id, first_seen_at FROM library_paper WHERE paper_id IN ({marks})",
                chunk,
            ).fetchall()
            for old, first_seen in found:
                new = by_title[old].id
                db.execute(
                    "UPDATE OR IGNORE library_paper SET paper_id = ? WHERE paper_id = ?",
                    (new, old),
                )
                db.execute(  # both existed: keep the earlier first sighting on the arXiv entry
                    "UPDATE library_paper SET first_seen_at = min(first_seen_at, ?)"
                    " WHERE paper_id = ?",
                    (first_seen, new),
                )
                for table in ("appearance", "read_state", "bookmark", "new_paper", "hidden_paper"):
                    db.execute(
                        f"UPDATE OR IGNORE {table} SET paper_id = ? WHERE paper_id = ?", (new, old)
                    )
                    db.execute(f"DELETE FROM {table} WHERE paper_id = ?", (old,))
                db.execute("DELETE FROM library_paper WHERE paper_id = ?", (old,))
                _refresh_bookmark_snapshot(db, by_title[old])

    @staticmethod
    def _library_count(db: sqlite3.Connection) -> int:
        return int(db.execute("SELECT count(*) FROM library_paper").fetchone()[0])

    @staticmethod
    def _library_json(db: sqlite3.Connection, ids: list[str]) -> dict[str, bytes]:
        """The stored JSON of those of `ids` already in the library, as bytes (a damaged
        row's text may not even be UTF-8)."""
        found: dict[str, bytes] = {}
        for start in range(0, len(ids), _SQL_CHUNK):
            chunk = ids[start : start + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT paper_id, CAST(paper AS BLOB) FROM library_paper"
                f" WHERE paper_id IN ({marks})"
            )
            found.update((row[0], row[1]) for row in db.execute(sql, chunk))
        return found

    def library_generation(self) -> int:
        """A number that changes with every write to the library (0: never written), so a
        saved search index can tell whether it still describes the library."""
        with self._transaction(write=False) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (_GENERATION,)).fetchone()
        return (
            int(row[0])
            if row is not None and str(row[0]).isascii() and str(row[0]).isdigit()
            else 0
        )

    def library(self, limit: int | None = None) -> list[Paper]:
        """Every paper in the library once (the first `limit` of them when given): newest
        day first (undated last), then by rank.

        Each carries the date and rank of its newest appearance.
        Rows that do not decode are skipped and named in `damaged_rows["library paper"]`;
        when the table cannot be read in one go (damaged pages, text that is not UTF-8),
        every row that can be read is listed.
        """
        with self._transaction(write=False) as db:
            try:
                rows = db.execute(
                    "SELECT paper_id, paper, day, rank FROM library_paper"
                    " ORDER BY day DESC, rank, rowid LIMIT ?",
                    (-1 if limit is None else limit,),
                ).fetchall()
            except DAMAGE_ERRORS:
                rows = self._salvage_library(db)[:limit]
        papers: list[Paper] = []
        append = papers.append
        damaged: list[str] = []
        for paper_id, data, day, rank in rows:
            try:
                append(_decode_library_paper(paper_id, data, day, rank))
            except ROW_ERRORS:
                damaged.append(str(paper_id))
        self._note_damaged_rows("library paper", damaged)
        return papers

    def _salvage_library(self, db: sqlite3.Connection) -> list[Any]:
        """The slow path of `library`: every readable row, in the same order."""
        found = salvage(db, "library_paper", "paper_id, paper, day, rank")
        if found.lost_spans:
            self._mark_damaged()
        rows = sorted(found.rows, key=lambda r: r[0])  # by rowid, then stable sorts
        rows.sort(key=lambda r: r[4] if isinstance(r[4], int) else 0)
        rows.sort(key=lambda r: str(r[3] or ""), reverse=True)
        return [r[1:] for r in rows] + [(name, None, None, 0) for name in found.undecodable]

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


_GENERATION = "library_generation"
_BUMP_GENERATION = (
    "INSERT INTO meta (key, value) VALUES (?, '1')"
    " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)


def library_papers(store: Library) -> list[Paper]:
    """The library, newest day first; seeded with the bundled sample on a fresh install.

    Only a library never written is seeded (its generation is 0): one emptied by `library
    remove`/`prune` stays empty. The sample's papers are not new: they are a demonstration,
    not news.
    """
    if store.library_size() == 0 and not store.read_only and store.library_generation() == 0:
        from papershelf.parser import parse_sources  # only here: most commands never parse

        sample = parse_sources([sample_digest()])
        store.add_to_library(sample.papers, "sample", mark_new=False)
    return store.library()


def import_sources(
    store: Library, sources: Sequence[str | Path], *, year: int | None = None
) -> tuple[ParseResult, list[tuple[str, int, int]]]:
    """Parse `sources` and add their papers to the library, one transaction per source.

    Returns the parse result (for its warnings) and `(source, seen, new)` for each source.
    """
    from papershelf.parser import parse_sources

    result = parse_sources(list(sources), year=year)
    by_source: dict[str, list[Paper]] = {}
    for paper in result.papers:
        by_source.setdefault(paper.source, []).append(paper)
    counts = [(src, *store.add_to_library(papers, src)) for src, papers in by_source.items()]
    return result, counts
