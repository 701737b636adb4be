"""Where papershelf keeps its data and finds its bundled sample.

`PAPERSHELF_HOME` overrides the platform data directory, so tests and benchmarks never
touch the real user's files.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

HOME_ENV = "PAPERSHELF_HOME"
SAMPLE_NAME = "sample-digest.txt"


def data_dir() -> Path:
    """The directory that holds the database; not created here."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("papershelf", appauthor=False))


def state_dir() -> Path:
    """Where logs go (the last crash's): the state directory, or `PAPERSHELF_HOME` if set."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_state_dir("papershelf", appauthor=False))


def database_path() -> Path:
    return data_dir() / "papershelf.sqlite3"


def sample_digest() -> Path:
    """The bundled sample digest: inside the installed wheel, or `assets/` in a checkout."""
    packaged = resources.files("papershelf") / "assets" / SAMPLE_NAME
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "assets" / SAMPLE_NAME
    return checkout
