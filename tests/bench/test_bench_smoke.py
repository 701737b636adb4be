"""Smoke test of the benchmark runner: `bench/run.py --quick` runs end to end, app keystrokes
included, and writes a complete report. No timing is asserted, nor anything a noisy machine can
change: figures only have to be there, be finite non-negative numbers, and be judged against
their targets. Not part of the default `pytest` (about two minutes): `pytest tests/bench`."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "bench" / "run.py"

pytestmark = [
    pytest.mark.skipif(not RUNNER.is_file(), reason="needs the source checkout"),
    pytest.mark.xdist_group("bench"),  # one worker, so one run of bench/run.py
]

HAS_FZF = shutil.which("fzf") is not None
SECTIONS = (
    "Targets (at 100,000 papers)",
    "Parse and index build",
    "Search per keystroke: `SearchIndex.search`",
    "Fallback before the index is ready: `scan_search`",
    "Keystroke to repainted list in the app (headless Pilot, 120×40)",
    "Open to first paint in a terminal",
    "Peak memory",
    "Per query at 10,000 papers",
)
FIGURE = re.compile(r"(\d+(\.\d+)?) (ms|s|MB)\b")
RATIO = re.compile(r"(\d+(\.\d+)?)×")
QUICK_SIZES = ["1,000", "10,000"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "RESULTS.md"
    argv = [sys.executable, str(RUNNER), "--quick", "--out", str(out)]
    argv += ["--corpora", str(tmp / "corpora")]
    if not HAS_FZF:
        argv.append("--no-fzf")
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return out.read_text(encoding="utf-8")


def section(report: str, heading: str) -> str:
    start = report.index(f"\n## {heading}\n")
    end = report.find("\n## ", start + 1)
    return report[start : end if end != -1 else len(report)]


def rows(text: str) -> list[list[str]]:
    """The body rows of the first Markdown table in `text`, as cells."""
    table = [line for line in text.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in table[2:]]


def is_figure(cell: str) -> bool:
    found = FIGURE.match(cell)
    return found is not None and math.isfinite(float(found.group(1)))


def is_ratio(cell: str) -> bool:
    found = RATIO.search(cell)
    return found is not None and math.isfinite(float(found.group(1)))


def test_header_names_the_command_and_the_machine(report: str) -> None:
    assert report.startswith("# papershelf benchmarks\n")
    assert "**Command:** `python bench/run.py --quick --out " in report
    for label in ("Date", "Machine", "Python", "Libraries", "Code", "Corpora"):
        assert f"- **{label}:** " in report


def test_every_section_is_there(report: str) -> None:
    for heading in SECTIONS:
        assert f"\n## {heading}\n" in report
    assert ("\n## Reference: fzf\n" in report) == HAS_FZF


def test_targets_have_a_figure_a_reference_and_a_verdict(report: str) -> None:
    targets = rows(section(report, "Targets (at 100,000 papers)"))
    assert [row[0].split(",")[0] for row in targets] == [
        "Search p95 per keystroke",
        "Keystroke to repainted list p95",
        "Open to first paint (first papers on screen)",
        "Open to the whole list shown",
        "Open to first paint",
        "Peak RSS",
        "Parse (parse / floor)",
    ]
    for name, measured, _target, reference, ratio, status in targets:
        assert is_figure(measured), name
        assert reference, name
        if HAS_FZF or "fzf" not in reference:
            assert is_ratio(ratio), name
        assert status in ("reported", "met at 10,000 (indicative)", "missed at 10,000 (indicative)")


def test_parse_index_and_search_are_measured_at_both_sizes(report: str) -> None:
    parse = rows(section(report, "Parse and index build"))
    assert [row[0] for row in parse] == QUICK_SIZES
    assert all(is_figure(cell) for row in parse for cell in row[1:4] + row[5:])
    assert all(is_ratio(row[4]) for row in parse)
    search = rows(section(report, "Search per keystroke: `SearchIndex.search`"))
    assert [row[0] for row in search] == QUICK_SIZES
    for row in search:
        assert int(row[1]) > 0
        assert all(is_figure(cell) for cell in row[2:6])
    scan = rows(section(report, "Fallback before the index is ready: `scan_search`"))
    assert [row[0] for row in scan] == [size for size in QUICK_SIZES for _path in range(2)]
    assert all(is_figure(cell) for row in scan for cell in row[3:])


def test_app_keystrokes_are_measured_and_the_app_shows_what_the_index_finds(report: str) -> None:
    app = rows(section(report, "Keystroke to repainted list in the app (headless Pilot, 120×40)"))
    assert [row[0] for row in app] == QUICK_SIZES
    for row in app:
        assert int(row[1]) > 0
        assert all(is_figure(cell) for cell in row[2:7])
    # Each whole query shows as many papers in the app as the index finds for it.
    assert "the app (painted) showed" not in report


def test_first_paint_and_memory_are_measured_in_a_terminal(report: str) -> None:
    paint = rows(section(report, "Open to first paint in a terminal"))
    assert [row[1] for row in paint] == ["–", "46", "10,000", "10,000"]
    assert all(is_figure(cell) for row in paint for cell in row[3:6])
    memory = rows(section(report, "Peak memory"))
    assert [row[:2] for row in memory] == [
        ["10,000", "first open: index built and saved"],
        ["10,000", "reopened: saved index loaded"],
    ]
    assert all(is_figure(row[3]) for row in memory)
