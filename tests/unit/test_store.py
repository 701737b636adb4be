"""The bookmark store: API behaviour, schema and migrations, and refusing files it cannot use."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from papershelf import locations
from papershelf.errors import UserError
from papershelf.model import STATES, Bookmark, Paper, normalize_tags, paper_id
from papershelf.store import Store, schema
from papershelf.store.schema import SCHEMA_VERSION


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data directory at tmp_path so no test touches the real user's files."""
    monkeypatch.setenv(locations.HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def db(home: Path) -> Iterator[Store]:
    with Store() as opened:
        yield opened


def make_paper(n: int, **fields: object) -> Paper:
    title = str(fields.pop("title", f"Paper number {n}: a study"))
    arxiv = fields.pop("arxiv_id", f"2403.{n:05d}")
    assert arxiv is None or isinstance(arxiv, str)
    defaults: dict[str, object] = {
        "abstract": f"Abstract {n}.\nSecond line with https://example.org/{n}",
        "date": dt.date(2024, 3, 21),
        "rank": n,
        "urls": (f"https://example.org/{n}",),
        "code_url": f"https://github.com/x/repo{n}",
        "authors": ("Ada Lovelace", "Alan Turing"),
        "source": "digest.txt",
        "upvotes": n * 3,
    }
    defaults.update(fields)
    return Paper(id=paper_id(title, arxiv), title=title, arxiv_id=arxiv, **defaults)  # type: ignore[arg-type]


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file in `directory` with its bytes, to show a refused open changed nothing."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


# --- location and schema ------------------------------------------------------------------------


def test_default_path_is_the_data_dir_database(db: Store, home: Path) -> None:
    assert db.path == home / "papershelf.sqlite3"
    assert db.path.is_file()


def test_new_database_is_versioned_wal_and_waits_for_writers(db: Store) -> None:
    raw = sqlite3.connect(db.path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    finally:
        raw.close()
    assert db._db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_empty_file_is_migrated_as_a_new_database(home: Path) -> None:
    home.mkdir()
    path = home / "papershelf.sqlite3"
    path.touch()
    with Store(path) as db:
        db.add(make_paper(1))
    with Store(path) as db:
        assert len(db.bookmarks()) == 1


def test_migrations_run_in_order_each_in_one_transaction(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store() as db:
        db.add(make_paper(1))
        path = db.path

    def next_step(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE copied (paper_id TEXT PRIMARY KEY)")
        conn.execute("INSERT INTO copied SELECT paper_id FROM bookmark")

    def broken_step(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration bug")

    base = len(schema.MIGRATIONS)
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, next_step, broken_step))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", base + 2)
    with pytest.raises(RuntimeError, match="migration bug"):
        Store(path)

    raw = sqlite3.connect(path)
    try:
        # The good step committed on its own; the failed one left no table and no version bump.
        assert raw.execute("PRAGMA user_version").fetchone()[0] == base + 1
        assert raw.execute("SELECT paper_id FROM copied").fetchall() == [(make_paper(1).id,)]
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half_done" not in tables
    finally:
        raw.close()


# --- bookmarks ----------------------------------------------------------------------------------


def test_add_keeps_the_whole_paper_across_reopen(home: Path) -> None:
    paper = make_paper(7, authors=("Zoë", 'O"Brien'), github_stars=12, num_comments=3)
    with Store() as db:
        added = db.add(paper)
        assert added.state == "to-read" and added.note == "" and added.tags == ()
        assert added.added_at == added.updated_at
        assert added.added_at.tzinfo is not None and added.added_at.utcoffset() == dt.timedelta(0)
    with Store() as db:
        again = db.get(paper.id)
    assert again == added
    assert again is not None and again.paper == paper


def test_add_is_idempotent(db: Store) -> None:
    first = db.add(make_paper(1))
    db.set_note(first.paper.id, "keep me")
    changed_paper = make_paper(1, abstract="a later digest's version")
    again = db.add(changed_paper)
    assert again.note == "keep me"
    assert again.paper == make_paper(1)
    assert len(db.bookmarks()) == 1


def test_state_note_and_tags_change_updated_at_only(db: Store) -> None:
    added = db.add(make_paper(1))
    pid = added.paper.id
    reading = db.set_state(pid, "reading")
    assert reading.state == "reading"
    assert reading.added_at == added.added_at
    assert reading.updated_at >= added.updated_at
    noted = db.set_note(pid, "  read §3\n\tthen the appendix  ")
    assert noted.note == "read §3\n\tthen the appendix"
    tagged = db.set_tags(pid, [" ML ", "Deep Learning", "nlp,CV", "ml"])
    assert tagged.tags == ("cv", "deep-learning", "ml", "nlp")
    assert db.get(pid) == tagged


def test_setting_the_same_value_changes_nothing(db: Store) -> None:
    pid = db.add(make_paper(1)).paper.id
    before = db.set_tags(pid, ["b", "a"])
    assert db.set_tags(pid, ["A", "B"]) == before
    assert db.set_state(pid, "to-read") == before


@pytest.mark.parametrize("state", ["later", "", "DONE"])
def test_unknown_state_is_a_user_error(db: Store, state: str) -> None:
    pid = db.add(make_paper(1)).paper.id
    with pytest.raises(UserError, match="unknown state"):
        db.set_state(pid, state)
    unchanged = db.get(pid)
    assert unchanged is not None and unchanged.state == "to-read"


@pytest.mark.parametrize(
    "change",
    [
        lambda db: db.set_state("arxiv:0000.00000", "done"),
        lambda db: db.set_note("arxiv:0000.00000", "x"),
        lambda db: db.set_tags("arxiv:0000.00000", ["x"]),
    ],
)
def test_changing_an_unbookmarked_paper_is_a_user_error(
    db: Store, change: Callable[[Store], object]
) -> None:
    with pytest.raises(UserError, match="not bookmarked"):
        change(db)


def test_tag_normalisation() -> None:
    assert normalize_tags(["  Foo  Bar ", "x,,y", ",", "", "Ünï"]) == ("foo-bar", "x", "y", "ünï")
    assert normalize_tags("a, b") == ("a", "b")
    with pytest.raises(UserError, match="longer than"):
        normalize_tags(["x" * 41])


def test_bookmarks_newest_first_and_filtered(db: Store) -> None:
    ids = [db.add(make_paper(n)).paper.id for n in range(5)]
    assert [b.paper.id for b in db.bookmarks()] == ids[::-1]
    db.set_state(ids[1], "done")
    db.set_state(ids[3], "done")
    db.set_tags(ids[2], ["ml", "vision"])
    db.set_tags(ids[3], ["html"])
    db.set_tags(ids[4], ["ml"])
    assert [b.paper.id for b in db.bookmarks(state="done")] == [ids[3], ids[1]]
    assert [b.paper.id for b in db.bookmarks(tag="ML")] == [ids[4], ids[2]]
    assert [b.paper.id for b in db.bookmarks(tag="ml", state="done")] == []
    assert db.bookmarks(tag="m") == []
    assert db.bookmarked_ids() == set(ids)
    with pytest.raises(UserError):
        db.bookmarks(state="someday")


def test_remove_then_restore_puts_back_exactly(db: Store) -> None:
    pid = db.add(make_paper(1)).paper.id
    db.add(make_paper(2))
    db.set_state(pid, "reading")
    db.set_note(pid, "note")
    before = db.set_tags(pid, ["t"])
    order = [b.paper.id for b in db.bookmarks()]
    removed = db.remove(pid)
    assert removed == before
    assert db.get(pid) is None
    assert db.remove(pid) is None
    db.restore(removed)
    assert db.get(pid) == before
    assert [b.paper.id for b in db.bookmarks()] == order


def test_every_action_is_committed_before_it_returns(db: Store) -> None:
    pid = db.add(make_paper(1)).paper.id
    db.set_note(pid, "seen by others")
    other = sqlite3.connect(db.path)
    try:
        note = other.execute("SELECT note FROM bookmark WHERE paper_id = ?", (pid,)).fetchone()
    finally:
        other.close()
    assert note == ("seen by others",)
    assert not db._db.in_transaction


# --- import ------------------------------------------------------------------------------------


def _bookmark(n: int, updated: int, note: str = "") -> Bookmark:
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    return Bookmark(
        paper=make_paper(n),
        state="reading",
        note=note,
        tags=("x",),
        added_at=t0,
        updated_at=t0 + dt.timedelta(days=updated),
    )


def test_import_merges_by_latest_update(db: Store) -> None:
    db.import_bookmarks([_bookmark(1, 5, "mine, newer"), _bookmark(2, 1, "mine, older")])
    incoming = [_bookmark(1, 2, "theirs, older"), _bookmark(2, 9, "theirs, newer"), _bookmark(3, 0)]
    assert db.import_bookmarks(incoming) == (1, 1)
    notes = {b.paper.id: b.note for b in db.bookmarks()}
    assert notes == {
        make_paper(1).id: "mine, newer",
        make_paper(2).id: "theirs, newer",
        make_paper(3).id: "",
    }
    assert db.get(make_paper(2).id) == incoming[1]
    assert db.import_bookmarks(incoming) == (0, 0)


def test_import_is_one_transaction(db: Store) -> None:
    def records() -> Iterator[Bookmark]:
        yield _bookmark(1, 0)
        raise UserError("record 2: broken")

    with pytest.raises(UserError, match="broken"):
        db.import_bookmarks(records())
    assert db.bookmarks() == []


# --- the record -------------------------------------------------------------------------------


def test_bookmark_dict_round_trip() -> None:
    bookmark = _bookmark(4, 3, 'a "quoted"\nnote')
    data = bookmark.to_dict()
    assert data["title"] == bookmark.paper.title and data["state"] == "reading"
    assert data["tags"] == ["x"] and data["added_at"] == "2024-01-01T00:00:00.000000+00:00"
    assert Bookmark.from_dict(json.loads(json.dumps(data))) == bookmark


def test_from_dict_reads_other_offsets_as_utc() -> None:
    data = _bookmark(1, 0).to_dict() | {"added_at": "2024-01-01T02:00:00+02:00"}
    data["updated_at"] = "2024-01-01T00:00:00Z"
    parsed = Bookmark.from_dict(data)
    assert parsed.added_at == parsed.updated_at == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def test_from_dict_strips_control_characters() -> None:
    data = _bookmark(1, 0).to_dict() | {"title": "Evil\x1b[31m red", "note": "n\x07ote"}
    parsed = Bookmark.from_dict(data)
    assert parsed.paper.title == "Evil red" and parsed.note == "note"


@pytest.mark.parametrize(
    "change",
    [
        {"state": "someday"},
        {"state": None},
        {"added_at": "yesterday"},
        {"updated_at": 17},
        {"tags": "a,b"},
        {"tags": [1, 2]},
        {"note": ["x"]},
        {"date": "March"},
        {"rank": "first"},
        {"upvotes": "many"},
    ],
)
def test_from_dict_rejects_malformed_records(change: dict[str, object]) -> None:
    with pytest.raises(UserError):
        Bookmark.from_dict(_bookmark(1, 0).to_dict() | change)


@pytest.mark.parametrize("missing", ["id", "title", "state", "added_at", "updated_at"])
def test_from_dict_names_missing_fields(missing: str) -> None:
    data = _bookmark(1, 0).to_dict()
    del data[missing]
    with pytest.raises(UserError, match=missing):
        Bookmark.from_dict(data)


def test_from_dict_rejects_non_objects() -> None:
    with pytest.raises(UserError, match="JSON object"):
        Bookmark.from_dict([1, 2])  # type: ignore[arg-type]


def test_states_are_the_documented_ones() -> None:
    assert STATES == ("to-read", "reading", "done")


# --- files it refuses ---------------------------------------------------------------------------


def _refused(path: Path, *, contains: str) -> str:
    """Open `path`, expect a one-line UserError naming it, and show nothing changed on disk."""
    before = snapshot(path.parent)
    with pytest.raises(UserError) as caught:
        Store(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message and contains in message
    assert snapshot(path.parent) == before
    assert Store.open_or_error(path) == (None, message)
    assert snapshot(path.parent) == before
    return message


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(4096),
        b"title,link\nAttention,https://example.org\n",
        b"SQLite format 3\x00" + bytes(range(256)) * 16,
    ],
    ids=["random-bytes", "text-file", "sqlite-header-then-garbage"],
)
def test_corrupt_file_is_refused_untouched(home: Path, content: bytes) -> None:
    home.mkdir()
    path = home / "papershelf.sqlite3"
    path.write_bytes(content)
    _refused(path, contains="")


def test_some_other_sqlite_database_is_refused_untouched(home: Path) -> None:
    home.mkdir()
    path = home / "papershelf.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE accounts (name TEXT)")
    raw.commit()
    raw.close()
    _refused(path, contains="not papershelf's")


def test_newer_schema_is_refused_untouched(home: Path) -> None:
    with Store() as db:
        db.add(make_paper(1))
        path = db.path
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.commit()
    raw.close()
    _refused(path, contains="newer papershelf")


def test_a_directory_at_the_database_path_is_refused(home: Path) -> None:
    (home / "papershelf.sqlite3").mkdir(parents=True)
    ok, message = Store.open_or_error()
    assert ok is None and message is not None and "is not a file" in message


# --- read-only ----------------------------------------------------------------------------------


def _deny_writes(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make `os.access` report `denied` unwritable: root ignores chmod, so this is how a
    read-only file looks to the store when the tests run as root."""
    real = os.access

    def access(path: object, mode: int, **kw: object) -> bool:
        if mode & os.W_OK and Path(str(path)) == denied:
            return False
        return real(path, mode, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)


@pytest.mark.parametrize("which", ["file", "directory"])
def test_read_only_opens_for_reading_and_refuses_changes(
    home: Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    with Store() as db:
        kept = db.add(make_paper(1))
        path = db.path
    _deny_writes(monkeypatch, path if which == "file" else path.parent)
    before = path.read_bytes()

    opened, reason = Store.open_or_error()
    assert opened is not None and reason is not None
    with opened:
        assert opened.read_only and reason == opened.read_only_reason
        assert "read-only" in reason and "\n" not in reason
        assert str(path if which == "file" else path.parent) in reason
        assert opened.bookmarks() == [kept]
        for change in (
            lambda: opened.add(make_paper(2)),
            lambda: opened.remove(kept.paper.id),
            lambda: opened.set_state(kept.paper.id, "done"),
            lambda: opened.import_bookmarks([_bookmark(3, 0)]),
        ):
            with pytest.raises(UserError) as caught:
                change()
            assert str(caught.value) == reason
    assert path.read_bytes() == before


def test_read_only_directory_without_database_is_refused(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.mkdir()
    _deny_writes(monkeypatch, home)
    store_, message = Store.open_or_error()
    assert store_ is None and message is not None
    assert "read-only" in message and str(home / "papershelf.sqlite3") in message
    assert list(home.iterdir()) == []


# The real thing, without monkeypatching: as root, a forked child drops to `nobody` so that
# chmod binds; as anyone else, chmod binds already.

NOBODY = 65534


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory an unprivileged child can reach (pytest's tmp_path is private to root)."""
    with tempfile.TemporaryDirectory(prefix="papershelf-ro-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        try:
            yield folder / "data"
        finally:
            for p in [folder, *folder.rglob("*")]:
                p.chmod(0o755)


def _in_unprivileged_child(job: Callable[[], dict[str, object]]) -> dict[str, object]:
    """Run `job` in a forked child without root's override of file permissions."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 0
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            result = job()
        except BaseException as exc:
            result, code = {"crash": repr(exc)}, 1
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(result))
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        result = json.loads(pipe.read())
    os.waitpid(pid, 0)
    assert "crash" not in result, result
    return dict(result)


def _try_the_store(path: Path) -> dict[str, object]:
    opened, reason = Store.open_or_error(path)
    if opened is None:
        return {"opened": False, "reason": reason}
    with opened:
        ids = sorted(b.paper.id for b in opened.bookmarks())
        try:
            opened.add(make_paper(99))
            refused = None
        except UserError as exc:
            refused = str(exc)
    return {"opened": True, "reason": reason, "ids": ids, "refused": refused}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop privileges")
@pytest.mark.parametrize("which", ["file", "directory"])
def test_really_read_only(shared_dir: Path, which: str) -> None:
    shared_dir.mkdir()
    path = shared_dir / "papershelf.sqlite3"
    with Store(path) as db:
        ids = sorted(db.add(make_paper(n)).paper.id for n in range(3))
    if os.geteuid() == 0:
        for p in (shared_dir, path):
            os.chown(p, NOBODY, NOBODY)
    if which == "file":
        path.chmod(0o444)
    else:
        shared_dir.chmod(0o555)
    before = path.read_bytes()

    result = _in_unprivileged_child(lambda: _try_the_store(path))

    assert result["opened"] and result["ids"] == ids
    assert result["reason"] == result["refused"]
    assert isinstance(result["reason"], str) and "read-only" in result["reason"]
    assert path.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop privileges")
def test_really_read_only_directory_without_database(shared_dir: Path) -> None:
    shared_dir.mkdir(mode=0o555)
    result = _in_unprivileged_child(lambda: _try_the_store(shared_dir / "papershelf.sqlite3"))
    assert result["opened"] is False
    assert "cannot create" in str(result["reason"])
    assert list(shared_dir.iterdir()) == []
