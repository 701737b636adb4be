"""Command line: opens the app, or runs a non-interactive command for pipes.

Every user error surfaces as one `papershelf: error: ...` line on stderr and exit status 2;
only bugs keep their traceback. Textual is imported only when the app is launched.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from papershelf import __version__
from papershelf.errors import UserError
from papershelf.model import Paper
from papershelf.text import terminal_safe

if TYPE_CHECKING:
    from papershelf.search import Query
    from papershelf.session import Loaded, Session
    from papershelf.store import Store

EXIT_USER_ERROR = 2
COMMANDS = ("list", "bookmarks", "fetch", "import", "doctor")
LIST_FORMATS = ("text", "json", "tsv")
BOOKMARK_FORMATS = ("text", "json", "markdown", "bibtex", "csv")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as our one-line error."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see '{self.prog} --help')")


def _year(text: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 9999:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return int(text)


def _add_sources(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("sources", nargs="*", metavar="SOURCE", help=help_text)
    parser.add_argument(
        "--year",
        type=_year,
        help="year for date lines that have none (default: the latest past one)",
    )


def build_parser() -> tuple[_Parser, _Parser]:
    """The app's parser (`papershelf [SOURCE ...]`) and the commands' parser."""
    epilog = "commands: " + ", ".join(COMMANDS) + " (papershelf COMMAND --help)"
    app = _Parser(
        prog="papershelf",
        description="Browse the trending-papers digest, filter as you type, keep a reading list.",
        epilog=epilog,
    )
    app.add_argument("--version", action="version", version=f"papershelf {__version__}")
    _add_sources(
        app, "digest file, directory of digests, or - for stdin (default: the bundled sample)"
    )

    commands = _Parser(prog="papershelf")
    sub = commands.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lst = sub.add_parser("list", help="print papers without starting the UI")
    _add_sources(lst, "digest file, directory, or - (default: your library)")
    lst.add_argument(
        "-q", "--query", help="rank with the app's search; filters such as has:code (see README)"
    )
    lst.add_argument("-f", "--format", choices=LIST_FORMATS, default="text")

    bm = sub.add_parser("bookmarks", help="the reading list: print, add, remove, import")
    bm_sub = bm.add_subparsers(dest="action", parser_class=_Parser)
    bm.add_argument("--state", help="only bookmarks in this state (to-read, reading, done)")
    bm.add_argument("--tag", help="only bookmarks with this tag")
    bm.add_argument("-f", "--format", choices=BOOKMARK_FORMATS, default="text")
    add = bm_sub.add_parser(
        "add", help="bookmark papers by id (ids from 'papershelf list -f json')"
    )
    add.add_argument("ids", nargs="+", metavar="ID")
    add.add_argument("--from", dest="sources", nargs="+", default=[], metavar="SOURCE")
    add.add_argument("--year", type=_year)
    rm = bm_sub.add_parser("remove", help="remove bookmarks by id")
    rm.add_argument("ids", nargs="+", metavar="ID")
    imp = bm_sub.add_parser("import", help="merge a JSON export back in")
    imp.add_argument("file", type=Path, metavar="FILE.json")

    fetch = sub.add_parser("fetch", help="download a Hugging Face papers list into the library")
    period = fetch.add_mutually_exclusive_group()
    period.add_argument(
        "--date", help="that day's daily list, YYYY-MM-DD (default: the latest daily list)"
    )
    period.add_argument("--week", help="that ISO week's list, YYYY-Www")
    period.add_argument("--month", help="that month's list, YYYY-MM")
    period.add_argument("--trending", action="store_true", help="the trending list instead")
    fetch.add_argument("--limit", type=_positive, help="at most N papers (default: the whole list)")
    fetch.add_argument(
        "--timeout", type=_seconds, default=10.0, help="seconds per network wait (default 10)"
    )
    fetch.add_argument(
        "--deadline", type=_seconds, default=120.0, help="seconds for the whole fetch (default 120)"
    )
    fetch.add_argument(
        "--details",
        action="store_true",
        help="also look up each paper's linked models, datasets and Spaces (a request each)",
    )

    imp_lib = sub.add_parser("import", help="add digests (text or JSON) to the library")
    imp_lib.add_argument("sources", nargs="+", metavar="SOURCE")
    imp_lib.add_argument("--year", type=_year)

    doctor = sub.add_parser(
        "doctor", help="check the database for damage; --export saves what is readable"
    )
    doctor.add_argument(
        "--export", type=Path, metavar="FILE", help="copy every readable row into this new file"
    )
    return app, commands


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    from papershelf.fetch import check_seconds

    try:
        return check_seconds(text)
    except UserError:
        raise argparse.ArgumentTypeError(
            f"expected a positive number of seconds, not {text!r}"
        ) from None


def _load(sources: Sequence[str], year: int | None, err: TextIO) -> Loaded:
    from papershelf.session import load

    loaded = load(sources, store=None, year=year)
    for warning in loaded.warnings:
        print(f"papershelf: warning: {warning}", file=err)
    return loaded


def _one_line(text: str) -> str:
    return " ".join(text.split())


def cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from papershelf.search import parse_query

    query = parse_query(args.query or "")  # a malformed filter fails before any reading
    # The store is opened only when it is read: for the library, or for filters such as
    # is:bookmarked; `list FILE` alone never creates or touches the database.
    session = _session(need_store=not args.sources or bool(query.filters))
    try:
        papers = _list_papers(args, session, query, err)
        _warn_damage(session.store, err)
    finally:
        if session.store is not None:
            session.store.close()
    if args.format == "json":
        from papershelf.export import to_json

        out.write(to_json(papers))
    elif args.format == "tsv":
        out.write("id\tdate\trank\ttitle\tcode_url\tarxiv_id\turls\n")
        for p in papers:
            fields = [p.id, _date(p), str(p.rank), p.title, p.code_url or "", p.arxiv_id or ""]
            fields.append(" ".join(p.urls))
            out.write("\t".join(_one_line(f) for f in fields) + "\n")
    else:
        for p in papers:
            code = f"  <{p.code_url}>" if p.code_url else ""
            out.write(f"{_date(p):<10}  {p.rank:>3}  {_one_line(p.title)}{code}\n")
    return 0


def _list_papers(
    args: argparse.Namespace, session: Session, query: Query, err: TextIO
) -> list[Paper]:
    from papershelf.session import load_library

    if args.sources:
        loaded = _load(args.sources, args.year, err)
    elif session.store is not None:
        # A query reads compact rows, ranks, then reads only its matches in full.
        loaded = load_library(session.store, compact=not query.blank)
    else:
        print(f"papershelf: warning: {session.store_error}; showing the bundled sample", file=err)
        loaded = _load([], args.year, err)
    if query.filters and session.store is None:
        print(f"papershelf: warning: {session.store_error}; filters see no bookmarks", file=err)
    # The plain listing prints only what a compact row holds: no paper is read in full.
    return session.search(query, loaded, full=args.format != "text")


def _warn_damage(store: Store | None, err: TextIO) -> None:
    """One warning line when the file is damaged or a listing skipped damaged rows."""
    if store is None:
        return
    warning = store.read_only_reason if store.damaged else store.damage_warning()
    if warning:
        print(f"papershelf: warning: {warning}", file=err)


def _session(*, need_store: bool) -> Session:
    """A session for one command: on the user's store when the command reads it."""
    from papershelf.session import Session
    from papershelf.store import Store

    store, error = Store.open_or_error() if need_store else (None, None)
    session = Session(store, error)
    session.reload_marks()
    session.reload_bookmarks()
    return session


