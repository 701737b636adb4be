"""The headless core must never import Textual (ruff, mypy and lint-imports run in .ci/run)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "model",
    "text",
    "errors",
    "locations",
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
    "store.library",
    "session",
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
