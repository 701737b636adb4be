"""A saved search index per digest file, so reopening a big digest searches at once.

Building the full index takes seconds at 100k papers; loading a saved copy takes a fraction
of a second. The key names the files by path, size and modification time (hashing 170 MB of
text on every start would cost more than it saves), plus papershelf's version.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from papershelf import __version__
from papershelf.locations import data_dir
from papershelf.model import Paper
from papershelf.search.index import SearchIndex

MIN_PAPERS = 2_000
"""Smaller lists index in well under a second: not worth a file."""


def cache_key(sources: Sequence[str | Path]) -> str | None:
    """A key for these sources' content, or None when it cannot be known (stdin)."""
    parts = [__version__]
    for source in sources:
        if str(source) == "-":
            return None
        path = Path(source).resolve()
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        for file in files:
            try:
                stat = file.stat()
            except OSError:
                return None
            parts.append(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_path(key: str) -> Path:
    return data_dir() / "index-cache" / f"{key[:32]}.npz"


def load_or_build(papers: Sequence[Paper], key: str | None) -> SearchIndex:
    """The saved index for `key` if it is still good, else a new one (saved when worth it)."""
    if key is None or len(papers) < MIN_PAPERS:
        return SearchIndex.build(papers)
    path = cache_path(key)
    index = SearchIndex.load(path, papers, key)
    if index is not None:
        return index
    index = SearchIndex.build(papers)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _drop_stale(path.parent)
        index.save(path, key)
    except OSError:
        pass  # a read-only data dir only costs the next start a rebuild
    return index


def _drop_stale(directory: Path, keep: int = 4) -> None:
    """Keep the most recently used few: each cached index is tens of MB."""
    files = sorted(directory.glob("*.npz"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in files[keep - 1 :]:
        os.unlink(old)
