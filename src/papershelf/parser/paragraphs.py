"""Paragraphs of digest text, each made one clean line: wrapped lines joined, controls removed.

Real copies are messy (CRLF or CR line ends, trailing blanks, runs of blank lines, hard
wrapping at ~72 columns), so the parser works on paragraphs, not lines, and joins wrapped lines
itself. Wrapped lines are joined with one space, except that a line ending in a hyphen right
after a letter or digit joins the next without one ("Fine-" + "tuning" -> "Fine-tuning"):
hyphenated words are far more common in titles and abstracts than a suspended hyphen ("pre-
and post-") landing exactly on a wrap point, which is the one case this gets wrong ("pre-and").
Blanks at the ends of lines never matter. Likewise "a--" + "b" and "a" + "--b" join without a
space, as `textwrap` splits an em-dash "a--b" there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from papershelf.text import strip_controls

NONBLANK = re.compile(r"\S")


def bom_offset(text: str) -> int:
    """Where the text starts: after the BOM that text decoded elsewhere (stdin, UTF-16) keeps."""
    return 1 if text.startswith("\ufeff") else 0


# Paragraphs are separated by a line break followed by one or more blank lines. Finding the
# separators with a pattern that starts with a literal line break lets the regex engine skip
# ahead at C speed; a pattern per line-end style keeps that literal (mixed files use the last).
_SEPARATORS = {
    "\n": re.compile(r"\n(?:[^\S\n]*\n)+"),
    "\r\n": re.compile(r"\r\n(?:[^\S\r\n]*\r\n)+"),
    "\r": re.compile(r"\r(?:[^\S\r]*\r)+"),
    "mixed": re.compile(r"(?:\r\n|\r(?!\n)|\n)(?:[^\S\r\n]*(?:\r\n|\r(?!\n)|\n))+"),
}
SEPARATOR = _SEPARATORS["\n"]  # digest blocks have their line ends made "\n" first
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


def split_paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, raw text) of each paragraph; blank-only stretches come out empty."""
    if "\r" not in text:
        separator = _SEPARATORS["\n"]
    elif "\n" not in text:
        separator = _SEPARATORS["\r"]
    elif text.count("\r") == text.count("\r\n") == text.count("\n"):
        separator = _SEPARATORS["\r\n"]
    else:
        separator = _SEPARATORS["mixed"]
    pos = bom_offset(text)
    for match in separator.finditer(text, pos):
        yield pos, text[pos : match.start()]
        pos = match.end()
    yield pos, text[pos:]


def controls_free(data: bytes | bytearray, start: int, end: int) -> bool:
    """Whether UTF-8 `data[start:end]` surely holds nothing `clean_paragraph` removes.

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


def clean_paragraph(raw: str) -> str:
    """One paragraph as one line: wrapped lines joined, controls removed, ends trimmed.

    The common case, a single clean line, costs a strip and a few C-level scans.
    """
    text = raw.strip()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unwrap(text)
    if text.isascii():  # O(1); then only C0 controls are possible, found by a bytes table scan
        if len(text.encode("ascii").translate(None, _C0_BYTES)) == len(text):
            return text
    elif _CONTROL_CHARS.search(text) is None:
        return text
    return _SPACE_RUNS.sub(" ", strip_controls(text)).strip()


def unwrap(text: str) -> str:
    """Tabs to single spaces and wrapped lines joined (`clean_paragraph` without the controls)."""
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


def tidy_title(title: str) -> str:
    """Titles are short: collapse any run of blanks left inside (abstracts keep theirs)."""
    return " ".join(title.split()) if "  " in title else title
