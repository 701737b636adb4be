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


NOT_CORE = {"__init__", "__main__", "cli", "ui"}
"""`cli` imports the app lazily (`papershelf` alone, `papershelf keys`); `ui` is the app."""


def test_every_core_module_is_in_the_import_contract() -> None:
    """lint-imports checks only the modules its contract names: a new core module left out of
    it could import Textual unnoticed (bibtex and writes were)."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(
        c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "forbidden"
    )
    listed = set(contract["source_modules"])
    package = root / "src" / "papershelf"
    modules = {p.stem for p in package.glob("*.py")} | {
        p.name for p in package.iterdir() if (p / "__init__.py").exists()
    }
    missing = sorted({f"papershelf.{m}" for m in modules - NOT_CORE} - listed)
    assert not missing, f"core modules lint-imports does not check: {missing}"
