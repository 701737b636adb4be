"""`SearchIndex`: an inverted index over a fixed list of papers, fast enough per keystroke.

The filter bar calls `SearchIndex.search` on every keystroke, so it has to stay index-fast at
100k papers (see design.md, "Search index"): each query word is matched against the sorted
`Vocabulary` once, its papers gathered from the `FieldPostings` arrays, and recent words'
answers cached, so typing recomputes only the last word. Phrases are narrowed by their words'
postings, then verified in the folded texts.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import os
import re
import threading
import zipfile
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast, overload

import numpy as np
import numpy.typing as npt

from papershelf.mathtext import search_text
from papershelf.model import Paper
from papershelf.search.postings import FieldPostings, Selector, build_postings, segment_bounds
from papershelf.search.query import Phrase, Query, QueryWord, phrase_pattern
from papershelf.search.ranking import (
    ABSTRACT,
    AUTHORS,
    LEVEL_WEIGHT,
    REFERENCE_TIER,
    SATURATION,
    TIERS,
    TITLE,
    UNWEIGHTED_MAX,
    Scores,
    rank,
    term_groups,
)
from papershelf.search.terms import BoolArray, IntArray, Level, words
from papershelf.search.vocabulary import CODE_WIDTH, Vocabulary
from papershelf.text import fold

_CACHE_SIZE = 24
_FORMAT = 2
"""Version of the saved file layout (`SearchIndex.save`); 2 added the authors field."""
AUTHOR_SEPARATOR = "; "
"""Between the names of the authors field: no phrase spans it (a phrase's words are separated
by blanks only), so `"dao albert"` cannot join two people's names."""
_PHRASE_BATCH = 2048

TextSource = Callable[[Sequence[int]], list[str]]
"""The abstracts of the papers at these positions, for papers that do not carry theirs (a
library's `ListedPaper`s, whose abstracts stay in the database)."""


def _title(paper: Paper) -> str:
    return search_text(paper.title)  # the rendered math too: search finds what rows show


def _abstract(paper: Paper) -> str:
    return paper.abstract


def _authors(paper: Paper) -> str:
    return AUTHOR_SEPARATOR.join(paper.authors)


_TEXT_OF = {TITLE: _title, AUTHORS: _authors, ABSTRACT: _abstract}


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


def _holds_all(tokens: list[str], matched: list[set[str]]) -> bool:
    """Whether each set in `matched` holds one of the `tokens` (the words of one name)."""
    return all(any(token in terms for token in tokens) for terms in matched)


class _Blocks(Sequence[str]):
    """A text column read through a `TextSource` a block at a time, in order: building the
    index of 100k papers then holds a few thousand abstracts, not all of them (~150 MB)."""

    _SIZE = 4096

    def __init__(self, source: TextSource, length: int) -> None:
        self._source = source
        self._length = length
        self._start = -1
        self._block: list[str] = []

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._length))]
        if not 0 <= i < self._length:
            raise IndexError(i)
        if not self._start <= i < self._start + len(self._block):
            self._start = i - i % self._SIZE
            end = min(self._length, self._start + self._SIZE)
            self._block = self._source(range(self._start, end))
        return self._block[i - self._start]


