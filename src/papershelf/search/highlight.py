"""Which characters of a title the query matched, for the list to underline."""

from __future__ import annotations

from papershelf.search.query import Query, phrase_pattern
from papershelf.search.terms import WORD, token_match
from papershelf.text import fold


def _fold_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """`fold(text)` and, per folded character, the [start, end) of the original it came from.

    A character that folds to nothing (a combining accent) joins the one before it, so that a
    highlighted "e" keeps its accent.
    """
    if text.isascii():
        return text.lower(), list(range(len(text))), list(range(1, len(text) + 1))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(text):
        folded = fold(char)
        if folded:
            parts.append(folded)
            starts.extend([i] * len(folded))
            ends.extend([i + 1] * len(folded))
        elif ends:
            owner = starts[-1]
            k = len(ends) - 1
            while k >= 0 and starts[k] == owner:
                ends[k] = i + 1
                k -= 1
    return "".join(parts), starts, ends


def highlight_spans(query: Query, text: str) -> list[tuple[int, int]]:
    """[start, end) spans of `text` that the query's words or phrases matched; sorted, disjoint.

    Offsets are into the original `text`, even where folding changed lengths ("ß" -> "ss").
    Exclusions and filters highlight nothing. The list calls this for every visible title with
    the same `Query`, parsed once per keystroke by its caller.
    """
    if not (query.words or query.phrases):
        return []
    folded, starts, ends = _fold_with_offsets(text)
    found: list[tuple[int, int]] = []
    if query.words:
        for token in WORD.finditer(folded):
            for word in query.words:
                matched = token_match(word.text, word.last, token.group())
                if matched is not None:
                    found.append((token.start() + matched[1], token.start() + matched[2]))
    for phrase in query.phrases:
        found.extend(
            m.span() for m in phrase_pattern(phrase).finditer(folded) if m.end() > m.start()
        )
    spans: list[tuple[int, int]] = []
    for a, b in sorted(found):
        start, end = starts[a], ends[b - 1]
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans
