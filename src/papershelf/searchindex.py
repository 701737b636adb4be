"""The storage half of the search: words, typo rules, the vocabulary and the posting arrays.

`search.py` turns a query into a ranking; this module answers the two questions it asks many
times per keystroke, fast enough for 100k papers: "which vocabulary words does this query word
match, and how well?" (`Vocabulary.match`) and "which papers hold those words, with what
weight?" (`FieldPostings`). Everything per posting lives in numpy arrays (no Python object per
posting), because pure-Python sets and sorts missed the keystroke budget by a factor of ten.

Matching rules (shared with `token_match`, which the highlighter uses on single titles):

* a word matches a vocabulary term exactly, as the start of the term (prefix), within an edit
  budget of the whole term (fuzzy), or - only for the query word still being typed - within an
  edit budget of the start of the term (fuzzy prefix); words of `INFIX_MIN` or more letters also
  match inside a term (infix);
* edits are Damerau's optimal string alignment: insert, delete, substitute, swap two neighbours.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from papershelf.text import fold

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: A word is a run of letters and digits (underscore and punctuation separate words).
WORD = re.compile(r"[^\W_]+")
#: Query words of this many characters or more also match in the middle of a term.
INFIX_MIN = 5
#: Columns of the per-term character matrix used to prefilter typo candidates.
CODE_WIDTH = 24
#: Documents per posting segment: local document numbers then fit in uint16.
SEGMENT_DOCS = 1 << 15
#: Documents tokenised per batch while building (bounds the temporary token lists).
CHUNK_DOCS = 256
#: BM25 parameters.
BM25_K1 = 1.2
#: BM25 length normalisation per field (title, abstract): a long real title should not lose
#: much to a short one that merely contains the word.
BM25_B = (0.3, 0.75)

# Bytes that are ASCII letters or digits stay, everything else becomes a space: on ASCII text,
# `bytes.translate` + `split` tokenises 3-5x faster than `WORD.findall` and gives the same words.
_ASCII_WORDS = bytes(b if chr(b).isascii() and chr(b).isalnum() else 0x20 for b in range(256))
# The same but bytes of multi-byte UTF-8 characters stay too (they are judged afterwards).
_UTF8_WORDS = bytes(b if b >= 0x80 else _ASCII_WORDS[b] for b in range(256))


class Level(IntEnum):
    """How a query word matched a term; lower is better."""

    EXACT = 0
    PREFIX = 1
    FUZZY = 2
    FUZZY_PREFIX = 3
    INFIX = 4


def whole_budget(length: int) -> int:
    """Edits allowed between a query word and a whole term: 0/1/2 for <=3 / 4-7 / >=8 letters."""
    return 0 if length <= 3 else 1 if length <= 7 else 2


def prefix_budget(length: int) -> int:
    """Edits allowed between the word being typed and a term's start: 0/1/2 for <=4 / 5-8 / >=9.

    Stricter than `whole_budget`: one typo on a 4-letter prefix made "lora" match "load".
    """
    return 0 if length <= 4 else 1 if length <= 8 else 2


def words(folded: str) -> list[str]:
    """The words of already folded text."""
    return WORD.findall(folded)


def _prefix_distance(word: str, token: str, budget: int) -> tuple[int, int]:
    """(edits, length) of the start of `token` closest to `word`, the longest on a tie.

    Edits come out as budget + 1 when no start of `token` is within the budget.
    """
    best, best_length = budget + 1, 0
    for length in range(max(1, len(word) - budget), min(len(token), len(word) + budget) + 1):
        edits = OSA.distance(word, token[:length], score_cutoff=budget)
        if edits <= min(best, budget):
            best, best_length = edits, length
    return best, best_length


def token_match(word: str, last: bool, token: str) -> tuple[Level, int, int] | None:
    """How folded query `word` matches folded `token`, and the matched part [start, end).

    The one-term definition of the rules `Vocabulary.match` applies to the whole vocabulary.
    """
    length = len(word)
    if not length:
        return None
    if token == word:
        return Level.EXACT, 0, length
    if token.startswith(word):
        return Level.PREFIX, 0, length
    budget = whole_budget(length)
    if (
        budget
        and abs(len(token) - length) <= budget
        and OSA.distance(word, token, score_cutoff=budget) <= budget
    ):
        return Level.FUZZY, 0, len(token)
    budget = prefix_budget(length) if last else 0
    if budget and len(token) >= length - budget:
        edits, end = _prefix_distance(word, token, budget)
        if edits <= budget:
            return Level.FUZZY_PREFIX, 0, end
    if length >= INFIX_MIN:
        start = token.find(word, 1)
        if start > 0:
            return Level.INFIX, start, start + length
    return None


def _char_codes(text: str) -> npt.NDArray[np.uint8]:
    """One byte per character for the prefilter: ASCII as is, others hashed into 128..254."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return np.where(points < 128, points, 128 + points % 127).astype(np.uint8)


