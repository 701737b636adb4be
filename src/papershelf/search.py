"""Query -> ranked papers, and the spans of a title to highlight. No UI here.

The filter bar calls `SearchIndex.search` on every keystroke, so it has to stay index-fast at
100k papers (see design.md, "Search index"); `scan_search` answers the same questions without a
prebuilt index, and `highlight_spans` says which characters of a title matched.

Query language (plain text, never raises):

* words: every word must match, in the title or the abstract, exactly, as a word start, or with
  a few typos (see `searchindex.whole_budget`); the last word, still being typed, also matches
  as a typo-tolerant prefix; words of 5+ letters also match inside longer words ("graph" finds
  "Subgraph"). Case and accents fold ("schrodinger" finds "Schrödinger").
* `"exact phrase"`: a case- and accent-insensitive substring on word boundaries; a quote left
  open runs to the end of the query and its last word may still be a prefix.
* `-word` / `-"phrase"`: leave out papers where the word matches exactly or as a prefix (never
  by typo), or where the phrase occurs.
* anything else (`key:value`, punctuation) is just words.

Ranking, best first: per query word, a tier - title before abstract, then exact > word start >
typo > typo in a prefix, with mid-word matches below all of those - summed over the words;
within a tier a BM25 weight of the matched terms (so the paper about LoRA beats a title that
merely mentions it); then digest order.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import os
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt

from papershelf.model import Paper
from papershelf.searchindex import (
    CODE_WIDTH,
    WORD,
    BoolArray,
    FieldPostings,
    IntArray,
    Level,
    TermMatch,
    Vocabulary,
    build_postings,
    segment_bounds,
    token_match,
    words,
)
from papershelf.text import fold

__all__ = [
    "Phrase",
    "Query",
    "QueryWord",
    "SearchIndex",
    "highlight_spans",
    "parse_query",
    "scan_search",
]

# --------------------------------------------------------------------------------------------
# Query parsing

# A phrase (optionally negated, maybe unclosed) or a run of anything but blanks and quotes.
_QUERY_PART = re.compile(r'(-?)"([^"]*)("?)|([^\s"]+)')


@dataclass(frozen=True, slots=True)
class QueryWord:
    text: str
    """Folded; letters and digits only."""
    last: bool
    """Still being typed (nothing after it in the query): also matches as a fuzzy prefix."""


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    """Folded, blanks collapsed to single spaces; holds at least one word."""
    open_end: bool
    """Its last word may continue (an unclosed quote at the end of the query, or a `-word`)."""


@dataclass(frozen=True, slots=True)
class Query:
    words: tuple[QueryWord, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    excluded_words: tuple[str, ...] = ()
    excluded_phrases: tuple[Phrase, ...] = ()

    @property
    def blank(self) -> bool:
        """Nothing to filter by: every paper matches, in digest order."""
        return not (self.words or self.phrases or self.excluded_words or self.excluded_phrases)


def _ends_in_word(text: str) -> bool:
    return bool(text) and WORD.fullmatch(text[-1]) is not None


def parse_query(query: str) -> Query:
    """Split a query into words, phrases and exclusions (see the module docstring)."""
    found: list[QueryWord] = []
    phrases: list[Phrase] = []
    excluded: list[str] = []
    excluded_phrases: list[Phrase] = []
    for part in _QUERY_PART.finditer(query):
        at_end = part.end() == len(query)
        raw = part.group(4)
        if raw is None:
            text = " ".join(fold(part.group(2)).split())
            if not WORD.search(text):
                continue
            closed = part.group(3) == '"'
            open_end = not closed and _ends_in_word(fold(part.group(2)))
            phrase = Phrase(text, open_end)
            (excluded_phrases if part.group(1) else phrases).append(phrase)
            continue
        negative = raw.startswith("-")
        folded = fold(raw.lstrip("-") if negative else raw)
        these = words(folded)
        if not these:
            continue
        if negative:
            if len(these) == 1:
                excluded.append(these[0])
            else:
                excluded_phrases.append(Phrase(" ".join(folded.split()), open_end=True))
            continue
        typing = at_end and _ends_in_word(folded)
        found.extend(QueryWord(w, typing and i == len(these) - 1) for i, w in enumerate(these))
    return Query(tuple(found), tuple(phrases), tuple(excluded), tuple(excluded_phrases))


def _phrase_pattern(phrase: Phrase) -> re.Pattern[str]:
    """Matches `phrase` in folded text: blanks match any blanks, the ends sit on word edges.

    The start-of-word check comes after the first character, not before it: a pattern that
    opens with a literal lets the regex engine skip ahead to it, about 15x faster.
    """
    body = r"\s+".join(re.escape(part) for part in phrase.text.split(" "))
    if WORD.match(phrase.text):
        first = re.escape(phrase.text[0])
        body = first + r"(?<![^\W_].)" + body[len(first) :]
    end = r"(?![^\W_])" if _ends_in_word(phrase.text) and not phrase.open_end else ""
    return re.compile(body + end)


# --------------------------------------------------------------------------------------------
# Ranking

TITLE, ABSTRACT = 0, 1

# Tier of a match by (field, level), in half points so it fits a uint8 and sums exactly. Title
# beats abstract, then the level decides; mid-word (infix) matches rank below all the others.
_TIERS: dict[tuple[int, Level], int] = {
    (TITLE, Level.EXACT): 24,
    (TITLE, Level.PREFIX): 22,
    (TITLE, Level.FUZZY): 18,
    (TITLE, Level.FUZZY_PREFIX): 16,
    (ABSTRACT, Level.EXACT): 12,
    (ABSTRACT, Level.PREFIX): 11,
    (ABSTRACT, Level.FUZZY): 9,
    (ABSTRACT, Level.FUZZY_PREFIX): 8,
    (TITLE, Level.INFIX): 6,
    (ABSTRACT, Level.INFIX): 3,
}
_BEST_TIER = max(_TIERS.values())
# How much a matched term's BM25 weight counts, by level: the word's own postings decide the
# order within a tier; its typo neighbours ("demo" for "lemo") only break ties. Tuned on the
# bench corpus, where the real LoRA/LeMo/Schrödinger papers must beat synthetic look-alikes.
_LEVEL_WEIGHT = {
    Level.EXACT: 1.0,
    Level.PREFIX: 0.6,
    Level.FUZZY: 0.3,
    Level.FUZZY_PREFIX: 0.2,
    Level.INFIX: 0.1,
}
# The summed BM25 weight w of a word becomes w / (w + _SATURATION), in [0, 1).
_SATURATION = 4.0
_CACHE_SIZE = 24
# Words this short are ranked by tier only (see `SearchIndex._score_terms`).
_UNWEIGHTED_MAX = 2

Selector = tuple[int, int] | IntArray
"""Vocabulary terms: a [lo, hi) range (a prefix) or an array of term ids."""


@dataclass(frozen=True, slots=True)
class _Scores:
    """One query element's match over all papers: tier 0 means no match."""

    tiers: npt.NDArray[np.uint8]
    weights: npt.NDArray[np.float32]


