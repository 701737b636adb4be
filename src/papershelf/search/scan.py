"""The search without a prebuilt index, for queries typed before the index is ready."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from papershelf.model import Paper
from papershelf.search.index import SearchIndex
from papershelf.search.query import Query
from papershelf.search.terms import IntArray

_SCAN_KEEP_MAX = 20_000
# The last index `scan_search` built: (sequence, fingerprint, index).
_last_scan: tuple[Sequence[Paper], tuple[int, ...], SearchIndex] | None = None
_last_scan_lock = threading.Lock()


def scan_search(papers: Sequence[Paper], query: Query, *, titles_only: bool = False) -> IntArray:
    """`SearchIndex.search` without a prebuilt index, for the moments before one is ready.

    It gives exactly what `SearchIndex.build(papers, titles_only=...).search(query)` gives, by
    indexing `papers` on the fly; that throwaway index is kept for the next call while `papers`
    is the same unchanged sequence, so someone typing pays for it once, not per keystroke.

    With abstracts that costs about 0.1 s per 1000 papers; at 100k papers use `titles_only`
    (title and author matches only, ~0.5 s once, then milliseconds), and full-text indexes of
    more than `_SCAN_KEEP_MAX` papers are not kept (they would double the memory of the real one).
    """
    if not query.has_text:
        return np.arange(len(papers), dtype=np.int64)
    return scan_index(papers, titles_only).search(query)


def scan_index(papers: Sequence[Paper], titles_only: bool) -> SearchIndex:
    """A throwaway index of `papers` (`titles_only`: titles and authors), kept for the next
    call while `papers` is the same unchanged sequence (see `scan_search`)."""
    global _last_scan
    # The sequence itself is held, so its id cannot be reused by another object meanwhile.
    ends = [*papers[:1], *papers[-1:]]
    fingerprint = (id(papers), len(papers), titles_only, *map(id, ends))
    with _last_scan_lock:
        known = _last_scan
    if known is not None and known[0] is papers and known[1] == fingerprint:
        return known[2]
    index = SearchIndex.build(papers, titles_only=titles_only)
    if titles_only or len(papers) <= _SCAN_KEEP_MAX:
        with _last_scan_lock:
            _last_scan = (papers, fingerprint, index)
    return index
