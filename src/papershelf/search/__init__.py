"""Search: one query language, an inverted index, a scan fallback, filters and highlights.

A keystroke parses the filter text once (`parse_query`) into a `Query`; `run_query` answers it
with the `SearchIndex` (or `scan_search` before the index is ready) and the filter mask, and
`highlight_spans` marks the matched characters of each visible title. No UI here.

Modules, bottom up: `terms` (words and matching rules), `vocabulary`, `postings`, `ranking`,
`index`, `scan`, `query` (the language), `filters`, `highlight`, `cache` (saved indexes).
"""

from __future__ import annotations

from papershelf.search.filters import Context, FilterColumns, filter_mask, run_query
from papershelf.search.highlight import highlight_spans
from papershelf.search.index import SearchIndex
from papershelf.search.query import (
    DATE_OPS,
    IS_VALUES,
    KEYS,
    SYNTAX,
    Filter,
    Phrase,
    Query,
    QueryError,
    QueryWord,
    parse_query,
)
from papershelf.search.scan import scan_search

__all__ = [
    "DATE_OPS",
    "IS_VALUES",
    "KEYS",
    "SYNTAX",
    "Context",
    "Filter",
    "FilterColumns",
    "Phrase",
    "Query",
    "QueryError",
    "QueryWord",
    "SearchIndex",
    "filter_mask",
    "highlight_spans",
    "parse_query",
    "run_query",
    "scan_search",
]
