"""Decode the LaTeX escapes that arXiv abstracts carry, for display.

arXiv metadata spells accents the TeX way (`Schr\\"odinger`, `Milenkovi\\'c`, `5\\%`). A reader
wants "Schrödinger"; search wants the same letters the title bar shows. Only the small,
well-defined set of text-mode escapes is decoded; any other backslash sequence (math, macros,
typos) is left exactly as written, because guessing at it would change what the author wrote.
"""

from __future__ import annotations

import re
import unicodedata

# Accent commands and the combining mark each one adds to its base letter.
_ACCENTS = {
    '"': "\u0308",  # diaeresis
    "'": "\u0301",  # acute
    "`": "\u0300",  # grave
    "^": "\u0302",  # circumflex
    "~": "\u0303",  # tilde
    "=": "\u0304",  # macron
    ".": "\u0307",  # dot above
    "c": "\u0327",  # cedilla
    "v": "\u030c",  # caron
    "u": "\u0306",  # breve
    "H": "\u030b",  # double acute
    "k": "\u0328",  # ogonek
    "r": "\u030a",  # ring above
    "d": "\u0323",  # dot below
    "b": "\u0331",  # macron below
}

# Letters that TeX spells as commands.
_WORD_LETTERS = {"ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å"}
_SHORT_LETTERS = {"o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}

# What follows the backslash of an escape; named groups tell `_replace` which one matched.
_ESCAPE = r"""
    (?P<keep>\\)
  | (?:(?P<sym>["'`^~=.])\s*|(?P<let>[cvuHkrdb])(?:\s+|(?=\{)))
    (?:\{\s*(?P<bbase>\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|(?P<base>\\[ij](?![A-Za-z])|[A-Za-z]))
  | (?P<word>ss|ae|AE|oe|OE|aa|AA)(?![A-Za-z])(?:\{\}|[ ](?=[A-Za-z]))?
  | (?P<short>[oOlLij])(?:\{\}|(?=\}))
  | (?P<esc>[%&_\#$])
"""
# Two passes, each starting with a literal so the regex engine skips ahead at C speed: first
# the braced forms (`G{\"o}del`), then the bare ones (`\"o`, `\"{o}`). A brace right after a
# command name or accent (`\textbf{\'e}`, `\'{\i}`) is that command's argument and stays.
# `\\` is matched whole so that `\\%` is not read as an escaped percent sign. Single-letter
# names (`\o`) decode only as `{\o}` or `\o{}`, since a bare `\o` is too easily something else.
_BRACED = re.compile(r"\{(?<!\\\{)(?<!\\[\"'`^~=.]\{)\\(?:" + _ESCAPE + r")\}", re.VERBOSE)
_COMMAND_BEFORE = re.compile(r"\\[A-Za-z]+$")
_BARE = re.compile(r"\\(?:" + _ESCAPE + r")", re.VERBOSE)


def _replace_braced(match: re.Match[str]) -> str:
    text, start = match.string, match.start()
    if _COMMAND_BEFORE.search(text, max(0, start - 40), start):
        return "{" + _replace(match) + "}"  # the argument of `\textbf{...}`: keep its braces
    return _replace(match)


def _replace(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups["keep"]:
        return match.group()
    if groups["esc"]:
        return groups["esc"]
    if groups["word"]:
        return _WORD_LETTERS[groups["word"]]
    if groups["short"]:
        return _SHORT_LETTERS[groups["short"]]
    command = groups["sym"] or groups["let"]
    base = groups["bbase"] or groups["base"] or ""
    if base.startswith("\\"):
        base = base[1:]  # \i and \j are dotless bases for an accent: \'{\i} -> í
    return unicodedata.normalize("NFC", base + _ACCENTS[command])


def decode_latex(text: str) -> str:
    """Replace TeX accent and escape sequences with the characters they stand for.

    Unknown backslash sequences are kept verbatim. Text without a backslash is returned as is,
    so the common case costs one substring scan.
    """
    if "\\" not in text:
        return text
    if "{\\" in text:
        text = _BRACED.sub(_replace_braced, text)
    return _BARE.sub(_replace, text)
