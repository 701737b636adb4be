"""The shared parser: the bundled sample, messy copies of it, dates, links, LaTeX, HF JSON,
bad input and hostile text."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from papershelf.errors import UserError
from papershelf.model import Paper, paper_id
from papershelf.parser import (
    ParseResult,
    ParseWarning,
    decode_latex,
    parse_digest,
    parse_hf_json,
    parse_sources,
    parse_text,
)
from papershelf.parser.sources import name_day
from papershelf.text import strip_controls

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REFERENCE = dt.date(2025, 4, 1)
MAR_21 = dt.date(2025, 3, 21)
PUNCTUATION = tuple(".,;:)!?")

ABSTRACT = "We study a thing in depth. It works well on every benchmark we tried."


def digest(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs) + "\n"


def key(paper: Paper) -> tuple[object, ...]:
    return (paper.title, paper.abstract, paper.date, paper.id, paper.urls, paper.code_url)


def one_line(message: str) -> bool:
    return "\n" not in message and "\r" not in message


# --------------------------------------------------------------------------------------------
# The sample


@pytest.fixture(scope="module")
def sample_text() -> str:
    from papershelf.locations import sample_digest

    return sample_digest().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample(sample_text: str) -> ParseResult:
    return parse_text(sample_text, source="sample", reference_date=REFERENCE)


def test_sample_has_46_papers_in_order(sample: ParseResult) -> None:
    titles = [p.title for p in sample.papers]
    assert len(titles) == 46
    assert titles[0] == "LeMo: Enabling LEss Token Involvement for MOre Context Fine-tuning"
    assert titles[-1] == "SynCode: LLM Generation with Grammar Augmentation"
    assert [p.rank for p in sample.papers] == list(range(1, 47))
    assert sample.warnings == []


def test_sample_every_paper_has_an_abstract_and_a_unique_id(sample: ParseResult) -> None:
    assert all(len(p.abstract) > 300 for p in sample.papers)
    assert len({p.id for p in sample.papers}) == 46
    assert all(p.id == paper_id(p.title, p.arxiv_id) for p in sample.papers)
    assert all(p.source == "sample" for p in sample.papers)


def test_sample_code_links(sample: ParseResult) -> None:
    code = [p.code_url for p in sample.papers if p.code_url]
    assert len(code) == 9
    assert all(url.startswith("https://github.com/") for url in code)
    assert not [url for url in code if url.endswith(PUNCTUATION)]
    urls = [url for p in sample.papers for url in p.urls]
    assert len(urls) == 9
    assert not [url for url in urls if url.endswith(PUNCTUATION)]
    by_title = {p.title: p for p in sample.papers}
    nfe = by_title["Knowledge Graph Embedding by Normalizing Flows"]
    assert nfe.code_url == "https://github.com/changyi7231/NFE"  # "…/NFE." in the text


def test_sample_latex_is_decoded(sample: ParseResult) -> None:
    by_title = {p.title: p for p in sample.papers}
    assert "Schrödinger Bridges" in by_title["Light Schrödinger Bridge"].abstract
    assert "Schr\\" not in by_title["Light Schrödinger Bridge"].abstract
    assert any("Milenković" in p.abstract for p in sample.papers)
    assert any("Uznański" in p.abstract for p in sample.papers)
    assert any("up to 5% (top-5)" in p.abstract for p in sample.papers)
    assert not [p.title for p in sample.papers if "\\" in p.abstract + p.title]


def test_sample_is_dated_mar_21_relative_to_the_reference(sample_text: str) -> None:
    after = parse_text(sample_text, reference_date=dt.date(2025, 4, 1))
    assert {p.date for p in after.papers} == {MAR_21}
    on_the_day = parse_text(sample_text, reference_date=MAR_21)
    assert {p.date for p in on_the_day.papers} == {MAR_21}
    before = parse_text(sample_text, reference_date=dt.date(2025, 3, 20))
    assert {p.date for p in before.papers} == {dt.date(2024, 3, 21)}
    forced = parse_text(sample_text, reference_date=REFERENCE, year=2023)
    assert {p.date for p in forced.papers} == {dt.date(2023, 3, 21)}


def test_sample_file_dates_follow_its_modification_time(sample_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "digest.txt"
    shutil.copy(sample_path, copy)
    stamp = dt.datetime(2025, 3, 25, 12, 0).timestamp()
    os.utime(copy, (stamp, stamp))
    result = parse_sources([copy])
    assert {p.date for p in result.papers} == {MAR_21}
    assert {p.source for p in result.papers} == {str(copy)}
    stamp = dt.datetime(2025, 3, 1, 12, 0).timestamp()
    os.utime(copy, (stamp, stamp))
    assert {p.date for p in parse_sources([copy]).papers} == {dt.date(2024, 3, 21)}
    assert {p.date for p in parse_sources([copy], year=2022).papers} == {dt.date(2022, 3, 21)}


# --------------------------------------------------------------------------------------------
# Messy copies of the sample parse to the same papers


def _wrap(text: str, width: int = 72) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(textwrap.fill(p, width) for p in paragraphs)


def _trailing_blanks(text: str) -> str:
    return "\n".join(line + (" \t " if i % 2 else "  ") for i, line in enumerate(text.split("\n")))


def _blank_runs(text: str) -> str:
    return text.replace("\n\n", "\n \n\t\n\n\n")


def _combined(text: str) -> str:
    messy = _blank_runs(_trailing_blanks(_wrap(text)))
    return "\ufeff" + messy.replace("\n", "\r\n").rstrip()


MESSY: dict[str, Callable[[str], str]] = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "cr": lambda t: t.replace("\n", "\r"),
    "bom": lambda t: "\ufeff" + t,
    "trailing-blanks": _trailing_blanks,
    "blank-line-runs": _blank_runs,
    "wrapped-72": _wrap,
    "wrapped-40-no-hyphen-breaks": lambda t: "\n\n".join(
        textwrap.fill(p, 40, break_on_hyphens=False, break_long_words=False)
        for p in t.split("\n\n")
    ),
    "indented-continuations": lambda t: _wrap(t).replace("\n", "\n   ").replace("\n   \n", "\n\n"),
    "final-newlines": lambda t: t + "\n\n\n",
    "no-final-newline": lambda t: t.rstrip(),
    "combined": _combined,
}


@pytest.mark.parametrize("variant", sorted(MESSY))
def test_messy_copies_parse_like_the_clean_sample(
    variant: str, sample_text: str, sample: ParseResult
) -> None:
    messy = MESSY[variant](sample_text)
    assert messy != sample_text or variant == "no-final-newline"
    result = parse_text(messy, source="sample", reference_date=REFERENCE)
    assert [key(p) for p in result.papers] == [key(p) for p in sample.papers]
    assert [p.rank for p in result.papers] == list(range(1, 47))
    assert result.warnings == []


@pytest.mark.parametrize("variant", ["crlf", "bom", "combined"])
def test_messy_files_parse_like_the_clean_sample(
    variant: str, sample_text: str, tmp_path: Path
) -> None:
    clean, messy = tmp_path / "clean.txt", tmp_path / "messy.txt"
    clean.write_bytes(sample_text.encode())
    messy.write_bytes(MESSY[variant](sample_text).encode())
    expected = [key(p) for p in parse_sources([clean]).papers]
    assert [key(p) for p in parse_sources([messy]).papers] == expected


def test_mixed_line_ends() -> None:
    text = f"Mar 21\r\n\r\nTitle One\n\n{ABSTRACT}\r\rWrapped\r\nTitle\r\n \r\n{ABSTRACT}\n"
    result = parse_text(text, reference_date=REFERENCE)
    assert [(p.title, p.abstract, p.date) for p in result.papers] == [
        ("Title One", ABSTRACT, MAR_21),
        ("Wrapped Title", ABSTRACT, MAR_21),
    ]
    assert result.warnings == []


def test_hyphenated_words_wrapped_at_the_hyphen_are_rejoined() -> None:
    text = digest(
        "Parameter-Efficient Fine-\ntuning at Scale", "We fine-\ntune it--\nand it works."
    )
    paper = parse_text(text).papers[0]
    assert paper.title == "Parameter-Efficient Fine-tuning at Scale"
    assert paper.abstract == "We fine-tune it--and it works."


def test_blanks_around_a_wrapped_hyphen_do_not_matter() -> None:
    text = digest("Fine- \t\n  tuning at Scale", "We fine-  \n tune it.")
    paper = parse_text(text).papers[0]
    assert (paper.title, paper.abstract) == ("Fine-tuning at Scale", "We fine-tune it.")


def test_a_suspended_hyphen_on_a_wrap_point_is_the_known_casualty() -> None:
    # "pre- and post-" wrapped right after "pre-" reads as a hyphenated word; documented.
    assert _paper("We study pre-\nand post-training.").abstract == "We study pre-and post-training."


# --------------------------------------------------------------------------------------------
# Chrome, date sections, ranks


@pytest.mark.parametrize(
    "chrome",
    ["new", "NEW", "Get trending papers in your email inbox!", "  subscribe  ", "Subscribe\t",
     "byAK and the research community", "BYAK  AND THE RESEARCH COMMUNITY"],
)  # fmt: skip
def test_page_chrome_is_skipped_wherever_it_appears(chrome: str) -> None:
    text = digest(chrome, "Title One", ABSTRACT, chrome, "Title Two", chrome, ABSTRACT, chrome)
    result = parse_text(text)
    assert [p.title for p in result.papers] == ["Title One", "Title Two"]
    assert [p.abstract for p in result.papers] == [ABSTRACT, ABSTRACT]
    assert result.warnings == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mar 21", MAR_21),
        ("March 21", MAR_21),
        ("mar 21", MAR_21),
        ("Mar 21, 2025", MAR_21),
        ("Mar 21 2024", dt.date(2024, 3, 21)),
        ("2025-03-21", MAR_21),
        ("Sept 30", dt.date(2024, 9, 30)),
        ("Dec 31", dt.date(2024, 12, 31)),
        ("Apr 1", dt.date(2025, 4, 1)),
        ("Apr 2", dt.date(2024, 4, 2)),
    ],
)
def test_date_lines(line: str, expected: dt.date) -> None:
    result = parse_text(digest(line, "A Title", ABSTRACT), reference_date=REFERENCE)
    assert [(p.title, p.date, p.rank) for p in result.papers] == [("A Title", expected, 1)]


def test_feb_29_without_a_year_is_the_last_leap_day_before_the_reference() -> None:
    text = digest("Feb 29", "A Title", ABSTRACT)
    assert parse_text(text, reference_date=dt.date(2025, 6, 1)).papers[0].date == dt.date(
        2024, 2, 29
    )
    assert parse_text(text, reference_date=dt.date(2024, 2, 28)).papers[0].date == dt.date(
        2020, 2, 29
    )
    assert parse_text(text, reference_date=dt.date(2028, 2, 29)).papers[0].date == dt.date(
        2028, 2, 29
    )


def test_a_date_that_is_no_real_day_warns_and_leaves_papers_undated() -> None:
    result = parse_text(digest("Mar 21", "One", ABSTRACT, "Feb 30", "Two", ABSTRACT))
    assert [(p.title, p.date is None) for p in result.papers] == [("One", False), ("Two", True)]
    assert [(w.line, "Feb 30" in w.message) for w in result.warnings] == [(7, True)]


def test_sections_restart_ranks_and_papers_before_any_date_are_undated_and_unranked() -> None:
    text = digest(
        "Zero", ABSTRACT, "Mar 20", "One", ABSTRACT, "Two", ABSTRACT, "Mar 21", "Three", ABSTRACT
    )
    result = parse_text(text, reference_date=REFERENCE)
    assert [(p.title, p.date, p.rank) for p in result.papers] == [
        ("Zero", None, 0),
        ("One", dt.date(2025, 3, 20), 1),
        ("Two", dt.date(2025, 3, 20), 2),
        ("Three", MAR_21, 1),
    ]


# --------------------------------------------------------------------------------------------
# Title / abstract pairing


def test_title_without_abstract_is_skipped_with_a_warning_naming_its_line() -> None:
    text = digest(
        "new", "Mar 21", "Paired", ABSTRACT, "Lonely Title", "Next", ABSTRACT, "Last Title"
    )
    result = parse_text(text, source="d.txt", reference_date=REFERENCE)
    assert [(p.title, p.abstract, p.rank) for p in result.papers] == [
        ("Paired", ABSTRACT, 1),
        ("Next", ABSTRACT, 2),  # the skipped title takes no rank
    ]
    assert [str(w) for w in result.warnings] == [
        "d.txt:9: title with no abstract, skipped: 'Lonely Title'",
        "d.txt:15: title with no abstract, skipped: 'Last Title'",
    ]


def test_title_followed_by_another_title_has_no_abstract() -> None:
    result = parse_text(digest("First Title", "Second Title", ABSTRACT), source="x")
    assert [(p.title, p.abstract) for p in result.papers] == [("Second Title", ABSTRACT)]
    assert [(w.line, w.message) for w in result.warnings] == [
        (1, "title with no abstract, skipped: 'First Title'")
    ]


def test_title_followed_by_chrome_and_end_of_file_has_no_abstract() -> None:
    result = parse_text(digest("Paired", ABSTRACT, "Stray Title", "Subscribe"))
    assert [p.title for p in result.papers] == ["Paired"]
    assert [w.line for w in result.warnings] == [5]


def test_warning_lines_count_every_line_end_style() -> None:
    text = digest("Lonely", "A Title", ABSTRACT, "Wrapped\nTitle", "Next", ABSTRACT)
    for newline in ("\n", "\r\n", "\r"):
        result = parse_text(text.replace("\n", newline))
        assert [w.line for w in result.warnings] == [1, 7], newline


def test_short_one_sentence_abstract_pairs_with_its_title() -> None:
    result = parse_text(digest("A Title", "We do it.", "Another Title", ABSTRACT))
    assert [(p.title, p.abstract) for p in result.papers] == [
        ("A Title", "We do it."),
        ("Another Title", ABSTRACT),
    ]


def test_short_unpunctuated_text_after_a_title_reads_as_the_next_title() -> None:
    # The heuristic's bet: a missing abstract is likelier than an abstract with no full stop.
    result = parse_text(digest("A Title", "Looks Like a Title", ABSTRACT))
    assert [(p.title, p.abstract) for p in result.papers] == [("Looks Like a Title", ABSTRACT)]
    assert len(result.warnings) == 1


def test_title_with_a_question_pairs_by_position() -> None:
    title = "How Efficient is LLM-Generated Code? A Rigorous Benchmark"
    result = parse_text(digest(title, ABSTRACT, "Next", ABSTRACT))
    assert [(p.title, p.abstract) for p in result.papers] == [(title, ABSTRACT), ("Next", ABSTRACT)]


def test_abstract_in_several_paragraphs_stays_with_its_paper() -> None:
    second = "A second paragraph of the abstract. It has more sentences and ends well."
    result = parse_text(digest("A Title", ABSTRACT, second, "Next Title", ABSTRACT))
    assert [(p.title, p.abstract) for p in result.papers] == [
        ("A Title", f"{ABSTRACT}\n\n{second}"),
        ("Next Title", ABSTRACT),
    ]


def test_abstract_with_no_title_is_skipped_with_a_warning() -> None:
    result = parse_text(digest("Mar 21", ABSTRACT, "A Title", ABSTRACT), reference_date=REFERENCE)
    assert [p.title for p in result.papers] == ["A Title"]
    assert [w.line for w in result.warnings] == [3]
    assert "no title" in result.warnings[0].message


def test_duplicate_titles_keep_the_first_occurrence() -> None:
    result = parse_text(digest("A Title", ABSTRACT, "A  title", "Other abstract text."))
    assert [(p.title, p.abstract) for p in result.papers] == [("A Title", ABSTRACT)]


def test_parse_digest_does_not_sniff_json() -> None:
    result = parse_digest(digest("[Re] Reproducing a Result", ABSTRACT))
    assert [p.title for p in result.papers] == ["[Re] Reproducing a Result"]


# --------------------------------------------------------------------------------------------
# Links and arXiv ids


def _paper(abstract: str) -> Paper:
    return parse_text(digest("A Title", abstract)).papers[0]


@pytest.mark.parametrize(
    ("abstract", "urls", "code"),
    [
        ("Code at https://github.com/a/b.", ("https://github.com/a/b",), "https://github.com/a/b"),
        ("See https://github.com/a/b.git, or not.", ("https://github.com/a/b.git",),
         "https://github.com/a/b"),
        ("(see https://github.com/a/b/tree/main/src);", ("https://github.com/a/b/tree/main/src",),
         "https://github.com/a/b"),
        ("Wiki https://en.wikipedia.org/wiki/Foo_(bar)). Done.",
         ("https://en.wikipedia.org/wiki/Foo_(bar)",), None),
        ("Two: https://x.org/a: and https://www.github.com/Own/Repo!",
         ("https://x.org/a", "https://www.github.com/Own/Repo"), "https://github.com/Own/Repo"),
        ("Lab https://gitlab.com/grp/sub/proj/-/tree/main here.",
         ("https://gitlab.com/grp/sub/proj/-/tree/main",), "https://gitlab.com/grp/sub/proj"),
        ("Not repos: https://github.com/topics/llm and https://github.com/someone.",
         ("https://github.com/topics/llm", "https://github.com/someone"), None),
        ("First wins https://github.com/a/one and https://github.com/b/two.",
         ("https://github.com/a/one", "https://github.com/b/two"), "https://github.com/a/one"),
        ("No scheme github.com/a/b and ftp://x.org/y and javascript:alert(1).", (), None),
    ],
)  # fmt: skip
def test_links(abstract: str, urls: tuple[str, ...], code: str | None) -> None:
    paper = _paper(abstract)
    assert paper.urls == urls
    assert paper.code_url == code


@pytest.mark.parametrize(
    "mention",
    ["arXiv:2403.12345", "arxiv: 2403.12345v3", "https://arxiv.org/abs/2403.12345v2",
     "arxiv.org/pdf/2403.12345v1.pdf", "https://arxiv.org/html/2403.12345"],
)  # fmt: skip
def test_arxiv_ids_are_recognised_without_version(mention: str) -> None:
    paper = _paper(f"This extends {mention} to more settings.")
    assert paper.arxiv_id == "2403.12345"
    assert paper.id == "arxiv:2403.12345"


def test_an_arxiv_id_cited_by_two_papers_belongs_to_the_first_only() -> None:
    cite = "It builds on arXiv:2401.00001 and goes further."
    result = parse_text(digest("Paper One", cite, "Paper Two", cite))
    assert [p.arxiv_id for p in result.papers] == ["2401.00001", None]
    assert len({p.id for p in result.papers}) == 2


# --------------------------------------------------------------------------------------------
# LaTeX


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ('Schr\\"odinger', "Schrödinger"),
        ("Milenkovi\\'c", "Milenković"),
        ("up to 5\\% more", "up to 5% more"),
        ("Uzna\\'{n}ski", "Uznański"),
        ("R\\&D \\_x \\#1 \\$5", "R&D _x #1 $5"),
        ("\\`a \\^e \\~n \\=a \\.z", "à ê ñ ā ż"),
        ("Gar\\c{c}on \\v{S}koda Ro\\u{a}n Erd\\H{o}s", "Garçon Škoda Roăn Erdős"),
        ("Stra\\ss e, Stra\\ss{}e, {\\ss}", "Straße, Straße, ß"),
        ("G{\\\"o}del, {\\'{e}}t\\'{\\i}", "Gödel, étí"),
        ('{\\o}re and \\AA ngstr\\"om', "øre and Ångström"),
    ],
)
def test_decode_latex(tex: str, text: str) -> None:
    assert decode_latex(tex) == text


@pytest.mark.parametrize(
    "text",
    ["$\\alpha + \\beta$", "\\frac{a}{b}", "\\cite{x}", "\\url{https://x.org}", "a \\\\% b",
     "\\o/ hooray", "\\textbf{bold}", "C:\\new\\path", "trailing \\", "\\q{x}", "no escapes"],
)  # fmt: skip
def test_decode_latex_leaves_everything_else_alone(text: str) -> None:
    assert decode_latex(text) == text


def test_decode_latex_keeps_a_command_argument_brace() -> None:
    assert decode_latex("\\textbf{\\'e}") == "\\textbf{é}"


def test_titles_are_decoded_too() -> None:
    assert _paper(ABSTRACT).title == "A Title"
    result = parse_text(digest('Light Schr\\"odinger Bridge', ABSTRACT))
    assert result.papers[0].title == "Light Schrödinger Bridge"
    assert result.papers[0].id == paper_id("Light Schrödinger Bridge")


# --------------------------------------------------------------------------------------------
# Hugging Face JSON


def test_daily_papers_list() -> None:
    path = FIXTURES / "hf_daily_papers.json"
    result = parse_sources([path])
    first, second, third = result.papers
    assert first.title == "Sparse Mixtures of Tiny Experts: Routing Without Regret"
    assert first.arxiv_id == "2403.12345"
    assert first.id == "arxiv:2403.12345"
    assert first.authors == ("Ada Quill", "Bo Østergaard")
    assert first.abstract.startswith("We revisit routing in mixture-of-experts models and show")
    assert "\n" not in first.abstract
    assert "Schrödinger-style bridges are used for 5% of the tokens." in first.abstract
    assert first.urls == ("https://github.com/quill/tiny-experts",)
    assert first.code_url == "https://github.com/quill/tiny-experts"
    assert first.project_url == "https://quill.github.io/tiny-experts/"
    assert (first.upvotes, first.github_stars, first.num_comments) == (42, 120, 3)
    assert (first.date, first.rank, first.source) == (dt.date(2024, 3, 19), 1, str(path))

    assert second.title == "A Benchmark for Long Context"
    assert second.arxiv_id == "2403.54321"
    assert "[bold red]not markup[/]" in second.abstract
    assert second.code_url is None  # javascript: is not a link we keep
    assert second.project_url is None  # nor is ftp:
    assert (second.num_comments, second.github_stars, second.rank) == (0, None, 2)

    assert third.title == "Listed Without a Day"
    assert (third.date, third.rank) == (dt.date(2024, 3, 15), 4)
    assert [str(w) for w in result.warnings] == [f"{path}: item 3 has no title; skipped"]


def test_single_paper_object() -> None:
    result = parse_hf_json((FIXTURES / "hf_paper.json").read_text(), source="p.json")
    (paper,) = result.papers
    assert paper.id == "arxiv:2401.07777"
    assert paper.title == "Gradient Flows on Small Graphs"
    assert paper.authors == ("Dana Uznańska",)
    assert paper.abstract == (
        "We study gradient flows on graphs with at most ten vertices. "
        "Milenković and Uznański asked whether they converge; they do."
    )
    assert paper.code_url == "https://gitlab.com/flows/small-graphs"
    assert paper.project_url == "https://flows.example.org"
    assert (paper.date, paper.rank, paper.upvotes, paper.num_comments) == (
        dt.date(2024, 1, 14), 0, 15, 2
    )  # fmt: skip


def test_format_is_detected_from_content_not_name(tmp_path: Path) -> None:
    as_txt = tmp_path / "papers.txt"
    as_txt.write_text("\n  " + (FIXTURES / "hf_paper.json").read_text())
    assert [p.arxiv_id for p in parse_sources([as_txt]).papers] == ["2401.07777"]
    as_json = tmp_path / "digest.json"
    as_json.write_text(digest("[Re] A Reproduction Study", ABSTRACT))
    assert [p.title for p in parse_sources([as_json]).papers] == ["[Re] A Reproduction Study"]


def test_duplicate_json_items_keep_the_first() -> None:
    item = '{"paper": {"id": "2403.1", "title": "T", "summary": "S."}}'
    text = f"[{item}, {item.replace('T', 'Renamed')}]"
    result = parse_text(text.replace("2403.1", "2403.10001"))
    assert [p.title for p in result.papers] == ["T"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[{"paper": {"id": "1"', "malformed JSON"),
        ('{"title": "x",}', "malformed JSON"),
        ("[1, 2]", "JSON item 1 is not an object"),
        ('{"error": "Paper not found"}', "error message: Paper not found"),
        ('{"foo": 1}', "not a Hugging Face paper"),
    ],
)
def test_bad_json_raises_a_one_line_user_error(text: str, problem: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_text(text, source="feed.json")
    message = str(caught.value)
    assert message.startswith("feed.json: ")
    assert problem in message
    assert one_line(message)


# --------------------------------------------------------------------------------------------
# Sources and bad input


def _error(sources: list[str | Path], **kwargs: object) -> str:
    with pytest.raises(UserError) as caught:
        parse_sources(sources, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert one_line(message), message
    return message


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert _error([missing]) == f"{missing}: no such file or directory"


def test_directory_without_digests(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("hello")
    assert _error([tmp_path]) == f"{tmp_path}: no digest files (*.txt or *.json) in this directory"


def test_empty_and_blank_files(tmp_path: Path) -> None:
    empty, blank = tmp_path / "empty.txt", tmp_path / "blank.txt"
    empty.write_bytes(b"")
    blank.write_bytes(b"\xef\xbb\xbf \r\n\t\n\n")
    assert _error([empty]) == f"{empty}: empty file"
    assert _error([blank]) == f"{blank}: empty file"


def test_only_chrome(tmp_path: Path) -> None:
    path = tmp_path / "chrome.txt"
    path.write_text(digest("new", "Get trending papers in your email inbox!", "Subscribe"))
    assert _error([path]).startswith(f"{path}: only page chrome")


def test_no_papers_json_list(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("[]")
    assert _error([path]) == f"{path}: no papers found"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert _error([path]).startswith(f"{path}: binary file")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(digest("A Title", ABSTRACT))
    path.chmod(0)
    try:
        assert _error([path]) == f"{path}: permission denied"
    finally:
        path.chmod(0o600)


def test_invalid_utf8_is_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(digest("new", "Caf\xe9 Models", ABSTRACT).encode("latin-1"))
    result = parse_sources([path])
    assert [p.title for p in result.papers] == ["Caf\ufffd Models"]
    (warning,) = result.warnings
    assert (warning.source, warning.line) == (str(path), 3)
    assert "not valid UTF-8" in warning.message


def test_utf16_file_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(digest("Café Models", ABSTRACT).encode("utf-16"))
    assert [p.title for p in parse_sources([path]).papers] == ["Café Models"]


def test_directory_reads_txt_and_json_dated_files_first(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(digest("Mar 20", "From B", ABSTRACT))
    (tmp_path / "a.json").write_text('[{"paper": {"id": "2401.00002", "title": "From A"}}]')
    (tmp_path / "c.md").write_text(digest("From C", ABSTRACT))
    (tmp_path / "d.txt").write_text("")
    (tmp_path / "sub.txt").mkdir()
    result = parse_sources([tmp_path])
    assert [p.title for p in result.papers] == ["From B", "From A"], "a.json names no day"
    assert [str(w) for w in result.warnings] == [f"{tmp_path / 'd.txt'}: skipped: empty file"]


def test_directory_is_read_in_the_order_of_the_days_in_its_file_names(tmp_path: Path) -> None:
    """Name order would be daily_..., hf-..., papers ...: the 20th, the 21st, the 19th."""
    (tmp_path / "hf-2025-03-21.txt").write_text(digest("Third", ABSTRACT, "Shared", "Later."))
    (tmp_path / "daily_20250320.json").write_text('[{"paper": {"id": "1", "title": "Second"}}]')
    (tmp_path / "papers 2025.03.19.txt").write_text(digest("First", ABSTRACT, "Shared", "First."))
    batches: list[list[str]] = []
    result = parse_sources([tmp_path], on_batch=lambda b: batches.append([p.title for p in b]))
    assert [p.title for p in result.papers] == ["First", "Shared", "Second", "Third"]
    assert batches == [["First", "Shared"], ["Second"], ["Third"]], "each file as it is read"
    shared = next(p for p in result.papers if p.title == "Shared")
    assert (shared.abstract, Path(shared.source).name) == ("First.", "papers 2025.03.19.txt")


def test_directory_without_dated_names_is_read_by_the_days_inside(tmp_path: Path) -> None:
    """friday, monday, wednesday by name; monday, wednesday, friday by day. No date: last."""
    (tmp_path / "friday.txt").write_text(digest("2025-03-21", "Friday Paper", ABSTRACT))
    (tmp_path / "monday.txt").write_text(digest("2025-03-17", "Monday Paper", ABSTRACT))
    (tmp_path / "undated.txt").write_text(digest("Undated Paper", ABSTRACT))
    (tmp_path / "a-wednesday.json").write_text(
        '[{"paper": {"id": "2503.00001", "title": "Wednesday Paper",'
        ' "submittedOnDailyAt": "2025-03-19T03:00:00.000Z"}}]'
    )
    (tmp_path / "2025-03-18.txt").write_text(digest("Tuesday Paper", ABSTRACT))  # named
    titles = [p.title for p in parse_sources([tmp_path]).papers]
    assert titles == [
        "Monday Paper",
        "Tuesday Paper",
        "Wednesday Paper",
        "Friday Paper",
        "Undated Paper",
    ]


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("hf-2025-03-21.txt", dt.date(2025, 3, 21)),
        ("20250321.json", dt.date(2025, 3, 21)),
        ("daily_2025_03_21_v2.txt", dt.date(2025, 3, 21)),
        ("2025-02-30.txt", None),
        ("2410.05434.txt", None),  # an arXiv id is no date
        ("2025-0321.txt", None),  # mixed separators
        ("notes.txt", None),
    ],
)
def test_name_day(name: str, day: dt.date | None) -> None:
    assert name_day(name) == day


def test_directory_where_no_file_has_papers(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("")
    (tmp_path / "b.txt").write_text("Subscribe\n")
    message = _error([tmp_path])
    assert message.startswith(f"{tmp_path}: no papers in any digest file (a.txt: empty file; ")


def test_sources_in_order_and_duplicates_dropped(tmp_path: Path) -> None:
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text(digest("Mar 20", "Shared Paper", ABSTRACT, "Only One", ABSTRACT))
    two.write_text(digest("Mar 21", "Only Two", ABSTRACT, "Shared  paper", "Changed."))
    result = parse_sources([two, one], year=2025)
    assert [(p.title, p.source, p.rank) for p in result.papers] == [
        ("Only Two", str(two), 1),
        ("Shared paper", str(two), 2),  # blanks collapsed; its twin in one.txt dropped
        ("Only One", str(one), 2),
    ]


def test_stdin_text_stream() -> None:
    stdin = io.StringIO(digest("Mar 21", "From Stdin", ABSTRACT))
    result = parse_sources(["-"], stdin=stdin, year=2025)
    assert [(p.title, p.source, p.date) for p in result.papers] == [("From Stdin", "-", MAR_21)]


def test_stdin_byte_stream_is_decoded_like_a_file() -> None:
    raw = b"\xef\xbb\xbf" + digest("Caf\xe9 Title", ABSTRACT).encode("latin-1")
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    result = parse_sources(["-"], stdin=stdin)
    assert [p.title for p in result.papers] == ["Caf\ufffd Title"]
    assert [str(w).split(":")[0] for w in result.warnings] == ["-"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [("", "empty input"), ("Subscribe\n", "only page chrome"), ("a\x00b", "binary")],
)
def test_bad_stdin(data: str, problem: str) -> None:
    message = _error(["-"], stdin=io.StringIO(data))
    assert message.startswith("-: ")
    assert problem in message


def test_parse_warning_str() -> None:
    assert str(ParseWarning("a.txt", 12, "oops")) == "a.txt:12: oops"
    assert str(ParseWarning("a.txt", None, "oops")) == "a.txt: oops"


# --------------------------------------------------------------------------------------------
# Untrusted text


def test_hostile_text_loses_controls_and_keeps_markup_literal() -> None:
    title = "\x1b[31mEvil\x1b[0m \u202eTitle\u202c [bold red]x[/] \x1b]8;;https://e.vil\x07link\x1b]8;;\x07"
    abstract = (
        "Clean \x1b]0;pwned\x07text with\x08\x07 bells. [link=https://e.vil]click[/link] here."
    )
    paper = parse_text(digest(title, abstract)).papers[0]
    assert paper.title == "Evil Title [bold red]x[/] link"
    assert paper.abstract == "Clean text with bells. [link=https://e.vil]click[/link] here."


def test_no_control_character_survives_into_a_title() -> None:
    # Every code point that strip_controls would remove is removed by the parser too, whichever
    # of its fast paths (ASCII, non-ASCII) the paragraph takes.
    for code in [*range(0x00, 0x3000), 0xFEFF, 0x1F600]:
        char = chr(code)
        if char.isspace():
            continue
        for title in (f"A{char}Title", f"Ä{char}Title"):
            papers = parse_text(digest(title, ABSTRACT)).papers
            if papers:
                assert strip_controls(papers[0].title) == papers[0].title, hex(code)
