"""Big inputs in blocks cut at blank lines, so a paragraph never straddles two blocks.

A digest file is read and parsed a megabyte at a time, so a 170 MB digest never sits in memory
whole next to its papers; text already in memory is cut the same way, so both paths parse the
same paragraphs and report the same line numbers.

A paragraph is at most `MAX_RECORD_BYTES`: a longer one (a 50 MB line, `yes` on a pipe) is no
digest paragraph, so it is skipped in chunks and reported, and memory stays bounded whatever
the input. NUL bytes inside such a run mean a binary stream (`/dev/zero`): an error, not a skip.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from papershelf.parser.decoding import BINARY
from papershelf.parser.results import SourceError, os_problem

# Bytes read from a file at a time (text is cut into blocks of as many characters). A block
# ends at a blank line and is parsed and dropped before the next is read. Small enough that a
# block's text and buffers add little to the papers (peak memory stays ~1.3x a 170 MB file),
# big enough that the per-block work does not show. Tests shrink it to find the seams.
_BLOCK_SIZE = 1 << 20

MAX_RECORD_BYTES = 4 << 20
"""The longest paragraph read (in UTF-8 bytes): an abstract is a few kB, so 4 MB is no paper."""

# While a too-long paragraph is skipped, this much of its end is kept across reads, so a blank
# line split by a read is still found.
_SKIP_KEEP = 1 << 12


def too_long_message() -> str:
    """The warning for a skipped paragraph, the same from the file and the in-memory paths."""
    limit = MAX_RECORD_BYTES
    size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit >> 10} kB"
    return f"a paragraph longer than {size}, skipped (no digest has one)"


def too_long(raw: str) -> bool:
    """Whether a paragraph of text in memory is one `byte_blocks` would have skipped."""
    return (
        len(raw) > MAX_RECORD_BYTES >> 2
        and len(raw.encode("utf-8", "surrogatepass")) > MAX_RECORD_BYTES
    )


Readinto = Callable[[memoryview], int | None]
OnSkip = Callable[[int, int], None]
"""Told of a skipped paragraph: line breaks before its first text, line breaks in all of it."""


def byte_blocks(
    stream: BinaryIO, label: str, *, head: bytes = b"", on_skip: OnSkip | None = None
) -> Iterator[tuple[bytearray, int]]:
    """`head` then the stream, in blocks of about `_BLOCK_SIZE` bytes, each after a blank line.

    A block is `buffer[:end]`, valid until the next one is asked for: one buffer is read into
    again and again, as fresh memory for each block cost more in page faults than parsing it.
    A cut after a blank line never splits a paragraph, a CRLF pair or a UTF-8 sequence, so each
    block parses exactly as it would inside the whole text. A paragraph longer than
    `MAX_RECORD_BYTES` is not yielded: it is read past and `on_skip` is told, once it ended.
    """
    readinto = _after(head, stream.readinto)  # type: ignore[attr-defined]
    buffer = bytearray(max(_BLOCK_SIZE, 1))
    size = 0
    at_end = False
    while True:
        if not at_end:
            size, at_end = _fill(readinto, buffer, size, label)
        if at_end:
            if size:
                yield buffer, size
            return
        cut = _last_cut(buffer, size)
        if cut is None:  # no blank line in a whole buffer: a bigger one, and read on
            if len(buffer) < MAX_RECORD_BYTES:
                buffer += bytearray(min(len(buffer), MAX_RECORD_BYTES - len(buffer)))
                continue
            size, at_end, leading, breaks = _skip_record(readinto, buffer, size, label)
            if on_skip is not None:
                on_skip(leading, breaks)
            continue
        if cut:
            yield buffer, cut
        buffer[: size - cut] = buffer[cut:size]  # the start of the next block
        size -= cut


def _after(head: bytes, readinto: Readinto) -> Readinto:
    """`readinto` of `head` followed by the stream: bytes read to sniff the format, put back."""
    pending = memoryview(head)

    def read(view: memoryview) -> int | None:
        nonlocal pending
        if not pending:
            return readinto(view)
        size = min(len(view), len(pending))
        view[:size] = pending[:size]
        pending = pending[size:]
        return size

    return read


def _fill(readinto: Readinto, buffer: bytearray, size: int, label: str) -> tuple[int, bool]:
    """Read until `buffer` is full; the new size, and whether the stream ended."""
    while size < len(buffer):
        try:
            got = readinto(memoryview(buffer)[size:])
        except OSError as exc:
            raise SourceError(label, os_problem(exc)) from None
        if not got:
            return size, True
        size += got
    return size, False


_LEADING_BLANKS = re.compile(rb"[ \t\r\n]*")


def _skip_record(
    readinto: Readinto, buffer: bytearray, size: int, label: str
) -> tuple[int, bool, int, int]:
    """Read past the paragraph filling `buffer[:size]`, up to its blank line or the end.

    Returns the new size (the text after the paragraph, moved to the buffer's start), whether
    the stream ended, and the paragraph's line breaks before its text and in all.
    """
    blanks = _LEADING_BLANKS.match(buffer, 0, size)
    leading = _line_breaks(buffer, 0, blanks.end() if blanks else 0)
    breaks = 0
    at_end = False
    while True:
        if buffer.find(b"\x00", 0, size) >= 0:
            raise SourceError(label, BINARY)
        match = _CUT_BYTES.search(buffer, 0, size)
        if match is not None or at_end:
            cut = match.end() if match is not None else size
            breaks += _line_breaks(buffer, 0, cut)
            buffer[: size - cut] = buffer[cut:size]
            return size - cut, at_end, leading, breaks
        drop = size - min(_SKIP_KEEP, size // 2)  # room to read into, whatever the size
        if drop > 1 and buffer[drop - 1] == ord("\r"):
            drop -= 1  # never part a CRLF: it would count as two line breaks
        breaks += _line_breaks(buffer, 0, drop)
        buffer[: size - drop] = buffer[drop:size]
        size, at_end = _fill(readinto, buffer, size - drop, label)


def _line_breaks(data: bytearray, start: int, end: int) -> int:
    """Line breaks in `data[start:end]`: LF, CRLF and lone CR alike, as the parser counts them."""
    return (
        data.count(b"\n", start, end)
        + data.count(b"\r", start, end)
        - data.count(b"\r\n", start, end)
    )


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


def text_blocks(text: str, start: int) -> Iterator[str]:
    """`text[start:]` in blocks of about `_BLOCK_SIZE` characters, cut as `byte_blocks` does."""
    size = _BLOCK_SIZE
    while start < len(text):
        match = _CUT_TEXT.search(text, start + size) if start + size < len(text) else None
        end = match.end() if match else len(text)
        yield text[start:end]
        start = end