def _groups(match: TermMatch) -> list[tuple[Level, Selector]]:
    groups: list[tuple[Level, Selector]] = []
    if match.exact >= 0:
        groups.append((Level.EXACT, (match.exact, match.exact + 1)))
    if match.prefix[0] < match.prefix[1]:
        groups.append((Level.PREFIX, match.prefix))
    for level, ids in (
        (Level.FUZZY, match.fuzzy),
        (Level.FUZZY_PREFIX, match.fuzzy_prefix),
        (Level.INFIX, match.infix),
    ):
        if len(ids):
            groups.append((level, ids))
    return groups


def _gather(
    field: FieldPostings, segment: int, terms: Selector, weighted: bool = True
) -> tuple[npt.NDArray[np.uint16], npt.NDArray[np.float32] | None]:
    """Local doc numbers holding `terms` in one segment, and idf * tf-weight per posting."""
    offsets = field.offsets[segment]
    docs = field.docs[segment]
    if isinstance(terms, tuple):
        lo, hi = terms
        first, end = int(offsets[lo]), int(offsets[hi])
        found = docs[first:end]
        if not weighted or not len(found):
            return found, None
        raw = field.weights[segment][first:end].astype(np.float32)
        if hi - lo == 1:
            return found, raw * field.idf[lo]
        return found, raw * np.repeat(field.idf[lo:hi], np.diff(offsets[lo : hi + 1]))
    starts = offsets[terms].astype(np.int64)
    counts = offsets[terms + 1] - starts
    total = int(counts.sum())
    if not total:
        return docs[:0], None
    where = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    where += np.arange(total, dtype=np.int64)
    if not weighted:
        return docs[where], None
    raw = field.weights[segment][where].astype(np.float32)
    return docs[where], raw * np.repeat(field.idf[terms], counts)


