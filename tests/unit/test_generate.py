"""The benchmark corpus generator: deterministic, sample-shaped, and parseable like the sample."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "bench" / "generate.py"
SAMPLE = ROOT / "assets" / "sample-digest.txt"

pytestmark = pytest.mark.skipif(not GENERATOR.is_file(), reason="needs the source checkout")

DATE_LINE = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01])$")
CODE_LINK = re.compile(
    r" (?:The code is available at|Our code is available at|The code is released at"
    r"|Code is publicly available at) https://github\.com/[A-Za-z0-9-]+/[A-Za-z0-9_-]+\.$"
)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


gen = _load()


def _text(n: int, seed: int = 0) -> str:
    return "".join(gen.generate(n, seed))


def _sections(text: str) -> tuple[list[str], list[tuple[str, list[tuple[str, str]]]]]:
    """Split a digest by its layout alone: chrome paragraphs, then (date, [(title, abstract)])."""
    paragraphs = text.split("\n\n")
    assert paragraphs[-1] == "", "the digest ends with a blank line after the last abstract"
    paragraphs = paragraphs[:-1]
    chrome, rest = paragraphs[:4], paragraphs[4:]
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    i = 0
    while i < len(rest):
        assert DATE_LINE.match(rest[i]), f"expected a date line, got {rest[i][:60]!r}"
        date, i = rest[i], i + 1
        blocks: list[tuple[str, str]] = []
        while i < len(rest) and not DATE_LINE.match(rest[i]):
            blocks.append((rest[i], rest[i + 1]))
            i += 2
        sections.append((date, blocks))
    return chrome, sections


def _papers(text: str) -> list[tuple[str, str]]:
    return [block for _date, blocks in _sections(text)[1] for block in blocks]


def test_same_seed_gives_identical_text_and_another_seed_differs() -> None:
    assert _text(300, seed=7) == _text(300, seed=7)
    assert _text(300, seed=7) != _text(300, seed=8)


def test_output_does_not_depend_on_string_hashing() -> None:
    code = (
        "import hashlib, importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('g', {str(GENERATOR)!r})\n"
        "m = importlib.util.module_from_spec(spec); sys.modules['g'] = m\n"
        "spec.loader.exec_module(m)\n"
        "print(hashlib.sha256(''.join(m.generate(150, 3)).encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    assert digests == {hashlib.sha256(_text(150, 3).encode()).hexdigest()}


def test_chrome_is_the_samples_chrome() -> None:
    sample_chrome = SAMPLE.read_text(encoding="utf-8").split("\n\n")[:4]
    assert list(gen.CHROME) == sample_chrome
    assert _text(5).startswith("".join(f"{line}\n\n" for line in sample_chrome))


def test_200_papers_have_sample_shaped_titles_and_abstracts() -> None:
    chrome, sections = _sections(_text(200))
    assert chrome == list(gen.CHROME)
    papers = [block for _date, blocks in sections for block in blocks]
    assert len(papers) == 200
    needles = set(gen.needle_positions(200).values())
    generated = [(t, a) for t, a in papers if t not in needles]
    assert len(generated) == 200 - len(needles)
    for title, abstract in generated:
        assert 4 <= len(title.split()) <= 20, title
        assert 120 <= len(abstract.split()) <= 300, title
        assert not title.endswith("."), title
        assert abstract.endswith("."), abstract[-80:]
        assert "\n" not in title and "\n" not in abstract
        assert title == title.strip() and abstract == abstract.strip()
        assert abstract[0].isupper(), abstract[:40]
    assert len({t.casefold() for t, _a in papers}) == 200, "titles are unique"
    # Like the sample: some titles open with a system name and a colon ("LeMo: ...").
    assert any(re.match(r"^[A-Z][\w-]*: [A-Z]", t) for t, _a in generated)


def test_sections_are_consecutive_days_of_20_to_50_papers() -> None:
    _chrome, sections = _sections(_text(1000))
    dates = [date for date, _blocks in sections]
    assert dates[0] == "Mar 21"
    assert len(set(dates)) == len(dates)
    day = dt.date(2025, 3, 21)
    for date in dates:
        assert date == f"{MONTHS[day.month - 1]} {day.day}"
        day -= dt.timedelta(days=1)
    sizes = [len(blocks) for _date, blocks in sections]
    assert sum(sizes) == 1000
    assert all(20 <= size <= 50 for size in sizes[:-1]), sizes
    assert 1 <= sizes[-1] <= 50


def test_code_links_are_well_formed_and_about_a_fifth() -> None:
    needles = set(gen.needle_positions(1000).values())
    generated = [(t, a) for t, a in _papers(_text(1000)) if t not in needles]
    linked = [a for _t, a in generated if "http" in a]
    assert 0.12 <= len(linked) / len(generated) <= 0.28
    for abstract in linked:
        assert abstract.count("http") == 1
        assert CODE_LINK.search(abstract), abstract[-120:]


def test_needles_are_the_sample_papers_verbatim_at_their_positions() -> None:
    sample = gen.sample_papers(SAMPLE.read_text(encoding="utf-8"))
    n = 500
    positions = gen.needle_positions(n)
    assert len(positions) == len(gen.NEEDLES)
    assert any("LoRA" in title for title in positions.values())
    papers = _papers(_text(n))
    for index, title in positions.items():
        assert papers[index] == (title, sample[title])


def test_sample_papers_reads_all_46_sample_papers() -> None:
    papers = gen.sample_papers(SAMPLE.read_text(encoding="utf-8"))
    assert len(papers) == 46
    assert next(iter(papers)).startswith("LeMo: ")


def test_lines_are_title_space_abstract_of_the_same_papers() -> None:
    papers = _papers(_text(120, seed=5))
    lines = list(gen.lines(120, seed=5))
    assert lines == [f"{title} {abstract}\n" for title, abstract in papers]


def test_writers_and_cli_produce_the_same_files(tmp_path: Path) -> None:
    digest = gen.write_digest(tmp_path / "a" / "digest.txt", 90, seed=2)
    lines = gen.write_lines(tmp_path / "a" / "lines.txt", 90, seed=2)
    assert digest.read_bytes() == _text(90, seed=2).encode("utf-8")
    assert lines.read_bytes() == "".join(gen.lines(90, seed=2)).encode("utf-8")
    out, out_lines = tmp_path / "b" / "digest.txt", tmp_path / "b" / "lines.txt"
    assert gen.main(["90", str(out), "--seed", "2", "--lines", str(out_lines)]) == 0
    assert out.read_bytes() == digest.read_bytes()
    assert out_lines.read_bytes() == lines.read_bytes()


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError):
        list(gen.generate(-1))


@given(n=st.integers(min_value=0, max_value=120), seed=st.integers(min_value=0, max_value=2**32))
def test_any_size_and_seed_keeps_the_layout(n: int, seed: int) -> None:
    text = _text(n, seed)
    papers = _papers(text)
    assert len(papers) == n
    assert len({title.casefold() for title, _a in papers}) == n
    assert "\n\n\n" not in text
    assert all(not title.endswith(".") for title, _a in papers)


def test_titles_stay_unique_when_the_word_pool_is_tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    # At 100k papers the real pool repeats short titles; a two-word pool makes that certain here.
    tiny = dataclasses.replace(
        gen.load_vocabulary(), title_words=("Graph", "networks"), content_words=("Token", "Graph")
    )
    monkeypatch.setattr(gen, "load_vocabulary", lambda: tiny)
    titles = [title for _date, title, _abstract in gen.papers(400)]
    assert len({title.casefold() for title in titles}) == 400


def test_no_generated_title_contains_a_needle_title(monkeypatch: pytest.MonkeyPatch) -> None:
    # Title words are copied in runs, so a pool holding a short needle's words in order would
    # reproduce it; the real pool did so 118 times in 100k before this was ruled out.
    tiny = dataclasses.replace(
        gen.load_vocabulary(), title_words=("Light", "Schrödinger", "Bridge", "Graph")
    )
    monkeypatch.setattr(gen, "load_vocabulary", lambda: tiny)
    needles = {title.casefold() for _fraction, title in gen.NEEDLES}
    generated = [t.casefold() for _d, t, _a in gen.papers(400) if t.casefold() not in needles]
    assert len(generated) == 400 - len(needles)
    assert not [t for t in generated if any(needle in t for needle in needles)]


def test_the_parser_reads_a_generated_digest_back() -> None:
    parser = pytest.importorskip("papershelf.parser")
    rows = list(gen.papers(500))
    result = parser.parse_text("".join(gen.generate(500)), reference_date=dt.date(2025, 3, 21))
    assert result.warnings == []
    assert len(result.papers) == 500
    for paper, (date, title, abstract) in zip(result.papers, rows, strict=True):
        assert paper.title == title
        assert paper.abstract == parser.decode_latex(abstract)  # the sample's TeX escapes
        assert paper.date is not None and f"{MONTHS[paper.date.month - 1]} {paper.date.day}" == date
        link = re.search(r"https://github\.com/[\w-]+/[\w-]+", abstract)
        assert paper.code_url == (link.group() if link else None)
