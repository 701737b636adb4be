"""BibTeX to cite: entries read back by bibtexparser (as citation managers read them), every
field round-tripped, names split the BibTeX way, keys people type, hostile text kept inert."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string
from hypothesis import given
from hypothesis import strategies as st

from papershelf.bibtex import author_field, key_base, title_field, year
from papershelf.export import bibtex_entry, to_bibtex
from papershelf.mathtext import MATH_MACROS, TEXT_COMMANDS, TEXT_SYMBOLS
from papershelf.model import Bookmark, Paper, paper_id

T0 = dt.datetime(2024, 3, 21, 9, 30, tzinfo=dt.UTC)


def paper(
    title: str = "Attention Is All You Need", arxiv_id: str | None = None, **kw: Any
) -> Paper:
    return Paper(id=paper_id(title, arxiv_id), title=title, arxiv_id=arxiv_id, **kw)


def parse(text: str) -> list[Any]:
    """The entries as bibtexparser reads them, co-authors split into name parts."""
    library = parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return list(library.entries)


def fields(entry: Any) -> dict[str, Any]:
    return {f.key: f.value for f in entry.fields}


def full_name(parts: Any) -> str:
    """A parsed name back in the "First von Last Jr." order the API gives."""
    return " ".join([*parts.first, *parts.von, *parts.last, *parts.jr])


# Our escapes and what they stand for; everything else that is a brace is protection.
UNESCAPE = {
    r"{\textbackslash}": "\\",
    r"{\textbraceleft}": "{",
    r"{\textbraceright}": "}",
    r"{\textasciitilde}": "~",
    r"{\textasciicircum}": "^",
    r"{\textless}": "<",
    r"{\textgreater}": ">",
    r"\#": "#",
    r"\$": "$",
    r"\%": "%",
    r"\&": "&",
    r"\_": "_",
}
_ESCAPE_RE = re.compile("|".join(re.escape(k) for k in UNESCAPE))


def decode(value: str) -> str:
    """A literal field value as LaTeX shows it: escapes undone, protecting braces dropped."""
    pieces = _ESCAPE_RE.split(value)
    found = _ESCAPE_RE.findall(value)
    out = [pieces[0].replace("{", "").replace("}", "")]
    for escape, piece in zip(found, pieces[1:], strict=True):
        out.append(UNESCAPE[escape] + piece.replace("{", "").replace("}", ""))
    return "".join(out)


# --- a whole entry ----------------------------------------------------------------------------


def test_an_entry_round_trips_every_field() -> None:
    p = paper(
        "DeCoRe: Decoding by Contrasting Retrieval Heads to Mitigate Hallucinations",
        "2410.18860",
        date=dt.date(2024, 10, 25),
        authors=("Aryo Pradipta Gema", "Chen Jin", "Ludwig van der Berg"),
        code_url="https://github.com/aryopg/DeCoRe",
    )
    [entry] = parse(bibtex_entry(p))
    assert entry.entry_type == "misc" and entry.key == "gema2024decore"
    got = fields(entry)
    assert set(got) == {"author", "title", "year", "eprint", "archivePrefix", "url"}
    assert [full_name(n) for n in got["author"]] == list(p.authors)
    assert got["author"][2].von == ["van", "der"] and got["author"][2].last == ["Berg"]
    assert got["title"].startswith("{DeCoRe}: Decoding by")
    assert decode(got["title"]) == p.title
    assert got["year"] == "2024"
    assert got["eprint"] == "2410.18860" and got["archivePrefix"] == "arXiv"
    assert got["url"] == "https://huggingface.co/papers/2410.18860", "the paper, not the code"


def test_the_copied_entry_has_no_note_and_the_export_only_with_notes() -> None:
    p = paper("One", "2401.00001")
    marked = Bookmark(p, "reading", "private: reviewer 2 was right", (), T0, T0)
    assert "note" not in bibtex_entry(p)
    assert "note" not in fields(parse(to_bibtex([marked]))[0])
    [entry] = parse(to_bibtex([marked], notes=True))
    assert decode(fields(entry)["note"]) == "private: reviewer 2 was right"
    unnoted = Bookmark(p, "reading", "", (), T0, T0)
    assert "note" not in fields(parse(to_bibtex([unnoted], notes=True))[0])


# --- authors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("Ashish Vaswani", "Vaswani, Ashish"),
        ("Aryo Pradipta Gema", "Gema, Aryo Pradipta"),
        ("Quoc V. Le", "Le, Quoc V."),
        ("Ludwig van der Berg", "van der Berg, Ludwig"),
        ("Juan de la Cruz", "de la Cruz, Juan"),
        ("Nicola De Cao", "De Cao, Nicola"),
        ("Di Wu", "Wu, Di"),
        ("Martin Luther King Jr.", "King, Jr., Martin Luther"),
        ("Cheng, Zesen", "Cheng, Zesen"),
        ("Plato", "Plato"),
        ("Qwen Team", "{Qwen Team}"),
        ("Smith and Sons", "{Smith and Sons}"),
        ("a,and\na", "{a,and a}"),  # found by hypothesis: "and" beside a comma split the name
        ("  Tri   Dao ", "Dao, Tri"),
        ("", ""),
    ],
)
def test_author_names_are_last_comma_first(name: str, field: str) -> None:
    assert author_field(name) == field


def test_hidden_authors_become_and_others() -> None:
    p = paper("X", "2401.00001", authors=("Ada Lovelace",), hidden_authors=3)
    [entry] = parse(bibtex_entry(p))
    names = fields(entry)["author"]
    assert [n.last for n in names] == [["Lovelace"], ["others"]]


# --- titles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("SAM 3: Segment Anything with Concepts", "{SAM} 3: Segment Anything with Concepts"),
        ("LoRA and GPT-4o for 3D", "{LoRA} and {GPT-4o} for {3D}"),
        ("Vision-Language-Action Models", "Vision-Language-Action Models"),
        (
            r"On the Expressivity of $\mathcal{O}(\log n)$-Depth Transformers",
            r"On the Expressivity of {$\mathcal{O}(\log n)$}-Depth Transformers",
        ),
        (r"\emph{Deep} Learning with \LaTeX", r"\emph{Deep} Learning with {\LaTeX}"),
        ("Cost & 100% of #1", r"Cost \& 100\% of \#1"),
        (r"50\% less", r"50\% less"),
    ],
)
def test_titles_keep_latex_and_protect_capitals(title: str, field: str) -> None:
    assert title_field(title) == field


@pytest.mark.parametrize(
    "title",
    [
        r"A $\input{/etc/passwd}$ title",
        r"Plain \input{/etc/passwd} \write18{rm -rf ~}",
        r"Math with an unbalanced $a}{b$ brace",
        r"A bare $50% off$ percent",
    ],
)
def test_unknown_or_unsafe_latex_is_shown_not_run(title: str) -> None:
    field = title_field(title)
    assert "\\input" not in field and "\\write" not in field
    assert decode(field) == title


# --- years and keys ---------------------------------------------------------------------------


def test_the_year_is_the_papers_not_the_digests() -> None:
    listed = dt.date(2025, 1, 2)
    assert year(paper("X", "2412.01234", date=listed)) == 2024, "arXiv id first"
    assert year(paper("X", "2412.01234v3", date=listed)) == 2024
    assert year(paper("X", published_on=dt.date(2024, 12, 30), date=listed)) == 2024
    assert year(paper("X", date=listed)) == 2025, "the listing day only when nothing else"
    assert year(paper("X", "cs/0101001", date=listed)) == 2001
    assert year(paper("X", "hep-th/9901001")) == 1999
    assert year(paper("X")) is None
    assert "year" not in fields(parse(bibtex_entry(paper("Undated")))[0])


@pytest.mark.parametrize(
    ("title", "authors", "key"),
    [
        ("Attention Is All You Need", ("Ashish Vaswani",), "vaswani2017attention"),
        (
            r"On the Expressivity of $\mathcal{O}(\log n)$-Depth Transformers",
            ("Ada Lovelace",),
            "lovelace2017expressivity",
        ),
        ("Über Alles", ("Sebastian Böck",), "bock2017uber"),
        ("The 2 Towers", ("Ludwig van der Berg",), "vanderberg2017towers"),
        ("Plain", ("张三",), "anon2017plain"),
        ("Plain", (), "anon2017plain"),
        ("!!!", ("Li Wei",), "wei2017paper"),
    ],
)
def test_keys_are_surname_year_word(title: str, authors: tuple[str, ...], key: str) -> None:
    assert key_base(paper(title, "1706.03762", authors=authors)) == key


def test_keys_are_unique_within_one_export() -> None:
    same = [
        paper(f"The Diffusion model {n}", f"2403.0000{n}", authors=("Yang Song",)) for n in range(4)
    ]
    keys = [e.key for e in parse(to_bibtex(same))]
    assert keys == [
        "song2024diffusion",
        "song2024diffusiona",
        "song2024diffusionb",
        "song2024diffusionc",
    ]


# --- links ------------------------------------------------------------------------------------


def test_the_url_is_the_paper_page_never_the_code() -> None:
    with_code = paper("X", "2401.00001", code_url="https://github.com/a/b")
    assert (
        fields(parse(bibtex_entry(with_code))[0])["url"]
        == "https://huggingface.co/papers/2401.00001"
    )
    project = paper("Y", code_url="https://github.com/a/b", project_url="https://y.org/a}b")
    assert fields(parse(bibtex_entry(project))[0])["url"] == "https://y.org/a%7Db"
    script = paper("Z", project_url="javascript:alert(1)")
    assert fields(parse(bibtex_entry(script))[0])["url"].startswith(
        "https://huggingface.co/papers?q="
    )


# --- hostile text -----------------------------------------------------------------------------

HOSTILE = st.lists(
    st.sampled_from([*"aZ ,{}%&#$\\_^~<>'\"é漢Ω-.\n\t", "and", " and ", "\\input{x}", "$x$"]),
    max_size=16,
).map("".join)
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_ALLOWED = {
    *MATH_MACROS,
    *TEXT_COMMANDS,
    *TEXT_SYMBOLS,
    *(k[2:-1] for k in UNESCAPE if k.startswith("{\\")),
}


@given(title=HOSTILE, note=HOSTILE, authors=st.lists(HOSTILE, max_size=4))
def test_hostile_text_parses_with_unique_keys_and_runs_no_command(
    title: str, note: str, authors: list[str]
) -> None:
    p = paper(title, authors=tuple(authors))
    twice = [Bookmark(p, "reading", note, (), T0, T0)] * 3
    entries = parse(to_bibtex(twice, notes=True))
    assert len({e.key for e in entries}) == 3
    for entry in entries:
        got = fields(entry)
        assert "\n" not in got["title"]
        assert set(_COMMAND.findall(got["title"])) <= _ALLOWED
        assert set(_COMMAND.findall(got.get("note", ""))) <= _ALLOWED
        assert len(got.get("author", [])) == sum(1 for a in authors if a.split())
        if "$" not in title and "\\" not in title:
            assert decode(got["title"]) == " ".join(title.split())
        if note.strip():
            assert decode(got["note"]) == " ".join(note.split())


def test_the_readme_example_is_what_the_export_writes() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    p = paper(
        r"On the Expressivity of $\mathcal{O}(\log n)$-Depth Transformers",
        "2511.20107",
        authors=("Ludwig van der Berg", "Ada Lovelace"),
        date=dt.date(2026, 1, 2),
    )
    assert f"```bibtex\n{to_bibtex([p])}```" in readme
