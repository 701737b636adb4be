"""Posting arrays: which papers hold each vocabulary term, with what BM25 weight.

Everything per posting lives in numpy arrays (no Python object per posting), because
pure-Python sets and sorts missed the keystroke budget by a factor of ten. Building them is
what takes seconds at 100k papers; tokenising dominates.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from papershelf.search.terms import IntArray, tokens
from papershelf.search.vocabulary import Vocabulary
from papershelf.text import fold

#: Documents per posting segment: local document numbers then fit in uint16.
SEGMENT_DOCS = 1 << 15
#: Documents tokenised per batch while building (bounds the temporary token lists).
CHUNK_DOCS = 256
#: BM25 parameters.
BM25_K1 = 1.2
#: BM25 length normalisation per field (title, abstract, authors): a long real title should not
#: lose much to a short one that merely contains the word.
BM25_B = (0.3, 0.75, 0.5)

Selector = tuple[int, int] | IntArray
"""Vocabulary terms: a [lo, hi) range (a prefix) or an array of term ids."""


@dataclass(frozen=True, slots=True)
class FieldPostings:
    """One field's (title or abstract) inverted index, cut into segments of `SEGMENT_DOCS` papers.

    Within a segment the postings are term-major in vocabulary order, so all the terms that share
    a prefix own one contiguous slice. Document numbers are local to the segment (uint16); the
    weight is BM25's term-frequency part over (k1 + 1), tf / (tf + k1 * norm(length)), scaled
    to 1..255, so that a query multiplies it by the term's idf and sums.
    """

    docs: tuple[npt.NDArray[np.uint16], ...]
    weights: tuple[npt.NDArray[np.uint8], ...]
    offsets: tuple[npt.NDArray[np.int32], ...]
    """Per segment, len(vocabulary) + 1 start positions."""
    idf: npt.NDArray[np.float32]

    def nbytes(self) -> int:
        arrays: list[npt.NDArray[np.generic]] = [*self.docs, *self.weights, *self.offsets]
        return self.idf.nbytes + sum(a.nbytes for a in arrays)

    def gather(
        self, segment: int, terms: Selector, weighted: bool = True
    ) -> tuple[npt.NDArray[np.uint16], npt.NDArray[np.float32] | None]:
        """Local doc numbers holding `terms` in one segment, and idf * tf-weight per posting."""
        offsets = self.offsets[segment]
        docs = self.docs[segment]
        if isinstance(terms, tuple):
            lo, hi = terms
            first, end = int(offsets[lo]), int(offsets[hi])
            found = docs[first:end]
            if not weighted or not len(found):
                return found, None
            raw = self.weights[segment][first:end].astype(np.float32)
            if hi - lo == 1:
                return found, raw * self.idf[lo]
            return found, raw * np.repeat(self.idf[lo:hi], np.diff(offsets[lo : hi + 1]))
        starts = offsets[terms].astype(np.int64)
        counts = offsets[terms + 1] - starts
        total = int(counts.sum())
        if not total:
            return docs[:0], None
        where = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        where += np.arange(total, dtype=np.int64)
        if not weighted:
            return docs[where], None
        raw = self.weights[segment][where].astype(np.float32)
        return docs[where], raw * np.repeat(self.idf[terms], counts)


def segment_bounds(n_docs: int) -> list[tuple[int, int]]:
    """[start, end) of each posting segment for a corpus of `n_docs` papers."""
    return [(s, min(n_docs, s + SEGMENT_DOCS)) for s in range(0, n_docs, SEGMENT_DOCS)]


class _Interner(dict[bytes, int]):
    """Word -> id; an unseen word gets the next id (so ids follow first appearance)."""

    def __missing__(self, key: bytes) -> int:
        value = self[key] = len(self)
        return value


# A chunk's postings, term-major: (distinct term ids, postings per term, docs, frequencies).
_Chunk = tuple[
    npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.uint16], npt.NDArray[np.uint8]
]
_Segment = tuple[npt.NDArray[np.uint16], npt.NDArray[np.uint8], IntArray]
_BLOCK_POSTINGS = 1 << 18


class _FieldBuilder:
    """One field's postings, built segment by segment so temporaries stay one segment big."""

    def __init__(self, interner: _Interner, field: int) -> None:
        self._interner = interner
        self._field = field
        self._chunks: list[_Chunk] = []
        self._lengths: list[int] = []
        self._segments: list[_Segment] = []

    def add(self, toks: list[bytes], lengths: list[int], first_doc: int) -> None:
        """The tokens of consecutive documents (lengths[i] each), the first at local `first_doc`.

        Sorting (term << bits | doc) keys of the chunk orders its tokens term-major and
        brings repeats of a word in a document together, which gives the term frequencies.
        """
        self._lengths.extend(lengths)
        if not toks:
            return
        ids = np.fromiter(map(self._interner.__getitem__, toks), np.int64, count=len(toks))
        bits = max(1, (len(lengths) - 1).bit_length())
        docs = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        small = len(self._interner) < 1 << (32 - bits)
        keys = (ids << bits | docs).astype(np.uint32 if small else np.int64)
        del ids, docs
        keys.sort()
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        counts = np.diff(np.append(starts, len(keys)))
        unique = keys[starts].astype(np.int64)
        terms = unique >> bits
        firsts = np.flatnonzero(np.concatenate(([True], terms[1:] != terms[:-1])))
        self._chunks.append(
            (
                terms[firsts].astype(np.int32),
                np.diff(np.append(firsts, len(terms))).astype(np.int32),
                ((unique & ((1 << bits) - 1)) + first_doc).astype(np.uint16),
                np.minimum(counts, 255).astype(np.uint8),
            )
        )

    def end_segment(self) -> None:
        """Merge the chunks into one term-major segment (a counting sort: no sort needed)."""
        n_terms = len(self._interner)
        counts = np.zeros(n_terms, dtype=np.int64)
        for terms, sizes, _, _ in self._chunks:
            counts[terms] += sizes
        offsets = np.concatenate(([0], np.cumsum(counts)))
        docs = np.empty(int(offsets[-1]), dtype=np.uint16)
        freqs = np.empty(int(offsets[-1]), dtype=np.uint8)
        cursor = offsets[:-1].copy()
        while self._chunks:
            terms, sizes, local, tf = self._chunks.pop(0)
            # Each term's run goes to where that term's postings end so far.
            before = np.cumsum(sizes, dtype=np.int64) - sizes
            where = np.repeat(cursor[terms] - before, sizes)
            where += np.arange(len(local), dtype=np.int64)
            docs[where] = local
            freqs[where] = tf
            cursor[terms] += sizes
        self._segments.append((docs, freqs, counts))

    def finish(self, build_ids: IntArray) -> FieldPostings:
        """Reorder every segment into vocabulary order (`build_ids[k]` is the k-th term's id)
        and turn term frequencies into BM25 weights, now that the average length is known."""
        n_terms = len(build_ids)
        lengths = np.asarray(self._lengths, dtype=np.float32)
        average = float(lengths.mean()) if len(lengths) else 0.0
        b = BM25_B[min(self._field, len(BM25_B) - 1)]
        norm = BM25_K1 * (1 - b + b * lengths / (average or 1.0))
        df = np.zeros(n_terms, dtype=np.int64)
        docs_out, weights_out, offsets_out = [], [], []
        for start, _end in segment_bounds(len(lengths)):
            docs, freqs, counts = self._segments.pop(0)
            by_build = np.zeros(n_terms, dtype=np.int64)
            by_build[: len(counts)] = counts
            old_starts = np.concatenate(([0], np.cumsum(by_build)))[build_ids]
            per_term = by_build[build_ids]
            offsets = np.concatenate(([0], np.cumsum(per_term)))
            new_docs = np.empty_like(docs)
            new_weights = np.empty_like(freqs)
            # In blocks of terms, so the int64 gather index stays small.
            marks = np.searchsorted(offsets, np.arange(_BLOCK_POSTINGS, len(docs), _BLOCK_POSTINGS))
            bounds = np.unique(np.concatenate(([0], marks, [n_terms]))).tolist()
            for lo, hi in itertools.pairwise(bounds):
                sizes = per_term[lo:hi]
                where = np.repeat(old_starts[lo:hi] - offsets[lo:hi], sizes)
                where += np.arange(offsets[lo], offsets[hi], dtype=np.int64)
                local = docs[where]
                tf = freqs[where].astype(np.float32)
                weight = tf / (tf + norm[start + local.astype(np.int64)]) * 255.0
                new_docs[offsets[lo] : offsets[hi]] = local
                new_weights[offsets[lo] : offsets[hi]] = np.clip(np.rint(weight), 1, 255)
            docs_out.append(new_docs)
            weights_out.append(new_weights)
            offsets_out.append(offsets.astype(np.int32))
            df += per_term
        n_docs = len(lengths)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        return FieldPostings(tuple(docs_out), tuple(weights_out), tuple(offsets_out), idf)


