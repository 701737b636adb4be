"""Big inputs in blocks cut at blank lines, so a paragraph never straddles two blocks.

A digest file is read and parsed a megabyte at a time, so a 170 MB digest never sits in memory
whole next to its papers; text already in memory is cut the same way, so both paths parse the
same paragraphs and report the same line numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from papershelf.parser.results import SourceError, os_problem

# Bytes read from a file at a time (text is cut into blocks of as many characters). A block
# ends at a blank line and is parsed and dropped before the next is read. Small enough that a
# block's text and buffers add little to the papers (peak memory stays ~1.3x a 170 MB file),
# big enough that the per-block work does not show. Tests shrink it to find the seams.
_BLOCK_SIZE = 1 << 20


def byte_blocks(stream: BinaryIO, label: str) -> Iterator[tuple[bytearray, int]]:
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
                raise SourceError(label, os_problem(exc)) from None
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


def text_blocks(text: str, start: int) -> Iterator[str]:
    """`text[start:]` in blocks of about `_BLOCK_SIZE` characters, cut as `byte_blocks` does."""
    size = _BLOCK_SIZE
    while start < len(text):
        match = _CUT_TEXT.search(text, start + size) if start + size < len(text) else None
        end = match.end() if match else len(text)
        yield text[start:end]
        start = end
