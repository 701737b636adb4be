"""The query language of the filter bar: `lora "low rank" -survey has:code date:>=2024-03-01`.

`parse_query` reads the raw text once into a `Query`; the index, the scan fallback, the filter
mask and the highlighter all take that `Query`, so a keystroke parses its text once.

Free text (never an error):

* words: every word must match, in the title or the abstract, exactly, as a word start, or with
  a few typos (see `terms.whole_budget`); the last word, still being typed, also matches as a
  typo-tolerant prefix; words of 5+ letters also match inside longer words ("graph" finds
  "Subgraph"). Case and accents fold ("schrodinger" finds "Schrödinger").
* `"exact phrase"`: a case- and accent-insensitive substring on word boundaries; a quote left
  open runs to the end of the query and its last word may still be a prefix.
* `-word` / `-"phrase"`: leave out papers where the word matches exactly or as a prefix (never
  by typo), or where the phrase occurs.
* punctuation separates words; `http://...` and other `key://` tokens are words too.

Filters (`SYNTAX`): a token outside quotes that starts with letters and a colon (`key:`). Keys
and values ignore case. An unknown key is an error, not a word, so a typo such as `tga:nlp`
says so instead of quietly searching for "tga nlp". A paper with no date never matches a
`date:` filter (and always matches its negation). Everything combines with AND.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from papershelf.errors import UserError
from papershelf.model import STATES, normalize_tags
from papershelf.search.terms import WORD, ends_in_word, words
from papershelf.text import ellipsize, fold, strip_controls
from papershelf.urls import normalize_arxiv_id

SYNTAX = """\
  words              every word must match the title or abstract (typos forgiven)
  "exact phrase"     the words in this order
  -word, -"phrase"   leave out papers that match
  has:code           links a code repository
  is:bookmarked      in the reading list
  is:read, is:unread marked read / not marked read
  is:new             new: not yet read, bookmarked or hidden
  state:to-read      bookmarked in that state (to-read, reading, done)
  tag:NAME           bookmarked with that tag
  date:YYYY-MM-DD    listed on that day; date:>=, date:>, date:<=, date:< for ranges
  arxiv:ID           the paper with that arXiv id (arxiv:2403.12345)
  -has:code, ...     a - before any filter negates it"""

KEYS = ("has", "is", "state", "tag", "date", "arxiv")
HAS_VALUES = ("code",)
IS_VALUES = ("bookmarked", "read", "unread", "new")
DATE_OPS = (">=", "<=", ">", "<", "=")
"""Longest first, so `>=` is not read as `>` followed by `=2024...`."""

# A phrase (optionally negated, maybe unclosed) or a run of anything but blanks and quotes.
_PART = re.compile(r'(-?)"([^"]*)("?)|([^\s"]+)')
_FILTER = re.compile(r"(-?)([A-Za-z]+):(.*)", re.DOTALL)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHOWN_MAX = 40


class QueryError(UserError):
    """A malformed filter; the message names the term and what would be accepted."""


@dataclass(frozen=True, slots=True)
class QueryWord:
    text: str
    """Folded; letters and digits only."""
    last: bool
    """Still being typed (nothing after it in the query): also matches as a fuzzy prefix."""


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    """Folded, blanks collapsed to single spaces; holds at least one word."""
    open_end: bool
    """Its last word may continue (an unclosed quote at the end of the query, or a `-word`)."""


@dataclass(frozen=True, slots=True)
class Filter:
    """One `key:value` term, normalised: lowercase key and value, a canonical tag, ISO day."""

    key: str
    """One of `KEYS`."""
    value: str
    op: str = "="
    """For `date`: one of `DATE_OPS`; always `=` otherwise."""
    negated: bool = False

    def __str__(self) -> str:
        op = "" if self.op == "=" else self.op
        return f"{'-' if self.negated else ''}{self.key}:{op}{self.value}"


@dataclass(frozen=True, slots=True)
class Query:
    """One parsed query: the free text the search ranks by, and the filters that mask."""

    words: tuple[QueryWord, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    excluded_words: tuple[str, ...] = ()
    """Folded words; a paper holding one of them, or a word they start, is left out."""
    excluded_phrases: tuple[Phrase, ...] = ()
    filters: tuple[Filter, ...] = ()
    raw: str = field(default="", compare=False)
    """The text it was parsed from (two texts that mean the same compare equal)."""

    @property
    def has_text(self) -> bool:
        """Free text to search by; without it the results keep list order."""
        return bool(self.words or self.phrases or self.excluded_words or self.excluded_phrases)

    @property
    def blank(self) -> bool:
        """Nothing to search or filter by: every paper, in list order."""
        return not (self.has_text or self.filters)


def parse_query(raw: str) -> Query:
    """Read `raw` into words, phrases, exclusions and filters (see the module docstring).

    Raises `QueryError` for a malformed filter; free text never raises.
    """
    found: list[QueryWord] = []
    phrases: list[Phrase] = []
    excluded: list[str] = []
    excluded_phrases: list[Phrase] = []
    filters: list[Filter] = []
    for part in _PART.finditer(raw):
        token = part.group(4)
        if token is None:
            text = " ".join(fold(part.group(2)).split())
            if not WORD.search(text):
                continue
            closed = part.group(3) == '"'
            open_end = not closed and ends_in_word(fold(part.group(2)))
            phrase = Phrase(text, open_end)
            (excluded_phrases if part.group(1) else phrases).append(phrase)
            continue
        term = _FILTER.fullmatch(token)
        if term is not None and not term.group(3).startswith("//"):
            negated, key, value = term.group(1) == "-", term.group(2).lower(), term.group(3)
            filters.append(_filter(key, value, negated, token))
            continue
        negative = token.startswith("-")
        folded = fold(token.lstrip("-") if negative else token)
        these = words(folded)
        if not these:
            continue
        if negative:
            if len(these) == 1:
                excluded.append(these[0])
            else:
                excluded_phrases.append(Phrase(" ".join(folded.split()), open_end=True))
            continue
        typing = part.end() == len(raw) and ends_in_word(folded)
        found.extend(QueryWord(w, typing and i == len(these) - 1) for i, w in enumerate(these))
    return Query(
        tuple(found),
        tuple(phrases),
        tuple(excluded),
        tuple(excluded_phrases),
        tuple(filters),
        raw,
    )


def phrase_pattern(phrase: Phrase) -> re.Pattern[str]:
    """Matches `phrase` in folded text: blanks match any blanks, the ends sit on word edges.

    The start-of-word check comes after the first character, not before it: a pattern that
    opens with a literal lets the regex engine skip ahead to it, about 15x faster.
    """
    body = r"\s+".join(re.escape(part) for part in phrase.text.split(" "))
    if WORD.match(phrase.text):
        first = re.escape(phrase.text[0])
        body = first + r"(?<![^\W_].)" + body[len(first) :]
    end = r"(?![^\W_])" if ends_in_word(phrase.text) and not phrase.open_end else ""
    return re.compile(body + end)


# --------------------------------------------------------------------------------------------
# Filters


def _filter(key: str, value: str, negated: bool, token: str) -> Filter:
    if key not in KEYS:
        close = difflib.get_close_matches(key, KEYS, n=1)
        hint = f"did you mean '{close[0]}:'? " if close else ""
        known = ", ".join(KEYS)
        raise QueryError(f"unknown filter {_show(key + ':')}; {hint}known: {known}")
    if key == "date":
        op, day = _date_value(value, token)
        return Filter(key, day, op, negated)
    if key == "tag":
        return Filter(key, _tag_value(value, token), "=", negated)
    if key == "arxiv":
        return Filter(key, _arxiv_value(value, token), "=", negated)
    allowed = {"has": HAS_VALUES, "is": IS_VALUES, "state": STATES}[key]
    folded = value.lower()
    if folded not in allowed:
        choices = ", ".join(f"{key}:{v}" for v in allowed)
        what = "state" if key == "state" else "value"
        if not value:
            raise QueryError(f"{key}: needs a value; use {choices}")
        raise QueryError(f"unknown {what} {_show(token)}; use {choices}")
    return Filter(key, folded, "=", negated)


def _date_value(value: str, token: str) -> tuple[str, str]:
    op = next((op for op in DATE_OPS if value.startswith(op)), "=")
    day = value[len(op) :] if value.startswith(op) else value
    if not _DAY.fullmatch(day):
        raise QueryError(
            f"date: expects YYYY-MM-DD, optionally after >=, >, <= or <"
            f" (date:>=2024-03-01), not {_show(token)}"
        )
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise QueryError(f"{_show(token)}: {day} is not a real day") from None
    return op, day


def _tag_value(value: str, token: str) -> str:
    try:
        tags = normalize_tags([value])
    except UserError as exc:
        raise QueryError(f"{_show(token)}: {exc}") from None
    if not tags:
        raise QueryError("tag: needs a tag name, e.g. tag:nlp")
    if len(tags) > 1:
        example = " ".join(f"tag:{tag}" for tag in tags[:2])
        raise QueryError(f"{_show(token)} names {len(tags)} tags; write one per filter: {example}")
    return tags[0]


def _arxiv_value(value: str, token: str) -> str:
    found = normalize_arxiv_id(value.lower())
    if found is None:
        raise QueryError(f"arxiv: expects an arXiv id (arxiv:2403.12345), not {_show(token)}")
    return found


def _show(text: str) -> str:
    """A user's term quoted for a message: controls removed, long ones cut."""
    return f"'{ellipsize(strip_controls(text), _SHOWN_MAX)}'"
