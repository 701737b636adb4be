"""The headless core must never import Textual, and the code must pass ruff and mypy --strict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = [
    "model",
    "text",
    "errors",
    "locations",
    "latex",
    "urls",
    "parser",
    "search",
    "search.terms",
    "search.vocabulary",
    "search.postings",
    "search.ranking",
    "search.index",
    "search.scan",
    "search.query",
    "search.filters",
    "search.highlight",
    "search.cache",
    "store",
    "export",
    "fetch",
    "library",
    "cli",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, papershelf.{module}\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"papershelf.{module} imported {out.stdout.strip()}"


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is part of the test extras; install with pip install '.[test]'"
    return found


@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="needs the source checkout")
def test_ruff_lint_and_format() -> None:
    ruff = _tool("ruff")
    lint = subprocess.run(
        [ruff, "check", "src", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [ruff, "format", "--check", "src", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="needs the source checkout")
def test_mypy_strict() -> None:
    result = subprocess.run(
        [_tool("mypy"), "--strict", "src"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
