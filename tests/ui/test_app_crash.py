"""An app that fails in a handler exits non-zero with one line, the traceback in a crash log.

Textual catches a handler's exception, prints its traceback (local variables and all) and
returns from `run` as if all went well; `papershelf` must say it failed, on one line, and put
the details where they can be read later.
"""

from __future__ import annotations

import contextlib
import io
import re
from functools import partialmethod
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from papershelf import crash
from papershelf.cli import EXIT_CRASH, main
from papershelf.ui.app import PapershelfApp

_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
HOSTILE = "boom \x1b]52;c;cGF3bmVk\x07 [/] [@click=app.quit]x[/]"


def run_cli(monkeypatch: pytest.MonkeyPatch, **run_options: object) -> tuple[int, str, str]:
    """`papershelf` (the app on the sample), headless; its exit status, stdout and stderr."""
    monkeypatch.setattr(PapershelfApp, "run", partialmethod(App.run, headless=True, **run_options))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main([], out=out)
    return code, out.getvalue(), err.getvalue()


def test_an_exception_in_a_handler_exits_non_zero_with_one_line(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    def explode(self: PapershelfApp) -> None:
        raise RuntimeError(HOSTILE)

    monkeypatch.setattr(PapershelfApp, "on_mount", explode, raising=False)
    code, out, err = run_cli(monkeypatch)
    log = isolated_home / crash.CRASH_LOG
    assert code == EXIT_CRASH == 1 and out == ""
    assert err == (
        "papershelf: error: the app stopped on an internal error (RuntimeError: boom"
        f" [/] [@click=app.quit]x[/]); the full traceback is in {log}\n"
    )
    assert _UNSAFE.search(err.replace("\n", "")) is None
    details = log.read_text(encoding="utf-8")
    assert "RuntimeError" in details and "explode" in details  # Textual's traceback


def test_a_failure_to_run_at_all_is_one_line_too(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    def cannot_start(self: PapershelfApp, **options: object) -> None:
        raise OSError(25, "Inappropriate ioctl for device")

    monkeypatch.setattr(PapershelfApp, "run", cannot_start)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main([], out=out)
    assert code == EXIT_CRASH
    [line] = err.getvalue().splitlines()
    assert line.startswith("papershelf: error: the app stopped on an internal error (OSError: ")
    assert "cannot_start" in (isolated_home / crash.CRASH_LOG).read_text(encoding="utf-8")


def test_an_unwritable_crash_log_still_gives_one_line(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / crash.CRASH_LOG).mkdir()  # a directory where the log should go

    def explode(self: PapershelfApp) -> None:
        raise ValueError("x")

    monkeypatch.setattr(PapershelfApp, "on_mount", explode, raising=False)
    code, _, err = run_cli(monkeypatch)
    assert code == EXIT_CRASH
    [line] = err.splitlines()
    assert "(ValueError: x); could not write the crash log to" in line


def test_a_normal_quit_exits_zero_and_writes_no_log(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    async def quit_at_once(pilot: Pilot[object]) -> None:
        await pilot.press("q")

    code, out, err = run_cli(monkeypatch, auto_pilot=quit_at_once)
    assert (code, out, err) == (0, "", "")
    assert not (isolated_home / crash.CRASH_LOG).exists()