@dataclass(frozen=True, slots=True)
class TermMatch:
    """The vocabulary terms one query word matches, grouped by `Level` (groups are disjoint)."""

    exact: int
    """Term id of the word itself, or -1."""
    prefix: tuple[int, int]
    """[lo, hi) of the terms that start with the word (the word itself excluded)."""
    fuzzy: IntArray
    fuzzy_prefix: IntArray
    infix: IntArray


_NO_TERMS: IntArray = np.zeros(0, dtype=np.int64)


class Vocabulary:
    """Every distinct word of the indexed texts, sorted, so that a prefix is one contiguous slice.

    Typo candidates are found without looking at each term in Python: a (CODE_WIDTH x terms)
    matrix of character codes lets numpy count, for every term at once, how many of the query's
    characters appear within `k` positions of where they should be; a term within k edits must
    have at least len(word) - k of them. Only the few survivors go to rapidfuzz.
    """

    def __init__(self, terms: list[str], codes: npt.NDArray[np.uint8] | None = None) -> None:
        self.terms = terms
        """Sorted, distinct."""
        self._codes = codes
        self._lengths: npt.NDArray[np.int32] | None = None
        self._joined: tuple[str, IntArray] | None = None

    def __len__(self) -> int:
        return len(self.terms)

    def warm(self) -> None:
        """Compute the lazy lookup tables now (in a worker) instead of on the first keystroke."""
        _ = self.codes, self.lengths, self.joined

    @property
    def lengths(self) -> npt.NDArray[np.int32]:
        if self._lengths is None:
            self._lengths = np.fromiter(map(len, self.terms), np.int32, count=len(self.terms))
        return self._lengths

    @property
    def codes(self) -> npt.NDArray[np.uint8]:
        """Character codes, one row per position, one column per term; 0 pads short terms."""
        if self._codes is None:
            codes = np.empty((CODE_WIDTH, len(self.terms)), dtype=np.uint8)
            step = 1 << 14  # terms at a time: the UTF-32 temporaries stay small
            for start in range(0, len(self.terms), step):
                block = self.terms[start : start + step]
                padded = "".join(t[:CODE_WIDTH].ljust(CODE_WIDTH, "\0") for t in block)
                codes[:, start : start + len(block)] = (
                    _char_codes(padded).reshape(len(block), CODE_WIDTH).T
                )
            self._codes = codes
        return self._codes

    @property
    def joined(self) -> tuple[str, IntArray]:
        """All terms in one newline-separated string and each term's start, for infix search."""
        if self._joined is None:
            starts = np.zeros(len(self.terms), dtype=np.int64)
            np.cumsum(self.lengths[:-1] + 1, out=starts[1:])
            self._joined = "\n".join(self.terms), starts
        return self._joined

    def find(self, term: str) -> int:
        """The id of `term`, or -1."""
        lo = bisect.bisect_left(self.terms, term)
        return lo if lo < len(self.terms) and self.terms[lo] == term else -1

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """[lo, hi) of the terms that start with `prefix` (the term itself included)."""
        lo = bisect.bisect_left(self.terms, prefix)
        return lo, bisect.bisect_left(self.terms, prefix + "\U0010ffff", lo)

    def match(self, word: str, last: bool) -> TermMatch:
        """Every term `word` matches under the rules of `token_match`, grouped by level."""
        lo, hi = self.prefix_range(word)
        exact = lo if lo < hi and self.terms[lo] == word else -1
        length = len(word)
        whole_k = whole_budget(length)
        prefix_k = prefix_budget(length) if last else 0
        fuzzy = fuzzy_prefix = _NO_TERMS
        window = max(whole_k, prefix_k)
        if window and len(self.terms):
            hits, needed = self._positional_hits(word, window)
            outside = np.ones(len(self.terms), dtype=np.bool_)
            outside[lo:hi] = False
            lengths = self.lengths
            if whole_k:
                near = (lengths >= length - whole_k) & (lengths <= length + whole_k)
                candidates = np.flatnonzero(near & outside & (hits >= needed - whole_k))
                fuzzy = self._verify_whole(word, candidates, whole_k)
                outside[fuzzy] = False
            if prefix_k:
                long_enough = lengths >= length - prefix_k
                candidates = np.flatnonzero(long_enough & outside & (hits >= needed - prefix_k))
                fuzzy_prefix = self._verify_prefix(word, candidates, prefix_k)
        infix = _NO_TERMS
        if length >= INFIX_MIN:
            infix = self._infix(word)
            keep = (infix < lo) | (infix >= hi)
            if len(fuzzy) or len(fuzzy_prefix):
                keep &= ~np.isin(infix, fuzzy) & ~np.isin(infix, fuzzy_prefix)
            infix = infix[keep]
        return TermMatch(exact, (lo + (exact >= 0), hi), fuzzy, fuzzy_prefix, infix)

    def _positional_hits(self, word: str, window: int) -> tuple[npt.NDArray[np.uint8], int]:
        """Per term, how many of the word's first J characters occur within `window` places.

        J is the number of positions the code matrix can check; returns (counts, J).
        """
        codes = self.codes
        checked = min(len(word), CODE_WIDTH - window)
        wanted = _char_codes(word[:checked])
        counts = np.zeros(len(self.terms), dtype=np.uint8)
        hit = np.empty(len(self.terms), dtype=np.bool_)
        same = np.empty(len(self.terms), dtype=np.bool_)
        for j in range(checked):
            hit.fill(False)
            for row in range(max(0, j - window), min(CODE_WIDTH, j + window + 1)):
                np.equal(codes[row], wanted[j], out=same)
                hit |= same
            counts += hit
        return counts, checked

    def _verify_whole(self, word: str, candidates: IntArray, budget: int) -> IntArray:
        if not len(candidates):
            return _NO_TERMS
        choices = [self.terms[i] for i in candidates.tolist()]
        edits = process.cdist(
            [word], choices, scorer=OSA.distance, score_cutoff=budget, dtype=np.int32
        )[0]
        found: IntArray = candidates[edits <= budget]
        return found

    def _verify_prefix(self, word: str, candidates: IntArray, budget: int) -> IntArray:
        if not len(candidates):
            return _NO_TERMS
        choices = [self.terms[i] for i in candidates.tolist()]
        best = np.full(len(choices), budget + 1, dtype=np.int32)
        for length in range(max(1, len(word) - budget), len(word) + budget + 1):
            starts = [c[:length] for c in choices]
            edits = process.cdist(
                [word], starts, scorer=OSA.distance, score_cutoff=budget, dtype=np.int32
            )[0]
            np.minimum(best, edits, out=best)
        return candidates[best <= budget]

    def _infix(self, word: str) -> IntArray:
        joined, starts = self.joined
        positions = [m.start() for m in re.finditer(re.escape(word), joined)]
        if not positions:
            return _NO_TERMS
        where = np.asarray(positions, dtype=np.int64)
        ids = np.searchsorted(starts, where, side="right") - 1
        return np.unique(ids[where > starts[ids]])


# --------------------------------------------------------------------------------------------
# Postings


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


def segment_bounds(n_docs: int) -> list[tuple[int, int]]:
    """[start, end) of each posting segment for a corpus of `n_docs` papers."""
    return [(s, min(n_docs, s + SEGMENT_DOCS)) for s in range(0, n_docs, SEGMENT_DOCS)]


def tokens(folded: str) -> list[bytes]:
    """The words of folded text as UTF-8 bytes (what the build interns); same as `words`."""
    if folded.isascii():
        return folded.encode("ascii").translate(_ASCII_WORDS).split()
    found: list[bytes] = []
    for token in folded.encode().translate(_UTF8_WORDS).split():
        if token.isascii():
            found.append(token)
        else:  # split only at ASCII bytes so far: let the regex judge the other characters
            found.extend(w.encode() for w in WORD.findall(token.decode()))
    return found


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
