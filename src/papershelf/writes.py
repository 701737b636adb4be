"""Changes the reader sees at once and the store records a moment later.

The app must never wait on the disk: a store held by another writer (a long import) made
`b` freeze the screen for the whole busy timeout. So a bookmark or read-mark change is
shown the moment it is asked for, and its write runs later, in order, off the UI thread.

What is shown is always the marks the store last confirmed with every change still on its
way applied on top, in order. When a write fails its change is dropped and the others are
applied again, so a failure takes back exactly that change (and whatever only made sense
after it, whose writes then fail too). Nothing here knows about threads or Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from papershelf.model import Bookmark, Paper


@dataclass(slots=True)
class Marks:
    """Bookmarks by paper id and the ids of papers read: what one change acts on."""

    bookmarks: dict[str, Bookmark] = field(default_factory=dict)
    read: frozenset[str] = frozenset()
    """Replaced, never changed in place, so a copy can share it (it may hold 100k ids)."""

    @classmethod
    def of(cls, bookmarks: Iterable[Bookmark], read: Iterable[str]) -> Marks:
        """Marks from the store's listing (newest bookmark first, as `Store.bookmarks`)."""
        # Oldest first, so the position in the dict breaks ties of equal times as the
        # store's rowid does: a later bookmark sorts first.
        return cls({b.paper.id: b for b in reversed(list(bookmarks))}, frozenset(read))

    def copy(self) -> Marks:
        return Marks(dict(self.bookmarks), self.read)

    def newest_first(self) -> list[Bookmark]:
        """The bookmarks in the store's order: newest first, later-added first on ties."""
        items = list(self.bookmarks.values())
        order = sorted(range(len(items)), key=lambda i: (items[i].added_at, i), reverse=True)
        return [items[i] for i in order]


@dataclass(frozen=True, slots=True)
class Undo:
    """A change that `u` can take back: for a bookmark change, the bookmark as it was before
    (None: absent); for another change (hiding a paper), `revert` makes the change that takes
    it back (shown at once, written by the queue like any other)."""

    paper: Paper
    before: Bookmark | None
    what: str
    revert: Callable[[], Change] | None = None


@dataclass(eq=False, slots=True)
class Change:
    """One change: shown at once by `apply`, made lasting by `write` (None: nothing to write).

    `apply` must give the same result every time it runs (it runs on the shown marks now,
    on the confirmed marks after the write, and again on every rollback of an earlier
    change), so it captures finished values, never the clock. `write` touches only the
    store and what it captured, so a worker thread may run it. Compared by identity.
    """

    what: str
    """What kind of change, for the rollback message ("bookmark", "note edit", ...)."""
    paper: Paper | None
    message: str
    """The sentence shown when the change is made."""
    apply: Callable[[Marks], None]
    write: Callable[[], object] | None = None
    pushed: Undo | None = None
    """The undo entry this change recorded, dropped if the write fails."""
    popped: Undo | None = None
    """The undo entry this change took back (an undo), recorded again if the write fails."""
    taken_back: Callable[[], None] | None = None
    """Takes back, when the write fails, what the change showed outside the marks (a hidden
    row of the list); runs where `apply` does, never on the write's thread."""


def no_change(marks: Marks) -> None:
    """The `apply` of a change that shows nothing (a hide, "nothing to undo")."""


__all__ = ["Change", "Marks", "Undo", "no_change"]
