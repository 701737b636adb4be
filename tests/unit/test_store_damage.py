"""Damage stays local: broken rows are skipped with one warning, broken pages make the store
read-only with one message, and `papershelf doctor` says what is wrong and saves what is left.

Every fixture is a real SQLite file made in tmp_path and then damaged: rows through a second
connection, pages by writing bytes into the file. Commands run in a subprocess, so a traceback
would show on stderr.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import papershelf
from papershelf.errors import UserError
from papershelf.model import Paper, paper_id
from papershelf.store import Store, connection, library

SRC = Path(papershelf.__file__).resolve().parents[1]
DAMAGED = "damaged: browsing read-only, run `papershelf doctor`"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "papershelf", *args],
        input="",
        capture_output=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def one_line(done: subprocess.CompletedProcess[str], kind: str) -> str:
    """The only line on stderr, a `papershelf: <kind>:` line (never a traceback)."""
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"papershelf: {kind}: "), lines[0]
    return lines[0]


def pid(n: int) -> str:
    return paper_id(f"Paper {n}")


def paper(n: int) -> Paper:
    return Paper(id=pid(n), title=f"Paper {n}", rank=n)


BAD_ID = pid(2)


def make_store(papers: int = 4) -> Path:
    """Bookmarks 1..3 and a library of `papers` papers, closed (the WAL merged in)."""
    with Store() as store:
        for n in (1, 2, 3):
            store.add(paper(n))
        store.add_to_library([paper(n) for n in range(1, papers + 1)], "digest.txt")
        store.set_read(paper(1).id, True)
        path = store.path
    assert not Path(f"{path}-wal").exists()
    return path


def poke(path: Path, sql: str, *params: object) -> None:
    raw = sqlite3.connect(path)
    try:
        assert raw.execute(sql, params).rowcount == 1
        raw.commit()
    finally:
        raw.close()


# --- row-level damage ---------------------------------------------------------------------------

ROW_DAMAGE: dict[str, tuple[str, object]] = {
    "json-empty-list": ("paper", "[]"),
    "json-empty-object": ("paper", "{}"),
    "json-string": ("paper", '"a string"'),
    "not-json": ("paper", "{not json"),
    "json-wrong-types": ("paper", json.dumps({"id": BAD_ID, "title": "t", "urls": 5})),
    "json-other-paper": ("paper", json.dumps({"id": "title:someone-else", "title": "t"})),
    "json-deeply-nested": ("paper", "[" * 100_000 + "]" * 100_000),
    "blob": ("paper", b"\x00\xff"),
    "not-utf8-text": ("paper", "CAST(X'7BFF22' AS TEXT)"),
}
BOOKMARK_ONLY: dict[str, tuple[str, object]] = {
    "tags-blob": ("tags", b"\xff"),
    "added-at-integer": ("added_at", 42),
    "updated-at-not-a-time": ("updated_at", "yesterday"),
}
LIBRARY_ONLY: dict[str, tuple[str, object]] = {
    "day-not-a-date": ("day", "someday"),
    "rank-text": ("rank", "first"),
}


def damage_row(path: Path, table: str, column: str, value: object) -> None:
    if isinstance(value, str) and value.startswith("CAST("):
        poke(path, f"UPDATE {table} SET {column} = {value} WHERE paper_id = ?", BAD_ID)
    else:
        poke(path, f"UPDATE {table} SET {column} = ? WHERE paper_id = ?", value, BAD_ID)


@pytest.mark.parametrize("case", sorted(ROW_DAMAGE | BOOKMARK_ONLY))
def test_a_damaged_bookmark_is_skipped_named_and_removable(case: str) -> None:
    path = make_store()
    damage_row(path, "bookmark", *(ROW_DAMAGE | BOOKMARK_ONLY)[case])

    with Store(path) as store:
        assert [b.paper.id for b in store.bookmarks()] == [pid(3), pid(1)]
        assert store.damaged_rows == {"bookmark": (BAD_ID,)}
        assert not store.read_only

    listed = run_cli("bookmarks")
    assert listed.returncode == 0, listed.stderr
    assert "Paper 1" in listed.stdout and "Paper 3" in listed.stdout
    warning = one_line(listed, "warning")
    assert BAD_ID in warning and "1 damaged bookmark" in warning

    removed = run_cli("bookmarks", "remove", BAD_ID)
    assert removed.returncode == 0, removed.stderr
    assert BAD_ID in removed.stdout
    with Store(path) as store:
        assert store.bookmarked_ids() == {pid(1), pid(3)}
        store.bookmarks()
        assert store.damaged_rows == {}
    again = run_cli("bookmarks")
    assert again.returncode == 0 and again.stderr == ""


@pytest.mark.parametrize("case", sorted(ROW_DAMAGE | LIBRARY_ONLY))
def test_a_damaged_library_paper_is_skipped_and_repaired_by_import(
    case: str, tmp_path: Path
) -> None:
    path = make_store()
    damage_row(path, "library_paper", *(ROW_DAMAGE | LIBRARY_ONLY)[case])

    with Store(path) as store:
        ids = [p.id for p in store.library()]
        assert ids == [pid(1), pid(3), pid(4)]
        assert store.damaged_rows == {"library paper": (BAD_ID,)}

    listed = run_cli("list")
    assert listed.returncode == 0, listed.stderr
    assert "Paper 1" in listed.stdout and "Paper 4" in listed.stdout
    assert "Paper 2" not in listed.stdout
    assert BAD_ID in one_line(listed, "warning")

    digest = tmp_path / "digest.txt"
    digest.write_text("Mar 21\n\nPaper 2\n\nIt is back.\n", "utf-8")
    imported = run_cli("import", "--offline", str(digest))  # no arXiv id look-ups: no note
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr == ""
    again = run_cli("list")
    assert again.returncode == 0 and again.stderr == ""
    assert "Paper 2" in again.stdout


def test_every_bad_row_is_named_in_one_bounded_warning() -> None:
    path = make_store(papers=30)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE library_paper SET paper = '[]' WHERE rank > 5")
    raw.commit()
    raw.close()
    listed = run_cli("list")
    assert listed.returncode == 0
    warning = one_line(listed, "warning")
    assert "25 damaged library papers" in warning
    assert pid(6) in warning and "and 20 more" in warning
    assert len(warning) < 400


# --- page-level damage --------------------------------------------------------------------------


def flip(path: Path, offset: int, count: int) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        chunk = handle.read(count)
        handle.seek(offset)
        handle.write(bytes(b ^ 0xFF for b in chunk))


def flip_schema(path: Path) -> None:
    """Flip 50 bytes of the `library_paper` table's CREATE statement, on the first page."""
    at = path.read_bytes().find(b"CREATE TABLE library_paper")
    assert 0 < at < 4096
    flip(path, at + 10, 50)


