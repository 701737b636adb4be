"""Bytes to text with LF line ends: UTF-8 (BOM optional) or UTF-16 by its BOM.

A digest copied from anywhere may be CRLF or CR-only, carry a BOM, or hold a stray byte that is
not UTF-8; that byte becomes U+FFFD and one warning with its line. NUL bytes mean a binary file,
which is an error rather than a guess.
"""

from __future__ import annotations

import codecs
import re

from papershelf.parser.results import ParseWarning, SourceError

BINARY = "binary file (contains NUL bytes), not a digest"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Decoder:
    """UTF-8 blocks to text with LF line ends; the first undecodable byte becomes a warning."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.warnings: list[ParseWarning] = []

    def decode(self, data: bytes | bytearray, start: int, end: int, lines_before: int) -> str:
        """`data[start:end]` as text; `lines_before`: line breaks in the stream before it."""
        if data.find(b"\x00", start, end) >= 0:
            raise SourceError(self.label, BINARY)
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


def _line_breaks(data: bytes | bytearray) -> int:
    """Line breaks in `data`: LF, CRLF and lone CR alike."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def decode(data: bytes | bytearray, label: str) -> tuple[str, list[ParseWarning]]:
    """Bytes to text, once: UTF-8 (BOM optional; UTF-16 if its BOM says so), else replacement."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise SourceError(label, "not valid UTF-16 text") from None
    if b"\x00" in data:
        raise SourceError(label, BINARY)
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
