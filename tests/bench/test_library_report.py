"""The report half of bench/library.py: a made-up result renders every target row with a
PASS/MISS, and the section lands at the top of RESULTS.md, replacing itself on a rerun.
Runs no app and times nothing (the measuring half: `python bench/library.py --n 3000`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "library.py"

pytestmark = pytest.mark.skipif(not SCRIPT.is_file(), reason="needs the source checkout")


@pytest.fixture(scope="module")
def library() -> Any:
    spec = importlib.util.spec_from_file_location("bench_library", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_library"] = module
    spec.loader.exec_module(module)
    return module


def session(paint: float, full: float, shown: int = 7) -> dict[str, Any]:
    return {
        "first_paint_s": paint,
        "full_answer_s": full,
        "loaded_s": paint,
        "index_s": full,
        "filter_value": "shadowy activaton",
        "shown": shown,
        "peak_rss_mb": 300.0,
    }


def result(n: int, scale: float) -> dict[str, Any]:
    times = {"list": [0.5 * scale], "fzf_e": [1.0 * scale], "fzf": [3.0 * scale]}
    counts = {"list": 7, "fzf_e": 0, "fzf": 100}
    return {
        "n": n,
        "runs": 1,
        "import_s": 10.0 * scale,
        "db_mb": 100.0 * scale,
        "index_mb": 50.0 * scale,
        "cli_count": 7,
        "cli_count_after": 7,
        "empty": [{"first_paint_s": 0.2, "peak_rss_mb": 50.0}],
        "first": [session(2.0 * scale, 6.0 * scale)],
        "reopen": [session(1.0 * scale, 1.2 * scale)],
        "after_import": [session(1.0 * scale, 5.0 * scale)],
        "extra_import": [{"s": 0.5, "out": "imported 100 papers, 100 new"}],
        "list": {q: {"times": times, "counts": counts} for q in ("shadowy activaton", "lora")},
    }


def test_section_rows_and_placement(library: Any, tmp_path: Path, monkeypatch: Any) -> None:
    text = library.section(
        [result(10_000, 0.1), result(100_000, 1.0)],
        ["--runs", "1"],
        60.0,
        "1.00, 1.00, 1.00",
        "2.00, 2.00, 2.00",
    )
    assert text.startswith(library.SECTION)
    assert text.count("| PASS |") + text.count("| MISS |") == 8
    assert "1M (linear)" in text
    results = tmp_path / "RESULTS.md"
    results.write_text("# title\n\nintro\n\n## Targets\n\nold\n", encoding="utf-8")
    monkeypatch.setattr(library, "RESULTS", results)
    library.write_results(text)
    library.write_results(text)  # a rerun replaces the section, it does not add a second one
    written = results.read_text(encoding="utf-8")
    assert written.count(library.SECTION) == 1
    assert written.index("intro") < written.index(library.SECTION) < written.index("## Targets")
