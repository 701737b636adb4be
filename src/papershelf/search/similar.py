"""Similar papers and recommendations, computed locally from the search index's postings.

No service and no model: a paper's most telling words (tf-idf over title and abstract) are
asked of the index as one weighted query, "more like this" in Lucene's terms, and the papers
sharing most of their weight come first. Recommendations ask the same question of the words
of every bookmarked paper at once, as arxiv-sanity ranks by closeness to what a reader tagged.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from papershelf.model import Paper
from papershelf.search.index import SearchIndex

TERMS = 25
"""Words asked per paper: enough to say what it is about, few enough to stay fast."""
TERMS_PER_LIKED = 12
"""Words each bookmarked paper adds to the recommendation question."""
MIN_SHARE = 0.05
"""A related paper must score at least this share of the best one: the rest share a word or
two by chance."""


@dataclass(frozen=True, slots=True)
class Related:
    """A paper of the index (its position) and how close it is, with the paper it is closest
    to when that is the answer's reason (recommendations)."""

    doc: int
    score: float
    because: int | None = None


def similar(
    index: SearchIndex,
    papers: Sequence[Paper],
    doc: int,
    limit: int = 10,
    *,
    full: Callable[[Sequence[Paper]], Sequence[Paper]] = list,
) -> list[Related]:
    """The papers most like `papers[doc]`, best first; never the paper itself. `full` reads
    whole papers where the list holds compact rows (their abstracts wait in the library)."""
    paper = full([papers[doc]])[0]
    scores = index.related(index.telling_terms(paper.title, paper.abstract, TERMS))
    scores[doc] = 0.0
    return _best(scores, limit)


def recommend(
    index: SearchIndex,
    papers: Sequence[Paper],
    liked: Sequence[int],
    skip: Collection[int] = (),
    limit: int = 20,
    *,
    full: Callable[[Sequence[Paper]], Sequence[Paper]] = list,
) -> list[Related]:
    """Papers closest to the `liked` ones taken together (the reader's bookmarks), leaving out
    `skip` (read papers) and the liked papers themselves; each says which liked paper it is
    closest to."""
    if not liked:
        return []
    question: dict[str, float] = {}
    per_liked: list[dict[str, float]] = []
    for paper in full([papers[doc] for doc in liked]):
        terms = index.telling_terms(paper.title, paper.abstract, TERMS_PER_LIKED)
        per_liked.append(terms)
        for term, weight in terms.items():
            question[term] = question.get(term, 0.0) + weight
    scores = index.related(question)
    left_out = np.fromiter((*liked, *skip), dtype=np.int64)
    scores[left_out[left_out < len(scores)]] = 0.0
    found = _best(scores, limit)
    texts = full([papers[r.doc] for r in found])
    return [
        Related(r.doc, r.score, _closest(index, text, liked, per_liked))
        for r, text in zip(found, texts, strict=True)
    ]


def _closest(
    index: SearchIndex, paper: Paper, liked: Sequence[int], per_liked: Sequence[dict[str, float]]
) -> int:
    """Which liked paper shares most telling words with `paper` (the recommendation's reason)."""
    own = index.telling_terms(paper.title, paper.abstract, TERMS)
    overlaps = [sum(min(w, own[t]) for t, w in terms.items() if t in own) for terms in per_liked]
    return liked[max(range(len(liked)), key=overlaps.__getitem__)]


def _best(scores: npt.NDArray[np.float32], limit: int) -> list[Related]:
    if limit <= 0 or not len(scores):
        return []
    top = float(scores.max())
    if top <= 0.0:
        return []
    count = min(limit, len(scores))
    picked = np.argpartition(-scores, count - 1)[:count]
    picked = picked[np.argsort(-scores[picked], kind="stable")]
    return [Related(int(d), float(scores[d])) for d in picked if scores[d] >= top * MIN_SHARE]
