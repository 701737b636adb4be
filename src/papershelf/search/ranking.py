"""How matches rank: a tier per query word, then BM25 weight within a tier, then list order.

Per query word, the tier says where and how it matched - title before abstract, then
exact > word start > typo > typo in a prefix, with mid-word matches below all of those, and
author names below everything (a name is rarely what a word typed into the filter is about) -
and tiers sum over the words. A paper a query names by id (`REFERENCE_TIER`) beats them all.
Within a tier a BM25 weight of the matched terms orders the papers
(so the paper about LoRA beats a title that merely mentions it); ties keep list order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from papershelf.search.postings import Selector
from papershelf.search.terms import IntArray, Level
from papershelf.search.vocabulary import TermMatch

TITLE, ABSTRACT, AUTHORS = 0, 1, 2
"""The indexed fields, in the order the index keeps them (a titles-only index keeps an empty
abstract field: author names are few words, cheap enough for the quick scan too)."""

# Tier of a match by (field, level), in half points so it fits a uint8 and sums exactly. Title
# beats abstract, then the level decides; mid-word (infix) matches rank below all the others.
TIERS: dict[tuple[int, Level], int] = {
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
    # No infix for names: "dao" inside "Vodao" is noise, not a person.
    (AUTHORS, Level.EXACT): 2,
    (AUTHORS, Level.PREFIX): 2,
    (AUTHORS, Level.FUZZY): 1,
    (AUTHORS, Level.FUZZY_PREFIX): 1,
}
REFERENCE_TIER = 200
"""The tier of the paper whose id the query names: above any match of any one word."""
BEST_TIER = max(*TIERS.values(), REFERENCE_TIER)
# How much a matched term's BM25 weight counts, by level: the word's own postings decide the
# order within a tier; its typo neighbours ("demo" for "lemo") only break ties. Tuned on the
# bench corpus, where the real LoRA/LeMo/Schrödinger papers must beat synthetic look-alikes.
LEVEL_WEIGHT = {
    Level.EXACT: 1.0,
    Level.PREFIX: 0.6,
    Level.FUZZY: 0.3,
    Level.FUZZY_PREFIX: 0.2,
    Level.INFIX: 0.1,
}
#: The summed BM25 weight w of a word becomes w / (w + SATURATION), in [0, 1).
SATURATION = 4.0
#: Words this short are ranked by tier only (see `SearchIndex._score_terms`).
UNWEIGHTED_MAX = 2


@dataclass(frozen=True, slots=True)
class Scores:
    """One query element's match over all papers: tier 0 means no match."""

    tiers: npt.NDArray[np.uint8]
    weights: npt.NDArray[np.float32]


def term_groups(match: TermMatch) -> list[tuple[Level, Selector]]:
    """The terms a word matched, as (level, terms) groups to look up in the postings."""
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


def rank(hits: IntArray, parts: list[Scores]) -> IntArray:
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
    worst = BEST_TIER * len(parts)
    by_tier = worst - tiers
    key_type = np.uint16 if worst <= scale else np.int64
    order = np.lexsort((by_weight.astype(np.uint16), by_tier.astype(key_type)))
    result: IntArray = hits[order]
    return result
