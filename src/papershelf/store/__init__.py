"""The user's data in one SQLite file: the reading list, the library, read and new marks.

Every user action is one transaction committed before the method returns. `Store` is the one
face; its parts live in modules of their own:

- `schema`: tables, `SCHEMA_VERSION` and the migrations between versions
- `connection`: opening (refusing damaged, foreign or newer files), pragmas, transactions
- `bookmarks`, `library`, `marks`, `removal`, `searches`, `settings`: the methods on each
  kind of data
- `listing`: the library as compact list rows, and full papers by id
- `clock`: the one source of the times the store records
"""

from __future__ import annotations

from papershelf.store.bookmarks import Bookmarks
from papershelf.store.library import Library, import_sources, library_papers
from papershelf.store.listing import Listing
from papershelf.store.marks import Marks
from papershelf.store.removal import Removal
from papershelf.store.searches import SavedSearches
from papershelf.store.settings import Settings

__all__ = ["Store", "import_sources", "library_papers"]


class Store(Bookmarks, Library, Listing, Marks, Removal, SavedSearches, Settings):
    """The database. Open one per process; methods are safe to call from any thread.

    When the file or its directory is not writable the store opens read-only: reading works,
    and every change raises `UserError` with `read_only_reason`.
    """