def _rank(hits: IntArray, parts: list[_Scores]) -> IntArray:
    """`hits` ordered by summed tier, then summed weight (both descending), then position.

    `np.lexsort` on uint16 keys is a stable radix sort: 2-3x faster than sorting packed int64
    keys, which matters when a one-letter query matches nearly every paper.
    """
    tiers = np.zeros(len(hits), dtype=np.int64)
    weight = np.zeros(len(hits), dtype=np.float64)
    for part in parts:
        tiers += part.tiers[hits]
        weight += part.weights[hits]
    scale = (1 << 16) - 1
    by_weight = scale - np.clip(np.rint(weight * (scale / len(parts))), 0, scale)
    worst = _BEST_TIER * len(parts)
    by_tier = worst - tiers
    key_type = np.uint16 if worst <= scale else np.int64
    order = np.lexsort((by_weight.astype(np.uint16), by_tier.astype(key_type)))
    result: IntArray = hits[order]
    return result


_PHRASE_BATCH = 2048


def _title(paper: Paper) -> str:
    return paper.title


def _abstract(paper: Paper) -> str:
    return paper.abstract


def _matching(pattern: re.Pattern[str], texts: list[str], one_by_one: bool) -> list[int]:
    """Positions in `texts` of the texts `pattern` occurs in."""
    if one_by_one:
        return [k for k, text in enumerate(texts) if pattern.search(text)]
    starts = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))
    joined = "\0".join(texts)
    found: list[int] = []
    position = 0
    while (match := pattern.search(joined, position)) is not None:
        k = bisect.bisect_right(starts, match.start()) - 1
        found.append(k)
        position = starts[k + 1]
    return found


