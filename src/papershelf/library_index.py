"""The library's saved index as a base plus a delta, so a few new papers cost a few papers.

Files, beside each other in the index cache (see `search.cache.library_key`):

- `library-X.npz` and `library-X-rows.npz`: the base, the index and list rows of every paper
  of one generation of the library, in that generation's list order;
- `library-X-delta.npz` and `library-X-delta-rows.npz`: the delta, the index and rows of every
  paper written since the base, keyed by the current generation and naming the base's key.

An import or fetch (`record_delta`) re-indexes the papers it wrote together with the delta so
far, in well under a second, instead of making the next open rebuild 100k papers. The open
(`open_segments`) reads the list order from the table's index (ids only, no JSON), takes each
paper's row from the delta or else the base, and `segmented_index` maps both indexes onto
that order. Anything that does not fit exactly (a missing or damaged file, a generation
written by someone else meanwhile, a paper in neither) gives None: the caller rebuilds in the
background as before. A delta past `MERGE_RATIO` of the base (or `DELTA_MAX` papers) is
dropped instead of grown, so the next open builds a new base (the merge), in the background
while the titles scan serves.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from papershelf.model import ListedPaper, Paper, listed_copy
from papershelf.search import SearchIndex
from papershelf.search.cache import library_key
from papershelf.search.index import TextSource
from papershelf.search.rowcache import (
    load_rows,
    load_saved_rows,
    rows_meta,
    rows_path,
    save_rows,
)
from papershelf.search.segments import SegmentedIndex
from papershelf.search.terms import IntArray
from papershelf.store import Store
from papershelf.store.library import IMPORT_BATCH

MERGE_RATIO = 0.1
"""A delta may hold up to this fraction of the base's papers; past it the base is rebuilt."""
DELTA_MAX = 5000
"""And at most this many papers: every write re-indexes the whole delta (~0.1 s per 1000
papers), so a bigger one would make small imports slow."""


def delta_paths(index_path: Path) -> tuple[Path, Path]:
    """The delta's index and rows files beside the base index at `index_path`."""
    stem = index_path.stem
    return index_path.with_name(f"{stem}-delta.npz"), index_path.with_name(f"{stem}-delta-rows.npz")


@dataclass(frozen=True, slots=True)
class Segments:
    """Base and delta, as found at open, with each one's list positions."""

    index_path: Path
    key: str
    base_key: str
    base: Sequence[ListedPaper]
    base_where: IntArray
    delta: Sequence[ListedPaper]
    delta_where: IntArray
    rowids: list[int]
    """Of the papers of the whole list, in order (for saving it as the next base)."""


def open_segments(store: Store, key: str, index_path: Path) -> tuple[list[Paper], Segments] | None:
    """The current list, from the base and delta rows saved for `key`, or None.

    The rows carry the keys of the list order (day, rank, rowid), so base papers not written
    since and the delta's papers are merged in numpy without reading the table. A base paper
    that left the library (its title entry taken over by its arXiv id) shows as a count that
    does not match the table's; the order is then read from the table (ids only).
    """
    _, delta_rows_path = delta_paths(index_path)
    meta = rows_meta(delta_rows_path)
    if meta is None or meta.key != key or meta.base is None:
        return None
    delta = load_saved_rows(delta_rows_path, key)
    base = load_saved_rows(rows_path(index_path), meta.base)
    if delta is None or base is None:
        return None
    in_delta = {p.id for p in delta.papers}
    kept = np.fromiter((p.id not in in_delta for p in base.papers), np.bool_, len(base.papers))
    kept_at = np.flatnonzero(kept)
    days = np.concatenate((base.days[kept_at], delta.days)).astype(np.int64)
    ranks = np.concatenate((base.ranks[kept_at], delta.ranks))
    rowids = np.concatenate((base.rowids[kept_at], delta.rowids))
    if len(days) == store.library_size():
        # Newest day first (undated last), then rank, then rowid: the table's ORDER BY.
        order = np.lexsort((rowids, ranks, -days))
        source = np.concatenate((kept_at, len(base.papers) + np.arange(len(delta.papers))))
        picked = source[order]
    else:
        found = _from_table(store, base.papers, delta.papers)
        if found is None:
            return None
        picked = found
        rowids = np.concatenate((base.rowids, delta.rowids))
        order = picked
    everyone = [*base.papers, *delta.papers]
    papers: list[Paper] = [everyone[k] for k in picked.tolist()]
    positions = np.full(len(everyone), -1, dtype=np.int64)
    positions[picked] = np.arange(len(picked), dtype=np.int64)
    n_base = len(base.papers)
    segments = Segments(
        index_path,
        key,
        meta.base,
        base.papers,
        positions[:n_base],
        delta.papers,
        positions[n_base:],
        rowids[order].tolist(),
    )
    return papers, segments


