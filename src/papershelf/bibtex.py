"""BibTeX entries a researcher can cite as they are.

What "as they are" means here, each rule from a complaint in issue 11: authors as
`Last, First and ...` (particles such as "van der" stay with the surname); the title's LaTeX
kept, with braces protecting acronyms (`{SAM}`) from styles that lowercase titles; the year of
the paper (arXiv id, then arXiv day), not of the digest it was listed in; keys people type
(`gema2024decore`); the paper link, never the code repository; no private note unless asked.

Digest text is untrusted and ends up compiled by LaTeX, so only known-harmless LaTeX is kept:
math spans whose macros are all ones `mathtext` renders, a few text-style commands, escaped
specials. Anything else is escaped to show literally (`\\input{...}` prints, it never runs).
Every brace written is balanced, since BibTeX counts braces even after a backslash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from papershelf.links import paper_url
from papershelf.mathtext import MATH_MACROS, MATH_SPAN, TEXT_COMMANDS, TEXT_SYMBOLS, render_math
from papershelf.model import Paper
from papershelf.text import fold
from papershelf.urls import arxiv_year, normalize_arxiv_id


def _names(text: str) -> frozenset[str]:
    """The space-separated words of `text`: long lists of names read best as one string."""
    return frozenset(text.split())


_WHITESPACE = re.compile(r"\s+")
_ESCAPES = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "<": r"{\textless}",
    ">": r"{\textgreater}",
}
_SPECIAL = re.compile("|".join(re.escape(ch) for ch in _ESCAPES))
_KEY_STOPWORDS = _names(
    "a an the on of in for to and with via from towards toward is are do does can at by into"
    " as be it its or not vs your you we our how what why when which"
)


def escape(text: str) -> str:
    """`text` shown literally by LaTeX: one line, every special character escaped."""
    one_line = _WHITESPACE.sub(" ", text).strip()
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], one_line)


# --- titles -----------------------------------------------------------------------------------

# In text: an escaped special kept as written, a command with an optional braced argument, a
# word (braced when it has a capital after its first letter), or one character.
_TEXT_TOKEN = re.compile(
    r"(?P<esc>\\[%&#_$])"
    r"|\\(?P<cmd>[A-Za-z]+)(?:\{(?P<arg>[^{}\\$]*)\})?"
    r"|(?P<word>[^\W_]+(?:[-'’.][^\W_]+)*)"
    r"|(?P<char>.)",
    re.DOTALL,
)
_WORD_PARTS = re.compile(r"[-'’.]")
_MACRO = re.compile(r"\\([A-Za-z]+)")
_UNESCAPED_SPECIAL = re.compile(r"(?<!\\)[%#&]")


def title_field(title: str) -> str:
    """The title as BibTeX wants it: its math kept (braced, so no style changes its case),
    acronyms and mixed-case words braced (`{SAM} 3: Segment Anything`), the rest escaped."""
    pieces: list[str] = []
    position = 0
    text = _WHITESPACE.sub(" ", title).strip()
    for match in MATH_SPAN.finditer(text):
        pieces.append(_title_text(text[position : match.start()]))
        math = match.group()
        pieces.append(f"{{{math}}}" if _safe_math(match[1]) else _title_text(math))
        position = match.end()
    pieces.append(_title_text(text[position:]))
    return "".join(pieces)


def _safe_math(content: str) -> bool:
    """Whether math can be kept as written: only known macros, braces balanced as BibTeX
    counts them, no bare `%`, `#` or `&`."""
    if _UNESCAPED_SPECIAL.search(content):
        return False
    if any(name not in MATH_MACROS for name in _MACRO.findall(content)):
        return False
    depth = 0
    for char in content:
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def _title_text(text: str) -> str:
    out: list[str] = []
    for match in _TEXT_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "esc":
            out.append(match.group())
        elif match["cmd"] is not None:
            name, argument = match["cmd"], match["arg"]
            if argument is None and name in TEXT_SYMBOLS:
                out.append(f"{{\\{name}}}")
            elif argument is not None and name in TEXT_COMMANDS:
                out.append(f"\\{name}{{{_title_text(argument)}}}")
            else:
                out.append(escape(match.group()))
        elif kind == "word":
            word = match.group()
            # `GPT-4o`, `LoRA`, `3D` keep their case; `Vision-Language` may be lowercased.
            protect = any(c.isupper() for part in _WORD_PARTS.split(word) for c in part[1:])
            out.append(f"{{{escape(word)}}}" if protect else escape(word))
        else:
            char = match.group()
            out.append(_ESCAPES.get(char, char))
    return "".join(out)


# --- authors ----------------------------------------------------------------------------------

_PARTICLES = _names(
    "van von der den de del della di da dos das du des la le ter ten zu bin ibn al el"
)
_CAPITAL_PARTICLES = _names("Van Von Der Den De Del Della Dos Das Du Des La Le Ter Ten")
"""Capitalised particles that still join the surname (`Nicola De Cao`); not `Di`/`Da`,
which are far more often given names."""
_SUFFIXES = _names("Jr. Jr Sr. Sr II III IV")
_CORPORATE = _names("Team Lab Labs Group Consortium Collaboration Project Committee")


def split_name(name: str) -> tuple[str, str, str] | None:
    """(surname with particles, suffix, given names) of a "First Last" name; None for names
    that are not to be split (already "Last, First", one word, or an organisation)."""
    words = name.split()
    if len(words) < 2 or "," in name or words[-1] in _CORPORATE:
        return None
    suffix = ""
    if len(words) > 2 and words[-1] in _SUFFIXES:
        suffix = words.pop()
    start = len(words) - 1
    for i in range(1, len(words) - 1):
        if words[i] in _PARTICLES or words[i] in _CAPITAL_PARTICLES:
            start = i
            break
    return " ".join(words[start:]), suffix, " ".join(words[:start])


_BARE_ESCAPE = re.compile(r"\\[#$%&_]")


def _name_escape(text: str) -> str:
    """`escape` with each `\\%`-style escape braced: a name's parts are split at word level,
    and braces keep `\\%` one unit for every reader (bibtexparser splits `a and \\%` wrongly)."""
    return _BARE_ESCAPE.sub(lambda m: f"{{{m.group()}}}", escape(text))


def author_field(name: str) -> str:
    """One author as BibTeX reads names: `Last, First` (or `Last, Jr., First`); a name that
    must not be split (an organisation, one holding the word "and", stray commas) braced."""
    name = _WHITESPACE.sub(" ", name).strip()
    words = name.split()
    if not words:
        return ""
    if "," in name:
        pieces = [piece.strip() for piece in name.split(",")]
        if len(pieces) > 3 or not all(pieces):  # not "Last, First" or "Last, Jr., First"
            return f"{{{_name_escape(name)}}}"
    # "and" separates names wherever a reader sees a word, a comma's neighbour included.
    if words[-1] in _CORPORATE or any(w.lower() == "and" for w in re.split(r"[\s,]+", name)):
        return f"{{{_name_escape(name)}}}"
    parts = split_name(name)
    if parts is None:
        return ", ".join(_name_escape(piece) for piece in name.split(","))
    surname, suffix, given = parts
    return ", ".join(_name_escape(part) for part in (surname, suffix, given) if part)


def _surname(name: str) -> str:
    name = _WHITESPACE.sub(" ", name).strip()
    if "," in name:
        return name.split(",", 1)[0]
    parts = split_name(name)
    return parts[0] if parts is not None else name


# --- years and keys ---------------------------------------------------------------------------


def year(paper: Paper) -> int | None:
    """The paper's year: from its arXiv id (YYMM), else its arXiv day, else the day it was
    listed (the nearest thing known; a digest's own year is never preferred to these)."""
    ident = normalize_arxiv_id(paper.arxiv_id) if paper.arxiv_id else None
    if ident is not None and "/" in ident:  # old style, `hep-th/9901001`: YY from 1991 on
        yy = int(ident.split("/")[1][:2])
        return (1900 if yy >= 91 else 2000) + yy
    if ident is not None:
        return arxiv_year(ident)
    if paper.published_on is not None:
        return paper.published_on.year
    return paper.date.year if paper.date else None


def _ascii_word(text: str) -> str:
    return "".join(re.findall(r"[a-z0-9]+", fold(text)))


def key_base(paper: Paper) -> str:
    """`lastname` + year + first significant title word, lowercase ASCII: `gema2024decore`.

    "anon" stands in for a missing (or non-Latin) surname, so keys keep one shape.
    """
    surname = _ascii_word(_surname(paper.authors[0]))[:20] if paper.authors else ""
    words = re.findall(r"[a-z0-9]+", fold(render_math(paper.title)))
    significant = [w for w in words if w not in _KEY_STOPWORDS and not w.isdigit()]
    word = (significant or words or ["paper"])[0][:20]
    found = year(paper)
    return f"{surname or 'anon'}{found if found is not None else ''}{word}"


def _suffixes() -> Iterator[str]:
    """`a`, `b`, ... `z`, `aa`, `ab`, ...: the suffixes that tell repeated keys apart."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    length = 1
    while True:
        for n in range(len(letters) ** length):
            suffix = ""
            for _ in range(length):
                n, r = divmod(n, len(letters))
                suffix = letters[r] + suffix
            yield suffix
        length += 1


# --- entries ----------------------------------------------------------------------------------


def _url(url: str) -> str:
    """URLs stay verbatim for the `url` package; only what would break the entry is encoded."""
    return quote(url, safe="/:?#[]@!$&'()*+,;=%~-._")


def entry(paper: Paper, key: str, note: str = "") -> str:
    """One `@misc` entry (no source names a journal, so never `@article`)."""
    fields: list[tuple[str, str]] = []
    authors = [text for text in map(author_field, paper.authors) if text]
    if paper.hidden_authors and authors:
        authors.append("others")  # BibTeX's "et al.": the listing hides some authors
    if authors:
        fields.append(("author", " and ".join(authors)))
    fields.append(("title", title_field(paper.title)))
    found = year(paper)
    if found is not None:
        fields.append(("year", str(found)))
    if paper.arxiv_id:
        fields.append(("eprint", escape(paper.arxiv_id)))
        fields.append(("archivePrefix", "arXiv"))
    fields.append(("url", _url(paper_url(paper))))
    if note.strip():
        fields.append(("note", escape(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def bibliography(records: Iterable[tuple[Paper, str]]) -> str:
    """Entries for (paper, note) pairs, keys unique within the file (`x2024y`, `x2024ya`, ...)."""
    used: set[str] = set()
    entries = []
    for paper, note in records:
        base = key = key_base(paper)
        suffixes = _suffixes()
        while key in used:
            key = base + next(suffixes)
        used.add(key)
        entries.append(entry(paper, key, note))
    return "\n".join(entries)