def build_postings(fields: Sequence[Sequence[str]]) -> tuple[Vocabulary, list[FieldPostings]]:
    """Vocabulary and postings for parallel text columns (e.g. [titles, abstracts]).

    Tokenising dominates; it runs a chunk of documents at a time through C-level string
    methods (fold, translate, split, dict lookups via map), and numpy does the rest.
    """
    n_docs = len(fields[0]) if fields else 0
    interner = _Interner()
    builders = [_FieldBuilder(interner, f) for f in range(len(fields))]
    for seg_start, seg_end in segment_bounds(n_docs):
        for chunk_start in range(seg_start, seg_end, CHUNK_DOCS):
            chunk_end = min(seg_end, chunk_start + CHUNK_DOCS)
            for column, builder in zip(fields, builders, strict=True):
                texts = (column[i] for i in range(chunk_start, chunk_end))
                builder.add(*_chunk_tokens(texts), chunk_start - seg_start)
        for builder in builders:
            builder.end_segment()
    names = [t.decode() for t in interner]
    interner.clear()
    build_ids = np.array(sorted(range(len(names)), key=names.__getitem__), dtype=np.int64)
    vocabulary = Vocabulary([names[i] for i in build_ids.tolist()])
    del names
    return vocabulary, [builder.finish(build_ids) for builder in builders]


def _chunk_tokens(texts: Iterable[str]) -> tuple[list[bytes], list[int]]:
    toks: list[bytes] = []
    lengths: list[int] = []
    for text in texts:
        these = tokens(fold(text))
        toks += these
        lengths.append(len(these))
    return toks, lengths
