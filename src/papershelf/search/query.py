"""The query language of the filter bar: `lora "low rank" -survey has:code date:>=2024-03-01`.

`parse_query` reads the raw text once into a `Query`; the index, the scan fallback, the filter
mask and the highlighter all take that `Query`, so a keystroke parses its text once.

Free text (never an error):

* words: every word must match, in the title, the abstract or an author's name, exactly, as a
  word start, or with a few typos (see `terms.whole_budget`); the last word, still being typed,
  also matches as a typo-tolerant prefix; words of 5+ letters also match inside longer words
  ("graph" finds "Subgraph"), except in names. Case and accents fold ("schrodinger" finds
  "Schrödinger"). Title matches rank above abstract matches, both above author matches.
* a paper reference (`2511.20107`, `2511.20107v2`, an arXiv abs/pdf URL, a
  `huggingface.co/papers/` URL; `urls.referenced_arxiv_id` is the rule): the paper with that id
  first, then papers whose text cites it.
* `"exact phrase"`: a case- and accent-insensitive substring on word boundaries; a quote left
  open runs to the end of the query and its last word may still be a prefix.
* `-word` / `-"phrase"`: leave out papers where the word matches exactly or as a prefix (never
  by typo), or where the phrase occurs.
* punctuation separates words; `http://...` and other `key://` tokens are words too.

Filters (`SYNTAX`): a token outside quotes that starts with letters and a colon (`key:`). Keys
and values ignore case. An unknown key is an error, not a word, so a typo such as `tga:nlp`
says so instead of quietly searching for "tga nlp". A paper with no date never matches a
`date:` filter (and always matches its negation). Everything combines with AND. `sort:KEY`
is not a filter: it orders the results (`sort.SORTS`), the last one given wins.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from papershelf.errors import UserError
from papershelf.model import STATES, normalize_tags
from papershelf.search import clock
from papershelf.search.sort import SORTS
from papershelf.search.terms import WORD, ends_in_word, words
from papershelf.text import ellipsize, fold, strip_controls
from papershelf.urls import normalize_arxiv_id, referenced_arxiv_id

SYNTAX = """\
  words              every word must match the title, abstract or authors (typos forgiven)
  2511.20107, URL    that paper first: an arXiv id, arXiv abs/pdf or huggingface.co/papers URL
  "exact phrase"     the words in this order
  -word, -"phrase"   leave out papers that match
  has:code           links a code repository
  is:bookmarked      in the reading list
  is:read, is:unread marked read / not marked read
  is:new             new: not yet read, bookmarked or hidden
  state:to-read      bookmarked in that state (to-read, reading, done)
  tag:NAME           bookmarked with that tag
  author:NAME        an author's name matches (author:dao, author:"tri dao"; typos forgiven)
  date:YYYY-MM-DD    listed on that day; also date:YYYY-MM, date:YYYY, date:today,
                     date:yesterday, date:-7d / -2w (days / weeks ago); date:>=, >, <=, <
                     for ranges, or date:A..B (2026-11-01..2026-11-15)
  arxiv:ID           the paper with that arXiv id (arxiv:2403.12345)
  sort:KEY           order by rank, upvotes, day, arxiv, title or relevance
  -has:code, ...     a - before any filter negates it"""

KEYS = ("has", "is", "state", "tag", "date", "arxiv", "author", "sort")
HAS_VALUES = ("code",)
IS_VALUES = ("bookmarked", "read", "unread", "new")
DATE_OPS = (">=", "<=", ">", "<", "=")
"""Longest first, so `>=` is not read as `>` followed by `=2024...`."""

# A phrase (optionally negated, maybe unclosed, maybe the quoted value of a `key:`), or a run
# of anything but blanks and quotes.
_PART = re.compile(r'(?:(-?[A-Za-z]+):)?(-?)"([^"]*)("?)|([^\s"]+)')
_FILTER = re.compile(r"(-?)([A-Za-z]+):(.*)", re.DOTALL)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"\d{4}")
_DAYS_AGO = re.compile(r"-(\d{1,5})([dw])")
_DATE_HELP = (
    "date: expects YYYY-MM-DD, YYYY-MM, YYYY, today, yesterday, -Nd or -Nw (days or weeks"
    " ago), optionally after >=, >, <= or < (date:>=-7d), or a range A..B"
)
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
    """One of `KEYS` but `sort`."""
    value: str
    """For `date`: a day, or `first..last` (both included) for `=`; for `author`: folded
    words joined by single spaces."""
    op: str = "="
    """For `date`: one of `DATE_OPS`; always `=` otherwise."""
    negated: bool = False

    def __str__(self) -> str:
        op = "" if self.op == "=" else self.op
        value = f'"{self.value}"' if " " in self.value else self.value
        return f"{'-' if self.negated else ''}{self.key}:{op}{value}"


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
    references: tuple[str, ...] = ()
    """arXiv ids the query names (a pasted id or URL): those papers go first."""
    sort: str | None = None
    """The `sort:` the query asks for (one of `sort.SORTS`), else None: the session's."""

    @property
    def has_text(self) -> bool:
        """Free text to search by; without it the results keep list order."""
        return bool(
            self.words
            or self.phrases
            or self.excluded_words
            or self.excluded_phrases
            or self.references
        )

    @property
    def needs_index(self) -> bool:
        """Answering it reads the search index: free text, or an `author:` filter."""
        return self.has_text or any(f.key == "author" for f in self.filters)

    @property
    def blank(self) -> bool:
        """Nothing to search or filter by: every paper, in list order."""
        return not (self.has_text or self.filters)