def trash_last_pages(path: Path, pages: int = 2) -> None:
    """Overwrite the last pages of the file with bytes that are no b-tree page."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size - pages * 4096)
        handle.write(b"\x0d\xff\xff\xff" * (pages * 1024))


def big_store() -> Path:
    """A library big enough to span many pages; its last pages hold live rows."""
    with Store() as store:
        store.add(paper(1))
        papers = [
            Paper(id=f"title:p{n}", title=f"P {n}", abstract="word " * 60) for n in range(3000)
        ]
        store.add_to_library(papers, "big.txt")
        path = store.path
    return path


def test_flipped_schema_bytes_never_give_a_traceback(tmp_path: Path) -> None:
    path = make_store()
    flip_schema(path)
    before = path.read_bytes()

    listed = run_cli("list")  # browsing still works: the bundled sample, and why
    assert listed.returncode == 0, listed.stderr
    assert DAMAGED in one_line(listed, "warning")
    assert listed.stdout.strip()

    for command in (["bookmarks"], ["bookmarks", "remove", BAD_ID], ["import", str(tmp_path)]):
        done = run_cli(*command)
        assert done.returncode == 2, (command, done.stderr)
        assert DAMAGED in one_line(done, "error")
    assert path.read_bytes() == before

    store, reason = Store.open_or_error()
    assert reason is not None and DAMAGED in reason
    if store is not None:
        store.close()


def test_damaged_last_pages_are_noticed_before_import_writes(tmp_path: Path) -> None:
    path = big_store()
    trash_last_pages(path)
    before = path.read_bytes()
    digest = tmp_path / "more.json"
    digest.write_text(json.dumps([{"paper": {"id": "9", "title": "New"}}]), "utf-8")

    imported = run_cli("import", str(digest))
    assert imported.returncode == 2, imported.stderr
    assert DAMAGED in one_line(imported, "error")
    assert path.read_bytes() == before

    listed = run_cli("list")
    assert listed.returncode == 0, listed.stderr
    assert DAMAGED in one_line(listed, "warning")
    assert len(listed.stdout.splitlines()) > 1000  # what is readable is still listed

    # A change refused on the opened, read-only file says why and what to run, not only
    # "read-only" (the store opened, so this is the session's refusal, not the open's).
    for command in (["bookmarks", "remove", BAD_ID], ["saved", "add", "x", "graph"]):
        done = run_cli(*command)
        assert done.returncode == 2, (command, done.stderr)
        assert f"{path}: {DAMAGED}" in one_line(done, "error"), command
    assert path.read_bytes() == before

    with Store(path) as store:
        assert store.read_only and store.read_only_reason is not None
        assert DAMAGED in store.read_only_reason
        with pytest.raises(UserError, match="damaged"):
            store.add(paper(7))


def test_big_files_skip_quick_check_at_open_but_not_before_an_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_store()
    trash_last_pages(path)
    before = path.read_bytes()
    monkeypatch.setattr(connection, "QUICK_CHECK_MAX_BYTES", 0)
    with Store(path) as store:
        with pytest.raises(UserError, match="damaged"):
            store.add_to_library([paper(99)], "late.txt")
        assert store.read_only
    assert path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_one_line(tmp_path: Path) -> None:
    path = make_store()
    path.write_bytes(b"hello, I am a text file\n" * 100)
    listed = run_cli("list")
    assert listed.returncode == 0
    assert "not SQLite" in one_line(listed, "warning")
    done = run_cli("bookmarks")
    assert done.returncode == 2
    one_line(done, "error")


def test_sqlite_header_then_garbage_is_damaged() -> None:
    path = make_store()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)
    path.write_bytes(bytes(data))
    for command, kind, code in ((["list"], "warning", 0), (["bookmarks"], "error", 2)):
        done = run_cli(*command)
        assert done.returncode == code, done.stderr
        assert "damaged" in one_line(done, kind)


# --- doctor -------------------------------------------------------------------------------------


def test_doctor_on_a_healthy_file_says_ok() -> None:
    make_store()
    done = run_cli("doctor")
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout and done.stderr == ""


def test_doctor_reports_row_damage_and_exports_the_rest(tmp_path: Path) -> None:
    path = make_store()
    damage_row(path, "bookmark", "paper", "[]")
    export = tmp_path / "saved.sqlite3"
    done = run_cli("doctor", "--export", str(export))
    assert done.returncode == 1, done.stderr
    assert BAD_ID in done.stdout
    assert "2 bookmarks" in done.stdout and "4 library papers" in done.stdout
    with Store(export) as saved:
        assert saved.bookmarked_ids() == {pid(1), pid(3)}
        assert len(saved.library()) == 4
        assert saved.read_ids() == {pid(1)}
        assert saved.appearances(pid(1))


def test_doctor_on_a_damaged_schema_exports_the_readable_tables(tmp_path: Path) -> None:
    path = make_store()
    flip_schema(path)
    export = tmp_path / "saved.sqlite3"
    done = run_cli("doctor", "--export", str(export))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "3 bookmarks" in done.stdout
    assert len(done.stdout.splitlines()) < 30
    with Store(export) as saved:
        assert len(saved.bookmarks()) == 3


def test_doctor_on_damaged_pages_keeps_what_it_can_read(tmp_path: Path) -> None:
    path = big_store()
    trash_last_pages(path)
    export = tmp_path / "saved.sqlite3"
    done = run_cli("doctor", "--export", str(export))
    assert done.returncode == 1, done.stderr
    assert "integrity:" in done.stdout
    assert len(done.stdout.splitlines()) < 30
    with Store(export) as saved:
        assert saved.bookmarked_ids() == {pid(1)}
        assert len(saved.library()) > 1000


def test_doctor_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    make_store()
    export = tmp_path / "precious.txt"
    export.write_text("keep me", "utf-8")
    done = run_cli("doctor", "--export", str(export))
    assert done.returncode == 2
    assert "exists" in one_line(done, "error")
    assert export.read_text("utf-8") == "keep me"


# --- long imports commit in batches -------------------------------------------------------------


def test_a_long_import_lets_another_writer_in_between_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bookmark write that starts during a big import waits for one batch, not the import."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 1.5)
    monkeypatch.setattr(library, "IMPORT_BATCH", 2000, raising=False)
    papers = [Paper(id=f"title:b{n}", title=f"B {n}", abstract="text " * 40) for n in range(20_000)]
    importer, writer = Store(), Store()
    begun, written = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}
    real: Callable[..., dict[str, bytes]] = library.Library._library_json

    def signalling(db: sqlite3.Connection, ids: list[str]) -> dict[str, bytes]:
        begun.set()  # the import holds the write lock now
        return real(db, ids)

    monkeypatch.setattr(library.Library, "_library_json", staticmethod(signalling))

    def write() -> None:
        assert begun.wait(timeout=60)
        start = time.perf_counter()
        try:
            writer.add(paper(1))
        except UserError as exc:
            outcome["error"] = str(exc)
        outcome["waited"] = time.perf_counter() - start
        outcome["import_done_first"] = "imported" in outcome
        written.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        outcome["imported"] = importer.add_to_library(papers, "big.txt")
    finally:
        thread.join(timeout=120)
        importer.close()
        writer.close()
    assert written.is_set()
    assert "error" not in outcome, outcome
    assert not outcome["import_done_first"]
    assert outcome["imported"] == (20_000, 20_000)


def test_a_failure_mid_import_keeps_the_batches_already_committed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(library, "IMPORT_BATCH", 10, raising=False)
    calls = 0
    real: Callable[..., dict[str, bytes]] = library.Library._library_json

    def failing(db: sqlite3.Connection, ids: list[str]) -> dict[str, bytes]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise sqlite3.OperationalError("disk I/O error")
        return real(db, ids)

    monkeypatch.setattr(library.Library, "_library_json", staticmethod(failing))
    with Store() as store:
        with pytest.raises(UserError, match="20 of 50 papers were saved"):
            store.add_to_library([paper(n) for n in range(50)], "digest.txt")
        assert store.library_size() == 20


def test_doctor_names_a_file_that_is_not_sqlite_once() -> None:
    path = make_store()
    path.write_bytes(b"hello, I am a text file\n" * 100)
    done = run_cli("doctor")
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == f"{path}: not an SQLite database at all; nothing can be read\n"