class SearchIndex:
    """An inverted index over the titles (and abstracts) of a fixed list of papers.

    Build it in a worker (`build` takes seconds at 100k papers; `load` a fraction of that);
    `search` is then cheap enough per keystroke. Results for recent query words are cached, so
    typing recomputes only the last word. Safe to share between threads.
    """

    def __init__(
        self,
        papers: Sequence[Paper],
        vocabulary: Vocabulary,
        fields: list[FieldPostings],
    ) -> None:
        self._papers = papers
        self._vocabulary = vocabulary
        self._fields = fields
        self._segments = segment_bounds(len(papers))
        self._cache: OrderedDict[tuple[str, str, bool], _Scores | BoolArray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def build(cls, papers: Sequence[Paper], *, titles_only: bool = False) -> SearchIndex:
        """Index every paper's title and, unless `titles_only`, its abstract."""
        columns = [[p.title for p in papers]]
        if not titles_only:
            columns.append([p.abstract for p in papers])
        vocabulary, fields = build_postings(columns)
        vocabulary.warm()
        return cls(papers, vocabulary, fields)

    def __len__(self) -> int:
        return len(self._papers)

    @property
    def titles_only(self) -> bool:
        return len(self._fields) == 1

    def nbytes(self) -> int:
        """Memory held by the index arrays (not counting the vocabulary's strings)."""
        vocabulary = self._vocabulary
        tables = vocabulary.codes.nbytes + vocabulary.lengths.nbytes + vocabulary.joined[1].nbytes
        return tables + sum(f.nbytes() for f in self._fields)

    # -- search ------------------------------------------------------------------------------

    def search(self, query: str) -> IntArray:
        """Indices into the papers that match `query`, best first (see the module docstring)."""
        parsed = parse_query(query)
        n_docs = len(self._papers)
        if parsed.blank:
            return np.arange(n_docs, dtype=np.int64)
        keep = np.ones(n_docs, dtype=np.bool_)
        parts: list[_Scores] = []
        # Words first, phrases (which read texts) after; once nothing is left, stop: a long
        # pasted query costs no more than its words up to the first one that matches nothing.
        elements: list[QueryWord | Phrase] = [*parsed.words, *parsed.phrases]
        for element in elements:
            if not keep.any():
                return np.zeros(0, dtype=np.int64)
            part = self._word(element) if isinstance(element, QueryWord) else self._phrase(element)
            keep &= part.tiers > 0
            parts.append(part)
        for word in parsed.excluded_words:
            keep &= ~self._excluded_word(word)
        for phrase in parsed.excluded_phrases:
            if keep.any():
                keep &= self._phrase(phrase).tiers == 0
        hits = np.flatnonzero(keep).astype(np.int64)
        if not parts or not len(hits):
            return hits
        return _rank(hits, parts)

    def _cached(self, key: tuple[str, str, bool]) -> _Scores | BoolArray | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def _remember(self, key: tuple[str, str, bool], value: _Scores | BoolArray) -> None:
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)

    def _word(self, word: QueryWord) -> _Scores:
        key = ("word", word.text, word.last)
        found = self._cached(key)
        if isinstance(found, _Scores):
            return found
        match = self._vocabulary.match(word.text, word.last)
        scores = self._score_terms(_groups(match), weighted=len(word.text) > _UNWEIGHTED_MAX)
        self._remember(key, scores)
        return scores

    def _score_terms(self, groups: list[tuple[Level, Selector]], weighted: bool) -> _Scores:
        """Tier and BM25 weight per paper for a word's matched terms (`groups`).

        Unweighted (for one- and two-letter words, which match most of the corpus and carry
        no meaning worth ranking by) skips the per-posting arithmetic, the bulk of the cost.
        """
        n_docs = len(self._papers)
        tiers = np.zeros(n_docs, dtype=np.uint8)
        total = np.zeros(n_docs, dtype=np.float32)
        jobs = sorted(
            (
                (_TIERS[field, level], field, level, terms)
                for level, terms in groups
                for field in range(len(self._fields))
            ),
            key=lambda job: job[0],
        )
        # Ascending tiers: a paper's best match is written last and wins.
        for tier, field, level, terms in jobs:
            postings = self._fields[field]
            factor = _LEVEL_WEIGHT[level] / 255.0
            for segment, (start, end) in enumerate(self._segments):
                docs, weight = _gather(postings, segment, terms, weighted)
                if not len(docs):
                    continue
                tiers[start:end][docs] = tier
                if weight is not None:
                    counts = np.bincount(docs, weights=weight, minlength=end - start)
                    total[start:end] += counts * factor
        weights = (total / (total + _SATURATION)).astype(np.float32)
        return _Scores(tiers, weights)

    def _docs_in(self, field: int, terms: Selector) -> BoolArray:
        """Papers holding any of `terms` in `field`."""
        found = np.zeros(len(self._papers), dtype=np.bool_)
        for segment, (start, end) in enumerate(self._segments):
            docs, _ = _gather(self._fields[field], segment, terms, weighted=False)
            found[start:end][docs] = True
        return found

    def _excluded_word(self, word: str) -> BoolArray:
        key = ("exclude", word, False)
        found = self._cached(key)
        if isinstance(found, np.ndarray):
            return found
        terms = self._vocabulary.prefix_range(word)
        mask = np.zeros(len(self._papers), dtype=np.bool_)
        for field in range(len(self._fields)):
            mask |= self._docs_in(field, terms)
        self._remember(key, mask)
        return mask

    def _phrase(self, phrase: Phrase) -> _Scores:
        key = ("phrase", phrase.text, phrase.open_end)
        found = self._cached(key)
        if isinstance(found, _Scores):
            return found
        n_docs = len(self._papers)
        parts = words(phrase.text)
        # A phrase lies within one field, so each field must hold all of its words there.
        candidates = [np.ones(n_docs, dtype=np.bool_) for _ in self._fields]
        for i, part in enumerate(parts):
            if phrase.open_end and i == len(parts) - 1:
                terms: Selector = self._vocabulary.prefix_range(part)
            else:
                term = self._vocabulary.find(part)
                terms = (term, term + 1) if term >= 0 else (0, 0)
            for field, mask in enumerate(candidates):
                mask &= self._docs_in(field, terms)
        if not (len(parts) == 1 and parts[0] == phrase.text):
            # Unless the phrase is one bare word, which the postings answer exactly.
            narrower = self._cached_phrase_prefix(phrase.text)
            for field, mask in enumerate(candidates):
                if narrower is not None:
                    mask &= narrower.tiers > 0
                candidates[field] = self._verify_phrase(phrase, field, mask)
        tiers = np.zeros(n_docs, dtype=np.uint8)
        for field in reversed(range(len(candidates))):
            tiers[candidates[field]] = _TIERS[field, Level.EXACT]
        scores = _Scores(tiers, np.zeros(n_docs, dtype=np.float32))
        self._remember(key, scores)
        return scores

    def _cached_phrase_prefix(self, text: str) -> _Scores | None:
        """The matches of an open phrase that `text` extends: a superset of `text`'s matches.

        Typing a phrase one key at a time then re-reads only the papers that matched so far.
        """
        best: tuple[int, _Scores] | None = None
        with self._lock:
            for (kind, known, open_end), value in self._cache.items():
                usable = kind == "phrase" and open_end and isinstance(value, _Scores)
                if usable and text.startswith(known) and (best is None or len(known) > best[0]):
                    assert isinstance(value, _Scores)
                    best = len(known), value
        return best[1] if best else None

    def _verify_phrase(self, phrase: Phrase, field: int, candidates: BoolArray) -> BoolArray:
        """The candidates whose text in `field` holds the phrase (read: no word positions kept).

        Texts are folded and searched in batches joined by NUL (which no phrase can span but
        one containing a NUL, searched paper by paper): one regex scan per batch instead of a
        call per paper makes this 2-3x faster.
        """
        pattern = _phrase_pattern(phrase)
        text_of = _title if field == TITLE else _abstract
        waiting = np.flatnonzero(candidates)
        found = np.zeros(len(self._papers), dtype=np.bool_)
        for first in range(0, len(waiting), _PHRASE_BATCH):
            batch = waiting[first : first + _PHRASE_BATCH].tolist()
            texts = [fold(text_of(self._papers[i])) for i in batch]
            found[[batch[k] for k in _matching(pattern, texts, "\0" in phrase.text)]] = True
        return found

    # -- persistence -------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str], key: str) -> None:
        """Write the index to `path` (atomically), tagged with the caller's content `key`."""
        target = Path(path)
        meta = {
            "format": _FORMAT,
            "key": key,
            "papers": len(self._papers),
            "fields": len(self._fields),
            "segments": len(self._segments),
        }
        arrays: dict[str, npt.NDArray[np.generic]] = {
            "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            "terms": np.frombuffer("\n".join(self._vocabulary.terms).encode(), dtype=np.uint8),
            "codes": self._vocabulary.codes,
        }
        for f, postings in enumerate(self._fields):
            arrays[f"idf{f}"] = postings.idf
            for s in range(len(self._segments)):
                arrays[f"docs{f}_{s}"] = postings.docs[s]
                arrays[f"weights{f}_{s}"] = postings.weights[s]
                arrays[f"offsets{f}_{s}"] = postings.offsets[s]
        temporary = target.with_name(target.name + ".tmp")
        with open(temporary, "wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, target)

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], papers: Sequence[Paper], key: str
    ) -> SearchIndex | None:
        """The index saved at `path` for these papers, or None if missing, stale or damaged."""
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls._from_arrays(dict(data.items()), papers, key)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None

    @classmethod
    def _from_arrays(
        cls, data: dict[str, npt.NDArray[np.generic]], papers: Sequence[Paper], key: str
    ) -> SearchIndex | None:
        meta = json.loads(data["meta"].tobytes().decode())
        segments = segment_bounds(len(papers))
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT or meta.get("key") != key:
            return None
        if meta.get("papers") != len(papers) or meta.get("segments") != len(segments):
            return None
        n_fields = meta.get("fields")
        if n_fields not in (1, 2):
            return None
        text = data["terms"].tobytes().decode()
        terms = text.split("\n") if text else []
        codes = data["codes"]
        if codes.dtype != np.uint8 or codes.shape != (CODE_WIDTH, len(terms)):
            return None
        fields = []
        for f in range(n_fields):
            idf = data[f"idf{f}"]
            docs = tuple(data[f"docs{f}_{s}"] for s in range(len(segments)))
            weights = tuple(data[f"weights{f}_{s}"] for s in range(len(segments)))
            offsets = tuple(data[f"offsets{f}_{s}"] for s in range(len(segments)))
            if idf.dtype != np.float32 or idf.shape != (len(terms),):
                return None
            for (start, end), d, w, o in zip(segments, docs, weights, offsets, strict=True):
                valid = (
                    d.dtype == np.uint16
                    and w.dtype == np.uint8
                    and o.dtype == np.int32
                    and o.shape == (len(terms) + 1,)
                    and int(o[0]) == 0
                    and bool(np.all(np.diff(o) >= 0))
                    and len(d) == len(w) == int(o[-1])
                    and (not len(d) or int(d.max()) < end - start)
                )
                if not valid:
                    return None
            fields.append(
                FieldPostings(
                    cast(tuple[npt.NDArray[np.uint16], ...], docs),
                    cast(tuple[npt.NDArray[np.uint8], ...], weights),
                    cast(tuple[npt.NDArray[np.int32], ...], offsets),
                    cast(npt.NDArray[np.float32], idf),
                )
            )
        vocabulary = Vocabulary(terms, cast(npt.NDArray[np.uint8], codes))
        vocabulary.warm()
        return cls(papers, vocabulary, fields)


