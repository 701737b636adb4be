"""Markup of page captures made into lines: links flattened to their text, their targets kept.

Copies of the papers pages come through browsers, reader modes, markdown converters and
note-taking tools, and each writes links its own way: `[text](url)`, `[text][12]`, links whose
text spans lines (`[\\n65\\n][35]`), links inside links (`[![](img)AK](url)`), images, HTML
anchors, code fences, YAML front matter. Cards are recognised by their structure, so this
module only turns that markup into `Line`s: the text a reader sees, plus the link targets
(which carry the arXiv ids) and whether the line was nothing but links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from papershelf.parser.paragraphs import unwrap

# Longest link text looked at: a whole abstract fits; a stray "[" does not scan the file.
_LINK_MAX = 8000
_BRACKET = re.compile(r"[\[\]]")
_SPECIAL = re.compile(r"!?\[|\n")
_REF = re.compile(r"\[\s*(\d+)\s*\]")
# `(url)` or `(url "title")` right after a link's text.
_TARGET = re.compile(r"\(\s*(<?[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*>?)(?:\s+\"[^\"]*\")?\s*\)")
# An image alt or avatar placeholder leading a link's text: `[microsoft] Microsoft`, `[图片：…]`.
_LEADING_ALT = re.compile(r"^\s*\[[^\[\]\n]*\]\s*")
_HTML_TAG = re.compile(r"<(?:/?[a-zA-Z][^<>\n]*)>")
_HEADING = re.compile(r"[ \t]*(#{1,6})[ \t]+")
_HEADING_INSIDE = re.compile(r"\n[ \t]*#{1,6}[ \t]+")
_FENCE = re.compile(r"[ \t]*(?:```|~~~)")
# Markdown escapes converters add: `\\` at a hard line end, `\ ` for a kept blank, `\_` etc.
_HARD_BREAK = re.compile(r"\\\\?[ \t]*(?=\n)")
_ESCAPED = re.compile(r"\\([ \\`*_{}\[\]()#+.!|-])")
_BLANKS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Link:
    """A link's text as shown, and its target: a URL, `None` for an unresolved `[n]` reference."""

    text: str
    target: str | None


@dataclass(slots=True)
class Line:
    """One line of a capture as a reader sees it; a link spanning lines counts as on its first."""

    text: str
    """The line with every link replaced by its text, blanks collapsed."""
    plain: str
    """The line without its links' text: what the line says besides them."""
    number: int
    """1-based line in the capture."""
    heading: int = 0
    """Markdown heading level (`### ` is 3), 0 for none."""
    links: list[Link] = field(default_factory=list)


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """YAML front matter's top-level `key: value` pairs and where the body starts (0: none)."""
    if not text.startswith("---\n"):
        return {}, 0
    end = text.find("\n---", 3)
    if end < 0 or end > 20000:
        return {}, 0
    pairs: dict[str, str] = {}
    for row in text[4:end].split("\n"):
        key, colon, value = row.partition(":")
        if colon and key and not key[0].isspace():
            pairs[key.strip().casefold()] = value.strip().strip("\"'")
    after = text.find("\n", end + 4)
    return pairs, (after + 1 if after >= 0 else len(text))


def _tidy(text: str) -> str:
    text = _HARD_BREAK.sub("", text)
    text = _HEADING_INSIDE.sub("\n", text)  # a title split over two `### ` lines
    text = _HTML_TAG.sub("", text)
    return _ESCAPED.sub(r"\1", text)


def _match(text: str, start: int) -> tuple[int, str, str | None] | None:
    """The link whose `[` is at `start`: (end, raw text, target); None if `[` is literal."""
    depth = 0
    limit = min(len(text), start + _LINK_MAX)
    close = -1
    for bracket in _BRACKET.finditer(text, start, limit):
        depth += 1 if bracket[0] == "[" else -1
        if depth == 0:
            close = bracket.start()
            break
    if close < 0:
        return None
    inner = text[start + 1 : close]
    after = close + 1
    target = _TARGET.match(text, after)
    if target is not None:
        return target.end(), inner, target[1].strip("<>")
    ref = _REF.match(text, after)
    if ref is not None:
        return ref.end(), inner, None
    return None


def _scan(text: str, start: int, end: int, lines: list[Line] | None) -> str:
    """Walk `text[start:end]`, links flattened; with `lines`, each line ends as a `Line`.

    Without `lines` (the text inside a link), the flattened text is returned whole.
    """
    pieces: list[str] = []  # the current line's text
    plain: list[str] = []
    links: list[Link] = []
    number = text.count("\n", 0, start) + 1
    line_start = number
    pos = start
    while pos < end:
        special = _SPECIAL.search(text, pos, end)
        stop = special.start() if special else end
        pieces.append(text[pos:stop])
        plain.append(text[pos:stop])
        if special is None:
            pos = end
            break
        token = special[0]
        if token == "\n":
            if lines is None:
                pieces.append("\n")
            else:
                _add_line(lines, pieces, plain, links, line_start)
                pieces, plain, links = [], [], []
                line_start = number + 1
            number += 1
            pos = special.end()
            continue
        bracket = special.end() - 1
        found = _match(text, bracket)
        if found is None:
            pieces.append(token)
            plain.append(token)
            pos = special.end()
            continue
        link_end, inner, target = found
        number += text.count("\n", bracket, link_end)
        if token == "![":  # an image: its alt text is decoration
            pos = link_end
            continue
        shown = _scan(inner, 0, len(inner), None)
        if shown.strip():  # `[[microsoft] Microsoft]`: the avatar's alt text goes
            shown = _LEADING_ALT.sub("", shown)
        shown = _tidy(shown)
        links.append(Link(_BLANKS.sub(" ", shown).strip(), target))
        pieces.append(" " + shown + " ")
        pos = link_end
    if lines is None:
        return "".join(pieces)
    _add_line(lines, pieces, plain, links, line_start)
    return ""


def _add_line(
    lines: list[Line], pieces: list[str], plain: list[str], links: list[Link], number: int
) -> None:
    raw = "".join(pieces)
    heading = _HEADING.match(raw)
    level = len(heading[1]) if heading else 0
    if heading:
        raw = raw[heading.end() :]
    text = _BLANKS.sub(" ", unwrap(_tidy(raw).strip())).strip()
    rest = _BLANKS.sub(" ", _tidy("".join(plain))).strip()
    if level and rest.startswith("#"):
        rest = rest.lstrip("#").strip()
    lines.append(Line(text, rest, number, level, links))


def capture_lines(text: str, start: int = 0) -> list[Line]:
    """The capture's lines from `start`, markup made text; code-fence lines left out."""
    lines: list[Line] = []
    _scan(text, start, len(text), lines)
    return [line for line in lines if not _FENCE.match(line.text)]
