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

Big files. A digest file is read and parsed a megabyte at a time, each block cut at a blank
line, so a 170 MB digest never sits in memory whole next to its papers; the papers of each block
can be handed on (`parse_sources(on_batch=...)`) while the rest is still being read. JSON needs
its whole text and is read at once.

Everything a user can get wrong raises `UserError` with a one-line message naming the file;
recoverable oddities become `ParseWarning`s with a line number where one is known.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO
from urllib.parse import urlsplit

from papershelf.errors import UserError
from papershelf.latex import decode_latex
from papershelf.model import Paper, make_paper, paper_id
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
# ASCII first letters a chrome line can start with; other paragraphs skip the full comparison.
_CHROME_INITIALS = frozenset(line[0] for line in CHROME) | {line[0].upper() for line in CHROME}

# Longest paragraph that can still be a title; arXiv titles stay well under this.
TITLE_MAX = 300

# Bytes read from a file at a time (text is cut into blocks of as many characters). A block
# ends at a blank line and is parsed and dropped before the next is read. Small enough that a
# block's text and buffers add little to the papers (peak memory stays ~1.3x a 170 MB file),
# big enough that the per-block work does not show. Tests shrink it to find the seams.
_BLOCK_SIZE = 1 << 20


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
    sources: Sequence[str | Path],
    *,
    year: int | None = None,
    stdin: TextIO | None = None,
    on_batch: Callable[[Sequence[Paper]], None] | None = None,
) -> ParseResult:
    """Parse every source in order; a paper seen twice (same `Paper.id`) keeps its first copy.

    A source is a file, a directory (its `*.txt` and `*.json` files, sorted by name) or "-" for
    stdin. A file named explicitly must yield papers; inside a directory a bad or empty file
    becomes a warning, and only a directory that yields nothing at all is an error.

    `on_batch`, if given, is called in this thread with each batch of new papers as soon as it
    is parsed (a block of a big file, a whole small one), in final order and without
    duplicates: the result's `papers` is the batches joined. If a `UserError` is raised, drop
    whatever the batches delivered (a named file can turn out to be binary deep inside).
    """
    collector = _Collector(on_batch)
    for source in sources:
        _parse_source(source, collector, year=year, stdin=stdin)
    return ParseResult(collector.papers, collector.warnings)


class _Collector:
    """The papers of every source so far, first copy of each id only, passed on batch by batch."""

    def __init__(self, on_batch: Callable[[Sequence[Paper]], None] | None) -> None:
        self.papers: list[Paper] = []
        self.warnings: list[ParseWarning] = []
        self._seen: set[str] = set()
        self._on_batch = on_batch

    def add(self, papers: list[Paper]) -> None:
        seen = self._seen
        ids = [paper.id for paper in papers]
        if seen.isdisjoint(ids) and len(set(ids)) == len(ids):  # the usual batch: all new
            seen.update(ids)
            fresh = papers
        else:
            fresh = []
            for paper in papers:
                if paper.id not in seen:
                    seen.add(paper.id)
                    fresh.append(paper)
        if fresh:
            self.papers += fresh
            if self._on_batch is not None:
                self._on_batch(fresh)


def _parse_source(
    source: str | Path, collector: _Collector, *, year: int | None, stdin: TextIO | None
) -> None:
    if str(source) == STDIN:
        collector.warnings += _parse_stdin(stdin, collector.add, year=year)
        return
    path = Path(source)
    try:
        is_dir = path.is_dir()
        if not is_dir:
            path.stat()
    except OSError as exc:
        raise _SourceError(str(source), _os_problem(exc)) from None
    if is_dir:
        _parse_directory(path, collector, year=year)
    else:
        collector.warnings += _parse_file(path, collector.add, year=year)


def _parse_directory(directory: Path, collector: _Collector, *, year: int | None) -> None:
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
        # A file here that turns out bad is skipped whole, so its papers wait until it is done.
        papers: list[Paper] = []
        try:
            warnings = _parse_file(path, papers.extend, year=year)
        except _SourceError as exc:
            problems.append(f"{path.name}: {exc.problem}")
            collector.warnings.append(ParseWarning(exc.source, None, f"skipped: {exc.problem}"))
        else:
            collector.add(papers)
            collector.warnings += warnings
    if len(problems) == len(files):
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        raise _SourceError(str(directory), f"no papers in any digest file ({shown})")


