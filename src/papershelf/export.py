"""Exports of papers and bookmarks: JSON, Markdown, BibTeX and CSV.

Every function takes bookmarks or plain papers (the CLI exports both). Digest text is
untrusted, so each format escapes it for its own syntax: a title can never start a LaTeX
command, close a Markdown link, or become a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeAlias
from urllib.parse import quote

from papershelf.errors import UserError
from papershelf.model import Bookmark, Paper
from papershelf.text import fold
from papershelf.urls import arxiv_year, is_web_url

Items: TypeAlias = Sequence[Bookmark | Paper]
"""Bookmarks, papers, or a mix; a `Sequence[Bookmark]` or `Sequence[Paper]` fits."""


def _pairs(items: Items) -> Iterator[tuple[Paper, Bookmark | None]]:
    for item in items:
        if isinstance(item, Bookmark):
            yield item.paper, item
        else:
            yield item, None


def _safe_link(paper: Paper) -> str:
    """The paper's link if it is http(s), else the arXiv title search (never `javascript:`)."""
    link = paper.link
    if is_web_url(link):
        return link
    return paper.arxiv_search_url


# --- JSON -------------------------------------------------------------------------------------


def to_json(
    items: Items, appearances: Mapping[str, Sequence[tuple[str | None, str, int]]] | None = None
) -> str:
    """A JSON array; bookmarks as `Bookmark.to_dict`, papers as `Paper.to_dict`, each with the
    paper's `link` after the paper's fields (a reader gets the link `o` would open). With
    `appearances` (the library's listings by paper id), each record ends with its
    `appearances`: `{"day", "source", "rank"}`, first listing first."""
    records = [json_record(item, appearances) for item in items]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def json_record(
    item: Bookmark | Paper,
    appearances: Mapping[str, Sequence[tuple[str | None, str, int]]] | None = None,
) -> dict[str, Any]:
    paper = item.paper if isinstance(item, Bookmark) else item
    record = {**paper.to_dict(), "link": paper.link}
    if isinstance(item, Bookmark):
        record.update(item.to_dict())  # keys already there keep their place: these follow link
    if appearances is not None:
        listed = appearances.get(paper.id, ())
        record["appearances"] = [{"day": d, "source": s, "rank": r} for d, s, r in listed]
    return record


def from_json(text: str, source: str = "-") -> list[Bookmark]:
    """Bookmarks from a `to_json` export; `UserError` naming `source` and the bad record."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(data, list):
        raise UserError(f"{source}: expected a JSON array of bookmarks")
    bookmarks = []
    for index, record in enumerate(data, start=1):
        try:
            bookmarks.append(Bookmark.from_dict(record))
        except UserError as exc:
            raise UserError(f"{source}: record {index}: {exc}") from exc
    return bookmarks


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")
_WHITESPACE = re.compile(r"\s+")


def _md_text(text: str) -> str:
    """Text shown literally in Markdown: one line, emphasis/link/HTML characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text).strip())


def _md_url(url: str) -> str:
    """A link target that cannot end the link early: parentheses, spaces, `<>` percent-encoded."""
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def markdown_link(paper: Paper) -> str:
    """`[Title](link)`, safe to paste anywhere Markdown is rendered."""
    return f"[{_md_text(paper.title)}]({_md_url(_safe_link(paper))})"


def to_markdown(items: Items) -> str:
    """A reading list: `- [Title](link) — date · state · #tags`, the note quoted below."""
    lines: list[str] = []
    for paper, bookmark in _pairs(items):
        details = [paper.date.isoformat()] if paper.date else []
        if bookmark is not None:
            details.append(bookmark.state)
            if bookmark.tags:
                details.append(" ".join(f"#{_md_text(tag)}" for tag in bookmark.tags))
        suffix = f" — {' · '.join(details)}" if details else ""
        lines.append(f"- {markdown_link(paper)}{suffix}")
        if bookmark is not None and bookmark.note:
            lines.extend(f"  > {_md_text(line)}".rstrip() for line in bookmark.note.splitlines())
    return "".join(f"{line}\n" for line in lines)


# --- BibTeX -----------------------------------------------------------------------------------

# Each replacement is brace-balanced: BibTeX counts `{` and `}` even after a backslash, so
# `\{` would unbalance the entry; `{\textbraceleft}` does not.
_BIBTEX_ESCAPES = {
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
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(ch) for ch in _BIBTEX_ESCAPES))
_KEY_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "to",
        "and",
        "with",
        "via",
        "from",
        "towards",
        "toward",
        "is",
        "are",
        "do",
        "does",
        "can",
    ]
)


