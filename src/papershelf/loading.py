"""Loading what a session browses: a digest's papers, or the library, newest days first.

The library is the everyday path at 100k papers, so it is read in parts: the newest 500 first
(a screen paints them at once), then compact list rows saved beside the index (abstracts stay
in SQLite until asked for), and the saved base and delta of the index when they fit. Nothing
here imports Textual; `Session` adopts what these functions return.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.library_index import Segments, open_segments
from papershelf.locations import sample_digest
from papershelf.model import Paper
from papershelf.search.cache import cache_key, library_key
from papershelf.search.index import TextSource
from papershelf.search.rowcache import load_rows, rows_path, save_rows
from papershelf.store import Store

if TYPE_CHECKING:
    from papershelf.parser import ParseWarning  # the parser is imported only to parse

SCAN_ALL_LIMIT = 20_000
"""Above this many papers, queries typed before the index is ready scan titles only."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """Papers read from the sources (or the library) and what was odd about them."""

    papers: Sequence[Paper]
    warnings: Sequence[ParseWarning] = ()
    index_key: str | None = None
    """What a saved index of exactly these papers is filed under (None: not worth saving)."""
    index_path: Path | None = None
    """Where that index lives, when it has a fixed place (the library's)."""
    abstracts: TextSource | None = None
    """Reads the abstracts of `papers` by position when they are compact `ListedPaper`s."""
    segments: Segments | None = None
    """The library's saved base and delta, when `papers` were put together from them."""


def load(
    sources: Sequence[str | Path],
    *,
    store: Store | None,
    year: int | None = None,
    stdin_text: str | None = None,
    on_first_batch: Callable[[list[Paper]], object] | None = None,
) -> Loaded:
    """The papers to browse: `sources` when given, else the library, else the sample.

    `on_first_batch` gets the first papers (of a big digest while the rest is read, of the
    library's newest days before the rest is decoded), so a screen can paint them at once.
    Raises `UserError` for unreadable sources. Slow for big inputs: call it from a worker.
    """
    from papershelf.parser import parse_sources

    if not sources and store is not None:
        return load_library(store, on_first_batch)
    stdin = io.StringIO(stdin_text) if stdin_text is not None else None
    sent = False

    def first_batch(batch: Sequence[Paper]) -> None:
        nonlocal sent
        if on_first_batch is not None and not sent and batch:
            sent = True
            on_first_batch(list(batch))

    result = parse_sources(
        list(sources) or [sample_digest()], year=year, stdin=stdin, on_batch=first_batch
    )
    return Loaded(result.papers, result.warnings, cache_key(list(sources)) if sources else None)


FIRST_PAINT = 500
"""Papers of the library decoded first, so the newest days paint before the rest is read."""


COMPACT_MIN = SCAN_ALL_LIMIT
"""Libraries bigger than this load as compact `ListedPaper`s (the scan that stands in for
the index reads titles only at that size, so no abstract is needed before the index)."""


def load_library(
    store: Store,
    on_first_batch: Callable[[list[Paper]], object] | None = None,
    *,
    hidden: bool = False,
    compact: bool = True,
    lazy: bool = False,
) -> Loaded:
    """The library, newest first, with the key of its saved index; hidden papers left out
    (with `hidden`, only they, and no index key).

    A big library comes as compact `ListedPaper`s (unless not `compact`; made only when
    asked for with `lazy`), from the rows
    saved beside its index for this generation when there are some, else from the table;
    `Loaded.abstracts` reads their abstracts and `Session.full` their full copies. The
    generation stamp is read before the papers and the hidden set: a write in between makes
    the key older than the papers, so the saved index is rebuilt next time rather than
    trusted wrongly.
    """
    from papershelf.store import library_papers

    size = store.library_size()
    if on_first_batch is not None and not hidden and size > FIRST_PAINT:
        on_first_batch(_listed(store.library(limit=FIRST_PAINT), store.hidden_ids()))
    generation = store.library_generation()
    hidden_ids = store.hidden_ids()
    if hidden:
        return Loaded([p for p in library_papers(store) if p.id in hidden_ids])
    key, path = library_key(store.path, generation)
    listed: Sequence[Paper] | None = None
    segments = None
    if compact and size > COMPACT_MIN:  # the compact rows leave hidden papers out already
        listed = load_rows(rows_path(path), key)
        if listed is None and (opened := open_segments(store, key, path)) is not None:
            listed, segments = opened
        if listed is None and (read := store.listed_papers()) is not None:
            listed, rowids = read
            if store.library_generation() == generation:
                save_rows(rows_path(path), key, listed, rowids)
    papers: Sequence[Paper]
    if listed is None:
        papers = _listed(library_papers(store), hidden_ids)
    else:
        # Saved rows are made into papers as they are asked for: `lazy` (a one-shot query)
        # keeps it so, to make only its matches; a browsing session walks them all, many
        # times, and wants a plain list.
        papers = listed if lazy else list(listed)
    if store.library_generation() != generation:  # seeded with the sample just now
        return Loaded(papers)
    abstracts = None if listed is None else _abstracts_from(store, listed)
    return Loaded(papers, index_key=key, index_path=path, abstracts=abstracts, segments=segments)


def _abstracts_from(store: Store, papers: Sequence[Paper]) -> TextSource:
    def abstracts(positions: Sequence[int]) -> list[str]:
        return store.library_abstracts([papers[i].id for i in positions])

    return abstracts


def _listed(papers: list[Paper], hidden: AbstractSet[str]) -> list[Paper]:
    """`papers` without the hidden ones (the list itself when none is hidden)."""
    return [p for p in papers if p.id not in hidden] if hidden else papers
