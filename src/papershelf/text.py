"""Small text helpers shared by the parser, the search and the store.

Digest text is untrusted: `strip_controls` removes anything that could drive a terminal
(C0/C1 controls, bidi overrides) so that later layers can show text literally.
"""

from __future__ import annotations

import json
import re
import unicodedata

# C0 and C1 controls except tab and newline, DEL, and the Unicode bidi embeddings, overrides
# and isolates (U+202A-U+202E, U+2066-U+2069) plus the implicit marks that can reorder text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping newline and tab."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub("", _ANSI.sub("", text))


def fold(text: str) -> str:
    """Casefold and drop accents, so "Schrödinger" and "schrodinger" compare equal.

    The rule is NFKD of the casefolded text without its combining marks. Search folds every
    title and abstract with it while indexing, so the usual accents (U+0300-U+036F) go in one
    regex pass and only what is still not ASCII after that is looked at character by character.
    """
    folded = text.casefold()
    if folded.isascii():
        return folded
    decomposed = _COMMON_MARKS.sub("", unicodedata.normalize("NFKD", folded))
    if decomposed.isascii():
        return decomposed
    return _NON_ASCII.sub(_drop_marks, decomposed)


_COMMON_MARKS = re.compile(
    "[" + "".join(c for c in map(chr, range(0x300, 0x370)) if unicodedata.combining(c)) + "]"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_marks(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if not unicodedata.combining(c))


_NON_WORD = re.compile(r"[\W_]+")
# For ASCII titles: letters lower-cased, digits kept, every other byte a space. On ASCII, NFKC
# and accent folding change nothing and casefold is lower, so this gives the same result.
_ASCII_WORDS = bytes(
    (ord(chr(b).lower()) if chr(b).isascii() and chr(b).isalnum() else ord(" ")) for b in range(256)
)


def normalize_title(title: str) -> str:
    """The form of a title that identifies a paper across digests, wrappings and line ends.

    NFKC, accents folded, casefolded, punctuation and whitespace collapsed to single spaces.
    """
    if title.isascii():  # nearly every title; a byte table is 3x faster than the general path
        return title_key(title).decode("ascii")
    text = fold(unicodedata.normalize("NFKC", title))
    return _NON_WORD.sub(" ", text).strip()


def title_key(title: str) -> bytes:
    """`normalize_title(title)` in UTF-8, what a paper's id hashes; ASCII goes straight to bytes."""
    if title.isascii():
        return b" ".join(title.encode("ascii").translate(_ASCII_WORDS).split())
    return normalize_title(title).encode()


def ellipsize(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, the cut marked with one "…"."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# What JSON may carry but a terminal or a UTF-8 encoder must not see raw: C1 controls, bidi
# controls, line/paragraph separators and lone surrogates (json escapes only C0 itself).
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def terminal_safe(text: str) -> str:
    """`text` as it may reach a terminal: no escape sequences or controls (newline and tab
    kept), lone surrogates replaced by U+FFFD so that encoding never fails."""
    return _LONE_SURROGATE.sub("\ufffd", strip_controls(text))


def safe_json(data: object, *, indent: int | None = 2) -> str:
    """JSON text that stays readable (non-ASCII kept) yet carries no raw control, bidi or
    surrogate character: those are written as \\u escapes, so the text is valid JSON that
    is safe to print."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