def _bib_text(text: str) -> str:
    """A BibTeX field value shown literally by LaTeX: one line, special characters escaped."""
    one_line = _WHITESPACE.sub(" ", text).strip()
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], one_line)


def _bib_url(url: str) -> str:
    """URLs stay verbatim for the `url` package; only what would break the entry is encoded."""
    return quote(url, safe="/:?#[]@!$&'()*+,;=%~-._")


def _bib_year(paper: Paper) -> int | None:
    """The arXiv id's year (new-style ids start with YYMM), else the digest date's year."""
    year = arxiv_year(paper.arxiv_id or "")
    if year is not None:
        return year
    return paper.date.year if paper.date else None


def _bib_key_base(paper: Paper) -> str:
    """First meaningful title word in lowercase ASCII, plus the year: `attention2017`."""
    words = re.findall(r"[a-z0-9]+", fold(paper.title))
    word = next((w for w in words if w not in _KEY_STOPWORDS), words[0] if words else "paper")
    year = _bib_year(paper)
    return f"{word[:30]}{year if year is not None else ''}"


def _suffixes() -> Iterator[str]:
    """`a`, `b`, ... `z`, `aa`, `ab`, ...: the dedup suffixes for repeated keys."""
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


def _bib_author(name: str) -> str:
    """One author, braced when the name holds the word `and` so BibTeX does not split it."""
    text = _bib_text(name)
    return f"{{{text}}}" if re.search(r"\band\b", text, re.IGNORECASE) else text


def _bib_entry(paper: Paper, key: str, note: str) -> str:
    fields: list[tuple[str, str]] = [("title", f"{{{_bib_text(paper.title)}}}")]
    authors = [name for name in map(_bib_author, paper.authors) if name]
    if authors:
        fields.append(("author", " and ".join(authors)))
    year = _bib_year(paper)
    if year is not None:
        fields.append(("year", str(year)))
    fields.append(("url", _bib_url(_safe_link(paper))))
    if paper.arxiv_id:
        fields.append(("eprint", _bib_text(paper.arxiv_id)))
        fields.append(("archivePrefix", "arXiv"))
    if note.strip():
        fields.append(("note", _bib_text(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def bibtex_entry(paper: Paper, note: str = "") -> str:
    """One `@misc` entry (for the copy menu); `note` is the bookmark's note, if any."""
    return _bib_entry(paper, _bib_key_base(paper), note)


def to_bibtex(items: Items) -> str:
    """One `@misc` per paper, keys unique within the file (`word2024`, `word2024a`, ...)."""
    used: set[str] = set()
    entries = []
    for paper, bookmark in _pairs(items):
        base = key = _bib_key_base(paper)
        suffixes = _suffixes()
        while key in used:
            key = base + next(suffixes)
        used.add(key)
        entries.append(_bib_entry(paper, key, bookmark.note if bookmark else ""))
    return "\n".join(entries)


# --- CSV --------------------------------------------------------------------------------------

PAPER_COLUMNS = (
    "id",
    "title",
    "authors",
    "date",
    "rank",
    "link",
    "arxiv_id",
    "code_url",
    "project_url",
    "upvotes",
    "github_stars",
    "num_comments",
    "abstract",
)
BOOKMARK_COLUMNS = (*PAPER_COLUMNS, "state", "tags", "note", "added_at", "updated_at")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: leading formula characters get a `'` in front."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _csv_row(paper: Paper, bookmark: Bookmark | None) -> list[str]:
    row: dict[str, Any] = {
        **paper.to_dict(),
        "authors": "; ".join(paper.authors),
        "link": _safe_link(paper),
    }
    if bookmark is None:
        return [_csv_cell(row[name]) for name in PAPER_COLUMNS]
    saved = bookmark.to_dict()
    row.update({name: saved[name] for name in ("state", "note", "added_at", "updated_at")})
    row["tags"] = " ".join(bookmark.tags)
    return [_csv_cell(row[name]) for name in BOOKMARK_COLUMNS]


def to_csv(items: Items) -> str:
    """A header row and one row per item; bookmark columns if any item is a bookmark.

    An empty sequence gives the paper header, since there is nothing to tell the kind by.
    """
    pairs = list(_pairs(items))
    with_bookmarks = any(bookmark is not None for _, bookmark in pairs)
    columns = BOOKMARK_COLUMNS if with_bookmarks else PAPER_COLUMNS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for paper, bookmark in pairs:
        row = _csv_row(paper, bookmark)
        writer.writerow(row + [""] * (len(columns) - len(row)))
    return out.getvalue()
