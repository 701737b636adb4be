"""Messages that workers post back to the app (small, typed, toolong-style)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from textual.message import Message

from papershelf.model import Paper
from papershelf.parser import ParseWarning
from papershelf.search import FilterColumns, Query, SearchIndex


@dataclass
class PapersLoaded(Message):
    """The sources were parsed: the list can paint before the index exists."""

    papers: Sequence[Paper]
    warnings: Sequence[ParseWarning]


@dataclass
class PapersPartial(Message):
    """The first papers of a big digest, to paint while the rest is parsed."""

    papers: Sequence[Paper]


@dataclass
class LoadFailed(Message):
    """The sources could not be read; `error` is the one-line user message."""

    error: str


@dataclass
class IndexReady(Message):
    """The full search index over `papers` is built."""

    papers: Sequence[Paper]
    index: SearchIndex
    columns: FilterColumns


@dataclass
class SearchDone(Message):
    """Results for `query` on the view `generation`; stale generations are dropped."""

    generation: int
    query: Query
    order: npt.NDArray[np.int64]


@dataclass
class FetchDone(Message):
    """A refresh from Hugging Face ended: counts and the new library, or an error line."""

    seen: int = 0
    new: int = 0
    library: Sequence[Paper] | None = None
    error: str = ""
