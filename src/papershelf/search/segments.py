"""An index made of segments: the library's saved base index plus a small delta of the papers
written since, each mapped onto the positions of the current list.

Importing 100 papers into a 100k library must not cost a full rebuild (tens of seconds), so
the writer indexes only what it wrote (the delta) and the open puts the two together. A paper
lives in exactly one segment (the delta's copy replaces the base's, a paper no longer in the
library maps nowhere), so a query is answered segment by segment and ranked once over the
whole list: ties keep list order, as with one index. The delta's BM25 weights use its own
term statistics until the next full build merges it; which papers match is exact.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from papershelf.model import Paper
from papershelf.search.index import SearchIndex
from papershelf.search.query import Query
from papershelf.search.ranking import Scores, rank
from papershelf.search.terms import BoolArray, IntArray


class SegmentedIndex(SearchIndex):
    """`SearchIndex.search` over several indexes, each with `where[k]`: the list position of
    its paper k (-1: not in the list any more, or replaced by a later segment's copy)."""

    def __init__(
        self, papers: Sequence[Paper], segments: Sequence[tuple[SearchIndex, IntArray]]
    ) -> None:
        # No postings of its own: every lookup goes to the segments.
        self._papers = papers
        self._parts = [(index, where, where >= 0) for index, where in segments]
        for index, where, _ in self._parts:
            if len(where) != len(index):
                raise ValueError("a segment's positions do not match its papers")

    @property
    def titles_only(self) -> bool:
        return any(index.titles_only for index, _, _ in self._parts)

    def nbytes(self) -> int:
        return sum(index.nbytes() + where.nbytes for index, where, _ in self._parts)

    def search(self, query: Query) -> IntArray:
        n_docs = len(self._papers)
        if not query.has_text:
            return np.arange(n_docs, dtype=np.int64)
        elements = len(query.references) + len(query.words) + len(query.phrases)
        keep = np.zeros(n_docs, dtype=np.bool_)
        tiers = [np.zeros(n_docs, dtype=np.uint8) for _ in range(elements)]
        weights = [np.zeros(n_docs, dtype=np.float32) for _ in range(elements)]
        for index, where, live in self._parts:
            found, parts = index.evaluate(query)
            positions = where[live]
            keep[positions] = found[live]
            for k, part in enumerate(parts):
                tiers[k][positions] = part.tiers[live]
                weights[k][positions] = part.weights[live]
        hits = np.flatnonzero(keep).astype(np.int64)
        if not elements or not len(hits):
            return hits
        return rank(hits, [Scores(t, w) for t, w in zip(tiers, weights, strict=True)])

    def author_mask(self, name: str) -> BoolArray:
        mask = np.zeros(len(self._papers), dtype=np.bool_)
        for index, where, live in self._parts:
            mask[where[live]] = index.author_mask(name)[live]
        return mask

    def telling_terms(self, title: str, abstract: str, limit: int) -> dict[str, float]:
        """The base's (the first segment's) idea of the telling words: it holds nearly all."""
        return self._parts[0][0].telling_terms(title, abstract, limit)

    def related(self, terms: dict[str, float]) -> npt.NDArray[np.float32]:
        scores = np.zeros(len(self._papers), dtype=np.float32)
        for index, where, live in self._parts:
            scores[where[live]] = index.related(terms)[live]
        return scores

    def save(self, path: object, key: str) -> None:
        raise TypeError("a segmented index is saved segment by segment")
