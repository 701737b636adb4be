"""Words and the rules by which a query word matches one word of a text.

The rules (`token_match` applies them to one word; `Vocabulary.match` to every indexed word):

* a word matches a term exactly, as the start of the term (prefix), within an edit budget of
  the whole term (fuzzy), or - only for the query word still being typed - within an edit
  budget of the start of the term (fuzzy prefix); words of `INFIX_MIN` or more letters also
  match inside a term (infix);
* edits are Damerau's optimal string alignment: insert, delete, substitute, swap two neighbours.

Texts and query words are compared folded (`papershelf.text.fold`): case and accents ignored.
"""

from __future__ import annotations

import re
from enum import IntEnum

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: A word is a run of letters and digits (underscore and punctuation separate words).
WORD = re.compile(r"[^\W_]+")
#: Query words of this many characters or more also match in the middle of a term.
INFIX_MIN = 5

# Bytes that are ASCII letters or digits stay, everything else becomes a space: on ASCII text,
# `bytes.translate` + `split` tokenises 3-5x faster than `WORD.findall` and gives the same words.
_ASCII_WORDS = bytes(b if chr(b).isascii() and chr(b).isalnum() else 0x20 for b in range(256))
# The same but bytes of multi-byte UTF-8 characters stay too (they are judged afterwards).
_UTF8_WORDS = bytes(b if b >= 0x80 else _ASCII_WORDS[b] for b in range(256))


class Level(IntEnum):
    """How a query word matched a term; lower is better."""

    EXACT = 0
    PREFIX = 1
    FUZZY = 2
    FUZZY_PREFIX = 3
    INFIX = 4


def whole_budget(length: int) -> int:
    """Edits allowed between a query word and a whole term: 0/1/2 for <=3 / 4-7 / >=8 letters."""
    return 0 if length <= 3 else 1 if length <= 7 else 2


def prefix_budget(length: int) -> int:
    """Edits allowed between the word being typed and a term's start: 0/1/2 for <=4 / 5-8 / >=9.

    Stricter than `whole_budget`: one typo on a 4-letter prefix made "lora" match "load".
    """
    return 0 if length <= 4 else 1 if length <= 8 else 2


def words(folded: str) -> list[str]:
    """The words of already folded text."""
    return WORD.findall(folded)


def ends_in_word(text: str) -> bool:
    """Whether the last character of `text` belongs to a word (so the word may go on)."""
    return bool(text) and WORD.fullmatch(text[-1]) is not None


def tokens(folded: str) -> list[bytes]:
    """The words of folded text as UTF-8 bytes (what the build interns); same as `words`."""
    if folded.isascii():
        return folded.encode("ascii").translate(_ASCII_WORDS).split()
    found: list[bytes] = []
    for token in folded.encode().translate(_UTF8_WORDS).split():
        if token.isascii():
            found.append(token)
        else:  # split only at ASCII bytes so far: let the regex judge the other characters
            found.extend(w.encode() for w in WORD.findall(token.decode()))
    return found


def _prefix_distance(word: str, token: str, budget: int) -> tuple[int, int]:
    """(edits, length) of the start of `token` closest to `word`, the longest on a tie.

    Edits come out as budget + 1 when no start of `token` is within the budget.
    """
    best, best_length = budget + 1, 0
    for length in range(max(1, len(word) - budget), min(len(token), len(word) + budget) + 1):
        edits = OSA.distance(word, token[:length], score_cutoff=budget)
        if edits <= min(best, budget):
            best, best_length = edits, length
    return best, best_length


def token_match(word: str, last: bool, token: str) -> tuple[Level, int, int] | None:
    """How folded query `word` matches folded `token`, and the matched part [start, end).

    The one-term definition of the rules `Vocabulary.match` applies to the whole vocabulary.
    """
    length = len(word)
    if not length:
        return None
    if token == word:
        return Level.EXACT, 0, length
    if token.startswith(word):
        return Level.PREFIX, 0, length
    budget = whole_budget(length)
    if (
        budget
        and abs(len(token) - length) <= budget
        and OSA.distance(word, token, score_cutoff=budget) <= budget
    ):
        return Level.FUZZY, 0, len(token)
    budget = prefix_budget(length) if last else 0
    if budget and len(token) >= length - budget:
        edits, end = _prefix_distance(word, token, budget)
        if edits <= budget:
            return Level.FUZZY_PREFIX, 0, end
    if length >= INFIX_MIN:
        start = token.find(word, 1)
        if start > 0:
            return Level.INFIX, start, start + length
    return None
