"""Saved search indexes, so reopening a big digest or the library searches at once.

Building the full index takes seconds at 100k papers; loading a saved copy takes a fraction
of a second. A digest's key names its files by path, size and modification time (hashing
170 MB of text on every start would cost more than it saves); the library's key is the
database's generation stamp, which every library write changes. Both include papershelf's
version, and a saved index whose key, paper count or arrays do not match is rebuilt, never
trusted.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from papershelf import __version__
from papershelf.locations import data_dir
from papershelf.model import Paper
from papershelf.search.index import SearchIndex, TextSource

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


def library_key(database: Path, generation: int) -> tuple[str, Path]:
    """The key of the library index for this generation of `database`, and its one file
    (each new generation replaces the last: an old library index is never useful again)."""
    name = hashlib.sha256(str(database.resolve()).encode()).hexdigest()[:32]
    key = f"{__version__}\0library\0{name}\0{generation}"
    return key, data_dir() / "index-cache" / f"library-{name}.npz"


def cache_path(key: str) -> Path:
    return data_dir() / "index-cache" / f"{key[:32]}.npz"


def load_or_build(
    papers: Sequence[Paper],
    key: str | None,
    path: Path | None = None,
    abstracts: TextSource | None = None,
) -> SearchIndex:
    """The saved index for `key` if it is still good, else a new one (saved when worth it).
    `abstracts` reads the papers' abstracts when they do not carry them (`SearchIndex`)."""
    if key is None or len(papers) < MIN_PAPERS:
        return SearchIndex.build(papers, abstracts=abstracts)
    path = path or cache_path(key)
    index = SearchIndex.load(path, papers, key, abstracts)
    if index is not None:
        return index
    index = SearchIndex.build(papers, abstracts=abstracts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _drop_stale(path.parent)
        index.save(path, key)
    except OSError:
        pass  # a read-only data dir only costs the next start a rebuild
    return index


def _drop_stale(directory: Path, keep: int = 4) -> None:
    """Keep the most recently used few: each cached index is tens of MB."""
    files = sorted(
        (f for f in directory.glob("*.npz") if not f.name.startswith("library-")),
        key=lambda f: f.stat().st_mtime,
        reverse=True,
    )
    for old in files[keep - 1 :]:
        os.unlink(old)
