"""Big files are parsed block by block: any block size gives the same papers and warnings (line
numbers included), `on_batch` hands papers over as they are parsed, and the fast paths behind
that speed (title keys, `make_paper`, the control-character scan) agree with the slow ones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import textwrap
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.test_parser_properties import REFERENCE, rendered

from papershelf.errors import UserError
from papershelf.model import Paper, make_paper, paper_id
from papershelf.parser import ParseResult, blocks, decoding, parse_sources, parse_text
from papershelf.parser.paragraphs import _CONTROL_CHARS, controls_free
from papershelf.text import fold, normalize_title, title_key

ABSTRACT = "We study a thing in depth. It works well on every benchmark we tried."
WRAPPED = textwrap.fill(
    "Parameter-efficient fine-tuning of large models--as we show--needs little memory; "
    "the code is at https://github.com/owner/repo and builds on arXiv:2401.00001 directly. "
    "It beats Rao--Blackwellization and other well-known baselines by a wide margin.",
    40,
)
# Paragraphs of a digest with a warning at each of the marked places.
PARAGRAPHS = [
    "new",
    "Get trending papers in your email inbox!",
    "Mar 21",
    "Lonely Title",  # no abstract, right after a date line: header furniture, dropped quietly
    "Paired Title",
    ABSTRACT,
    "A second paragraph of the same abstract. It goes on for a while, and ends well.",
    "Feb 30",  # warns: no such day
    ABSTRACT,  # warns: an abstract with no title before it
    "Wrapped Fine-\ntuning Title",
    WRAPPED,
    "Tab\tand  Blanks \x1b[31mTitle",
    "Control \x07characters go. Only the text stays here.",
    'Light Schr\\"odinger Title',
    "See Milenkovi\\'c et al. for 5\\% more. It was a good year.",
    "Mar 20",
    "Caf\udcff Title",  # an undecodable byte, once encoded with surrogateescape
    ABSTRACT,
    "Last Title",  # warns: the input ends, no abstract: skipped
]
WARNED = {
    7: "not a real day",
    8: "text with no title, skipped",
    18: "title with no abstract, skipped",
}


def digest_bytes(newline: str = "\n", bom: bool = False) -> bytes:
    text = "\n\n".join(PARAGRAPHS).replace("\n", newline) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogateescape")


def line_of(index: int) -> int:
    """1-based line on which paragraph `index` of `PARAGRAPHS` starts."""
    before = "\n\n".join(PARAGRAPHS[:index])
    return before.count("\n") + (3 if index else 1)


def key(result: ParseResult) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    papers = [dataclasses.astuple(p) for p in result.papers]
    return papers, [(w.source, w.line, w.message) for w in result.warnings]


@contextmanager
def blocks_of(size: int) -> Iterator[None]:
    """Parse in blocks of `size` bytes (characters for text) instead of megabytes."""
    default = blocks._BLOCK_SIZE
    blocks._BLOCK_SIZE = size
    try:
        yield
    finally:
        blocks._BLOCK_SIZE = default


# --------------------------------------------------------------------------------------------
# Any block size, the same result


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", [False, True])
def test_the_digest_warns_on_the_right_lines(newline: str, bom: bool, tmp_path: Path) -> None:
    path = tmp_path / "digest.txt"
    path.write_bytes(digest_bytes(newline, bom))
    result = parse_sources([path], year=2025)
    decode, *warnings = result.warnings
    assert (decode.line, "not valid UTF-8 (byte 0xff)" in decode.message) == (line_of(16), True)
    assert [(w.line, w.message.split(":")[0]) for w in warnings] == [
        (line_of(index), text) for index, text in WARNED.items()
    ]
    titles = [p.title for p in result.papers]
    assert titles == [
        "Paired Title",
        "Wrapped Fine-tuning Title",
        "Tab and Blanks Title",
        "Light Schrödinger Title",
        "Caf\ufffd Title",
    ]
    wrapped = result.papers[1]
    assert "fine-tuning of large models--as we show--needs" in wrapped.abstract
    assert "Rao--Blackwellization" in wrapped.abstract
    assert (wrapped.code_url, wrapped.arxiv_id) == ("https://github.com/owner/repo", "2401.00001")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("size", [1, 7, 64, 300])
def test_any_block_size_gives_the_same_result(
    newline: str, size: int, tmp_path: Path, sample_path: Path
) -> None:
    # The sample between two copies of the tricky digest: many blocks, warnings in several.
    sample = sample_path.read_bytes().replace(b"\n", newline.encode())
    path = tmp_path / "digest.txt"
    path.write_bytes(digest_bytes(newline) + sample + digest_bytes(newline))
    expected = key(parse_sources([path], year=2025))
    assert len(expected[0]) > 46 and len(expected[1]) >= 6
    with blocks_of(size):
        assert key(parse_sources([path], year=2025)) == expected
        stdin = io.TextIOWrapper(io.BytesIO(path.read_bytes()))
        from_stdin = key(parse_sources(["-"], stdin=stdin, year=2025))
    papers, warnings = expected
    assert from_stdin == (
        [(*paper[:9], "-", *paper[10:]) for paper in papers],
        [("-", *warning[1:]) for warning in warnings],
    )


@given(rendered(), st.integers(1, 200))
def test_rendered_digests_parse_alike_in_small_blocks(case: tuple[str, object], size: int) -> None:
    text = case[0]
    data = text.encode()
    whole = key(parse_text(text, reference_date=REFERENCE))
    streamed = key(parse_sources(["-"], stdin=io.TextIOWrapper(io.BytesIO(data)), year=2025))
    with blocks_of(size):
        assert key(parse_text(text, reference_date=REFERENCE)) == whole
        stdin = io.TextIOWrapper(io.BytesIO(data))
        assert key(parse_sources(["-"], stdin=stdin, year=2025)) == streamed


@given(
    st.lists(
        st.sampled_from([*PARAGRAPHS, "", " ", "\t", "\x00", "{", "[1]", "Feb 29"]), max_size=12
    ),
    st.sampled_from(["\n\n", "\r\n\r\n", "\r\r", "\n \n", "\n", "\r\n \t\r\n"]),
    st.integers(1, 64),
)
def test_odd_inputs_fail_or_parse_alike_in_small_blocks(
    paragraphs: list[str], separator: str, size: int
) -> None:
    data = separator.join(paragraphs).encode("utf-8", "surrogateescape")

    def outcome() -> object:
        try:
            return key(parse_sources(["-"], stdin=io.TextIOWrapper(io.BytesIO(data))))
        except UserError as exc:
            return str(exc)

    whole = outcome()
    with blocks_of(size):
        assert outcome() == whole


# --------------------------------------------------------------------------------------------
# Batches


def batches_of(
    sources: Sequence[str | Path], stdin: TextIO | None = None
) -> tuple[list[list[Paper]], ParseResult]:
    batches: list[list[Paper]] = []
    result = parse_sources(sources, stdin=stdin, on_batch=lambda b: batches.append(list(b)))
    return batches, result


def test_batches_join_to_the_result(sample_path: Path) -> None:
    with blocks_of(4096):
        batches, result = batches_of([sample_path])
    assert len(batches) > 3 and all(batches)
    assert [p for batch in batches for p in batch] == result.papers
    assert len(result.papers) == 46


def test_the_first_batch_comes_before_the_input_is_read(sample_path: Path) -> None:
    data = sample_path.read_bytes()
    stream = io.BytesIO(data)
    read_so_far: list[int] = []
    with blocks_of(4096):
        parse_sources(
            ["-"],
            stdin=io.TextIOWrapper(stream),
            on_batch=lambda _: read_so_far.append(stream.tell()),
        )
    assert read_so_far[0] < len(data) // 4
    assert read_so_far == sorted(read_so_far)


def test_batches_hold_no_paper_twice(tmp_path: Path) -> None:
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("\n\n".join(["Shared Paper", ABSTRACT, "Only One", ABSTRACT]))
    two.write_text("\n\n".join(["Shared  paper", ABSTRACT, "Only Two", ABSTRACT, "Only Two", "x."]))
    batches, result = batches_of([one, two])
    delivered = [p for batch in batches for p in batch]
    assert [p.title for p in delivered] == ["Shared Paper", "Only One", "Only Two"]
    assert delivered == result.papers


def test_a_directory_file_that_fails_late_delivers_nothing(tmp_path: Path) -> None:
    good = "\n\n".join(["Good Paper", ABSTRACT]) + "\n"
    late_nul = "\n\n".join(["Bad Paper", ABSTRACT, "More", ABSTRACT * 3, "x\x00y"])
    (tmp_path / "a.txt").write_text(late_nul)
    (tmp_path / "b.txt").write_text(good)
    with blocks_of(64):
        batches, result = batches_of([tmp_path])
    assert [[p.title for p in batch] for batch in batches] == [["Good Paper"]]
    assert [p.title for p in result.papers] == ["Good Paper"]
    assert [w.message for w in result.warnings] == [f"skipped: {decoding.BINARY}"]


def test_a_named_file_that_is_binary_deep_inside_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    path.write_text("\n\n".join(["A Paper", ABSTRACT, "More", ABSTRACT * 3, "x\x00y"]))
    batches: list[Sequence[Paper]] = []
    with blocks_of(64), pytest.raises(UserError, match="binary file"):
        parse_sources([path], on_batch=batches.append)
    assert batches  # handed over before the NUL was read; the caller drops them


def test_json_and_text_streams_come_in_batches_too() -> None:
    item = '{"paper": {"id": "2403.10001", "title": "From JSON", "summary": "S."}}'
    batches, result = batches_of(["-"], stdin=io.StringIO(f"[{item}]"))
    assert [[p.title for p in b] for b in batches] == [["From JSON"]] == [[result.papers[0].title]]
    text = "\n\n".join(["From Text", ABSTRACT])
    batches, result = batches_of(["-"], stdin=io.StringIO(text))
    assert [p for batch in batches for p in batch] == result.papers != []


# --------------------------------------------------------------------------------------------
# Fast paths that must agree with the slow ones


def _slow_normalize(title: str) -> str:
    text = fold(unicodedata.normalize("NFKC", title))
    return re.sub(r"[\W_]+", " ", text).strip()


@given(st.text(st.characters(max_codepoint=0x7F), max_size=60) | st.text(max_size=30))
def test_title_keys_match_the_general_normalisation(title: str) -> None:
    assert normalize_title(title) == _slow_normalize(title)
    assert title_key(title) == _slow_normalize(title).encode()


def test_paper_ids_are_unchanged() -> None:
    # Pinned from before the fast paths: ids are stored and compared, so they must never drift.
    assert paper_id("Light Schrödinger Bridge") == "title:42bcde87b89df90c"
    assert paper_id("LeMo: Enabling LEss Token Involvement for MOre Context Fine-tuning") == (
        "title:f7b83c38f3b9a683"
    )
    assert paper_id("  Fine_tuning -- at SCALE!  ") == "title:a23fbad0f6ff9c44"
    assert paper_id("ﬁne Straße") == "title:c4e3de11dfcfdd72"
    assert paper_id("A") == "title:40f89e395b66422f"
    assert paper_id("Anything", "2403.12345") == "arxiv:2403.12345"


def test_make_paper_builds_the_same_paper() -> None:
    names = [f.name for f in dataclasses.fields(Paper)]
    assert list(make_paper.__code__.co_varnames[: len(names)]) == names
    values = (
        "title:x", "T", "A.", dt.date(2025, 3, 21), 3, ("https://x.org",), "https://github.com/a/b",
        "2403.12345", ("Ada",), "s.txt", "https://p.org", 4, 5, 6,
    )  # fmt: skip
    made = make_paper(*values)
    assert type(made) is Paper
    assert made == Paper(*values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.title = "changed"  # type: ignore[misc]


@given(st.text(max_size=40) | st.text(st.sampled_from("a ’–\u200e\u202e\x85\x01é"), max_size=400))
def test_the_block_control_scan_never_misses_a_control(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    has_control = _CONTROL_CHARS.search(text.replace("\r", "")) is not None
    free = controls_free(data, 0, len(data))
    assert not (free and has_control)
    marked = sum(byte in b"\xc2\xd8\xe2" for byte in data)
    if marked <= 16:  # few enough to look at each: the answer is exact
        assert free == (not has_control)


@pytest.mark.parametrize("control", ["\x01", "\x7f", "\x85", "\u202e", "\u2066", "\u061c"])
@pytest.mark.parametrize("quotes", [1, 1000])
def test_text_full_of_quotes_still_loses_its_controls(control: str, quotes: int) -> None:
    # With many curly quotes the block scan gives up and every paragraph is checked instead.
    abstract = "It’s “quoted” – and so on. " * quotes + "The end."
    data = abstract.encode()
    assert controls_free(data, 0, len(data)) == (quotes == 1)
    title = f"A {control}Title"
    paper = parse_text("\n\n".join([title, abstract])).papers[0]
    assert paper.title == "A Title"
