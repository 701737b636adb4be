"""The library's list rows saved beside its index, so a reopen reads neither JSON nor the table.

Reading the list fields of 100k papers from SQLite still walks the whole 350 MB table
(`json_extract` in C, about half a second on a quiet machine); the same rows as a few numpy
blobs load in a fraction of that. The file carries the key of the library generation it was
written for and is used only under that exact key, like the index beside it, so a write to
the library (which bumps the generation) makes it stale, never wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt

from papershelf.model import ListedPaper, Paper, make_listed_paper

_FORMAT = 2
_SEP = "\0"
"""Joins the texts of a column: no id, title or link holds a NUL (controls are stripped)."""
_NAME_SEP = "\x1f"
"""Joins one paper's author names (a control character too: no name holds one)."""
NO_VOTES = -1
"""The upvotes stored for a paper that has no count."""
_EPOCH = dt.date(1970, 1, 1)
NO_DAY = np.iinfo(np.int32).min
"""The day stored for an undated paper (sorts after every real day, newest first)."""


def rows_path(index_path: Path) -> Path:
    """Where the rows of the index at `index_path` are kept."""
    return index_path.with_name(index_path.stem + "-rows.npz")


def _blob(texts: Sequence[str]) -> npt.NDArray[np.uint8]:
    return np.frombuffer(_SEP.join(texts).encode(), dtype=np.uint8)


def _texts(blob: npt.NDArray[np.generic], count: int) -> list[str]:
    parts = blob.tobytes().decode().split(_SEP)
    if len(parts) != count:
        raise ValueError("column length")
    return parts


def save_rows(
    path: Path,
    key: str,
    papers: Sequence[Paper],
    rowids: Sequence[int],
    *,
    base: str | None = None,
) -> bool:
    """Write the list rows of `papers` (with their database rowids, the order's last key) for
    `key` (atomically); False when they cannot be kept (a text holding a NUL, a full or
    read-only disk): the next open reads the table. `base` names the key of the base a
    delta's rows extend."""
    if len(rowids) != len(papers):
        raise ValueError("one rowid per paper")
    if any(
        _SEP in p.id
        or _SEP in p.title
        or _SEP in (p.code_url or "")
        or _SEP in (p.project_url or "")
        or any(_SEP in name or _NAME_SEP in name or not name for name in p.authors)
        for p in papers
    ):
        return False
    days = np.fromiter(
        (NO_DAY if p.date is None else (p.date - _EPOCH).days for p in papers),
        dtype=np.int32,
        count=len(papers),
    )
    meta = {"format": _FORMAT, "key": key, "papers": len(papers), "base": base}
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        "ids": _blob([p.id for p in papers]),
        "titles": _blob([p.title for p in papers]),
        "code": _blob([p.code_url or "" for p in papers]),
        "arxiv": _blob([p.arxiv_id or "" for p in papers]),
        "project": _blob([p.project_url or "" for p in papers]),
        "authors": _blob([_NAME_SEP.join(p.authors) for p in papers]),
        "votes": np.fromiter(
            (NO_VOTES if p.upvotes is None else p.upvotes for p in papers),
            dtype=np.int64,
            count=len(papers),
        ),
        "published": np.fromiter(
            (NO_DAY if p.published_on is None else (p.published_on - _EPOCH).days for p in papers),
            dtype=np.int32,
            count=len(papers),
        ),
        "days": days,
        "ranks": np.fromiter((p.rank for p in papers), dtype=np.int64, count=len(papers)),
        "rowids": np.asarray(rowids, dtype=np.int64).reshape(len(papers)),
    }
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, path)
    except OSError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class RowsMeta:
    """What a rows file says about itself."""

    key: str
    papers: int
    base: str | None