def cmd_fetch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from papershelf.fetch import FetchRequest, Progress, fetch_list, parse_day
    from papershelf.store import Store

    request = FetchRequest(
        date=parse_day(args.date) if args.date else None,
        week=args.week,
        month=args.month,
        trending=args.trending,
        limit=args.limit,
    )

    def progress(step: Progress) -> None:
        print(step, file=err, flush=True)

    fetched = fetch_list(
        request,
        timeout=args.timeout,
        deadline=args.deadline,
        progress=progress,
        details=args.details,
    )
    if fetched.truncated:
        print(
            f"papershelf: warning: stopped after {fetched.pages} pages"
            f" ({len(fetched.papers)} papers); the {fetched.name} may go on (use --limit)",
            file=err,
        )
    if not fetched.papers:
        out.write(f"no papers in the {fetched.name}: nothing to add\n")
        return 0
    with Store() as store:  # every page arrived: one transaction
        before = store.library_generation()
        seen, new = store.add_to_library(fetched.papers, fetched.label)
        _record_delta(store, [[p.id for p in fetched.papers]], before)
    out.write(f"fetched {seen} papers ({fetched.name}), {new} new in your library\n")
    return 0


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from papershelf.store import Store, import_sources

    with Store() as store:
        before = store.library_generation()
        result, counts = import_sources(store, args.sources, year=args.year)
        by_source: dict[str, list[str]] = {}
        for paper in result.papers:
            by_source.setdefault(paper.source, []).append(paper.id)
        _record_delta(store, list(by_source.values()), before)
    for warning in result.warnings:
        print(f"papershelf: warning: {warning}", file=err)
    for source, seen, new in counts:
        out.write(f"imported {seen} papers from {source}, {new} new\n")
    return 0


