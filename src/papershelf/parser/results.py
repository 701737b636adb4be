"""What parsing gives back (papers and warnings) and the error that names a bad source.

Every module of the parser reports through these, so a warning reads the same ("file:line:
message") whichever format or reading path found the oddity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from papershelf.errors import UserError
from papershelf.model import Paper

STDIN = "-"


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something odd in the input that the parser worked around; `line` is 1-based."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.source or "<text>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ParseResult:
    """The papers of a parse, in input order with each id once, and what was odd on the way."""

    papers: list[Paper] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


class SourceError(UserError):
    """A `UserError` about one source, keeping the parts so a directory scan can warn instead."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


def os_problem(exc: OSError) -> str:
    """An OS error as the few words a message names a file with (`permission denied`)."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return (exc.strerror or type(exc).__name__).lower()


def unique(papers: Iterable[Paper]) -> list[Paper]:
    """The papers in order, each id's first copy only."""
    seen: set[str] = set()
    first: list[Paper] = []
    for paper in papers:
        if paper.id not in seen:
            seen.add(paper.id)
            first.append(paper)
    return first
