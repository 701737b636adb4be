"""The library: every paper fetched or imported, kept in the store across days.

`papershelf` and `papershelf list` with no source show it. A fresh install seeds it with the
bundled sample, so the first run still shows papers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from papershelf.locations import sample_digest
from papershelf.model import Paper
from papershelf.parser import ParseResult, parse_sources
from papershelf.store import Store


def library_papers(store: Store) -> list[Paper]:
    """The library, newest day first; seeded with the bundled sample when it is empty."""
    if store.library_size() == 0 and not store.read_only:
        sample = parse_sources([sample_digest()])
        store.add_to_library(sample.papers, "sample")
    return store.library()


def import_sources(
    store: Store, sources: Sequence[str | Path], *, year: int | None = None
) -> tuple[ParseResult, list[tuple[str, int, int]]]:
    """Parse `sources` and add their papers to the library, one transaction per source.

    Returns the parse result (for its warnings) and `(source, seen, new)` for each source.
    """
    result = parse_sources(list(sources), year=year)
    by_source: dict[str, list[Paper]] = {}
    for paper in result.papers:
        by_source.setdefault(paper.source, []).append(paper)
    counts = [(src, *store.add_to_library(papers, src)) for src, papers in by_source.items()]
    return result, counts
