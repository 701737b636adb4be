"""Digest text: page chrome, date lines that open a day's section, then title and abstract.

Digest text is what a reader copies from the trending-papers page or its email: page chrome,
date lines, then a title paragraph and an abstract paragraph per paper. Page chrome is dropped
wherever it appears; paragraphs are found and cleaned by `paragraphs`, dates read by `dates`.

Pairing. A paragraph that can only be a title (short, no link, no closing full stop) starts a
paper. One that can only be an abstract (long, a link, or several sentences ending in a full
stop) belongs to the paper being read, as its abstract or a further paragraph of it; with no
title before it, it is skipped with a warning. Anything in between goes by position: right after
a title it is the abstract, else it is the next title.

A paper is a title and its abstract: a title that gets none (another title, a date line or the
end follows) is no paper. Right before or after a date line it is page furniture (a header such
as "Daily Papers"), dropped quietly; anywhere else it is skipped with a warning. Header lines
typed directly above or below the date line, with no blank line between, are the same furniture:
a paragraph that gets no abstract and has a date line among its lines is header and date, the
date opening the section; a paragraph whose first line is a date line is that date, and the lines
under it are read as a paragraph of their own. Papers with no day (no date line above them) claim
no rank of the day either: their rank is 0.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from papershelf.model import Paper, make_paper, paper_id
from papershelf.parser import blocks
from papershelf.parser.blocks import text_blocks
from papershelf.parser.capture import looks_like_capture, parse_capture
from papershelf.parser.dates import DATE_MAX, date_of
from papershelf.parser.latex import decode_latex
from papershelf.parser.links import find_urls, first_repo, link_hints
from papershelf.parser.paragraphs import (
    NONBLANK,
    SEPARATOR,
    bom_offset,
    clean_paragraph,
    controls_free,
    tidy_title,
    unwrap,
)
from papershelf.parser.results import STDIN, ParseResult, ParseWarning, SourceError, unique
from papershelf.text import ellipsize, normalize_title
from papershelf.urls import find_arxiv_id

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
# ASCII first letters a chrome line can start with; other paragraphs skip the full comparison.
_CHROME_INITIALS = frozenset(line[0] for line in CHROME) | {line[0].upper() for line in CHROME}

# Longest paragraph that can still be a title; arXiv titles stay well under this.
TITLE_MAX = 300

_SENTENCE_BREAK = re.compile(r"[.!?](?<=\w\w[.!?])\s+[A-Z]")

# Paragraphs up to this long may be chrome or a date line; longer ones skip those checks.
_SHORT = max(DATE_MAX, 2 * _CHROME_MAX)

# A first line that ends this soon may be a date line (blanks around it allowed). Wrapped titles
# have long first lines, so this one bounded `find` is all they pay for the check.
_DATE_LINE_END = DATE_MAX + 8

# Paragraph kinds (see `_kind`).
_TITLE, _ABSTRACT, _EITHER = "title", "abstract", "either"


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
    several = (
        ("." in paragraph or "?" in paragraph or "!" in paragraph)  # most titles have none
        and _SENTENCE_BREAK.search(paragraph) is not None
    )
    if not full_stop and not several:
        return _TITLE
    return _ABSTRACT if full_stop and several else _EITHER


def read_text(reader: DigestReader, text: str) -> None:
    """Feed a whole text to `reader` in blocks, as a file would be read, and finish it."""
    for block in text_blocks(text, bom_offset(text)):
        data = block.encode("utf-8", "surrogatepass")
        reader.feed(block, controls_free(data, 0, len(data)))
    reader.close()


class DigestReader:
    """Pairs titles with abstracts across the blocks of one digest, passing on papers per block.

    `feed` is one flat loop over locals because it runs once per paragraph of files with
    hundreds of thousands of them; anything uncommon is a method call. The section's date, the
    rank, the title waiting for its abstract and the line count carry over from block to block.
    """

    def __init__(
        self,
        source: str,
        reference: dt.date,
        year: int | None,
        deliver: Callable[[list[Paper]], None],
    ) -> None:
        self.source = source
        self.reference = reference
        self.year = year
        self.deliver = deliver
        self.warnings: list[ParseWarning] = []
        self.arxiv_titles: dict[str, str] = {}
        self.lines = 0  # line breaks before the current block
        self.count = 0  # papers made, duplicates included
        # Whether anything but blanks, and anything but page chrome, was seen: when there are
        # no papers, the reason a user gets.
        self.nonblank = False
        self.not_chrome = False
        # The paper being read: its section's date, its rank, its title and where that starts
        # (a paragraph index in this block, or minus its line once its block is done), and its
        # abstract paragraphs (one list, emptied for each paper rather than made anew).
        self._date: dt.date | None = None
        self._rank = 0  # papers made in this section so far
        self._title: str | None = None
        self._title_at = 0
        # Whether the last paragraph read was a date line, and whether the waiting title came
        # right after one: such a title with no abstract is page furniture, not a lost paper.
        self._after_date = False
        self._fresh = False
        self._title_raw = ""  # the waiting title's lines, once its block is gone
        self._parts: list[str] = []
        self._batch: list[Paper] = []
        self._block = ""
        self._cursor = (0, 0, 0)  # (paragraph index, its offset, line breaks before it)

    def feed(self, block: str, clean: bool) -> None:
        """Parse one block: text that ends at a paragraph break (or is the end of the input).

        `clean` says the block holds no control characters, so paragraphs skip that check.
        """
        if "\r" in block:
            block = block.replace("\r\n", "\n").replace("\r", "\n")
        self._block, self._cursor = block, (0, 0, self.lines)
        emit, warn, reference, year = self._emit, self._warn, self.reference, self.year
        date, rank, title, title_at, parts = (
            self._date,
            self._rank,
            self._title,
            self._title_at,
            self._parts,
        )
        after_date, fresh = self._after_date, self._fresh
        rest = ""  # the lines under a date line that opens a paragraph (see `_split_at_date`)
        pieces = SEPARATOR.split(block)
        record_gate = blocks.MAX_RECORD_BYTES >> 2  # shorter paragraphs cannot be too long
        unwrapped = False
        for index, raw in enumerate(pieces):
            if clean:
                paragraph = raw.strip()
                if "\n" in paragraph or "\t" in paragraph:
                    if paragraph.find("\n", 0, _DATE_LINE_END) > 0:
                        paragraph, rest = _split_at_date(paragraph, reference, year)
                        rest = unwrap(rest) if rest else rest
                    paragraph = unwrap(paragraph)
                    unwrapped = True
            elif raw.lstrip().find("\n", 0, _DATE_LINE_END) > 0:
                paragraph, rest = _split_at_date(raw.strip(), reference, year)
                paragraph = clean_paragraph(paragraph)
                rest = clean_paragraph(rest) if rest else rest
            else:
                paragraph = clean_paragraph(raw)
                if not paragraph and raw and not raw.isspace():
                    self.nonblank = True  # nothing but control characters
            size = len(paragraph)
            if size > TITLE_MAX:  # the common abstract: no chrome, date or title checks
                if size > record_gate and blocks.too_long(raw):
                    warn(index, blocks.too_long_message())
                    continue
                if "\\" in paragraph:
                    paragraph = decode_latex(paragraph)
                if title is None:
                    warn(index, f"text with no title, skipped: {_excerpt(paragraph)}")
                    after_date = False
                else:
                    parts.append(paragraph)
                continue
            if not paragraph:
                continue
            if size <= _SHORT:
                first = paragraph[0]
                if (first in _CHROME_INITIALS or not first.isascii()) and _is_chrome(paragraph):
                    self.nonblank = True
                    continue
                if size <= DATE_MAX:
                    is_date, day = date_of(paragraph, reference, year)
                    if is_date:
                        self.not_chrome = True
                        if title is not None:  # a title right before a date line: quiet
                            emit(title, title_at, parts, date, rank + 1, True)
                            title = None
                        if day is None:
                            warn(
                                index, f"not a real day: {paragraph!r}; papers after it are undated"
                            )
                        date, rank, after_date = day, 0, True
                        if not rest:
                            continue
                        paragraph, rest = rest, ""  # read on as the paragraph after the date

            if "\\" in paragraph:
                paragraph = decode_latex(paragraph)
            if "." in paragraph or ":" in paragraph or "?" in paragraph or "!" in paragraph:
                kind = _kind(paragraph)
            else:  # without these, no link and no sentence: `_kind` would say so, slower
                kind = _TITLE
            if title is None:
                if kind is _ABSTRACT:
                    warn(index, f"text with no title, skipped: {_excerpt(paragraph)}")
                    after_date = False
                    continue
            elif kind is _ABSTRACT or (kind is _EITHER and not parts):
                parts.append(paragraph)  # the abstract, or more of it
                continue
            else:
                if not parts:  # rare: the title got no abstract; a header over a date line?
                    is_date, day = self._date_line_in(title_at, pieces, clean)
                    if is_date:  # page furniture, and its date opens the section
                        date, rank, fresh, after_date = day, 0, True, True
                rank += emit(title, title_at, parts, date, rank + 1, fresh)
            title, title_at, fresh, after_date = paragraph, index, after_date, False
            parts.clear()
        newlines = _line_breaks_in(block, pieces, clean and not unwrapped)
        if title is not None and title_at >= 0:  # its block is about to go
            self._title_raw = pieces[title_at] if clean else clean_lines(pieces[title_at])
            title_at = -self._line_near_end(title_at, len(pieces), newlines)
        self._date, self._rank, self._title, self._title_at, self._parts = (
            date,
            rank,
            title,
            title_at,
            parts,
        )
        self._after_date, self._fresh = after_date, fresh
        self.lines += newlines
        self._block = ""
        self._flush()

    def close(self) -> None:
        """The end of the input: the last paper is complete."""
        if self._title is not None:
            quiet = self._fresh or (
                not self._parts and self._date_line_in(self._title_at, [], True)[0]
            )
            self._emit(self._title, self._title_at, self._parts, self._date, self._rank + 1, quiet)
            self._title = None
        self._flush()

    def skip(self, leading: int, breaks: int) -> None:
        """A paragraph too long to read was skipped between blocks (see `blocks.byte_blocks`)."""
        self.not_chrome = self.nonblank = True
        self.warnings.append(
            ParseWarning(self.source, self.lines + leading + 1, blocks.too_long_message())
        )
        self.lines += breaks

    def require_papers(self) -> None:
        """A source the user named that holds no papers is an error, with the likely reason."""
        if self.count:
            return
        if not (self.nonblank or self.not_chrome):
            raise SourceError(self.source, "empty file" if self.source != STDIN else "empty input")
        if not self.not_chrome:
            raise SourceError(
                self.source, "only page chrome (header and subscribe lines), no papers"
            )
        if any(w.message == blocks.too_long_message() for w in self.warnings):
            raise SourceError(self.source, f"no papers found; {blocks.too_long_message()}")
        raise SourceError(self.source, "no papers found")

    def _flush(self) -> None:
        if self._batch:
            batch, self._batch = self._batch, []
            self.deliver(batch)

    def _emit(
        self,
        title: str,
        at: int,
        parts: list[str],
        date: dt.date | None,
        rank: int,
        furniture: bool,
    ) -> int:
        """Turn a title and its abstract paragraphs into a `Paper`; how many papers: 1 or 0.

        A title with no abstract is no paper: `furniture` (next to a date line) says it is page
        furniture, dropped without a word, else a warning says it was skipped.
        """
        if not parts:
            if not furniture:
                self._warn(at, f"title with no abstract, skipped: {_excerpt(title)}")
            return 0
        if "  " in title:
            title = tidy_title(title)
        abstract = parts[0] if len(parts) == 1 else "\n\n".join(parts)
        urls: tuple[str, ...] = ()
        code_url: str | None = None
        arxiv_id: str | None = None
        if ":" in abstract or "/" in abstract:  # cheap gate: every link and arXiv id has one
            may_link, may_cite = link_hints(abstract)
            if may_link:
                urls = find_urls(abstract)
                code_url = first_repo(urls) if urls else None
            if may_cite:
                arxiv_id = find_arxiv_id(abstract)
                if arxiv_id is not None:
                    arxiv_id = self._own_arxiv_id(arxiv_id, title)
        self.count += 1
        self._batch.append(
            make_paper(
                paper_id(title, arxiv_id),
                title,
                abstract,
                date,
                rank if date is not None else 0,
                urls,
                code_url,
                arxiv_id,
                (),
                self.source,
                None,
                None,
                None,
                None,
            )
        )
        return 1

    def _date_line_in(self, at: int, pieces: list[str], clean: bool) -> tuple[bool, dt.date | None]:
        """Whether a line of the title paragraph `at` of `pieces` (or the title saved from an
        earlier block, when `at` < 0) is a date line, and its day: then the paragraph was a
        page header typed right above (or around) the date line, not a title."""
        raw = self._title_raw if at < 0 else pieces[at] if clean else clean_lines(pieces[at])
        if "\n" not in raw.strip():
            return False, None
        for line in raw.split("\n"):
            line = line.strip()
            if line and len(line) <= DATE_MAX:
                is_date, day = date_of(line, self.reference, self.year)
                if is_date:
                    if day is None:
                        self._warn(at, f"not a real day: {line!r}; papers after it are undated")
                    self.not_chrome = True
                    return True, day
        return False, None

    def _own_arxiv_id(self, arxiv_id: str, title: str) -> str | None:
        """An arXiv id seen earlier with another title is a citation, not this paper's id."""
        owner = self.arxiv_titles.setdefault(arxiv_id, title)
        if owner is title or normalize_title(owner) == normalize_title(title):
            return arxiv_id
        return None

    def _warn(self, at: int, message: str) -> None:
        self.not_chrome = self.nonblank = True
        self.warnings.append(ParseWarning(self.source, self._line(at), message))

    def _line_near_end(self, at: int, count: int, newlines: int) -> int:
        """`_line` for paragraph `at` of the `count` in this block, `newlines` line breaks.

        The title still waiting at the end of a block is one of its last paragraphs, so its
        separators are found from the end rather than the start.
        """
        block, pos = self._block, 0
        need = count - at  # separators from the one before paragraph `at` to the end
        window = 1 << 12
        while at:
            low = max(0, len(block) - window)
            # Every separator that ends past `low` is found, but perhaps the first.
            ends = [match.end() for match in SEPARATOR.finditer(block, low)]
            if len(ends) >= need or not low:
                pos = ends[-need]
                break
            window *= 4
        lines = self.lines + newlines - block.count("\n", pos)
        first = NONBLANK.search(block, pos)
        return lines + block.count("\n", pos, first.start() if first else pos) + 1

    def _line(self, at: int) -> int:
        """1-based line of paragraph `at` of the current block (or the line itself, if < 0).

        Only warnings need line numbers, so they are counted lazily: the separators before the
        paragraph are found again, walking on from the last answer.
        """
        if at < 0:
            return -at
        index, pos, lines = self._cursor
        block = self._block
        if at < index:
            index, pos, lines = 0, 0, self.lines
        while index < at:
            match = SEPARATOR.search(block, pos)
            if match is None:  # not reached: `at` came from splitting this block
                break
            lines += block.count("\n", pos, match.end())
            index, pos = index + 1, match.end()
        self._cursor = (index, pos, lines)
        first = NONBLANK.search(block, pos)
        return lines + block.count("\n", pos, first.start() if first else pos) + 1


