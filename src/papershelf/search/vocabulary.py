"""Every distinct indexed word, sorted, and which of them a query word matches.

`Vocabulary.match` answers the question search asks once per query word, for every term at
once and fast enough for a 179k-word vocabulary: the rules are `terms.token_match`'s, and only
the few candidates that survive a numpy prefilter are checked with rapidfuzz.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from papershelf.search.terms import INFIX_MIN, IntArray, prefix_budget, whole_budget

#: Columns of the per-term character matrix used to prefilter typo candidates.
CODE_WIDTH = 24


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

    def strings(self, terms: tuple[int, int] | IntArray) -> list[str]:
        """The terms a selector names: a [lo, hi) range or an array of ids."""
        if isinstance(terms, tuple):
            return self.terms[terms[0] : terms[1]]
        return [self.terms[i] for i in terms.tolist()]

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
