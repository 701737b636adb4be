"""The saved-index cache: same results as a fresh build, invalidated by a changed file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from papershelf.model import Paper, paper_id
from papershelf.search import SearchIndex, cache, parse_query


def papers(n: int) -> list[Paper]:
    words = ["graph", "neural", "diffusion", "permutation", "token", "sparsity", "retrieval"]
    out = []
    for i in range(n):
        title = f"{words[i % 7].title()} study {i} of {words[(i * 3) % 7]}"
        out.append(Paper(id=paper_id(title), title=title, abstract=f"We study {words[i % 5]}."))
    return out


def test_key_changes_with_the_file_and_is_none_for_stdin(tmp_path: Path) -> None:
    digest = tmp_path / "d.txt"
    digest.write_text("one")
    first = cache.cache_key([digest])
    assert first == cache.cache_key([str(digest)])
    digest.write_text("two, longer")
    assert cache.cache_key([digest]) != first
    assert cache.cache_key(["-"]) is None


def test_second_load_comes_from_the_cache_and_agrees(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cache, "MIN_PAPERS", 10)
    items = papers(50)
    built = cache.load_or_build(items, "k1")
    assert cache.cache_path("k1").is_file()

    def no_build(*args: object, **kwargs: object) -> SearchIndex:
        raise AssertionError("should have loaded the saved index")

    monkeypatch.setattr(SearchIndex, "build", no_build)
    loaded = cache.load_or_build(items, "k1")
    for query in ("graph", "permutaton", "study 1", "diff"):
        assert np.array_equal(loaded.search(parse_query(query)), built.search(parse_query(query)))


def test_a_read_only_cache_dir_still_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MIN_PAPERS", 10)

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(Path, "mkdir", refuse)
    index = cache.load_or_build(papers(20), "k2")
    assert len(index.search(parse_query("graph"))) > 0


def test_old_entries_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MIN_PAPERS", 10)
    for n in range(6):
        cache.load_or_build(papers(12), f"key{n}")
        path = cache.cache_path(f"key{n}")
        os.utime(path, (n, n))  # make the order of use unambiguous
    assert len(list(cache.cache_path("x").parent.glob("*.npz"))) <= 4