_FORMAT = 1


# --------------------------------------------------------------------------------------------
# Without an index


def scan_search(papers: Sequence[Paper], query: str, *, titles_only: bool = False) -> IntArray:
    """`SearchIndex.search` without a prebuilt index, for the moments before one is ready.

    It gives exactly what `SearchIndex.build(papers, titles_only=...).search(query)` gives, by
    indexing `papers` on the fly; that throwaway index is kept for the next call while `papers`
    is the same unchanged sequence, so someone typing pays for it once, not per keystroke.

    With abstracts that costs about 0.1 s per 1000 papers; at 100k papers use `titles_only`
    (title matches only, ~0.5 s once, then milliseconds), and full-text indexes of more than
    `_SCAN_KEEP_MAX` papers are not kept (they would double the memory of the real one).
    """
    if parse_query(query).blank:
        return np.arange(len(papers), dtype=np.int64)
    return _scan_index(papers, titles_only).search(query)


_SCAN_KEEP_MAX = 20_000
# The last index `scan_search` built: (sequence, fingerprint, index).
_last_scan: tuple[Sequence[Paper], tuple[int, ...], SearchIndex] | None = None
_last_scan_lock = threading.Lock()


def _scan_index(papers: Sequence[Paper], titles_only: bool) -> SearchIndex:
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


