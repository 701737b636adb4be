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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from papershelf.model import Paper
from papershelf.parser.blocks import byte_blocks
from papershelf.parser.capture import looks_like_capture, parse_capture
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


def parse_text(
    text: str,
    *,
    source: str = "",
    reference_date: dt.date | None = None,
    year: int | None = None,
) -> ParseResult:
    """Parse digest text or Hugging Face JSON, telling them apart by content, not file name."""
    is_json, data = sniff_json(text, source)
    if is_json:
        return from_json(data, source)
    return parse_digest(text, source=source, reference_date=reference_date, year=year)


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
    """Read and parse a byte stream block by block; JSON and UTF-16 are read whole instead."""
    blocks = byte_blocks(stream, label)
    buffer, end = next(blocks, (bytearray(), 0))
    if buffer.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), 0, end):
        return _parse_whole(_rest(buffer, end, blocks), label, reference, year, deliver)
    decoder = Decoder(label)
    start = len(codecs.BOM_UTF8) if buffer.startswith(codecs.BOM_UTF8, 0, end) else 0
    text = decoder.decode(buffer, start, end, 0)
    first = NONBLANK.search(text, bom_offset(text))
    if first is None or text[first.start()] in "[{" or looks_like_capture(text):
        # JSON, blank as far as we can see, or a page capture: each is read whole.
        del text
        return _parse_whole(_rest(buffer, end, blocks), label, reference, year, deliver)
    reader = DigestReader(label, reference, year, deliver)
    reader.feed(text[bom_offset(text) :], controls_free(buffer, start, end))
    del text
    for buffer, end in blocks:
        text = decoder.decode(buffer, 0, end, reader.lines)
        reader.feed(text, controls_free(buffer, 0, end))
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
