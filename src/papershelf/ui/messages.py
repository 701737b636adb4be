"""Messages that workers post back to the main screen (small, typed, toolong-style).

None bubbles: each is for the screen whose worker posted it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.message import Message

from papershelf.model import Paper
from papershelf.search import FilterColumns, SearchIndex
from papershelf.session import Answer, Loaded


@dataclass
class PapersLoaded(Message, bubble=False):
    """The sources were parsed: the list can paint before the index exists."""

    loaded: Loaded


@dataclass
class PapersPartial(Message, bubble=False):
    """The first papers of a big digest, to paint while the rest is parsed."""

    papers: Sequence[Paper]


@dataclass
class LoadFailed(Message, bubble=False):
    """The sources could not be read; `error` is the one-line user message."""

    error: str


@dataclass
class IndexReady(Message, bubble=False):
    """The full search index over `papers` is built."""

    papers: Sequence[Paper]
    index: SearchIndex
    columns: FilterColumns


@dataclass
class SearchDone(Message, bubble=False):
    """A scan's answer for the filter of `generation`; stale generations are dropped."""

    generation: int
    answer: Answer


@dataclass
class FetchDone(Message, bubble=False):
    """A refresh from Hugging Face ended: counts and the new library, or an error line."""

    seen: int = 0
    new: int = 0
    library: Loaded | None = None
    error: str = ""