class SearchIndex:
    """An inverted index over the titles, author names (and abstracts) of a fixed list of papers.

    Build it in a worker (`build` takes seconds at 100k papers; `load` a fraction of that);
    `search` is then cheap enough per keystroke. Results for recent query words are cached, so
    typing recomputes only the last word. Safe to share between threads.
    """

    def __init__(
        self,
        papers: Sequence[Paper],
        vocabulary: Vocabulary,
        fields: list[FieldPostings],
        abstracts: TextSource | None = None,
        *,
        titles_only: bool = False,
    ) -> None:
        self._papers = papers
        self._abstracts = abstracts
        self._vocabulary = vocabulary
        self._fields = fields
        self._titles_only = titles_only
        self._segments = segment_bounds(len(papers))
        self._cache: OrderedDict[tuple[str, str, bool], Scores | BoolArray] = OrderedDict()
        self._lock = threading.Lock()
        self._by_arxiv_id: dict[str, list[int]] | None = None

    @classmethod
    def build(
        cls,
        papers: Sequence[Paper],
        *,
        titles_only: bool = False,
        abstracts: TextSource | None = None,
    ) -> SearchIndex:
        """Index every paper's title, authors and, unless `titles_only`, its abstract (read
        through `abstracts` when given, else from the papers). A titles-only index keeps an
        empty abstract field, so that every index has its fields in the same places."""
        abstract_column: Sequence[str]
        if titles_only:
            abstract_column = [""] * len(papers)
        elif abstracts is None:
            abstract_column = [p.abstract for p in papers]
        else:
            abstract_column = _Blocks(abstracts, len(papers))
        columns: list[Sequence[str]] = [
            [_title(p) for p in papers],
            abstract_column,
            [_authors(p) for p in papers],
        ]
        vocabulary, fields = build_postings(columns)
        del columns
        vocabulary.warm()
        return cls(papers, vocabulary, fields, abstracts, titles_only=titles_only)

    def __len__(self) -> int:
        return len(self._papers)

    @property
    def titles_only(self) -> bool:
        return self._titles_only

    def nbytes(self) -> int:
        """Memory held by the index arrays (not counting the vocabulary's strings)."""
        vocabulary = self._vocabulary
        tables = vocabulary.codes.nbytes + vocabulary.lengths.nbytes + vocabulary.joined[1].nbytes
        return tables + sum(f.nbytes() for f in self._fields)

    # -- search ------------------------------------------------------------------------------

    def search(self, query: Query) -> IntArray:
        """Indices into the papers that match the free text of `query`, best first.

        Filters are not applied here (`run_query` does that); ranking is `ranking`'s.
        """
        if not query.has_text:
            return np.arange(len(self._papers), dtype=np.int64)
        keep, parts = self.evaluate(query)
        hits = np.flatnonzero(keep).astype(np.int64)
        asked = len(query.references) + len(query.words) + len(query.phrases)
        if not parts or not len(hits) or len(parts) < asked:
            return hits
        return rank(hits, parts)

    def evaluate(self, query: Query) -> tuple[BoolArray, list[Scores]]:
        """Which papers match the free text of `query`, and each reference's, word's and
        phrase's scores (fewer when nothing was left to match), unranked: `search` ranks them,
        and an index made of segments (`search.segments`) ranks the scores of all its segments
        at once."""
        keep = np.ones(len(self._papers), dtype=np.bool_)
        parts: list[Scores] = [self._reference(arxiv_id) for arxiv_id in query.references]
        if parts:
            # Any of the named papers (and what cites them), not all: "2501.1 2502.2" asks for
            # both papers, which no single paper is.
            keep &= np.logical_or.reduce([part.tiers > 0 for part in parts])
        # Words first, phrases (which read texts) after; once nothing is left, stop: a long
        # pasted query costs no more than its words up to the first one that matches nothing.
        elements: list[QueryWord | Phrase] = [*query.words, *query.phrases]
        for element in elements:
            if not keep.any():
                return keep, parts
            part = self._word(element) if isinstance(element, QueryWord) else self._phrase(element)
            keep &= part.tiers > 0
            parts.append(part)
        for word in query.excluded_words:
            keep &= ~self._excluded_word(word)
        for phrase in query.excluded_phrases:
            if keep.any():
                keep &= self._phrase(phrase).tiers == 0
        return keep, parts

    def _cached(self, key: tuple[str, str, bool]) -> Scores | BoolArray | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def _remember(self, key: tuple[str, str, bool], value: Scores | BoolArray) -> None:
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)

    def _word(self, word: QueryWord) -> Scores:
        key = ("word", word.text, word.last)
        found = self._cached(key)
        if isinstance(found, Scores):
            return found
        match = self._vocabulary.match(word.text, word.last)
        scores = self._score_terms(term_groups(match), weighted=len(word.text) > UNWEIGHTED_MAX)
        self._remember(key, scores)
        return scores

    def _score_terms(self, groups: list[tuple[Level, Selector]], weighted: bool) -> Scores:
        """Tier and BM25 weight per paper for a word's matched terms (`groups`).

        Unweighted (for one- and two-letter words, which match most of the corpus and carry
        no meaning worth ranking by) skips the per-posting arithmetic, the bulk of the cost.
        """
        n_docs = len(self._papers)
        tiers = np.zeros(n_docs, dtype=np.uint8)
        total = np.zeros(n_docs, dtype=np.float32)
        jobs = sorted(
            (
                (TIERS[field, level], field, level, terms)
                for level, terms in groups
                for field in range(len(self._fields))
                if (field, level) in TIERS
            ),
            key=lambda job: job[0],
        )
        # Ascending tiers: a paper's best match is written last and wins. Names add no weight:
        # a co-author called Lora must not lift one title about LoRA above another.
        for tier, field, level, terms in jobs:
            postings = self._fields[field]
            factor = LEVEL_WEIGHT[level] / 255.0
            for segment, (start, end) in enumerate(self._segments):
                docs, weight = postings.gather(segment, terms, weighted and field != AUTHORS)
                if not len(docs):
                    continue
                tiers[start:end][docs] = tier
                if weight is not None:
                    counts = np.bincount(docs, weights=weight, minlength=end - start)
                    total[start:end] += counts * factor
        weights = (total / (total + SATURATION)).astype(np.float32)
        return Scores(tiers, weights)

    def _docs_in(self, field: int, terms: Selector) -> BoolArray:
        """Papers holding any of `terms` in `field`."""
        found = np.zeros(len(self._papers), dtype=np.bool_)
        for segment, (start, end) in enumerate(self._segments):
            docs, _ = self._fields[field].gather(segment, terms, weighted=False)
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

    def _phrase(self, phrase: Phrase) -> Scores:
        key = ("phrase", phrase.text, phrase.open_end)
        found = self._cached(key)
        if isinstance(found, Scores):
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
        # Ascending tiers: a paper's best field is written last and wins.
        for field in sorted(range(len(candidates)), key=lambda f: TIERS[f, Level.EXACT]):
            tiers[candidates[field]] = TIERS[field, Level.EXACT]
        scores = Scores(tiers, np.zeros(n_docs, dtype=np.float32))
        self._remember(key, scores)
        return scores

    def _cached_phrase_prefix(self, text: str) -> Scores | None:
        """The matches of an open phrase that `text` extends: a superset of `text`'s matches.

        Typing a phrase one key at a time then re-reads only the papers that matched so far.
        """
        best: tuple[int, Scores] | None = None
        with self._lock:
            for (kind, known, open_end), value in self._cache.items():
                usable = kind == "phrase" and open_end and isinstance(value, Scores)
                if usable and text.startswith(known) and (best is None or len(known) > best[0]):
                    assert isinstance(value, Scores)
                    best = len(known), value
        return best[1] if best else None

    def _verify_phrase(self, phrase: Phrase, field: int, candidates: BoolArray) -> BoolArray:
        """The candidates whose text in `field` holds the phrase (read: no word positions kept).

        Texts are folded and searched in batches joined by NUL (which no phrase can span but
        one containing a NUL, searched paper by paper): one regex scan per batch instead of a
        call per paper makes this 2-3x faster.
        """
        pattern = phrase_pattern(phrase)
        text_of = _TEXT_OF[field]
        source = self._abstracts if field == ABSTRACT else None
        waiting = np.flatnonzero(candidates)
        found = np.zeros(len(self._papers), dtype=np.bool_)
        for first in range(0, len(waiting), _PHRASE_BATCH):
            batch = waiting[first : first + _PHRASE_BATCH].tolist()
            if source is None:
                texts = [fold(text_of(self._papers[i])) for i in batch]
            else:
                texts = [fold(text) for text in source(batch)]
            found[[batch[k] for k in _matching(pattern, texts, "\0" in phrase.text)]] = True
        return found

    # -- more like this ----------------------------------------------------------------------

    def telling_terms(self, title: str, abstract: str, limit: int) -> dict[str, float]:
        """The `limit` words of a text that say most about it, with tf-idf weights: the
        question `related` asks. Short words, numbers and words only one paper holds (they
        relate it to nothing) are left out; title words count double. Words, not term ids,
        so that every segment of an index made of several can be asked."""
        counts: Counter[str] = Counter()
        for text, boost in ((title, 2), (abstract, 1)):
            for word in words(fold(text)):
                if len(word) > 2 and not word.isdigit():
                    counts[word] += boost
        idf = self._fields[-1 if len(self._fields) < 2 else 1].idf
        weights: dict[str, float] = {}
        for word, count in counts.items():
            # A plural asks for its singular too, and the other way round: no stemmer, but
            # "permutation" and "permutations" are one topic.
            for form in {word, word[:-1] if word.endswith("s") else word + "s"}:
                term = self._vocabulary.find(form)
                if term >= 0 and self._paper_count(term) > 1:
                    weight = (1.0 + math.log(count)) * float(idf[term])
                    weights[form] = max(weights.get(form, 0.0), weight)
        best = sorted(weights.items(), key=lambda item: -item[1])[:limit]
        return dict(best)

    def _paper_count(self, term: int) -> int:
        """How many papers hold `term` in their title or abstract (at most: a paper holding it
        in both counts twice, which only matters for words held by one paper)."""
        return sum(
            int(offsets[term + 1] - offsets[term])
            for postings in self._fields[:2]
            for offsets in postings.offsets
        )

    def related(self, terms: dict[str, float]) -> npt.NDArray[np.float32]:
        """Per paper, how much it shares of `terms` (from `telling_terms`): the sum over the
        terms of their weight times the paper's BM25 weight for them, title above abstract.

        One pass over each term's postings; at 100k papers and 25 terms, milliseconds.
        """
        scores = np.zeros(len(self._papers), dtype=np.float32)
        known = [(self._vocabulary.find(word), weight) for word, weight in terms.items()]
        known = [(term, weight) for term, weight in known if term >= 0]
        if not known:
            return scores
        ids = np.fromiter((t for t, _ in known), dtype=np.int64, count=len(known))
        wanted = np.fromiter((w for _, w in known), dtype=np.float32, count=len(known))
        for field, postings in enumerate(self._fields[:2]):
            factor = (1.5 if field == TITLE else 1.0) / 255.0
            for segment, (start, end) in enumerate(self._segments):
                offsets = postings.offsets[segment]
                docs, weight = postings.gather(segment, ids, weighted=True)
                if weight is None or not len(docs):
                    continue
                per_term = (offsets[ids + 1] - offsets[ids]).astype(np.int64)
                weight = weight * np.repeat(wanted, per_term)
                scores[start:end] += (
                    np.bincount(docs, weights=weight, minlength=end - start) * factor
                )
        return scores

    # -- papers named by id, authors ----------------------------------------------------------

    def _positions(self, arxiv_id: str) -> list[int]:
        """Where the papers with this arXiv id are (a table built on the first id asked)."""
        with self._lock:
            table = self._by_arxiv_id
        if table is None:
            table = {}
            for i, paper in enumerate(self._papers):
                if paper.arxiv_id:
                    table.setdefault(paper.arxiv_id, []).append(i)
            with self._lock:
                self._by_arxiv_id = table
        return table.get(arxiv_id, [])

    def _reference(self, arxiv_id: str) -> Scores:
        """The paper with this id on top (`REFERENCE_TIER`), then the papers citing the id."""
        key = ("reference", arxiv_id, False)
        found = self._cached(key)
        if isinstance(found, Scores):
            return found
        cited = self._phrase(Phrase(arxiv_id, open_end=False))
        tiers = cited.tiers.copy()
        tiers[self._positions(arxiv_id)] = REFERENCE_TIER
        scores = Scores(tiers, cited.weights)
        self._remember(key, scores)
        return scores

    def author_mask(self, name: str) -> BoolArray:
        """Papers with an author whose name matches every word of `name` (folded words joined
        by spaces, as `author:` keeps them): exactly, as a start, or with typos - never inside
        a word. The words must meet in one person's name: "tri dao" is not Tri X and Y Dao."""
        key = ("author", name, False)
        found = self._cached(key)
        if isinstance(found, np.ndarray):
            return found
        parts = name.split(" ")
        mask = np.ones(len(self._papers), dtype=np.bool_)
        matched: list[set[str]] = []
        for i, part in enumerate(parts):
            groups = term_groups(self._vocabulary.match(part, i == len(parts) - 1))
            within = np.zeros(len(self._papers), dtype=np.bool_)
            terms_of_part: set[str] = set()
            for level, terms in groups:
                if level != Level.INFIX:
                    within |= self._docs_in(AUTHORS, terms)
                    terms_of_part.update(self._vocabulary.strings(terms))
            matched.append(terms_of_part)
            mask &= within
            if not mask.any():
                break
        if len(parts) > 1 and mask.any():
            # Each word matched some name of the paper; now they must match the same name.
            # The words' matched terms are known, so a name is checked by set lookups.
            for i in np.flatnonzero(mask).tolist():
                names = fold(_authors(self._papers[i])).split(AUTHOR_SEPARATOR.strip())
                mask[i] = any(_holds_all(words(n), matched) for n in names)
        self._remember(key, mask)
        return mask

    # -- persistence -------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str], key: str) -> None:
        """Write the index to `path` (atomically), tagged with the caller's content `key`."""
        target = Path(path)
        meta = {
            "format": _FORMAT,
            "key": key,
            "papers": len(self._papers),
            "fields": len(self._fields),
            "titles_only": self._titles_only,
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
        cls,
        path: str | os.PathLike[str],
        papers: Sequence[Paper],
        key: str,
        abstracts: TextSource | None = None,
    ) -> SearchIndex | None:
        """The index saved at `path` for these papers, or None if missing, stale or damaged."""
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls._from_arrays(dict(data.items()), papers, key, abstracts)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None

    @classmethod
    def _from_arrays(
        cls,
        data: dict[str, npt.NDArray[np.generic]],
        papers: Sequence[Paper],
        key: str,
        abstracts: TextSource | None = None,
    ) -> SearchIndex | None:
        meta = json.loads(data["meta"].tobytes().decode())
        segments = segment_bounds(len(papers))
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT or meta.get("key") != key:
            return None
        if meta.get("papers") != len(papers) or meta.get("segments") != len(segments):
            return None
        n_fields = meta.get("fields")
        if n_fields != len(_TEXT_OF):
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
        return cls(
            papers, vocabulary, fields, abstracts, titles_only=meta.get("titles_only") is True
        )