def _parse_file(
    path: Path, deliver: Callable[[list[Paper]], None], *, year: int | None
) -> list[ParseWarning]:
    label = str(path)
    try:
        stream = path.open("rb", buffering=0)
        reference = _modified_date(path)
    except OSError as exc:
        raise _SourceError(label, _os_problem(exc)) from None
    with stream:
        return _parse_stream(stream, label, reference, year, deliver)


def _modified_date(path: Path) -> dt.date:
    """The day a file was saved: year-less date lines in it are read relative to that day."""
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime)
    except (OverflowError, ValueError):  # a nonsense timestamp
        return dt.date.today()


def _parse_stdin(
    stdin: TextIO | None, deliver: Callable[[list[Paper]], None], *, year: int | None
) -> list[ParseWarning]:
    stream = stdin if stdin is not None else sys.stdin
    if stream is None:
        raise _SourceError(STDIN, "no standard input to read")
    today = dt.date.today()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return _parse_stream(buffer, STDIN, today, year, deliver)
    try:
        text = stream.read()
    except OSError as exc:
        raise _SourceError(STDIN, _os_problem(exc)) from None
    except UnicodeDecodeError:
        raise _SourceError(STDIN, "input is not UTF-8 text") from None
    if "\x00" in text:
        raise _SourceError(STDIN, _BINARY)
    return _parse_whole_text(text, STDIN, today, year, deliver)


_BINARY = "binary file (contains NUL bytes), not a digest"


def _parse_stream(
    stream: BinaryIO,
    label: str,
    reference: dt.date,
    year: int | None,
    deliver: Callable[[list[Paper]], None],
) -> list[ParseWarning]:
    """Read and parse a byte stream block by block; JSON and UTF-16 are read whole instead."""
    blocks = _byte_blocks(stream, label)
    buffer, end = next(blocks, (bytearray(), 0))
    if buffer.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), 0, end):
        return _parse_whole(_rest(buffer, end, blocks), label, reference, year, deliver)
    decoder = _Decoder(label)
    start = len(codecs.BOM_UTF8) if buffer.startswith(codecs.BOM_UTF8, 0, end) else 0
    text = decoder.decode(buffer, start, end, 0)
    first = _NONBLANK.search(text, _bom_offset(text))
    if first is None or text[first.start()] in "[{":  # JSON, or blank as far as we can see
        del text
        return _parse_whole(_rest(buffer, end, blocks), label, reference, year, deliver)
    reader = _DigestReader(label, reference, year, deliver)
    reader.feed(text[_bom_offset(text) :], _controls_free(buffer, start, end))
    del text
    for buffer, end in blocks:
        text = decoder.decode(buffer, 0, end, reader.lines)
        reader.feed(text, _controls_free(buffer, 0, end))
        del text
    reader.close()
    reader.require_papers()
    return [*decoder.warnings, *reader.warnings]


def _rest(first: bytearray, end: int, blocks: Iterator[tuple[bytearray, int]]) -> bytes:
    """The whole stream: the block read so far and all the others."""
    data = bytes(first[:end])
    return data + b"".join(bytes(buffer[:size]) for buffer, size in blocks)


def _parse_whole(
    data: bytes,
    label: str,
    reference: dt.date,
    year: int | None,
    deliver: Callable[[list[Paper]], None],
) -> list[ParseWarning]:
    text, warnings = _decode(data, label)
    del data  # keep one copy of the file in memory, not two
    return warnings + _parse_whole_text(text, label, reference, year, deliver)


def _parse_whole_text(
    text: str,
    label: str,
    reference: dt.date,
    year: int | None,
    deliver: Callable[[list[Paper]], None],
) -> list[ParseWarning]:
    """`parse_text` for a source the user named: it must hold papers."""
    is_json, data = _sniff_json(text, label)
    if is_json:
        result = _from_json(data, label)
        if not result.papers:
            raise _SourceError(label, "no papers found")
        deliver(result.papers)
        return result.warnings
    reader = _DigestReader(label, reference, year, deliver)
    _read_text(reader, text)
    reader.require_papers()
    return reader.warnings


def _byte_blocks(stream: BinaryIO, label: str) -> Iterator[tuple[bytearray, int]]:
    """The stream in blocks of about `_BLOCK_SIZE` bytes, each ending right after a blank line.

    A block is `buffer[:end]`, valid until the next one is asked for: one buffer is read into
    again and again, as fresh memory for each block cost more in page faults than parsing it.
    A cut after a blank line never splits a paragraph, a CRLF pair or a UTF-8 sequence, so each
    block parses exactly as it would inside the whole text.
    """
    readinto: Callable[[memoryview], int | None] = stream.readinto  # type: ignore[attr-defined]
    buffer = bytearray(max(_BLOCK_SIZE, 1))
    size = 0
    at_end = False
    while not at_end:
        while size < len(buffer):
            try:
                got = readinto(memoryview(buffer)[size:])
            except OSError as exc:
                raise _SourceError(label, _os_problem(exc)) from None
            if not got:
                at_end = True
                break
            size += got
        cut = size if at_end else _last_cut(buffer, size)
        if cut is None:  # no blank line in a whole buffer: a bigger one, and read on
            buffer = buffer + bytearray(len(buffer))
            continue
        if cut:
            yield buffer, cut
        buffer[: size - cut] = buffer[cut:size]  # the start of the next block
        size -= cut


# Two line breaks with only blanks between them: the end of a separator between paragraphs.
# A lone CR counts only once the next byte shows it is not the first half of a CRLF.
_CUT_BYTES = re.compile(rb"(?:\n|\r(?!\n))[ \t]*(?:\r?\n|\r(?=[^\n]))")
_CUT_TEXT = re.compile(_CUT_BYTES.pattern.decode("ascii"))


def _last_cut(data: bytearray, end: int) -> int | None:
    """Offset just after the last paragraph separator in `data[:end]`, looked for near the end."""
    window = 1 << 12  # a few paragraphs; look further only if there is no blank line in them
    while True:
        start = max(0, end - window)
        # A bare blank line (LF or CRLF) is found at C speed; the pattern, which also knows
        # CR-only text and blank lines holding blanks, tries every offset.
        lf, crlf = data.rfind(b"\n\n", start, end), data.rfind(b"\n\r\n", start, end)
        cut = max(lf + 2 if lf >= 0 else 0, crlf + 3 if crlf >= 0 else 0)
        if not cut:
            for match in _CUT_BYTES.finditer(data, start, end):
                cut = match.end()
        if cut or start == 0:
            return cut or None
        window *= 16


def _text_blocks(text: str, start: int) -> Iterator[str]:
    """`text[start:]` in blocks of about `_BLOCK_SIZE` characters, cut as `_byte_blocks` does."""
    size = _BLOCK_SIZE
    while start < len(text):
        match = _CUT_TEXT.search(text, start + size) if start + size < len(text) else None
        end = match.end() if match else len(text)
        yield text[start:end]
        start = end


class _Decoder:
    """UTF-8 blocks to text with LF line ends; the first undecodable byte becomes a warning."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.warnings: list[ParseWarning] = []

    def decode(self, data: bytes | bytearray, start: int, end: int, lines_before: int) -> str:
        """`data[start:end]` as text; `lines_before`: line breaks in the stream before it."""
        if data.find(b"\x00", start, end) >= 0:
            raise _SourceError(self.label, _BINARY)
        view = memoryview(data)[start:end]
        if data.find(b"\r", start, end) >= 0:  # cheaper on bytes than on text
            view = memoryview(_lf_only(view))
        try:
            return str(view, "utf-8")
        except UnicodeDecodeError as exc:
            if not self.warnings:
                bad = exc.start
                line = lines_before + _line_breaks(bytes(view[:bad])) + 1
                message = (
                    f"not valid UTF-8 (byte 0x{view[bad]:02x}); undecodable bytes shown as U+FFFD"
                )
                self.warnings.append(ParseWarning(self.label, line, message))
            return str(view, "utf-8", "replace")


_LONE_CR = re.compile(rb"\r(?!\n)")


def _lf_only(view: memoryview) -> bytes:
    """The bytes with every line end made LF (CRLF text: just its CRs dropped)."""
    data = bytes(view)
    if _LONE_CR.search(data) is None:
        return data.replace(b"\r", b"")
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _line_breaks(data: bytes) -> int:
    """Line breaks in `data`: LF, CRLF and lone CR alike."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


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
                _line_breaks(data[:bad]) + 1,
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
    is_json, data = _sniff_json(text, source)
    if is_json:
        return _from_json(data, source)
    return parse_digest(text, source=source, reference_date=reference_date, year=year)


