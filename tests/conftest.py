"""Shared fixtures: every test runs with its own papershelf home and config, never the user's.

Hypothesis runs under one of two profiles: `dev` (few examples, quick) by default, `ci` (many
examples, derandomized) when CI is set; HYPOTHESIS_PROFILE=ci|dev chooses one by name. Neither
has a deadline: on a shared two-core machine a deadline flags load, not slow code (timing is
bench/'s job). A test sets only what it really needs (e.g. a health check it suppresses).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from papershelf.config import CONFIG_ENV
from papershelf.locations import HOME_ENV, sample_digest

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True)
_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _CI else "dev"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "papershelf-home"
    monkeypatch.setenv(HOME_ENV, str(home))
    # Nor the user's config: a test writes one here when it needs one.
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "config.toml"))
    return home


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """No test reaches the real Hugging Face: `HF_ENDPOINT` points at a loopback port that is
    bound but never listens, so any request there (the look-ups after `import`, say) is refused
    at once, in this process and in the subprocesses it starts. A test that wants a server sets
    `HF_ENDPOINT` to its own. Proxies from the environment are dropped, so 127.0.0.1 is direct.
    """
    for name in (
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
        monkeypatch.setenv("HF_ENDPOINT", url)
        yield url


@pytest.fixture
def sample_path() -> Path:
    return sample_digest()