def _record_delta(store: Store, written: list[list[str]], before: int) -> None:
    """Index what was just written as the library index's delta (see `library_index`)."""
    from papershelf.library_index import record_delta

    record_delta(store, written, before)


def _date(paper: Paper) -> str:
    return paper.date.isoformat() if paper.date else "-"


def cmd_bookmarks(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from papershelf import export
    from papershelf.model import Bookmark
    from papershelf.session import Session
    from papershelf.store import Store

    with Store() as store:
        session = Session(store, library_mode=True)
        session.reload_bookmarks()
        if args.action == "add":
            if args.sources:
                candidates = list(_load(args.sources, args.year, err).papers)
            else:
                from papershelf.store import library_papers

                candidates = library_papers(store)
            where = " ".join(args.sources) or "your library"
            for paper in session.add_bookmarks(args.ids, candidates, where):
                out.write(f"bookmarked {paper.id}  {_one_line(paper.title)}\n")
        elif args.action == "remove":
            for removed in session.remove_bookmarks(args.ids):
                out.write(f"removed {removed.paper.id}  {_one_line(removed.paper.title)}\n")
        elif args.action == "import":
            records = export.from_json(_read_text(args.file), source=str(args.file))
            added, updated = store.import_bookmarks(records)
            out.write(f"imported {args.file}: {added} added, {updated} updated\n")
        else:
            items = store.bookmarks(state=args.state, tag=args.tag)
            _warn_damage(store, err)
            writers: dict[str, Callable[[Sequence[Bookmark]], str]] = {
                "json": export.to_json,
                "markdown": export.to_markdown,
                "bibtex": export.to_bibtex,
                "csv": export.to_csv,
            }
            if args.format in writers:
                out.write(writers[args.format](items))
            else:
                for b in items:
                    tags = " ".join(f"#{t}" for t in b.tags)
                    line = f"{b.state:<8} {_date(b.paper):<10}  {_one_line(b.paper.title)}  {tags}"
                    out.write(line.rstrip() + "\n")
    return 0


def cmd_doctor(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Exit 0 when the database is healthy, 1 when damage was found (2: could not check)."""
    from papershelf import locations
    from papershelf.store import doctor

    path = locations.database_path()
    found = doctor.check(path) if args.export is None else doctor.export(path, args.export)
    for problem in found.problems:
        out.write(f"{path}: {_one_line(problem)}\n")
    if not found.problems:
        out.write(f"{path}: ok\n")
    if args.export is not None:
        saved = ", ".join(f"{n} {kind}" for kind, n in found.counts.items())
        skipped = sum(found.skipped.values())
        out.write(f"saved to {args.export}: {saved or 'nothing'}; {skipped} unreadable skipped\n")
    return 1 if found.problems else 0


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None


def run_app(args: argparse.Namespace, err: TextIO) -> int:
    """Open the app; a digest piped on stdin is read first, then the terminal takes stdin over."""
    sources = list(args.sources)
    for source in sources:
        if source != "-" and not Path(source).exists():
            raise UserError(f"{source}: no such file or directory")
    stdin_text = None
    if "-" in sources:
        stdin_text = sys.stdin.read()
        _reattach_terminal()
    from papershelf.ui.app import PapershelfApp

    PapershelfApp(sources=sources, year=args.year, stdin_text=stdin_text).run()
    return 0


def _reattach_terminal() -> None:
    """After reading a piped digest, give the UI the controlling terminal as its input."""
    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise UserError("stdin was a digest and there is no terminal to run the app in") from None
    os.dup2(tty, 0)
    os.close(tty)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - lives as long as the process


class TerminalSafe(io.TextIOBase):
    """A text stream that passes on only what cannot drive a terminal.

    Everything the CLI prints goes through one of these: titles, file names, server error
    bodies, reason phrases and redirect targets are data, and an OSC 52 or a screen-clearing
    sequence in any of them must reach the user as nothing, not as an action.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the `papershelf` script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = cast(TextIO, TerminalSafe(out or sys.stdout))
    err = cast(TextIO, TerminalSafe(sys.stderr))
    app_parser, command_parser = build_parser()
    try:
        if argv and argv[0] in COMMANDS:
            args = command_parser.parse_args(argv)
            handlers = {
                "list": cmd_list,
                "bookmarks": cmd_bookmarks,
                "fetch": cmd_fetch,
                "import": cmd_import,
                "doctor": cmd_doctor,
            }
            return handlers[args.command](args, out, err)
        return run_app(app_parser.parse_args(argv), err)
    except UserError as exc:
        print(f"papershelf: error: {_one_line(str(exc))}", file=err)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # `papershelf list | head`: the reader left; that is not an error worth a traceback.
        # Point stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