# --------------------------------------------------------------------------------------------
# Highlighting


def _fold_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """`fold(text)` and, per folded character, the [start, end) of the original it came from.

    A character that folds to nothing (a combining accent) joins the one before it, so that a
    highlighted "e" keeps its accent.
    """
    if text.isascii():
        return text.lower(), list(range(len(text))), list(range(1, len(text) + 1))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(text):
        folded = fold(char)
        if folded:
            parts.append(folded)
            starts.extend([i] * len(folded))
            ends.extend([i + 1] * len(folded))
        elif ends:
            owner = starts[-1]
            k = len(ends) - 1
            while k >= 0 and starts[k] == owner:
                ends[k] = i + 1
                k -= 1
    return "".join(parts), starts, ends


@functools.lru_cache(maxsize=32)
def _parsed_for_highlight(query: str) -> Query:
    """The list highlights every visible title with the same query: parse it once."""
    return parse_query(query)


def highlight_spans(query: str, text: str) -> list[tuple[int, int]]:
    """[start, end) spans of `text` that the query's words or phrases matched; sorted, disjoint.

    Offsets are into the original `text`, even where folding changed lengths ("ß" -> "ss").
    """
    parsed = _parsed_for_highlight(query)
    if not (parsed.words or parsed.phrases):
        return []
    folded, starts, ends = _fold_with_offsets(text)
    found: list[tuple[int, int]] = []
    if parsed.words:
        for token in WORD.finditer(folded):
            for word in parsed.words:
                matched = token_match(word.text, word.last, token.group())
                if matched is not None:
                    found.append((token.start() + matched[1], token.start() + matched[2]))
    for phrase in parsed.phrases:
        found.extend(
            m.span() for m in _phrase_pattern(phrase).finditer(folded) if m.end() > m.start()
        )
    spans: list[tuple[int, int]] = []
    for a, b in sorted(found):
        start, end = starts[a], ends[b - 1]
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans
