"""The one parser: digest text and Hugging Face JSON in, `Paper` records and warnings out.

Digest text is what a reader copies from the trending-papers page or its email: page chrome,
date lines that open a day's section, then a title paragraph and an abstract paragraph per
paper. Real copies are messy (CRLF or CR line ends, a BOM, trailing blanks, runs of blank
lines, hard wrapping at ~72 columns), so the parser works on paragraphs, not lines, and joins
wrapped lines itself. Page chrome is dropped wherever it appears.

Pairing. A paragraph that can only be a title (short, no link, no closing full stop) starts a
paper. One that can only be an abstract (long, a link, or several sentences ending in a full
stop) belongs to the paper being read, as its abstract or a further paragraph of it; with no
title before it, it is skipped with a warning. Anything in between goes by position: right after
a title it is the abstract, else it is the next title. A title that gets no abstract (another
title, a date line or the end follows) is kept with an empty abstract and a warning.

Wrapped lines are joined with one space, except that a line ending in a hyphen right after a
letter or digit joins the next without one ("Fine-" + "tuning" -> "Fine-tuning"): hyphenated
words are far more common in titles and abstracts than a suspended hyphen ("pre- and post-")
landing exactly on a wrap point, which is the one case this gets wrong ("pre-and"). Blanks at
the ends of lines never matter. Likewise "a--" + "b" and "a" + "--b" join without a space, as
`textwrap` splits an em-dash "a--b" there.

Everything a user can get wrong raises `UserError` with a one-line message naming the file;
recoverable oddities become `ParseWarning`s with a line number where one is known.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from papershelf.errors import UserError
from papershelf.latex import decode_latex
from papershelf.model import Paper, paper_id
from papershelf.text import normalize_title, strip_controls
from papershelf.urls import is_web_url

__all__ = [
    "ParseResult",
    "ParseWarning",
    "decode_latex",
    "parse_digest",
    "parse_hf_json",
    "parse_sources",
    "parse_text",
]

STDIN = "-"
DIGEST_SUFFIXES = (".txt", ".json")

# Lines of the web page / email that are not papers, compared casefolded with collapsed blanks.
CHROME = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "byak and the research community",
    }
)
_CHROME_MAX = max(len(line) for line in CHROME)

# Longest paragraph that can still be a title; arXiv titles stay well under this.
TITLE_MAX = 300


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
    papers: list[Paper] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


class _SourceError(UserError):
    """A `UserError` about one source, keeping the parts so a directory scan can warn instead."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


# --------------------------------------------------------------------------------------------
# Sources: files, directories, stdin


def parse_sources(
    sources: Sequence[str | Path], *, year: int | None = None, stdin: TextIO | None = None
) -> ParseResult:
    """Parse every source in order; a paper seen twice (same `Paper.id`) keeps its first copy.

    A source is a file, a directory (its `*.txt` and `*.json` files, sorted by name) or "-" for
    stdin. A file named explicitly must yield papers; inside a directory a bad or empty file
    becomes a warning, and only a directory that yields nothing at all is an error.
    """
    parts = [part for source in sources for part in _parse_source(source, year=year, stdin=stdin)]
    if len(parts) == 1:
        return parts[0]  # already free of duplicates
    result = ParseResult()
    for part in parts:
        result.papers.extend(part.papers)
        result.warnings.extend(part.warnings)
    result.papers = _unique(result.papers)
    return result


def _parse_source(
    source: str | Path, *, year: int | None, stdin: TextIO | None
) -> Iterator[ParseResult]:
    if str(source) == STDIN:
        yield _parse_stdin(stdin, year=year)
        return
    path = Path(source)
    try:
        is_dir = path.is_dir()
        if not is_dir:
            path.stat()
    except OSError as exc:
        raise _SourceError(str(source), _os_problem(exc)) from None
    if is_dir:
        yield from _parse_directory(path, year=year)
    else:
        yield _parse_file(path, year=year)


def _parse_directory(directory: Path, *, year: int | None) -> Iterator[ParseResult]:
    try:
        files = sorted(
            (p for p in directory.iterdir() if p.suffix.lower() in DIGEST_SUFFIXES and p.is_file()),
            key=lambda p: p.name,
        )
    except OSError as exc:
        raise _SourceError(str(directory), _os_problem(exc)) from None
    if not files:
        raise _SourceError(str(directory), "no digest files (*.txt or *.json) in this directory")
    problems: list[str] = []
    for path in files:
        try:
            result = _parse_file(path, year=year)
        except _SourceError as exc:
            problems.append(f"{path.name}: {exc.problem}")
            yield ParseResult(warnings=[ParseWarning(exc.source, None, f"skipped: {exc.problem}")])
        else:
            yield result
    if len(problems) == len(files):
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        raise _SourceError(str(directory), f"no papers in any digest file ({shown})")


def _parse_file(path: Path, *, year: int | None) -> ParseResult:
    label = str(path)
    try:
        data = path.read_bytes()
        reference = _modified_date(path)
    except OSError as exc:
        raise _SourceError(label, _os_problem(exc)) from None
    text, warnings = _decode(data, label)
    del data  # keep one copy of a big file in memory, not two
    result = parse_text(text, source=label, reference_date=reference, year=year)
    _require_papers(result, text, label)
    result.warnings[:0] = warnings
    return result


def _modified_date(path: Path) -> dt.date:
    """The day a file was saved: year-less date lines in it are read relative to that day."""
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime)
    except (OverflowError, ValueError):  # a nonsense timestamp
        return dt.date.today()


def _parse_stdin(stdin: TextIO | None, *, year: int | None) -> ParseResult:
    stream = stdin if stdin is not None else sys.stdin
    if stream is None:
        raise _SourceError(STDIN, "no standard input to read")
    warnings: list[ParseWarning] = []
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            text, warnings = _decode(buffer.read(), STDIN)
        else:
            text = stream.read()
            if "\x00" in text:
                raise _SourceError(STDIN, _BINARY)
    except OSError as exc:
        raise _SourceError(STDIN, _os_problem(exc)) from None
    except UnicodeDecodeError:
        raise _SourceError(STDIN, "input is not UTF-8 text") from None
    result = parse_text(text, source=STDIN, reference_date=dt.date.today(), year=year)
    _require_papers(result, text, STDIN)
    result.warnings[:0] = warnings
    return result


_BINARY = "binary file (contains NUL bytes), not a digest"


def _decode(data: bytes, label: str) -> tuple[str, list[ParseWarning]]:
    """Bytes to text, once: UTF-8 (BOM optional; UTF-16 if its BOM says so), else replacement."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise _SourceError(label, "not valid UTF-16 text") from None
    if b"\x00" in data:
        raise _SourceError(label, _BINARY)
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    with memoryview(data) as view:
        try:
            return str(view[skip:], "utf-8"), []
        except UnicodeDecodeError as exc:
            bad = exc.start + skip
            warning = ParseWarning(
                label,
                data.count(b"\n", 0, bad) + 1,
                f"not valid UTF-8 (byte 0x{data[bad]:02x}); undecodable bytes shown as U+FFFD",
            )
            return str(view[skip:], "utf-8", "replace"), [warning]


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return (exc.strerror or type(exc).__name__).lower()


def _require_papers(result: ParseResult, text: str, label: str) -> None:
    """A source the user named that holds no papers is an error, with the likely reason."""
    if result.papers:
        return
    if _NONBLANK.search(text, _bom_offset(text)) is None:
        raise _SourceError(label, "empty file" if label != STDIN else "empty input")
    paragraphs = (_clean(raw) for _, raw in _paragraphs(text))
    if all(_is_chrome(p) for p in paragraphs if p):
        raise _SourceError(label, "only page chrome (header and subscribe lines), no papers")
    raise _SourceError(label, "no papers found")


def _unique(papers: Iterable[Paper]) -> list[Paper]:
    seen: set[str] = set()
    unique: list[Paper] = []
    for paper in papers:
        if paper.id not in seen:
            seen.add(paper.id)
            unique.append(paper)
    return unique


# --------------------------------------------------------------------------------------------
# Format detection

_NONBLANK = re.compile(r"\S")
# What the start of real JSON from the API looks like; "[Re] A Title" is a digest, not JSON.
_JSON_OPENING = re.compile(r"\[\s*[\[{\]]|\{\s*[\"}]")


def _bom_offset(text: str) -> int:
    return 1 if text.startswith("\ufeff") else 0


def parse_text(
    text: str,
    *,
    source: str = "",
    reference_date: dt.date | None = None,
    year: int | None = None,
) -> ParseResult:
    """Parse digest text or Hugging Face JSON, telling them apart by content, not file name."""
    first = _NONBLANK.search(text, _bom_offset(text))
    if first is not None and text[first.start()] in "[{":
        try:
            data = json.loads(text[first.start() :] if first.start() else text)
        except json.JSONDecodeError as exc:
            if _JSON_OPENING.match(text, first.start()):
                raise _json_error(source, exc) from None
        else:
            return _from_json(data, source)
    return parse_digest(text, source=source, reference_date=reference_date, year=year)


# --------------------------------------------------------------------------------------------
# Digest text

# Paragraphs are separated by a line break followed by one or more blank lines. Finding the
# separators with a pattern that starts with a literal line break lets the regex engine skip
# ahead at C speed; a pattern per line-end style keeps that literal (mixed files use the last).
_SEPARATORS = {
    "\n": re.compile(r"\n(?:[^\S\n]*\n)+"),
    "\r\n": re.compile(r"\r\n(?:[^\S\r\n]*\r\n)+"),
    "\r": re.compile(r"\r(?:[^\S\r]*\r)+"),
    "mixed": re.compile(r"(?:\r\n|\r(?!\n)|\n)(?:[^\S\r\n]*(?:\r\n|\r(?!\n)|\n))+"),
}
# Line breaks that join without a space: "Fine-|tuning", "statistics--|otherwise", "Rao|--Black".
_JOINING_BREAK = re.compile(r"\n(?:(?<=\w-\n)(?=\w)|(?<=\w--\n)(?=\w)|(?<=\w\n)(?=--+\w))")
# A line break with blanks beside it (trailing blanks, indented continuation lines).
_BLANK_BY_BREAK = re.compile(r"\n(?:[ \t]|(?<=[ \t]\n))")
_TABS = re.compile(r"[ \t]*\t[ \t]*")
_SPACE_RUNS = re.compile(r"\s{2,}")
# The characters `strip_controls` removes (kept in step with it by a unit test), so that the
# common clean paragraph is checked without running the full sanitiser.
_C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_SENTENCE_BREAK = re.compile(r"[.!?](?<=\w\w[.!?])\s+[A-Z]")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DATE = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})"
)
_DATE_MAX = 20
# Paragraphs up to this long may be chrome or a date line; longer ones skip those checks.
_SHORT = max(_DATE_MAX, 2 * _CHROME_MAX)

# Paragraph kinds (see `_kind`).
_TITLE, _ABSTRACT, _EITHER = "title", "abstract", "either"


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, raw text) of each paragraph; blank-only stretches come out empty."""
    if "\r" not in text:
        separator = _SEPARATORS["\n"]
    elif "\n" not in text:
        separator = _SEPARATORS["\r"]
    elif text.count("\r") == text.count("\r\n") == text.count("\n"):
        separator = _SEPARATORS["\r\n"]
    else:
        separator = _SEPARATORS["mixed"]
    pos = _bom_offset(text)
    for match in separator.finditer(text, pos):
        yield pos, text[pos : match.start()]
        pos = match.end()
    yield pos, text[pos:]


def _clean(raw: str) -> str:
    """One paragraph as one line: wrapped lines joined, controls removed, ends trimmed.

    The common case, a single clean line, costs a strip and a few C-level scans.
    """
    text = raw.strip()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        text = _TABS.sub(" ", text)
    if "\n" in text:
        text = _join_lines(text)
    if text.isascii():  # O(1); then only C0 controls are possible, found by a bytes table scan
        if len(text.encode("ascii").translate(None, _C0_BYTES)) == len(text):
            return text
    elif _CONTROL_CHARS.search(text) is None:
        return text
    return _SPACE_RUNS.sub(" ", strip_controls(text)).strip()


def _join_lines(text: str) -> str:
    """Join hard-wrapped lines with one space; hyphen rules in the module docstring."""
    if _BLANK_BY_BREAK.search(text):
        text = "\n".join([line.strip() for line in text.split("\n")])
    return _JOINING_BREAK.sub("", text).replace("\n", " ")


def _is_chrome(paragraph: str) -> bool:
    if len(paragraph) > _SHORT:
        return False
    return " ".join(paragraph.split()).casefold() in CHROME


def _kind(paragraph: str) -> str:
    """Whether a paragraph can be a title, an abstract, or either.

    Titles are short, hold no link and do not end with a full stop after several sentences.
    An abstract is long, or holds a link, or is several sentences ending in a full stop.
    Anything else (one short sentence, a title ending in "?") is decided by its position.
    """
    if len(paragraph) > TITLE_MAX or "://" in paragraph:
        return _ABSTRACT
    full_stop = paragraph.endswith(".")
    several = _SENTENCE_BREAK.search(paragraph) is not None
    if not full_stop and not several:
        return _TITLE
    return _ABSTRACT if full_stop and several else _EITHER


def _date_of(paragraph: str, reference: dt.date, year: int | None) -> tuple[bool, dt.date | None]:
    """(is a date line, its day or None when it names no real day)."""
    if len(paragraph) > _DATE_MAX:
        return False, None
    match = _DATE.fullmatch(paragraph)
    if match is None:
        return False, None
    if match["iso_year"]:
        return True, _day(int(match["iso_year"]), int(match["iso_month"]), int(match["iso_day"]))
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return False, None
    day = int(match["day"])
    if match["year"]:
        return True, _day(int(match["year"]), month, day)
    if year is not None:
        return True, _day(year, month, day)
    return True, _latest_day(month, day, reference)


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _latest_day(month: int, day: int, reference: dt.date) -> dt.date | None:
    """The most recent `month`/`day` on or before `reference` (Feb 29: the last leap year's)."""
    for year in range(reference.year, reference.year - 9, -1):  # leap years are <= 8 apart
        candidate = _day(year, month, day)
        if candidate is not None and candidate <= reference:
            return candidate
    return None


class _DigestReader:
    """Walks the paragraphs of one digest text, pairing titles with abstracts.

    `run` is one flat loop over locals because it runs once per paragraph of files with
    hundreds of thousands of them; anything uncommon is a method call.
    """

    def __init__(self, text: str, source: str, reference: dt.date, year: int | None) -> None:
        self.text = text
        self.source = source
        self.reference = reference
        self.year = year
        self.papers: list[Paper] = []
        self.warnings: list[ParseWarning] = []
        self.arxiv_titles: dict[str, str] = {}
        self._has_cr = "\r" in text
        self._line_pos = 0
        self._line = 1

    def run(self) -> ParseResult:
        emit = self._emit
        date: dt.date | None = None
        rank = 0
        title: str | None = None  # the paper being read: its title, where it starts,
        title_pos = 0
        parts: list[str] = []  # and its abstract paragraphs
        for pos, raw in _paragraphs(self.text):
            paragraph = _clean(raw)
            size = len(paragraph)
            if size <= _SHORT:
                if not paragraph or _is_chrome(paragraph):
                    continue
                is_date, day = _date_of(paragraph, self.reference, self.year)
                if is_date:
                    if title is not None:
                        emit(title, title_pos, parts, date, rank)
                        title = None
                    if day is None:
                        self._warn(
                            pos, f"not a real day: {paragraph!r}; papers after it are undated"
                        )
                    date, rank = day, 0
                    continue
            if "\\" in paragraph:
                paragraph = decode_latex(paragraph)
            kind = _ABSTRACT if size > TITLE_MAX else _kind(paragraph)
            if title is None:
                if kind is _ABSTRACT:
                    self._warn(pos, f"text with no title, skipped: {_excerpt(paragraph)}")
                    continue
            elif kind is _ABSTRACT or (kind is _EITHER and not parts):
                parts.append(paragraph)  # the abstract, or more of it
                continue
            else:
                emit(title, title_pos, parts, date, rank)
            title, title_pos, parts = paragraph, pos, []
            rank += 1
        if title is not None:
            emit(title, title_pos, parts, date, rank)
        return ParseResult(_unique(self.papers), self.warnings)

    def _emit(
        self, title: str, pos: int, parts: list[str], date: dt.date | None, rank: int
    ) -> None:
        """Turn a title and its abstract paragraphs into a `Paper`."""
        title = _tidy_title(title)
        abstract = parts[0] if len(parts) == 1 else "\n\n".join(parts)
        if not abstract:
            self._warn(pos, f"title with no abstract: {_excerpt(title)}")
        urls: tuple[str, ...] = ()
        arxiv_id = None
        if ":" in abstract or "/" in abstract:  # cheap gate: every link and arXiv id has one
            urls = _find_urls(abstract)
            arxiv_id = _find_arxiv_id(abstract)
            if arxiv_id is not None:
                arxiv_id = self._own_arxiv_id(arxiv_id, title)
        self.papers.append(
            Paper(
                id=paper_id(title, arxiv_id),
                title=title,
                abstract=abstract,
                date=date,
                rank=rank,
                urls=urls,
                code_url=_first_repo(urls) if urls else None,
                arxiv_id=arxiv_id,
                source=self.source,
            )
        )

    def _own_arxiv_id(self, arxiv_id: str, title: str) -> str | None:
        """An arXiv id seen earlier with another title is a citation, not this paper's id."""
        owner = self.arxiv_titles.setdefault(arxiv_id, title)
        if owner is title or normalize_title(owner) == normalize_title(title):
            return arxiv_id
        return None

    def _warn(self, pos: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.source, self._line_at(pos), message))

    def _line_at(self, pos: int) -> int:
        """1-based line of the paragraph at `pos`, counting on from the last answer.

        Only warnings need line numbers, so they are counted lazily; positions only grow.
        """
        text, start = self.text, self._line_pos
        first = _NONBLANK.search(text, pos)
        pos = first.start() if first else pos
        lines = text.count("\n", start, pos)
        if self._has_cr:
            lines += text.count("\r", start, pos) - text.count("\r\n", start, pos)
        self._line += lines
        self._line_pos = pos
        return self._line


def _tidy_title(title: str) -> str:
    """Titles are short: collapse any run of blanks left inside (abstracts keep theirs)."""
    return " ".join(title.split()) if "  " in title else title


def _excerpt(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def parse_digest(
    text: str,
    *,
    source: str = "",
    reference_date: dt.date | None = None,
    year: int | None = None,
) -> ParseResult:
    """Parse digest text (see the module docstring); never raises on odd text, it warns.

    A date line without a year means the latest such day on or before `reference_date`
    (default today); `year` overrides that guess. A year written in the line always wins.
    """
    reference = reference_date or dt.date.today()
    return _DigestReader(text, source, reference, year).run()


# --------------------------------------------------------------------------------------------
# Links

# Case-sensitive on purpose: the literal "http" prefix lets the scan run at C speed.
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\u00ab\u00bb\u201c\u201d\u2018\u2019]+")
_URL_TRAILING = ".,;:!?*"
_BRACKETS = {")": "(", "]": "["}
_URL_ENDINGS = frozenset(_URL_TRAILING) | frozenset(_BRACKETS)
# A link we keep names a host (a stricter, cheaper form of `urls.is_web_url`, which a test
# holds it to): letters or digits first, an optional port, then a path or nothing.
_WEB_URL = re.compile(r"https?://[^\W_][\w.-]*(?::\d+)?(?:[/?#]|$)")
# `arXiv:2403.12345`, `arxiv.org/abs/2403.12345v2`, `arxiv.org/pdf/...`, old `hep-th/9901001`.
_ARXIV = re.compile(
    r"ar[Xx]iv(?::\s*|\.org/(?:abs|pdf|html)/)"
    r"(\d{4}\.\d{4,5}(?!\d)|[a-z][a-z.-]*/\d{7}(?!\d))(?:v\d+)?"
)
# First path segments on github.com that are site pages, not repository owners.
_GITHUB_PAGES = frozenset(
    [
        "about",
        "apps",
        "collections",
        "customer-stories",
        "enterprise",
        "explore",
        "features",
        "join",
        "login",
        "marketplace",
        "notifications",
        "orgs",
        "pricing",
        "readme",
        "search",
        "security",
        "settings",
        "site",
        "sponsors",
        "topics",
        "trending",
    ]
)
_REPO_PART = re.compile(r"[A-Za-z0-9_.-]+")


def _find_urls(text: str) -> tuple[str, ...]:
    """Every http(s) link in `text`, in order, without the sentence punctuation after it."""
    found = _URL.findall(text)
    if not found:
        return ()
    urls = (_trim_url(url) for url in found)
    return tuple(url for url in urls if _WEB_URL.match(url) and url.isprintable())


def _trim_url(url: str) -> str:
    """Drop trailing punctuation; a closing bracket stays when the link opened one."""
    if url[-1] not in _URL_ENDINGS:
        return url
    while url:
        last = url[-1]
        if last in _URL_TRAILING or (
            last in _BRACKETS and url.count(_BRACKETS[last]) < url.count(last)
        ):
            url = url[:-1]
        else:
            break
    return url


def _repo_url(url: str) -> str | None:
    """`https://github.com/owner/repo` (or the GitLab project) that `url` points into, if any."""
    if "github.com/" not in url and "gitlab.com/" not in url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host == "github.com":
        segments = segments[:2]
    elif host == "gitlab.com":
        if "-" in segments:  # gitlab.com/group/sub/project/-/tree/main
            segments = segments[: segments.index("-")]
    else:
        return None
    if segments:
        segments[-1] = segments[-1].removesuffix(".git")
    if len(segments) < 2 or not all(_REPO_PART.fullmatch(s) for s in segments):
        return None
    if host == "github.com" and segments[0].lower() in _GITHUB_PAGES:
        return None
    return f"https://{host}/{'/'.join(segments)}"


def _first_repo(urls: Iterable[str]) -> str | None:
    for url in urls:
        repo = _repo_url(url)
        if repo:
            return repo
    return None


def _find_arxiv_id(text: str) -> str | None:
    """The first arXiv id mentioned (`arXiv:2403.12345`, `arxiv.org/abs/...`), without version."""
    match = _ARXIV.search(text)
    return match.group(1) if match else None


# --------------------------------------------------------------------------------------------
# Hugging Face JSON

_VERSION = re.compile(r"(?<=\d)v\d+$")
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7}")


def parse_hf_json(text: str, *, source: str = "") -> ParseResult:
    """Parse `/api/daily_papers` (a list) or `/api/papers/{id}` (one object) JSON."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise _json_error(source, exc) from None
    return _from_json(data, source)


def _json_error(source: str, exc: json.JSONDecodeError) -> UserError:
    return _SourceError(
        source or "<text>", f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    )


def _from_json(data: Any, source: str) -> ParseResult:
    label = source or "<text>"
    if isinstance(data, dict):
        if not any(key in data for key in ("paper", "title", "id")):
            error = data.get("error")
            problem = f"the JSON is an error message: {error}" if isinstance(error, str) else ""
            raise _SourceError(label, problem or "JSON object is not a Hugging Face paper")
        items: list[Any] = [data]
    elif isinstance(data, list):
        items = data
    else:
        raise _SourceError(label, "JSON is neither a list of daily papers nor a paper object")
    result = ParseResult()
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise _SourceError(label, f"JSON item {index} is not an object")
        paper = _json_paper(item, rank=index if isinstance(data, list) else 0, source=source)
        if paper is None:
            result.warnings.append(
                ParseWarning(source, None, f"item {index} has no title; skipped")
            )
        else:
            result.papers.append(paper)
    result.papers = _unique(result.papers)
    return result


def _json_paper(item: dict[str, Any], *, rank: int, source: str) -> Paper | None:
    inner = item.get("paper")
    paper: dict[str, Any] = inner if isinstance(inner, dict) else item

    def pick(key: str) -> Any:
        value = paper.get(key)
        return item.get(key) if value is None else value

    title = _tidy_title(decode_latex(_clean(_text(pick("title")))))
    if not title:
        return None
    abstract = _json_abstract(_text(pick("summary")))
    arxiv_id = _VERSION.sub("", _text(paper.get("id")).strip())
    if not _ARXIV_ID.fullmatch(arxiv_id):
        arxiv_id = ""
    urls = _find_urls(abstract)
    authors = paper.get("authors")
    return Paper(
        id=paper_id(title, arxiv_id or None),
        title=title,
        abstract=abstract,
        date=_json_date(item.get("publishedAt")) or _json_date(paper.get("publishedAt")),
        rank=rank,
        urls=urls,
        code_url=_json_repo(pick("githubRepo")) or _first_repo(urls),
        arxiv_id=arxiv_id or None,
        authors=tuple(_json_authors(authors if isinstance(authors, list) else [])),
        source=source,
        project_url=_json_link(pick("projectPage")),
        upvotes=_json_int(pick("upvotes")),
        github_stars=_json_int(pick("githubStars")),
        num_comments=_json_int(pick("numComments")),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_abstract(summary: str) -> str:
    """arXiv summaries are hard-wrapped; join lines as for digests, keep paragraph breaks."""
    paragraphs = (decode_latex(_clean(raw)) for _, raw in _paragraphs(summary))
    return "\n\n".join(p for p in paragraphs if p)


def _json_authors(authors: list[Any]) -> Iterator[str]:
    for author in authors:
        name = _clean(_text(author.get("name"))) if isinstance(author, dict) else ""
        name = _tidy_title(decode_latex(name))
        if name:
            yield name


def _json_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _json_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _json_link(value: Any) -> str | None:
    url = _text(value).strip()
    return url if url and is_web_url(url) else None


def _json_repo(value: Any) -> str | None:
    url = _json_link(value)
    return (_repo_url(url) or url) if url else None