def _from_table(
    store: Store, base: Sequence[ListedPaper], delta: Sequence[ListedPaper]
) -> IntArray | None:
    """For each paper of the table's order, its place in base + delta (the delta's copy
    first); None when one is in neither (written by someone who kept no delta)."""
    in_delta = {p.id: len(base) + k for k, p in enumerate(delta)}
    in_base = {p.id: k for k, p in enumerate(base)}
    picked: list[int] = []
    for paper_id in store.library_order():
        k = in_delta.get(paper_id, in_base.get(paper_id))
        if k is None:
            return None
        picked.append(k)
    return np.asarray(picked, dtype=np.int64)


def segmented_index(
    segments: Segments,
    papers: Sequence[Paper],
    abstracts_of: Callable[[Sequence[Paper]], TextSource],
) -> SegmentedIndex | None:
    """The saved base and delta indexes mapped onto `papers`, or None if either is unusable."""
    delta_path, _ = delta_paths(segments.index_path)
    base = SearchIndex.load(
        segments.index_path, segments.base, segments.base_key, abstracts_of(segments.base)
    )
    if base is None:
        return None
    delta = SearchIndex.load(delta_path, segments.delta, segments.key, abstracts_of(segments.delta))
    if delta is None:
        return None
    return SegmentedIndex(papers, [(base, segments.base_where), (delta, segments.delta_where)])


def add_and_index(store: Store, papers: Sequence[Paper], label: str) -> tuple[int, int]:
    """`store.add_to_library(papers, label)` and the delta for what it wrote: how a writer of a
    few papers (a fetch, the app's refresh, an enrich match) keeps the saved index current, so
    the next open rebuilds nothing. Returns (seen, new) as `add_to_library` does."""
    before = store.library_generation()
    counts = store.add_to_library(papers, label)
    record_delta(store, [[p.id for p in papers]], before)
    return counts


def record_delta(store: Store, written: Sequence[Sequence[str]], before: int) -> bool:
    """After `store.add_to_library` wrote papers over the library at generation `before`
    (`written`: the ids given to each call, in order): extend the delta so the next open needs
    no rebuild. False when there is no base to extend, another writer came in between (each
    call's batches bump the generation once), or the delta grew past the ratio (the delta is
    then dropped, and the next open rebuilds)."""
    calls = [list(dict.fromkeys(ids)) for ids in written]
    ids = list(dict.fromkeys(i for call in calls for i in call))
    after = store.library_generation()
    batches = sum(max(1, math.ceil(len(call) / IMPORT_BATCH)) for call in calls)
    key_before, index_path = library_key(store.path, before)
    key_after, _ = library_key(store.path, after)
    delta_index, delta_rows = delta_paths(index_path)
    base_meta = rows_meta(rows_path(index_path))
    delta_meta = rows_meta(delta_rows)
    earlier: list[str] = []
    if delta_meta is not None and delta_meta.key == key_before and delta_meta.base is not None:
        old = load_rows(delta_rows, key_before)
        earlier = [p.id for p in old] if old is not None else []
        base_key = delta_meta.base if old is not None else None
    elif base_meta is not None and base_meta.key == key_before:
        base_key = key_before
    else:
        base_key = None
    if base_meta is None or base_meta.key != base_key or after != before + batches:
        _drop(delta_index, delta_rows)
        return False
    ids = list(dict.fromkeys([*earlier, *ids]))
    if len(ids) > min(MERGE_RATIO * base_meta.papers, DELTA_MAX):
        _drop(delta_index, delta_rows)
        return False
    found = store.library_papers_by_id(ids)
    where = store.library_rowids(ids)
    papers = [found[i] for i in ids if i in found and i in where]
    rows = [listed_copy(p) for p in papers]
    try:
        SearchIndex.build(papers).save(delta_index, key_after)
    except OSError:
        _drop(delta_index, delta_rows)
        return False
    if not save_rows(delta_rows, key_after, rows, [where[p.id] for p in papers], base=base_key):
        _drop(delta_index, delta_rows)
        return False
    return True


def drop_delta(index_path: Path) -> None:
    """Forget the delta (a new base was just saved for the current generation)."""
    _drop(*delta_paths(index_path))


def _drop(*paths: Path) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # a stale delta is never trusted: its key no longer matches