def parse_query(raw: str, *, today: dt.date | None = None) -> Query:
    """Read `raw` into words, phrases, exclusions and filters (see the module docstring).

    `today` is what `date:today` and `date:-7d` count from (default: `clock.today()`).
    Raises `QueryError` for a malformed filter; free text never raises.
    """
    found: list[QueryWord] = []
    phrases: list[Phrase] = []
    excluded: list[str] = []
    excluded_phrases: list[Phrase] = []
    filters: list[Filter] = []
    references: list[str] = []
    sort: str | None = None
    for part in _PART.finditer(raw):
        token = part.group(5)
        keyed = part.group(1)
        if token is None and keyed is not None:  # key:"quoted value"
            token = f"{keyed}:{part.group(2)}{part.group(3)}"
        elif token is None:
            text = " ".join(fold(part.group(3)).split())
            if not WORD.search(text):
                continue
            closed = part.group(4) == '"'
            open_end = not closed and ends_in_word(fold(part.group(3)))
            phrase = Phrase(text, open_end)
            (excluded_phrases if part.group(2) else phrases).append(phrase)
            continue
        reference = referenced_arxiv_id(token)
        if reference is not None:
            references.append(reference)
            continue
        term = _FILTER.fullmatch(token)
        if term is not None and not term.group(3).startswith("//"):
            negated, key, value = term.group(1) == "-", term.group(2).lower(), term.group(3)
            if key == "sort":
                sort = _sort_value(value, negated, token)
            else:
                filters.append(_filter(key, value, negated, token, today))
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
        tuple(dict.fromkeys(references)),
        sort,
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


def _filter(key: str, value: str, negated: bool, token: str, today: dt.date | None) -> Filter:
    if key not in KEYS:
        close = difflib.get_close_matches(key, KEYS, n=1)
        hint = f"did you mean '{close[0]}:'? " if close else ""
        known = ", ".join(KEYS)
        raise QueryError(f"unknown filter {_show(key + ':')}; {hint}known: {known}")
    if key == "date":
        op, day = _date_value(value, token, today)
        return Filter(key, day, op, negated)
    if key == "author":
        return Filter(key, _author_value(value), "=", negated)
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


def _date_value(value: str, token: str, today: dt.date | None) -> tuple[str, str]:
    """(op, value): a day, or for `=` a `first..last` range (a month, a year)."""
    op = next((op for op in DATE_OPS if value.startswith(op)), "=")
    spec = value[len(op) :].lower() if value.startswith(op) else value.lower()
    first, last = _date_span(spec, token, today)
    # A comparison with a span compares with the edge that keeps its meaning: after May is
    # after May 31, from May on is from May 1.
    if op in (">=", "<"):
        last = first
    elif op in (">", "<="):
        first = last
    return op, first.isoformat() if first == last else f"{first}..{last}"


def _date_span(spec: str, token: str, today: dt.date | None) -> tuple[dt.date, dt.date]:
    """The first and last day `spec` names; `A..B` runs from A's first day to B's last, each
    side any of the other forms (`2026-11..2026-12`, `-14d..-7d`)."""
    if spec.count("..") == 1:
        start_spec, end_spec = spec.split("..")
        start = _date_span(start_spec, token, today)[0]
        end = _date_span(end_spec, token, today)[1]
        if start > end:
            raise QueryError(f"{_show(token)}: the range ends before it starts")
        return start, end
    ago = _DAYS_AGO.fullmatch(spec)
    if spec in ("today", "yesterday") or ago is not None:
        now = today if today is not None else clock.today()
        back = 0 if spec == "today" else 1 if ago is None else int(ago[1])
        if ago is not None and ago[2] == "w":
            back *= 7
        try:
            day = now - dt.timedelta(days=back)
        except OverflowError:
            raise QueryError(f"{_show(token)}: too far back") from None
        return day, day
    try:
        if _DAY.fullmatch(spec):
            day = dt.date.fromisoformat(spec)
            return day, day
        if month := _MONTH.fullmatch(spec):
            year, number = int(month[1]), int(month[2])
            start = dt.date(year, number, 1)
            if number == 12:
                return start, dt.date(year, 12, 31)
            return start, dt.date(year, number + 1, 1) - dt.timedelta(days=1)
        if _YEAR.fullmatch(spec):
            return dt.date(int(spec), 1, 1), dt.date(int(spec), 12, 31)
    except ValueError:
        raise QueryError(f"{_show(token)}: {spec} is not a real day or month") from None
    raise QueryError(f"{_DATE_HELP}, not {_show(token)}")


def _author_value(value: str) -> str:
    names = words(fold(value))
    if not names:
        raise QueryError('author: needs a name, e.g. author:dao or author:"tri dao"')
    return " ".join(names)


def _sort_value(value: str, negated: bool, token: str) -> str:
    folded = value.lower()
    choices = ", ".join(f"sort:{s}" for s in SORTS)
    if negated:
        raise QueryError(f"{_show(token)}: a sort cannot be negated; use {choices}")
    if folded not in SORTS:
        if not value:
            raise QueryError(f"sort: needs a value; use {choices}")
        raise QueryError(f"unknown sort {_show(token)}; use {choices}")
    return folded


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
