"""Sources: files, directories and stdin, read in blocks and told apart by content.

A source is a file, a directory of `*.txt` and `*.json` digests, or "-" for stdin. A digest file
is parsed block by block (see `blocks`), and the papers of each block can be handed on
(`parse_sources(on_batch=...)`) while the rest is still being read. JSON needs its whole text and
is read at once, as is UTF-16.

Everything a user can get wrong raises `UserError` with a one-line message naming the file;
recoverable oddities become `ParseWarning`s with a line number where one is known.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from papershelf.model import Paper
from papershelf.parser import blocks
from papershelf.parser.blocks import byte_blocks
from papershelf.parser.capture import SNIFF_CHARS, looks_like_capture, parse_capture
from papershelf.parser.decoding import BINARY, Decoder, decode
from papershelf.parser.digest import DigestReader, parse_digest, read_text
from papershelf.parser.hfjson import from_json, sniff_json
from papershelf.parser.paragraphs import NONBLANK, bom_offset, controls_free
from papershelf.parser.results import (
    STDIN,
    ParseResult,
    ParseWarning,
    SourceError,
    os_problem,
)

DIGEST_SUFFIXES = (".txt", ".json")

MAX_WHOLE_BYTES = 512 << 20
"""JSON, UTF-16 and page copies are parsed whole: past this, memory would run out first."""
# How much of a stream tells its format: as many characters as `looks_like_capture` reads.
_SNIFF_BYTES = 4 * SNIFF_CHARS
_CHUNK = 1 << 20


def parse_text(
    text: str,
    *,
    source: str = "",
    reference_date: dt.date | None = None,
    year: int | None = None,
) -> ParseResult:
    """Parse digest text or Hugging Face JSON, telling them apart by content, not file name."""
    text = valid_unicode(text)
    is_json, data = sniff_json(text, source)
    if is_json:
        return from_json(data, source)
    return parse_digest(text, source=source, reference_date=reference_date, year=year)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """`text` with each lone surrogate as U+FFFD: text handed over as `str` (stdin read with
    `surrogateescape`, a caller's string) is as valid as text the parser decoded itself."""
    if text.isascii() or _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def parse_sources(
    sources: Sequence[str | Path],
    *,
    year: int | None = None,
    stdin: TextIO | None = None,
    on_batch: Callable[[Sequence[Paper]], None] | None = None,
) -> ParseResult:
    """Parse every source in order; a paper seen twice (same `Paper.id`) keeps its first copy.

    A source is a file, a directory (its `*.txt` and `*.json` files, oldest day first: see
    `_parse_directory`) or "-" for stdin. A file named explicitly must yield papers; inside a
    directory a bad or empty file becomes a warning, and only a directory that yields nothing
    at all is an error.

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
        raise SourceError(str(source), os_problem(exc)) from None
    if is_dir:
        _parse_directory(path, collector, year=year)
    else:
        collector.warnings += _parse_file(path, collector.add, year=year)


def _parse_directory(directory: Path, collector: _Collector, *, year: int | None) -> None:
    """A folder of digests, read oldest first: a paper in two files keeps its first listing.

    A file's day is the date in its name (`2025-03-21`, `2025_03_21`, `20250321`), else the
    oldest day its papers are listed on; undated files come last; ties go by name. When every
    name carries a date, each file's papers are handed on as soon as it is read; otherwise all
    are read before any is handed on, since the oldest may be the last one read.
    """
    try:
        files = sorted(
            (p for p in directory.iterdir() if p.suffix.lower() in DIGEST_SUFFIXES and p.is_file()),
            key=lambda p: p.name,
        )
    except OSError as exc:
        raise SourceError(str(directory), os_problem(exc)) from None
    if not files:
        raise SourceError(str(directory), "no digest files (*.txt or *.json) in this directory")
    problems: list[str] = []

    def read(path: Path) -> list[Paper] | None:
        # A file here that turns out bad is skipped whole, so its papers wait until it is done.
        papers: list[Paper] = []
        try:
            warnings = _parse_file(path, papers.extend, year=year)
        except SourceError as exc:
            problems.append(f"{path.name}: {exc.problem}")
            collector.warnings.append(ParseWarning(exc.source, None, f"skipped: {exc.problem}"))
            return None
        collector.warnings += warnings
        return papers

    named = {path: name_day(path.name) for path in files}
    if all(named.values()):
        for path in sorted(files, key=lambda p: (named[p], p.name)):
            if (papers := read(path)) is not None:
                collector.add(papers)
    else:
        found = [(path, read(path)) for path in files]
        for _path, papers in sorted(found, key=lambda f: _day_order(named[f[0]], f[1], f[0])):
            if papers is not None:
                collector.add(papers)
    if len(problems) == len(files):
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        raise SourceError(str(directory), f"no papers in any digest file ({shown})")


_NAME_DAY = re.compile(
    r"(?<!\d)((?:19|20)\d\d)([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)"
)


def name_day(name: str) -> dt.date | None:
    """The day a file name carries (`hf-2025-03-21.txt`, `daily_20250321.json`), if any."""
    for match in _NAME_DAY.finditer(name):
        try:
            return dt.date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:  # 2025-02-30
            continue
    return None


def _day_order(
    named: dt.date | None, papers: list[Paper] | None, path: Path
) -> tuple[bool, dt.date, str]:
    """Sort key of a directory's file: its name's day, else its oldest paper's; undated last."""
    day = named or min((p.date for p in papers or () if p.date is not None), default=None)
    return (day is None, day or dt.date.min, path.name)


def _parse_file(
    path: Path, deliver: Callable[[list[Paper]], None], *, year: int | None
) -> list[ParseWarning]:
    label = str(path)
    try:
        stream = path.open("rb", buffering=0)
        reference = _modified_date(path)
    except OSError as exc:
        raise SourceError(label, os_problem(exc)) from None
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
        raise SourceError(STDIN, "no standard input to read")
    today = dt.date.today()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return _parse_stream(buffer, STDIN, today, year, deliver)
    try:
        text = stream.read()
    except OSError as exc:
        raise SourceError(STDIN, os_problem(exc)) from None
    except UnicodeDecodeError:
        raise SourceError(STDIN, "input is not UTF-8 text") from None
    if "\x00" in text:
        raise SourceError(STDIN, BINARY)
    return _parse_whole_text(text, STDIN, today, year, deliver)


def _parse_stream(
    stream: BinaryIO,
    label: str,
    reference: dt.date,
    year: int | None,
    deliver: Callable[[list[Paper]], None],
) -> list[ParseWarning]:
    """Read and parse a byte stream block by block; JSON, UTF-16 and captures are read whole.

    Its start tells them apart: a binary start (`/dev/zero`) ends the reading at once.
    """
    head = _read_head(stream, label)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _parse_whole(_read_whole(head, stream, label), label, reference, year, deliver)
    if b"\x00" in head:
        raise SourceError(label, BINARY)
    sniff = head.decode("utf-8", "replace")
    first = NONBLANK.search(sniff, bom_offset(sniff))
    if first is None or sniff[first.start()] in "[{" or looks_like_capture(sniff):
        # JSON, blank as far as we can see, or a page capture: each is read whole.
        del sniff
        return _parse_whole(_read_whole(head, stream, label), label, reference, year, deliver)
    del sniff
    reader = DigestReader(label, reference, year, deliver)
    decoder = Decoder(label)
    at_start = True  # the next block is the stream's first bytes, BOM and all

    def skipped(leading: int, breaks: int) -> None:
        nonlocal at_start
        at_start = False
        reader.skip(leading, breaks)

    for buffer, end in byte_blocks(stream, label, head=head, on_skip=skipped):
        start = len(codecs.BOM_UTF8) if at_start and buffer.startswith(codecs.BOM_UTF8) else 0
        text = decoder.decode(buffer, start, end, reader.lines)
        if at_start:
            text = text[bom_offset(text) :]
            at_start = False
        reader.feed(text, controls_free(buffer, start, end))
        del text
    reader.close()
    reader.require_papers()
    return [*decoder.warnings, *reader.warnings]


def _read_head(stream: BinaryIO, label: str) -> bytes:
    """The first `_SNIFF_BYTES` of the stream (less if it is shorter), to tell its format.

    No more than a block, though, so the first papers still come before much is read.
    """
    want = min(_SNIFF_BYTES, max(blocks._BLOCK_SIZE, 1))
    chunks: list[bytes] = []
    size = 0
    while size < want:
        try:
            chunk = stream.read(want - size)
        except OSError as exc:
            raise SourceError(label, os_problem(exc)) from None
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _read_whole(head: bytes, stream: BinaryIO, label: str) -> bytearray:
    """`head` and the rest of the stream, at most `MAX_WHOLE_BYTES` (else a `SourceError`)."""
    data = bytearray(head)
    while True:
        try:
            chunk = stream.read(min(_CHUNK, MAX_WHOLE_BYTES + 1 - len(data)))
        except OSError as exc:
            raise SourceError(label, os_problem(exc)) from None
        if not chunk:
            return data
        data += chunk
        if len(data) > MAX_WHOLE_BYTES:
            raise SourceError(
                label, f"more than {MAX_WHOLE_BYTES >> 20} MB of JSON, UTF-16 or page copy"
            )


def _parse_whole(
    data: bytes | bytearray,
    label: str,
    reference: dt.date,
    year: int | None,
    deliver: Callable[[list[Paper]], None],
) -> list[ParseWarning]:
    text, warnings = decode(data, label)
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
    text = valid_unicode(text)
    is_json, data = sniff_json(text, label)
    if is_json:
        result = from_json(data, label)
        if not result.papers:
            raise SourceError(label, "no papers found")
        deliver(result.papers)
        return result.warnings
    if looks_like_capture(text):
        return _parse_capture_text(text, label, reference, year, deliver)
    reader = DigestReader(label, reference, year, deliver)
    read_text(reader, text)
    reader.require_papers()
    return reader.warnings


def _parse_capture_text(
    text: str,
    label: str,
    reference: dt.date,
    year: int | None,
    deliver: Callable[[list[Paper]], None],
) -> list[ParseWarning]:
    """A page capture the user named: its cards, which must hold at least one paper."""
    result = parse_capture(text, source=label, reference_date=reference, year=year)
    if not result.papers:
        raise SourceError(label, "a copy of a papers page, but no paper cards found in it")
    deliver(result.papers)
    return result.warnings