def _split_at_date(text: str, reference: dt.date, year: int | None) -> tuple[str, str]:
    """A paragraph whose first line is a date line, split there: (the date line, the lines under
    it, read as a paragraph of their own). Any other paragraph comes back whole, with "".

    A date line further down is looked for only when the paragraph gets no abstract (see
    `DigestReader._date_line_in`): that check would slow down every wrapped title.
    """
    first, _, rest = text.partition("\n")
    first = first.strip()
    if len(first) <= DATE_MAX and date_of(first, reference, year)[0]:
        return first, rest.strip()
    return text, ""


def clean_lines(raw: str) -> str:
    """`raw` with controls removed line by line, its line breaks kept (for `_date_line_in`)."""
    return "\n".join(clean_paragraph(line) for line in raw.split("\n"))


def _line_breaks_in(block: str, pieces: list[str], plain: bool) -> int:
    """Line breaks in `block`, split into `pieces`; `plain`: none of them holds one inside.

    Counting is a pass over the block, needless when the only breaks are two per separator.
    """
    separators = len(pieces) - 1
    if (
        plain
        and len(block) - sum(map(len, pieces)) == 2 * separators
        and "\n" not in pieces[0]  # blank lines at the start or end of the input
        and "\n" not in pieces[-1]
    ):
        return 2 * separators
    return block.count("\n")


def _excerpt(text: str, limit: int = 80) -> str:
    return repr(ellipsize(text, limit))


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
    A copy of a papers page with its markup (links, headings, furniture) goes to `capture`.
    """
    if looks_like_capture(text):
        return parse_capture(text, source=source, reference_date=reference_date, year=year)
    reference = reference_date or dt.date.today()
    papers: list[Paper] = []
    reader = DigestReader(source, reference, year, papers.extend)
    read_text(reader, text)
    return ParseResult(unique(papers), reader.warnings)
