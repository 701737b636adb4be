"""The text reader holds at most one record (paragraph) of `MAX_RECORD_BYTES`, whatever comes in.

A 50 MB paragraph, `yes` on a FIFO and `/dev/zero` are streamed, never accumulated: the long
paragraph is skipped with one warning naming its line, NUL bytes end the reading with one
error. Memory is measured with tracemalloc around the parse (allocations, not RSS, so the
bound does not depend on what else the interpreter holds).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.test_parser_blocks import ABSTRACT

from papershelf.cli import main
from papershelf.errors import UserError
from papershelf.parser import ParseResult, blocks, parse_sources, sources
from papershelf.parser.decoding import BINARY

MB = 1 << 20
PEAK_LIMIT = 4 * blocks.MAX_RECORD_BYTES
"""A few records' worth: the buffer, a block's text and its copies, never the stream."""


class Generated(io.RawIOBase):
    """A read-only stream of `total` bytes (None: endless) made by `chunk(offset, size)`."""

    def __init__(self, chunk: Callable[[int, int], bytes], total: int | None) -> None:
        self._chunk, self._total, self._at = chunk, total, 0

    def readable(self) -> bool:
        return True

    def readinto(self, view: memoryview) -> int:  # type: ignore[override]
        size = min(len(view), 64 * 1024)  # small pieces: the test's own memory stays small
        if self._total is not None:
            size = min(size, self._total - self._at)
        data = self._chunk(self._at, size)
        view[: len(data)] = data
        self._at += len(data)
        return len(data)


def stdin_of(raw: io.RawIOBase) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedReader(raw))


def stream_of(prefix: bytes, middle: bytes, size: int, suffix: bytes) -> Generated:
    """`prefix`, then `middle` repeated to `size` bytes, then `suffix`, made as it is read."""
    total = len(prefix) + size + len(suffix)
    pattern = middle * (128 * 1024 // len(middle) + 1)

    def chunk(at: int, want: int) -> bytes:
        out = bytearray()
        while len(out) < want and at < total:
            if at < len(prefix):
                piece = prefix[at:]
            elif at < len(prefix) + size:
                offset = (at - len(prefix)) % len(middle)
                piece = pattern[offset:]
                piece = piece[: len(prefix) + size - at]
            else:
                piece = suffix[at - len(prefix) - size :]
            piece = piece[: want - len(out)]
            out += piece
            at += len(piece)
        return bytes(out)

    return Generated(chunk, total)


@contextlib.contextmanager
def peak_memory() -> Iterator[list[int]]:
    """The peak of traced allocations during the block, in bytes, as `result[0]`."""
    result = [0]
    tracemalloc.start()
    try:
        yield result
    finally:
        result[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def digest_around(paragraph_bytes: int, filler: bytes = b"x", newline: bytes = b"\n") -> Generated:
    before = newline.join([b"Mar 21", b"", b"First Title", b"", ABSTRACT.encode(), b"", b""])
    after = newline.join([b"", b"", b"Lonely Title", b"", b"Last Title", b"", ABSTRACT.encode()])
    return stream_of(before, filler, paragraph_bytes, after + newline)


def parse_stdin(raw: io.RawIOBase) -> ParseResult:
    return parse_sources(["-"], stdin=stdin_of(raw), year=2025)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_a_50_mb_paragraph_is_skipped_with_one_warning_in_bounded_memory(newline: bytes) -> None:
    with peak_memory() as peak:
        result = parse_stdin(digest_around(50 * MB, newline=newline))
    assert peak[0] < PEAK_LIMIT, f"peak {peak[0] / MB:.1f} MB"
    assert [p.title for p in result.papers] == ["First Title", "Last Title"]
    assert [(w.line, w.message) for w in result.warnings] == [
        (7, "a paragraph longer than 4 MB, skipped (no digest has one)"),
        (9, "title with no abstract, skipped: 'Lonely Title'"),
    ]


def test_a_long_paragraph_of_short_lines_keeps_the_line_numbers_right() -> None:
    # `yes`-like: a line break every two bytes, and 5 MB of them, between two papers.
    result = parse_stdin(digest_around(5 * MB, filler=b"y\n"))
    skipped, lonely = result.warnings
    assert skipped.line == 7 and "longer than 4 MB" in skipped.message
    assert lonely.line == 7 + (5 * MB) // 2 + 2


def test_the_bound_holds_whatever_the_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "_BLOCK_SIZE", 4096)
    monkeypatch.setattr(blocks, "MAX_RECORD_BYTES", 64 * 1024)
    with peak_memory() as peak:
        result = parse_stdin(digest_around(8 * MB, filler=b"ab "))
    assert peak[0] < 1 * MB, f"peak {peak[0] / 1024:.0f} kB"
    assert result.warnings[0].message.startswith("a paragraph longer than 64 kB, skipped")
    assert len(result.papers) == 2  # and "Lonely Title", with no abstract, is none


def test_the_text_path_skips_the_same_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """A digest already in memory (UTF-16, a StringIO stdin) drops it too, on the same line."""
    monkeypatch.setattr(blocks, "MAX_RECORD_BYTES", 64 * 1024)
    raw = digest_around(200 * 1024)
    data = raw.read()
    assert data is not None
    from_bytes = parse_sources(["-"], stdin=io.TextIOWrapper(io.BytesIO(data)), year=2025)
    from_text = parse_sources(["-"], stdin=io.StringIO(data.decode()), year=2025)
    assert from_text.warnings == from_bytes.warnings and from_text.papers == from_bytes.papers
    assert "longer than" in from_text.warnings[0].message


def test_nothing_but_a_long_paragraph_is_an_error_that_says_so() -> None:
    with pytest.raises(UserError, match="no papers found; a paragraph longer than 4 MB, skipped"):
        parse_stdin(stream_of(b"", b"y\n", 20 * MB, b""))


def test_a_fifo_fed_by_yes_is_read_in_bounded_memory(tmp_path: Path) -> None:
    fifo = tmp_path / "yes.fifo"
    os.mkfifo(fifo)
    total = 24 * MB

    def writer() -> None:
        with fifo.open("wb") as pipe, contextlib.suppress(BrokenPipeError):
            line = b"y\n" * (32 * 1024)
            for _ in range(total // len(line)):
                pipe.write(line)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with peak_memory() as peak, pytest.raises(UserError, match="no papers found"):
            parse_sources([fifo])
    finally:
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert peak[0] < PEAK_LIMIT, f"peak {peak[0] / MB:.1f} MB"


def test_dev_zero_ends_at_once_with_one_error_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["list", "/dev/zero"], out=out)
    assert (code, out.getvalue()) == (2, "")
    assert err.getvalue() == f"papershelf: error: /dev/zero: {BINARY}\n"


def test_nul_bytes_after_a_text_start_end_the_reading_too() -> None:
    endless_zeros = stream_of(b"A Title\n\n" + ABSTRACT.encode(), b"\x00", 1 << 40, b"")
    with peak_memory() as peak, pytest.raises(UserError, match="binary file"):
        parse_stdin(endless_zeros)
    assert peak[0] < PEAK_LIMIT


@pytest.mark.parametrize(
    "start", [b"[", b"\xef\xbb\xbf{", b"\xff\xfe[\x00"], ids=["json", "bom-json", "utf-16"]
)
def test_what_is_read_whole_is_capped(start: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_WHOLE_BYTES", 2 * MB)
    endless = stream_of(start, b" ", 1 << 40, b"")
    with pytest.raises(UserError, match="more than 2 MB of JSON, UTF-16 or page copy"):
        parse_stdin(endless)


def test_json_under_the_cap_is_still_read_whole() -> None:
    item = {"paper": {"id": "2403.10001", "title": "From JSON", "summary": "S."}}
    data = json.dumps([item]).encode() + b" " * (3 * MB)
    result = parse_sources(["-"], stdin=io.TextIOWrapper(io.BytesIO(data)))
    assert [p.title for p in result.papers] == ["From JSON"]


# --- a digest piped to the app is read whole, so it is bounded and checked first -------------


def run_app_on_stdin(
    monkeypatch: pytest.MonkeyPatch, raw: io.RawIOBase
) -> tuple[int, str, list[str]]:
    """`papershelf -` with `raw` on stdin; the app is not started, only handed the text."""
    from papershelf import cli
    from papershelf.ui.app import PapershelfApp

    handed: list[str] = []

    def run(self: PapershelfApp) -> None:
        handed.append(self.stdin_text or "")

    monkeypatch.setattr(PapershelfApp, "run", run)
    monkeypatch.setattr(cli, "_reattach_terminal", lambda: None)
    monkeypatch.setattr("sys.stdin", stdin_of(raw))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["-"], out=io.StringIO())
    return code, err.getvalue(), handed


def test_dev_zero_piped_to_the_app_is_refused_before_it_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, err, handed = run_app_on_stdin(monkeypatch, stream_of(b"", b"\x00", 1 << 40, b""))
    assert (code, err, handed) == (2, f"papershelf: error: -: {BINARY}\n", [])


def test_an_endless_pipe_to_the_app_stops_at_the_whole_read_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sources, "MAX_WHOLE_BYTES", 2 * MB)
    code, err, handed = run_app_on_stdin(monkeypatch, stream_of(b"", b"y\n", 1 << 40, b""))
    assert (code, handed) == (2, [])
    assert err == "papershelf: error: -: more than 2 MB on standard input\n"


def test_a_piped_digest_reaches_the_app_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    digest = "A Title\n\nCaf\xe9 abstract. It is fine.\n".encode() + b"\xff\n"
    code, err, handed = run_app_on_stdin(monkeypatch, stream_of(digest, b" ", 0, b""))
    assert (code, err) == (0, "")
    assert handed == ["A Title\n\nCafé abstract. It is fine.\n\ufffd\n"]


# --- both reading paths skip the same paragraphs, whatever the block size --------------------

LIMIT = 256
paragraphs = st.one_of(
    st.sampled_from(["Mar 21", "A Short Title", "Another Title", ABSTRACT]),
    st.builds(
        lambda size, line: "\n".join(["w" * line] * (size // line)),
        st.integers(3 * LIMIT, 12 * LIMIT),
        st.sampled_from([1, 7, 80, 10_000]),
    ),
)


@given(
    st.lists(paragraphs, min_size=1, max_size=12),
    st.sampled_from([1, 7, 64, 300, 4096]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_the_stream_and_the_text_skip_the_same_paragraphs(
    parts: list[str], block_size: int, newline: str
) -> None:
    text = ("\n\n".join(parts) + "\n").replace("\n", newline)

    def parse(**stdin: object) -> tuple[list[object], list[object]] | str:
        try:
            result = parse_sources(["-"], year=2025, **stdin)  # type: ignore[arg-type]
        except UserError as exc:
            return str(exc)
        return [p.title for p in result.papers], [(w.line, w.message) for w in result.warnings]

    with blocks_limited(block_size):
        from_stream = parse(stdin=io.TextIOWrapper(io.BytesIO(text.encode())))
        from_text = parse(stdin=io.StringIO(text))
    assert from_stream == from_text
    skipped = sum(len(part) > LIMIT for part in parts)
    warnings = from_stream[1] if isinstance(from_stream, tuple) else []
    assert sum("longer than" in str(w) for w in warnings) == (skipped if warnings else 0)


@contextlib.contextmanager
def blocks_limited(block_size: int) -> Iterator[None]:
    saved = blocks._BLOCK_SIZE, blocks.MAX_RECORD_BYTES
    blocks._BLOCK_SIZE, blocks.MAX_RECORD_BYTES = block_size, LIMIT
    try:
        yield
    finally:
        blocks._BLOCK_SIZE, blocks.MAX_RECORD_BYTES = saved