def rows_meta(path: Path) -> RowsMeta | None:
    """The key, size and base of the rows saved at `path` (their columns are not read)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return _meta(data["meta"])
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError, zipfile.BadZipFile):
        return None


def _meta(blob: npt.NDArray[np.generic]) -> RowsMeta | None:
    meta = json.loads(blob.tobytes().decode())
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        return None
    key, count, base = meta.get("key"), meta.get("papers"), meta.get("base")
    if not isinstance(key, str) or not isinstance(count, int) or count < 0:
        return None
    return RowsMeta(key, count, base if isinstance(base, str) else None)


@dataclass(frozen=True, slots=True)
class SavedRows:
    """Saved rows with the keys of the library order: day (`NO_DAY` when undated), rank and
    rowid, so rows of a base and a delta can be put in order without reading the table."""

    papers: Sequence[ListedPaper]
    days: npt.NDArray[np.int32]
    ranks: npt.NDArray[np.int64]
    rowids: npt.NDArray[np.int64]


def load_rows(path: Path, key: str) -> Sequence[ListedPaper] | None:
    """The rows saved at `path` for exactly `key`, or None if missing, stale or damaged."""
    saved = load_saved_rows(path, key)
    return None if saved is None else saved.papers


def load_saved_rows(path: Path, key: str) -> SavedRows | None:
    """`load_rows` with the order keys."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = _meta(data["meta"])
            if meta is None or meta.key != key:
                return None
            count = meta.papers
            ids = _texts(data["ids"], count)
            titles = _texts(data["titles"], count)
            codes = _texts(data["code"], count)
            arxiv = _texts(data["arxiv"], count)
            projects = _texts(data["project"], count)
            authors = _texts(data["authors"], count)
            days, ranks, rowids = data["days"], data["ranks"], data["rowids"]
            votes, published = data["votes"], data["published"]
            if days.dtype != np.int32 or ranks.dtype != np.int64 or rowids.dtype != np.int64:
                return None
            if votes.dtype != np.int64 or published.dtype != np.int32:
                return None
            if any(a.shape != (count,) for a in (days, ranks, rowids, votes, published)):
                return None
            day_list, rank_list = days.tolist(), ranks.tolist()
            vote_list, published_list = votes.tolist(), published.tolist()
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError, zipfile.BadZipFile):
        return None
    papers = _Rows(
        ids,
        titles,
        day_list,
        rank_list,
        codes,
        arxiv,
        projects,
        authors,
        vote_list,
        published_list,
    )
    if not papers.days_fit():
        return None
    return SavedRows(papers, days, ranks, rowids)


class _Rows(Sequence[ListedPaper]):
    """Saved rows as columns, each row made into a `ListedPaper` the first time it is asked
    for: `list --query` on 100k papers then builds only its matches, and the app builds
    them all as it walks the list (no slower than building them up front)."""

    def __init__(
        self,
        ids: list[str],
        titles: list[str],
        days: list[int],
        ranks: list[int],
        codes: list[str],
        arxiv: list[str],
        projects: list[str],
        authors: list[str],
        votes: list[int],
        published: list[int],
    ) -> None:
        self._columns = (
            ids,
            titles,
            days,
            ranks,
            codes,
            arxiv,
            projects,
            authors,
            votes,
            published,
        )
        self._made: list[ListedPaper | None] = [None] * len(ids)
        self._dates: dict[int, dt.date | None] = {NO_DAY: None}

    def days_fit(self) -> bool:
        """Whether every stored day is a real date (a damaged file can hold any number)."""
        _, _, days, _, _, _, _, _, _, published = self._columns
        try:
            for day in {*days, *published}:
                self._date(day)
        except OverflowError:
            return False
        return True

    def _date(self, day: int) -> dt.date | None:
        date = self._dates.get(day, _EPOCH)
        if date is _EPOCH:
            date = self._dates[day] = _EPOCH + dt.timedelta(days=day)
        return date

    def __len__(self) -> int:
        return len(self._made)

    @overload
    def __getitem__(self, i: int) -> ListedPaper: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[ListedPaper]: ...
    def __getitem__(self, i: int | slice) -> ListedPaper | Sequence[ListedPaper]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        made = self._made[i]
        if made is None:
            made = self._made[i] = self._make(i if i >= 0 else i + len(self))
        return made

    def __iter__(self) -> Iterator[ListedPaper]:
        return (self[i] for i in range(len(self)))

    def _make(self, i: int) -> ListedPaper:
        ids, titles, days, ranks, codes, arxiv, projects, authors, votes, published = self._columns
        names = authors[i]
        return make_listed_paper(
            ids[i],
            titles[i],
            self._date(days[i]),
            ranks[i],
            codes[i] or None,
            arxiv[i] or None,
            tuple(names.split(_NAME_SEP)) if names else (),
            None if votes[i] == NO_VOTES else votes[i],
            self._date(published[i]),
            projects[i] or None,
        )
