"""Reading the library in parts: compact list rows for all, full papers for a few.

Decoding every stored paper (JSON, then `Paper.from_dict`) is what made a 100k-paper library
slow to open and big in memory. The list needs six fields; SQLite's `json_extract` reads those
in C, and the abstract and the rest are read by id when the detail pane, a copy, a bookmark,
a phrase check or the CLI's output needs them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from papershelf.model import ListedPaper, Paper, make_listed_paper
from papershelf.store.connection import DAMAGE_ERRORS, ROW_ERRORS, Database
from papershelf.store.library import _decode_library_paper

_LISTED_WHERE = "WHERE paper_id NOT IN (SELECT paper_id FROM hidden_paper)"
"""Hidden papers are kept in the library and left out of its list (`library()` does the same)."""
_LISTED_SQL = f"""
    SELECT paper_id, json_extract(paper, '$.id'), json_extract(paper, '$.title'), day, rank,
           json_extract(paper, '$.code_url'), json_extract(paper, '$.arxiv_id'), rowid,
           json_extract(paper, '$.authors'), json_extract(paper, '$.upvotes'),
           json_extract(paper, '$.published_on'), json_extract(paper, '$.project_url')
    FROM library_paper {_LISTED_WHERE} ORDER BY day DESC, rank, rowid
"""
_CHUNK = 500
"""Ids per `IN (...)` query; stays under SQLite's bound-parameter limit on old versions."""


class Listing(Database):
    """The `Store` methods that read the library as compact rows and fetch papers by id."""

    def listed_papers(self) -> tuple[list[ListedPaper], list[int]] | None:
        """Every library paper as a `ListedPaper`, in `library()` order, and each one's rowid
        (the order's last key); None when any row is odd (damaged JSON, a mismatched id, a bad
        day), so the caller falls back to `library()`, which skips and names damaged rows."""
        days: dict[str, dt.date] = {}
        papers: list[ListedPaper] = []
        rowids: list[int] = []
        append = papers.append
        with self._transaction(write=False) as db:
            cursor = db.cursor()
            cursor.row_factory = None
            try:
                rows = cursor.execute(_LISTED_SQL).fetchall()
            except DAMAGE_ERRORS:
                return None
        try:
            for (
                paper_id,
                stored_id,
                title,
                day,
                rank,
                code_url,
                arxiv_id,
                rowid,
                authors,
                upvotes,
                published,
                project_url,
            ) in rows:
                if stored_id != paper_id or not isinstance(title, str) or type(rank) is not int:
                    return None
                append(
                    make_listed_paper(
                        paper_id,
                        title,
                        _day(days, day),
                        rank,
                        code_url if isinstance(code_url, str) and code_url else None,
                        arxiv_id if isinstance(arxiv_id, str) and arxiv_id else None,
                        _names(authors),
                        upvotes if type(upvotes) is int else None,
                        _day(days, published) if isinstance(published, str) else None,
                        project_url if isinstance(project_url, str) and project_url else None,
                    )
                )
                rowids.append(rowid)
        except (TypeError, ValueError):
            return None
        return papers, rowids

    def library_rowids(self, ids: Sequence[str]) -> dict[str, int]:
        """The rowid (the library order's last key) of those of `ids` the library holds."""
        return dict(self._rows_by_id("rowid", ids))

    def library_order(self) -> list[str]:
        """Every library paper's id in `library()` order (the table's order index, no JSON)."""
        with self._transaction(write=False) as db:
            cursor = db.cursor()
            cursor.row_factory = None
            rows = cursor.execute(
                f"SELECT paper_id FROM library_paper {_LISTED_WHERE} ORDER BY day DESC, rank, rowid"
            ).fetchall()
        return [row[0] for row in rows]

    def library_papers_by_id(self, ids: Sequence[str]) -> dict[str, Paper]:
        """The full papers of those `ids` the library holds and can decode."""
        found: dict[str, Paper] = {}
        for paper_id, data, day, rank in self._rows_by_id("paper, day, rank", ids):
            try:
                found[paper_id] = _decode_library_paper(paper_id, data, day, rank)
            except ROW_ERRORS:
                continue
        return found

    def library_abstracts(self, ids: Sequence[str]) -> list[str]:
        """The abstract of each of `ids`, in order ("" for one the library lacks)."""
        rows = self._rows_by_id("json_extract(paper, '$.abstract')", ids)
        found = {k: v for k, v in rows if isinstance(v, str)}
        return [found.get(i, "") for i in ids]

    def _rows_by_id(self, columns: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
        """`paper_id, <columns>` of the library rows with those `ids`, a chunk of ids per
        query; a chunk that meets damage is left out (the listing goes on, `doctor` names it)."""
        found: list[tuple[Any, ...]] = []
        with self._transaction(write=False) as db:
            cursor = db.cursor()
            cursor.row_factory = None
            for start in range(0, len(ids), _CHUNK):
                chunk = list(ids[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT paper_id, {columns} FROM library_paper WHERE paper_id IN ({marks})"
                try:
                    found.extend(cursor.execute(sql, chunk).fetchall())
                except DAMAGE_ERRORS:
                    continue
        return found

    def all_library_abstracts(self) -> dict[str, str]:
        """Every paper's abstract by id, read in one pass (for building the index)."""
        with self._transaction(write=False) as db:
            cursor = db.cursor()
            cursor.row_factory = None
            try:
                rows = cursor.execute(
                    "SELECT paper_id, json_extract(paper, '$.abstract') FROM library_paper"
                ).fetchall()
            except (sqlite3.Error, UnicodeDecodeError):
                return {}
        return {k: v for k, v in rows if isinstance(v, str)}


def _day(days: dict[str, dt.date], text: str | None) -> dt.date | None:
    """`text`'s day, each distinct day parsed once (a library holds a few thousand)."""
    if text is None:
        return None
    found = days.get(text)
    if found is None:
        found = days[text] = dt.date.fromisoformat(text)
    return found


def _names(text: object) -> tuple[str, ...]:
    """The author names stored as a JSON array (`json_extract` hands arrays back as text)."""
    if not isinstance(text, str) or text == "[]":
        return ()
    names = json.loads(text)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError("authors")
    return tuple(names)
