"""Shared fixtures: every test runs with its own papershelf home, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.locations import HOME_ENV, sample_digest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "papershelf-home"
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


@pytest.fixture
def sample_path() -> Path:
    return sample_digest()