def _sniff_json(text: str, source: str) -> tuple[bool, Any]:
    """(is JSON, the data): text opening like JSON must parse as JSON, else it is a digest."""
    first = _NONBLANK.search(text, _bom_offset(text))
    if first is None or text[first.start()] not in "[{":
        return False, None
    try:
        return True, json.loads(text[first.start() :] if first.start() else text)
    except json.JSONDecodeError as exc:
        if _JSON_OPENING.match(text, first.start()):
            raise _json_error(source, exc) from None
        return False, None


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
_SEPARATOR = _SEPARATORS["\n"]  # digest blocks have their line ends made "\n" first
# Line breaks that join without a space: "Fine-|tuning", "statistics--|otherwise", "Rao|--Black".
# Two patterns that start with their literal text scan faster than one that tests every break.
_HYPHEN_BREAK = re.compile(r"-\n(?=\w)(?:(?<=\w-\n)|(?<=\w--\n))")
_DASH_BREAK = re.compile(r"\n--(?=-*\w)(?<=\w\n--)")
# A line break with blanks beside it (trailing blanks, indented continuation lines).
_BLANK_BY_BREAK = re.compile(r"\n(?:[ \t]|(?<=[ \t]\n))")
# Either of those, or a dash after a break: what `_HYPHEN_BREAK` and spaces do not cover.
_ODD_BREAK = re.compile(r"\n(?:[ \t]|--|(?<=[ \t]\n))")
_TABS = re.compile(r"[ \t]*\t[ \t]*")
_SPACE_RUNS = re.compile(r"\s{2,}")
# The characters `strip_controls` removes (kept in step with it by a unit test), so that the
# common clean paragraph is checked without running the full sanitiser.
_C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# The same set in UTF-8 bytes, found block by block: `_CONTROL_MARKS` zeroes the C0 bytes and
# the lead bytes of the multi-byte ones (\xc2, \xd8, \xe2), which `_MULTIBYTE_CONTROL` confirms.
_CONTROL_MARKS = bytes(0 if b in _C0_BYTES or b in b"\xc2\xd8\xe2" else 1 for b in range(256))
_MULTIBYTE_CONTROL = re.compile(
    rb"\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
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


def _controls_free(data: bytes | bytearray, start: int, end: int) -> bool:
    """Whether UTF-8 `data[start:end]` surely holds none of the characters `_clean` removes.

    One table pass over a block replaces a scan per paragraph. Curly quotes and dashes share
    a lead byte with the bidi controls, so each marked byte is looked at; in text so full of
    them that checking paragraph by paragraph is cheaper, the answer is False: not known.
    """
    marks = data.translate(_CONTROL_MARKS)
    find = marks.find
    at = find(0, start, end)
    for _ in range(max(16, (end - start) >> 9)):
        if at < 0:
            return True
        if data[at] < 0x80 or _MULTIBYTE_CONTROL.match(data, at, end):
            return False
        at = find(0, at + 1, end)
    return at < 0


def _clean(raw: str) -> str:
    """One paragraph as one line: wrapped lines joined, controls removed, ends trimmed.

    The common case, a single clean line, costs a strip and a few C-level scans.
    """
    text = raw.strip()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _unwrap(text)
    if text.isascii():  # O(1); then only C0 controls are possible, found by a bytes table scan
        if len(text.encode("ascii").translate(None, _C0_BYTES)) == len(text):
            return text
    elif _CONTROL_CHARS.search(text) is None:
        return text
    return _SPACE_RUNS.sub(" ", strip_controls(text)).strip()


def _unwrap(text: str) -> str:
    """Tabs to single spaces and wrapped lines joined (`_clean` without the controls)."""
    if "\t" in text:
        text = _TABS.sub(" ", text)
    if "\n" in text:
        text = _join_lines(text)
    return text


def _join_lines(text: str) -> str:
    """Join hard-wrapped lines with one space; hyphen rules in the module docstring."""
    if _ODD_BREAK.search(text):  # the rarer cases, looked for in one pass
        if _BLANK_BY_BREAK.search(text):
            text = "\n".join([line.strip() for line in text.split("\n")])
        text = _DASH_BREAK.sub("--", text)
    return _HYPHEN_BREAK.sub("-", text).replace("\n", " ")


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


def _read_text(reader: _DigestReader, text: str) -> None:
    """Feed a whole text to `reader` in blocks, as a file would be read, and finish it."""
    for block in _text_blocks(text, _bom_offset(text)):
        data = block.encode("utf-8", "surrogatepass")
        reader.feed(block, _controls_free(data, 0, len(data)))
    reader.close()


class _DigestReader:
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
        self._rank = 0
        self._title: str | None = None
        self._title_at = 0
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
        pieces = _SEPARATOR.split(block)
        unwrapped = False
        for index, raw in enumerate(pieces):
            if clean:
                paragraph = raw.strip()
                if "\n" in paragraph or "\t" in paragraph:
                    paragraph = _unwrap(paragraph)
                    unwrapped = True
            else:
                paragraph = _clean(raw)
                if not paragraph and raw and not raw.isspace():
                    self.nonblank = True  # nothing but control characters
            size = len(paragraph)
            if size > TITLE_MAX:  # the common abstract: no chrome, date or title checks
                if "\\" in paragraph:
                    paragraph = decode_latex(paragraph)
                if title is None:
                    warn(index, f"text with no title, skipped: {_excerpt(paragraph)}")
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
                if size <= _DATE_MAX:
                    is_date, day = _date_of(paragraph, reference, year)
                    if is_date:
                        self.not_chrome = True
                        if title is not None:
                            emit(title, title_at, parts, date, rank)
                            title = None
                        if day is None:
                            warn(
                                index, f"not a real day: {paragraph!r}; papers after it are undated"
                            )
                        date, rank = day, 0
                        continue
            if "\\" in paragraph:
                paragraph = decode_latex(paragraph)
            if "." in paragraph or ":" in paragraph or "?" in paragraph or "!" in paragraph:
                kind = _kind(paragraph)
            else:  # without these, no link and no sentence: `_kind` would say so, slower
                kind = _TITLE
            if title is None:
                if kind is _ABSTRACT:
                    warn(index, f"text with no title, skipped: {_excerpt(paragraph)}")
                    continue
            elif kind is _ABSTRACT or (kind is _EITHER and not parts):
                parts.append(paragraph)  # the abstract, or more of it
                continue
            else:
                emit(title, title_at, parts, date, rank)
            title, title_at = paragraph, index
            parts.clear()
            rank += 1
        newlines = _line_breaks_in(block, pieces, clean and not unwrapped)
        if title is not None and title_at >= 0:  # its block is about to go
            title_at = -self._line_near_end(title_at, len(pieces), newlines)
        self._date, self._rank, self._title, self._title_at, self._parts = (
            date,
            rank,
            title,
            title_at,
            parts,
        )
        self.lines += newlines
        self._block = ""
        self._flush()

    def close(self) -> None:
        """The end of the input: the last paper is complete."""
        if self._title is not None:
            self._emit(self._title, self._title_at, self._parts, self._date, self._rank)
            self._title = None
        self._flush()

    def require_papers(self) -> None:
        """A source the user named that holds no papers is an error, with the likely reason."""
        if self.count:
            return
        if not (self.nonblank or self.not_chrome):
            raise _SourceError(self.source, "empty file" if self.source != STDIN else "empty input")
        if not self.not_chrome:
            raise _SourceError(
                self.source, "only page chrome (header and subscribe lines), no papers"
            )
        raise _SourceError(self.source, "no papers found")

    def _flush(self) -> None:
        if self._batch:
            batch, self._batch = self._batch, []
            self.deliver(batch)

    def _emit(self, title: str, at: int, parts: list[str], date: dt.date | None, rank: int) -> None:
        """Turn a title and its abstract paragraphs into a `Paper`."""
        if "  " in title:
            title = _tidy_title(title)
        abstract = parts[0] if len(parts) == 1 else "\n\n".join(parts)
        if not abstract:
            self._warn(at, f"title with no abstract: {_excerpt(title)}")
        urls: tuple[str, ...] = ()
        code_url: str | None = None
        arxiv_id: str | None = None
        if ":" in abstract or "/" in abstract:  # cheap gate: every link and arXiv id has one
            may_link, may_cite = _link_hints(abstract)
            if may_link:
                urls = _find_urls(abstract)
                code_url = _first_repo(urls) if urls else None
            if may_cite:
                arxiv_id = _find_arxiv_id(abstract)
                if arxiv_id is not None:
                    arxiv_id = self._own_arxiv_id(arxiv_id, title)
        self.count += 1
        self._batch.append(
            make_paper(
                paper_id(title, arxiv_id),
                title,
                abstract,
                date,
                rank,
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
            ends = [match.end() for match in _SEPARATOR.finditer(block, low)]
            if len(ends) >= need or not low:
                pos = ends[-need]
                break
            window *= 4
        lines = self.lines + newlines - block.count("\n", pos)
        first = _NONBLANK.search(block, pos)
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
            match = _SEPARATOR.search(block, pos)
            if match is None:  # not reached: `at` came from splitting this block
                break
            lines += block.count("\n", pos, match.end())
            index, pos = index + 1, match.end()
        self._cursor = (index, pos, lines)
        first = _NONBLANK.search(block, pos)
        return lines + block.count("\n", pos, first.start() if first else pos) + 1


def _tidy_title(title: str) -> str:
    """Titles are short: collapse any run of blanks left inside (abstracts keep theirs)."""
    return " ".join(title.split()) if "  " in title else title


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
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _link_hints(text: str) -> tuple[bool, bool]:
    """(may hold a link, may cite an arXiv id): its colons and slashes looked at, not its text.

    A link needs "://" and an arXiv mention "iv:" or "iv.org/"; finding single characters runs
    at memory speed, where the full patterns would scan every abstract.
    """
    link = cite = False
    find = text.find
    at = find(":")
    while at >= 0:
        if text.startswith("//", at + 1):
            link = True
        elif text.endswith("iv", 0, at):
            cite = True
        at = find(":", at + 1)
    if not cite:
        at = find("/")
        while at >= 0:
            if text.endswith("iv.org", 0, at):
                cite = True
                break
            at = find("/", at + 1)
    return link, cite


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
    papers: list[Paper] = []
    reader = _DigestReader(source, reference, year, papers.extend)
    _read_text(reader, text)
    return ParseResult(_unique(papers), reader.warnings)


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
# `https://github.com/owner/repo` and what may follow it; `urlsplit` reads these the same way.
_GITHUB_REPO = re.compile(
    r"https?://(?:www\.)?github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)(?:[/?#]|\Z)"
)


def _find_urls(text: str) -> tuple[str, ...]:
    """Every http(s) link in `text`, in order, without the sentence punctuation after it."""
    found = _URL.findall(text)
    if not found:
        return ()
    urls = []
    for url in found:
        if url[-1] in _URL_ENDINGS:
            url = _trim_url(url)
        if _WEB_URL.match(url) and url.isprintable():
            urls.append(url)
    return tuple(urls)


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
    plain = _GITHUB_REPO.match(url)
    if plain is not None:  # the usual shape, read without the cost of `urlsplit`
        owner, repo = plain[1], plain[2].removesuffix(".git")
        if not repo or owner.lower() in _GITHUB_PAGES:
            return None
        return f"https://github.com/{owner}/{repo}"
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
