"""Enrich: give library papers known only by their title (from a text digest) their arXiv id.

A text digest carries no ids, so its papers are keyed by a hash of the normalised title and
lack authors, upvotes and the full summary. Each such paper is looked up with the Hub's paper
search, `GET {HF_ENDPOINT}/api/papers/search?q=<title>` (huggingface_hub `HfApi.list_papers`,
hf_api.py L11867-11916 at ee0a4510: a JSON list of items shaped like `/api/daily_papers` items,
read with `PaperInfo(**item)`; hub-docs api.md: "Search the daily papers by keyword `q`"). See
`fetch.search_papers` and tests/fixtures/real/API.md.

The search is fuzzy, so a result is taken only when its normalised title is ours exactly: its
title id (`model.paper_id`, the normalisation the library's one-identity merge keys on) equals
our paper's id, and exactly one arXiv id answers to it. The match then goes through that merge
(`Library.add_to_library` through `library_index.add_and_index`, which keeps the saved index
current; the merge adopts the title entry): the arXiv id wins, the API's fields
(authors, upvotes, summary, AI summary, ...) fill the entry, and its days, read mark, new mark
and bookmark carry over, the bookmark's snapshot gaining the fetched fields. The paper keeps
the day, rank and source it was listed under, so no listing is invented.

Bounded: at most `limit` look-ups, one request each, all within `deadline` seconds; every match
is committed at once, so a run cut short (deadline, network gone) keeps what it found.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from papershelf.errors import UserError
from papershelf.fetch import DEFAULT_TIMEOUT_S, check_seconds, search_papers
from papershelf.library_index import add_and_index
from papershelf.model import Paper, paper_id

if TYPE_CHECKING:
    from papershelf.store import Store

__all__ = [
    "DEFAULT_DEADLINE_S",
    "DEFAULT_LIMIT",
    "DEFAULT_TIMEOUT_S",
    "EnrichResult",
    "EnrichStep",
    "candidates",
    "enrich",
    "exact_matches",
]

DEFAULT_LIMIT = 200
"""Look-ups per run unless told otherwise: one request each."""
DEFAULT_DEADLINE_S = 120.0
"""The whole run, every look-up included."""
_DEADLINE_SLACK_S = 0.05
_QUERY_MAX = 300
"""Characters of a title sent as the query; a longer "title" is not one the search knows."""


@dataclass(frozen=True)
class EnrichStep:
    """One look-up answered: reported after each, so a long run is visibly moving."""

    done: int
    total: int
    matched: int

    def __str__(self) -> str:
        return f"enrich: {self.done}/{self.total} looked up, {self.matched} matched…"


@dataclass
class EnrichResult:
    """What a run did. `asked` counts look-ups the server answered."""

    total: int
    """Papers this run set out to look up (at most the limit)."""
    waiting: int
    """Papers without an arXiv id in all, `total` of them included."""
    asked: int = 0
    matched: list[Paper] = field(default_factory=list)
    """Each matched paper as merged, under its arXiv id."""
    ambiguous: int = 0
    """Answered with several arXiv ids for the same title: left alone."""
    stopped: str | None = None
    """Why the run ended before its last look-up (the deadline, a network failure)."""

    @property
    def not_found(self) -> int:
        return self.asked - len(self.matched) - self.ambiguous

    def summary(self) -> str:
        """`3 matched, 37 not found` and what is left for a later run."""
        parts = [f"{len(self.matched)} matched", f"{self.not_found} not found"]
        if self.ambiguous:
            parts.append(f"{self.ambiguous} ambiguous")
        later = self.waiting - self.asked
        if later:
            parts.append(f"{later} not looked up")
        return ", ".join(parts)


def candidates(papers: Iterable[Paper]) -> list[Paper]:
    """The papers known only by their title: no arXiv id, and an id made from the title."""
    return [p for p in papers if p.arxiv_id is None and p.id.startswith("title:")]


def enrich(
    store: Store,
    papers: Sequence[Paper],
    *,
    limit: int = DEFAULT_LIMIT,
    timeout: float = DEFAULT_TIMEOUT_S,
    deadline: float = DEFAULT_DEADLINE_S,
    progress: Callable[[EnrichStep], None] | None = None,
) -> EnrichResult:
    """Look up the `candidates` among `papers` (in their order, the first `limit`) and merge
    each exact match into the library as it comes.

    A network, HTTP or format failure, or the deadline, ends the run: `stopped` says why and
    what was merged before stays. A store failure (read-only, damaged) is raised.
    """
    timeout = check_seconds(timeout, "timeout")
    deadline = check_seconds(deadline, "deadline")
    waiting = candidates(papers)
    todo = waiting[:limit]
    result = EnrichResult(total=len(todo), waiting=len(waiting))
    end = time.monotonic() + deadline
    for paper in todo:
        if time.monotonic() >= end:
            result.stopped = _past_deadline(deadline)
            break
        try:
            found = search_papers(
                paper.title[:_QUERY_MAX], timeout=timeout, until=end, deadline=deadline
            )
        except UserError as exc:
            # A wait cut short to meet the deadline ends within a few ms of it.
            past = time.monotonic() + _DEADLINE_SLACK_S >= end
            result.stopped = _past_deadline(deadline) if past else str(exc)
            break
        result.asked += 1
        matches = exact_matches(paper, found)
        if len(matches) > 1:
            result.ambiguous += 1
        elif matches:
            merged = replace(
                matches[0], date=paper.date, rank=paper.rank, source=_source(store, paper)
            )
            add_and_index(store, [merged], merged.source)  # the saved index follows
            result.matched.append(merged)
        if progress is not None:
            progress(EnrichStep(result.asked, result.total, len(result.matched)))
    return result


def exact_matches(paper: Paper, found: Sequence[Paper]) -> list[Paper]:
    """The results with an arXiv id whose normalised title is `paper`'s, one per arXiv id:
    near misses, however near, are not among them. Only a single one is a match."""
    same = {p.arxiv_id: p for p in found if p.arxiv_id and paper_id(p.title) == paper.id}
    return list(same.values())


def _source(store: Store, paper: Paper) -> str:
    """The source the paper was listed under on its day: the merged copy records the same
    listing, which the appearance table already holds, so no listing is added."""
    for day, source in store.appearances(paper.id):
        if day == paper.date:
            return source
    return paper.source


def _past_deadline(deadline: float) -> str:
    return f"the look-ups took longer than {deadline:g} s in all"
