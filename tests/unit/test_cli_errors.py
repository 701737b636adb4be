"""Bad input to `papershelf list` ends in one `papershelf: error:` line and exit status 2, never a
traceback; undecodable bytes only warn."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import papershelf

SRC = Path(papershelf.__file__).resolve().parents[1]


def run_list(*args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "papershelf", "list", *args],
        input="",
        capture_output=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def _missing(tmp: Path) -> str:
    return str(tmp / "missing.txt")


def _empty_dir(tmp: Path) -> str:
    (tmp / "empty-dir").mkdir()
    return str(tmp / "empty-dir")


def _write(name: str, data: bytes) -> Callable[[Path], str]:
    def make(tmp: Path) -> str:
        (tmp / name).write_bytes(data)
        return str(tmp / name)

    return make


BAD_INPUTS: dict[str, Callable[[Path], str]] = {
    "missing-path": _missing,
    "directory-without-digests": _empty_dir,
    "empty-file": _write("empty.txt", b""),
    "only-chrome": _write("chrome.txt", b"new\n\nSubscribe\n\nbyAK and the research community\n"),
    "nul-bytes": _write("binary.txt", b"Title\n\nAbs\x00tract\n"),
    "malformed-json": _write("feed.json", b'[{"paper": {"id": '),
    "wrong-json-shape": _write("shape.json", b"[1, 2, 3]"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_error_line_and_exit_2(case: str, tmp_path: Path) -> None:
    path = BAD_INPUTS[case](tmp_path)
    done = run_list(path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"papershelf: error: {path}: ")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_empty_stdin_is_an_error() -> None:
    done = run_list("-")
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["papershelf: error: -: empty input"]


def test_invalid_utf8_only_warns(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Mar 21\n\nCaf\xe9 Models\n\nWe study caf\xe9s in depth.\n".encode("latin-1"))
    done = run_list(str(path))
    assert done.returncode == 0, done.stderr
    assert "Caf\ufffd Models" in done.stdout
    (warning,) = done.stderr.splitlines()
    assert warning.startswith(f"papershelf: warning: {path}:3: not valid UTF-8")


def test_escape_sequences_from_data_never_reach_the_terminal(tmp_path: Path) -> None:
    """A server's error body and a file name are data: an OSC 52 (clipboard write) or a
    screen clear inside them must not be printed raw."""
    body = tmp_path / "error.json"
    body.write_text('{"error":"\\u001b]52;c;aGk=\\u0007 bad \\u001b[2J thing"}', encoding="utf-8")
    result = run_list(str(body))
    assert result.returncode == 2
    assert "bad" in result.stderr and "thing" in result.stderr
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "evil\x1b[2Jname\x9b31m.txt").write_text("A title alone\n", encoding="utf-8")
    listed = run_list(str(folder))
    assert "evilname" in listed.stderr
    for output in (result.stdout, result.stderr, listed.stdout, listed.stderr):
        assert not any(ch in output for ch in "\x1b\x07\x9b"), repr(output)
