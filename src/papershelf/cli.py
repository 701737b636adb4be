"""Command line: opens the app, or runs a non-interactive command for pipes.

Every user error surfaces as one `papershelf: error: ...` line on stderr and exit status 2;
only bugs keep their traceback (the app's goes to a crash log, with one line and status 1).
Textual is imported only when the app is launched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from papershelf import __version__
from papershelf.errors import UserError
from papershelf.model import Paper
from papershelf.search.sort import SORTS
from papershelf.text import terminal_safe

if TYPE_CHECKING:
    from papershelf.search import Query
    from papershelf.session import Found, Loaded, Session
    from papershelf.store import Store

EXIT_USER_ERROR = 2
EXIT_CRASH = 1
"""The app failed on a bug; the traceback is in the crash log (`papershelf.crash`)."""
COMMANDS = (
    "list",
    "bookmarks",
    "fetch",
    "import",
    "enrich",
    "library",
    "similar",
    "recommend",
    "saved",
    "config",
    "keys",
    "doctor",
)
LIST_FORMATS = ("text", "json", "tsv", "markdown", "bibtex")
BOOKMARK_FORMATS = ("text", "json", "markdown", "bibtex", "csv")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as our one-line error."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see '{self.prog} --help')")


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1900 <= int(text) <= 9999:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return int(text)


_YEAR_HELP = (
    "year of date lines that name none (default: the latest such day up to the file's date)"
)
_ID_HELP = "a paper id, as 'papershelf list -f json' prints it (arxiv:... or title:...)"


def _add_sources(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("sources", nargs="*", metavar="SOURCE", help=help_text)
    parser.add_argument("--year", type=_year, help=_YEAR_HELP)


def _add_time_limits(parser: argparse.ArgumentParser, whole: str) -> None:
    """--timeout and --deadline, alike for every command that goes on the network."""
    parser.add_argument(
        "--timeout", type=_seconds, default=10.0, help="seconds per network wait (default 10)"
    )
    parser.add_argument(
        "--deadline", type=_seconds, default=120.0, help=f"seconds for {whole} (default 120)"
    )


def build_parser() -> tuple[_Parser, _Parser]:
    """The app's parser (`papershelf [SOURCE ...]`) and the commands' parser."""
    epilog = "commands: " + ", ".join(COMMANDS) + " (papershelf COMMAND --help)"
    app = _Parser(
        prog="papershelf",
        description="Browse Hugging Face daily papers (your library, or the digests you name),"
        " filter as you type, keep a reading list.",
        epilog=epilog,
    )
    app.add_argument("--version", action="version", version=f"papershelf {__version__}")
    _add_sources(
        app,
        "digest file, directory of digests, or - for stdin (default: your library, which"
        " starts with the bundled sample)",
    )

    commands = _Parser(prog="papershelf")
    sub = commands.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lst = sub.add_parser("list", help="print papers without starting the UI")
    _add_sources(lst, "digest file, directory, or - (default: your library)")
    lst.add_argument(
        "-q",
        "--query",
        help="words (titles, abstracts, authors; an arXiv id or URL puts that paper first)"
        " and filters such as has:code, author:NAME, date:2026-11, date:>=-7d, sort:upvotes"
        " (see README)",
    )
    lst.add_argument(
        "-s",
        "--sort",
        choices=SORTS,
        help="order: rank (newest day first, each day by rank; the default), upvotes, day,"
        " arxiv (arXiv day), title, relevance (best match first; the default with words)",
    )
    lst.add_argument(
        "-f",
        "--format",
        choices=LIST_FORMATS,
        default="text",
        help="text (default): day, rank, title; json: every field; tsv: one row per paper;"
        " markdown, bibtex: as the reading list exports them",
    )
    lst.add_argument(
        "--no-header", action="store_true", help="tsv: leave out the header row (for cut, sort)"
    )
    lst.add_argument(
        "--saved", metavar="NAME", help="the filter saved under NAME (with --query: both apply)"
    )
    lst.add_argument(
        "--hidden", action="store_true", help="list the hidden papers of the library instead"
    )

    bm = sub.add_parser("bookmarks", help="the reading list: print, add, remove, import")
    bm_sub = bm.add_subparsers(dest="action", parser_class=_Parser)
    bm.add_argument("--state", help="only bookmarks in this state (to-read, reading, done)")
    bm.add_argument("--tag", help="only bookmarks with this tag")
    bm.add_argument(
        "-f",
        "--format",
        choices=BOOKMARK_FORMATS,
        default="text",
        help="how to print the reading list (default: text)",
    )
    bm.add_argument(
        "--notes", action="store_true", help="with --format bibtex: put each note in a note field"
    )
    add = bm_sub.add_parser(
        "add",
        help="bookmark papers by id, arXiv id or paper URL",
    )
    add.add_argument(
        "ids",
        nargs="+",
        metavar="ID",
        help=_ID_HELP + ", or an arXiv id (2511.20107v2), arXiv or huggingface.co/papers URL",
    )
    add.add_argument(
        "--from",
        dest="sources",
        nargs="+",
        default=[],
        metavar="SOURCE",
        help="look the ids up in these digests (default: your library)",
    )
    add.add_argument("--year", type=_year, help=_YEAR_HELP)
    rm = bm_sub.add_parser("remove", help="remove bookmarks by id")
    rm.add_argument("ids", nargs="+", metavar="ID", help=_ID_HELP)
    imp = bm_sub.add_parser("import", help="merge a JSON export back in")
    imp.add_argument(
        "file",
        type=Path,
        metavar="FILE.json",
        help="a 'bookmarks -f json' export; the newer copy of each bookmark wins",
    )

    fetch = sub.add_parser("fetch", help="download a Hugging Face papers list into the library")
    period = fetch.add_mutually_exclusive_group()
    period.add_argument(
        "--date", help="that day's daily list, YYYY-MM-DD (default: the latest daily list)"
    )
    period.add_argument("--week", help="that ISO week's list, YYYY-Www")
    period.add_argument("--month", help="that month's list, YYYY-MM")
    period.add_argument("--trending", action="store_true", help="the trending list instead")
    fetch.add_argument("--limit", type=_positive, help="at most N papers (default: the whole list)")
    _add_time_limits(fetch, "the whole fetch")
    fetch.add_argument(
        "--max-mb",
        type=_megabytes,
        default=20,
        metavar="MB",
        help="refuse a page bigger than this many megabytes (default 20)",
    )
    fetch.add_argument(
        "--details",
        action="store_true",
        help="also look up each paper's linked models, datasets and Spaces (a request each)",
    )

    imp_lib = sub.add_parser("import", help="add digests (text or JSON) to the library")
    imp_lib.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="digest file, directory of digests, or -"
    )
    imp_lib.add_argument("--year", type=_year, help=_YEAR_HELP)
    imp_lib.add_argument(
        "--offline",
        action="store_true",
        help="do not look up the arXiv ids of papers that have none (see 'enrich')",
    )

    enrich = sub.add_parser(
        "enrich", help="find the arXiv ids of library papers known only by their title"
    )
    enrich.add_argument(
        "--limit", type=_positive, default=200, help="at most N look-ups (default 200)"
    )
    _add_time_limits(enrich, "all look-ups")

    sim = sub.add_parser("similar", help="papers of your library most like one paper")
    sim.add_argument("ref", metavar="PAPER", help="an id, an arXiv id, or an arXiv or HF URL")
    _add_found_options(sim, 10, "text (default): score, day, title; json: every field plus score")

    rec = sub.add_parser(
        "recommend", help="unread papers of your library closest to your bookmarks"
    )
    _add_found_options(
        rec, 20, "text (default): day, title, the bookmark it is like; json: fields, score, because"
    )

    saved = sub.add_parser("saved", help="saved searches: list (with new matches), add, remove")
    saved_sub = saved.add_subparsers(dest="action", parser_class=_Parser)
    saved_add = saved_sub.add_parser("add", help="save a filter under a name")
    saved_add.add_argument("name", metavar="NAME", help="what to call it (case does not matter)")
    saved_add.add_argument("query", metavar="QUERY", help="the filter, as typed in the app")
    saved_rm = saved_sub.add_parser("remove", help="forget a saved search")
    saved_rm.add_argument("name", metavar="NAME", help="the saved search to forget")

    cfg = sub.add_parser("config", help="where the config file is, and what is wrong in it")
    cfg.add_argument("--path", action="store_true", help="print only the file's path")
    sub.add_parser("keys", help="the app's keys: binding id, key(s), what it does")

    lib = sub.add_parser(
        "library", help="take papers out of the library: remove, prune, hide, unhide"
    )
    lib_sub = lib.add_subparsers(dest="action", required=True, parser_class=_Parser)
    lib_rm = lib_sub.add_parser(
        "remove", help="forget papers (ids, arXiv ids or URLs); their bookmarks stay"
    )
    lib_rm.add_argument("ids", nargs="+", metavar="ID", help=_ID_HELP)
    prune = lib_sub.add_parser("prune", help="remove the papers listed only before a day")
    prune.add_argument(
        "--before",
        required=True,
        type=_day,
        metavar="DATE",
        help="YYYY-MM-DD; a paper listed on or after it stays",
    )
    prune.add_argument(
        "--include-bookmarked",
        action="store_true",
        help="remove bookmarked papers too (their bookmarks stay)",
    )
    prune.add_argument("--dry-run", action="store_true", help="say what would go; change nothing")
    for action, what in (
        ("hide", "stop listing papers; they stay in the library and do not come back as new"),
        ("unhide", "list hidden papers again (papershelf list --hidden shows them)"),
    ):
        marks = lib_sub.add_parser(action, help=what)
        marks.add_argument("ids", nargs="+", metavar="ID", help=_ID_HELP)

    doctor = sub.add_parser(
        "doctor", help="check the database for damage; --export saves what is readable"
    )
    doctor.add_argument(
        "--export", type=Path, metavar="FILE", help="copy every readable row into this new file"
    )
    return app, commands


def _add_found_options(parser: argparse.ArgumentParser, limit: int, formats: str) -> None:
    """`--limit` and `--format` of the commands that list papers found by similarity."""
    parser.add_argument(
        "-n", "--limit", type=_positive, default=limit, help=f"how many (default {limit})"
    )
    parser.add_argument("-f", "--format", choices=("text", "json"), default="text", help=formats)


def _megabytes(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 1024:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 1024, not {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a day as YYYY-MM-DD, not {text!r}") from None


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

    raw = args.query or ""
    if args.saved is not None:
        with _session(need_store=True) as saved:
            raw = f"{saved.saved_query(args.saved)} {raw}".strip()
    query = parse_query(raw)  # a malformed filter fails before any reading
    if args.hidden and args.sources:
        raise UserError("--hidden lists the library's hidden papers: give no SOURCE with it")
    # The store is opened only when it is read: for the library, or for filters such as
    # is:bookmarked; `list FILE` alone never creates or touches the database.
    session = _session(
        need_store=not args.sources or bool(query.filters), marks=bool(query.filters)
    )
    appearances = None
    try:
        papers = _list_papers(args, session, query, err)
        if args.format == "json" and not args.sources and session.store is not None:
            appearances = session.store.all_appearances()
        _warn_damage(session.store, err)
    finally:
        if session.store is not None:
            session.store.close()
    if args.format in ("json", "markdown", "bibtex"):
        from papershelf import export

        if args.format == "json":
            out.write(export.to_json(papers, appearances))
        else:
            writer = export.to_markdown if args.format == "markdown" else export.to_bibtex
            out.write(writer(papers))
    elif args.format == "tsv":
        if not args.no_header:
            out.write("id\tdate\trank\ttitle\tcode_url\tarxiv_id\turls\n")
        for p in papers:
            fields = [p.id, _date(p), _rank(p), p.title, p.code_url or "", p.arxiv_id or ""]
            fields.append(" ".join(p.urls))
            out.write("\t".join(_one_line(f) for f in fields) + "\n")
    else:
        from papershelf.links import paper_page
        from papershelf.mathtext import render_math

        for p in papers:
            page = paper_page(p)
            link = f"  <{page}>" if page else ""
            out.write(f"{_date(p):<10}  {_rank(p):>3}  {_one_line(render_math(p.title))}{link}\n")
    return 0


def _list_papers(
    args: argparse.Namespace, session: Session, query: Query, err: TextIO
) -> list[Paper]:
    from papershelf.session import load_library

    if args.sources:
        loaded = _load(args.sources, args.year, err)
    elif session.store is not None:
        # A query reads compact rows, ranks, then reads only its matches in full.
        loaded = load_library(session.store, hidden=args.hidden, compact=not query.blank, lazy=True)
    else:
        print(f"papershelf: warning: {session.store_error}; showing the bundled sample", file=err)
        loaded = _load([], args.year, err)
    if query.filters and session.store is None:
        print(f"papershelf: warning: {session.store_error}; filters see no bookmarks", file=err)
    session.sort = args.sort
    # The plain listing prints only what a compact row holds: no paper is read in full.
    return session.search(query, loaded, full=args.format != "text")


def _warn_damage(store: Store | None, err: TextIO) -> None:
    """One warning line when the file is damaged or a listing skipped damaged rows."""
    if store is None:
        return
    warning = store.read_only_reason if store.damaged else store.damage_warning()
    if warning:
        print(f"papershelf: warning: {warning}", file=err)


def _session(*, need_store: bool, marks: bool = True) -> Session:
    """A session for one command: on the user's store when the command reads it, with its
    read and new marks and bookmarks unless `marks` is False (a listing whose filter asks
    nothing of them need not read 100k new marks)."""
    from papershelf.session import Session
    from papershelf.store import Store

    store, error = Store.open_or_error() if need_store else (None, None)
    session = Session(store, error)
    if marks:
        session.reload_marks()
        session.reload_bookmarks()
    return session


def cmd_fetch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from papershelf.fetch import FetchRequest, Progress, fetch_list, parse_day
    from papershelf.library_index import add_and_index
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
        max_bytes=args.max_mb * 1024 * 1024,
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
        seen, new = add_and_index(store, fetched.papers, fetched.label)
    out.write(f"fetched {seen} papers ({fetched.name}), {new} new in your library\n")
    return 0


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Import, then (unless --offline) look up arXiv ids for imported papers that have none.
    The import stands whatever the look-ups meet: a failure there is one note, exit 0."""
    from papershelf.enrich import candidates
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
        if args.offline or not candidates(result.papers):
            return 0
        try:
            _enrich(store, result.papers, out, err)
        except _NothingAsked as exc:
            print(
                f"papershelf: note: arXiv ids not looked up ({_one_line(str(exc))});"
                " run 'papershelf enrich' when online",
                file=err,
            )
    return 0


def cmd_enrich(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from papershelf.store import Store

    with Store() as store:
        store.check_before_write()  # a damaged or read-only store fails before any request
        if store.read_only_reason:
            raise UserError(store.read_only_reason)
        papers = store.library()
        _warn_damage(store, err)
        try:
            return _enrich(
                store,
                papers,
                out,
                err,
                limit=args.limit,
                timeout=args.timeout,
                deadline=args.deadline,
            )
        except _NothingAsked as exc:
            raise UserError(f"{exc}; nothing was changed") from None


class _NothingAsked(UserError):
    """Not one look-up of `enrich` could be made (offline, server down, bad HF_ENDPOINT)."""


def _enrich(
    store: Store,
    papers: Sequence[Paper],
    out: TextIO,
    err: TextIO,
    *,
    limit: int | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
) -> int:
    """Run `enrich.enrich` with a progress line on stderr and a summary on stdout.
    `_NothingAsked` when not one look-up could be made (then nothing was changed)."""
    from papershelf import enrich

    def progress(step: enrich.EnrichStep) -> None:
        if step.done == 1 or step.done % 10 == 0 or step.done == step.total:
            print(step, file=err, flush=True)

    result = enrich.enrich(
        store,
        papers,
        limit=limit or enrich.DEFAULT_LIMIT,
        timeout=timeout or enrich.DEFAULT_TIMEOUT_S,
        deadline=deadline or enrich.DEFAULT_DEADLINE_S,
        progress=progress,
    )
    if not result.total:
        out.write("enrich: every library paper has its arXiv id; nothing to look up\n")
        return 0
    if result.stopped and not result.asked:
        raise _NothingAsked(result.stopped)
    for paper in result.matched:
        out.write(f"matched {paper.id}  {_one_line(paper.title)}\n")
    if result.stopped:
        print(
            f"papershelf: warning: stopped after {result.asked} of {result.total} look-ups"
            f" ({_one_line(result.stopped)}); the matches so far are kept",
            file=err,
        )
    out.write(f"enrich: {result.summary()}\n")
    return 0


def cmd_library(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Remove, prune, hide or unhide library papers, with a one-line summary."""
    from papershelf.store import Store

    with Store() as store:
        if args.action == "prune":
            pruned = store.prune_library(
                args.before, include_bookmarked=args.include_bookmarked, dry_run=args.dry_run
            )
            verb = "would remove" if args.dry_run else "removed"
            kept = len(pruned.kept_bookmarked)
            note = f"; kept {_count(kept, 'bookmarked paper')} (--include-bookmarked)" * bool(kept)
            out.write(
                f"{verb} {_count(len(pruned.ids), 'paper')} listed only before"
                f" {args.before}{note}\n"
            )
        elif args.action == "remove":
            removed = store.remove_from_library(store.resolve_library_ids(args.ids))
            marked = len(set(removed) & store.bookmarked_ids())
            note = f" ({_count(marked, 'bookmark')} kept in the reading list)" * bool(marked)
            out.write(f"removed {_count(len(removed), 'paper')} from your library{note}\n")
        elif args.action == "hide":
            hid = store.set_hidden(store.resolve_library_ids(args.ids), True)
            out.write(
                f"hid {_count(len(hid), 'paper')} (papershelf list --hidden shows them,"
                " papershelf library unhide ID lists one again)\n"
            )
        else:
            shown = store.set_hidden(store.resolve_library_ids(args.ids, hidden=True), False)
            out.write(f"listing {_count(len(shown), 'paper')} again\n")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _record_delta(store: Store, written: list[list[str]], before: int) -> None:
    """Index what was just written as the library index's delta (see `library_index`)."""
    from papershelf.library_index import record_delta

    record_delta(store, written, before)


def _date(paper: Paper) -> str:
    return paper.date.isoformat() if paper.date else "-"


def _rank(paper: Paper) -> str:
    """Rank 0 is no rank of a day (an undated paper, a lone API paper): shown "-" like no date."""
    return str(paper.rank) if paper.rank > 0 else "-"


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
                "bibtex": lambda items: export.to_bibtex(items, notes=args.notes),
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


def _library(session: Session) -> Loaded:
    from papershelf.session import load_library

    if session.store is None:
        raise UserError(session.store_error or "no library")
    return load_library(session.store)


def cmd_similar(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _session(need_store=True) as session:
        paper, found = session.similar_to(_library(session), args.ref, args.limit)
    if args.format == "json":
        out.write(_found_json(found))
    else:
        out.write(f"like: {_one_line(paper.title)}\n")
        for item in found:
            out.write(
                f"{item.score:6.1f}  {_date(item.paper):<10}  {_one_line(item.paper.title)}\n"
            )
    return 0


def cmd_recommend(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _session(need_store=True) as session:
        found = session.recommended(_library(session), args.limit)
    if not session.bookmarks:
        print("papershelf: no bookmarks yet: recommendations start from them", file=err)
    if args.format == "json":
        out.write(_found_json(found))
    else:
        for item in found:
            because = f"  (like: {_one_line(item.because.title)})" if item.because else ""
            out.write(f"{_date(item.paper):<10}  {_one_line(item.paper.title)}{because}\n")
    return 0


def _found_json(found: Sequence[Found]) -> str:
    import json

    from papershelf.export import json_record

    records = []
    for item in found:
        record = {**json_record(item.paper), "score": round(item.score, 3)}
        if item.because is not None:
            record["because"] = item.because.id
        records.append(record)
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def cmd_config(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Exit 1 when the file has problems (each on stderr), so a script can check it; that
    includes what only the app can judge (binding ids, theme names), as the app reports it."""
    from papershelf.config import config_path, load_config
    from papershelf.ui.app import bindings_for_keymap, theme_names

    path = config_path()
    if args.path:
        out.write(f"{path}\n")
        return 0
    config = load_config(path)
    state = "found" if config.path else "none yet: the defaults are in force"
    out.write(f"{path} ({state})\n")
    problems = list(config.problems)
    for binding_id in sorted(config.keys.keys() - bindings_for_keymap().keys()):
        problems.append(f"{config.path}: keys.{binding_id}: no such binding; ignored")
    if config.theme and config.theme not in theme_names():
        problems.append(f"{config.path}: theme: no theme {config.theme!r}; ignored")
    for problem in problems:
        print(f"papershelf: warning: {problem}", file=err)
    return 1 if problems else 0


def cmd_keys(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The effective bindings, the config's `[keys]` applied: `id<TAB>keys<TAB>description`."""
    from papershelf.config import load_config
    from papershelf.ui.app import bindings_for_keymap

    config = load_config()
    for problem in config.problems:
        print(f"papershelf: warning: {problem}", file=err)
    known = bindings_for_keymap()
    for binding_id in sorted(config.keys.keys() - known.keys()):
        print(f"papershelf: warning: {config.path}: keys.{binding_id}: no such binding", file=err)
    for binding_id, binding in known.items():
        keys = config.keys.get(binding_id, binding.key)
        out.write(f"{binding_id}\t{keys}\t{binding.tooltip or binding.description}\n")
    return 0


def cmd_saved(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _session(need_store=True) as session:
        if session.store is None:
            raise UserError(session.store_error or "no database")
        if args.action == "add":
            session.set_query(args.query)
            out.write(session.save_search(args.name) + "\n")
        elif args.action == "remove":
            out.write(session.delete_search(args.name) + "\n")
        else:
            session.set_papers(_library(session))
            session.set_index(*session.index_job()())
            for search in session.saved_searches():
                new = "?" if search.new is None else str(search.new)
                out.write(f"{search.name}\t{new} new\t{search.query}\n")
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
        stdin_text = _read_piped(sys.stdin)
        _reattach_terminal()
    from rich.console import Console

    from papershelf.crash import crash_line, format_exception
    from papershelf.ui.app import PapershelfApp

    app = PapershelfApp(sources=sources, year=args.year, stdin_text=stdin_text)
    # Textual prints a handler's traceback (locals and all) on stderr and exits 0 from `run`;
    # it goes to the crash log instead, and the exit status says the app failed.
    details = io.StringIO()
    app.error_console = Console(file=details, width=120, color_system=None, markup=False)
    try:
        app.run()
    except Exception as exc:  # the app could not even start or stop cleanly
        print(f"papershelf: error: {crash_line(exc, format_exception(exc))}", file=err)
        return EXIT_CRASH
    if app.return_code:
        error = getattr(app, "_exception", None)  # Textual keeps the first unhandled error
        print(f"papershelf: error: {crash_line(error, details.getvalue())}", file=err)
        return EXIT_CRASH
    return 0


def _read_piped(stdin: TextIO) -> str:
    """A digest piped to the app, read whole before the terminal takes stdin over: within the
    parser's limit for whole reads, and refused at once if it is binary (`< /dev/zero`)."""
    from papershelf.parser import sources
    from papershelf.parser.decoding import BINARY, UTF16_BOMS, decode

    buffer = getattr(stdin, "buffer", None)
    if buffer is None:  # a text stream without bytes under it (tests)
        return stdin.read()
    data = bytearray()
    while chunk := buffer.read(1 << 20):
        data += chunk
        if b"\x00" in chunk and not data.startswith(UTF16_BOMS):
            raise UserError(f"-: {BINARY}")
        if len(data) > sources.MAX_WHOLE_BYTES:
            raise UserError(f"-: more than {sources.MAX_WHOLE_BYTES >> 20} MB on standard input")
    return decode(data, "-")[0]


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


def _negation(value: str) -> bool:
    """`-word` or `-key:value`, not a missing value followed by an option (`--format`, `-f`)."""
    return value.startswith("-") and not value.startswith("--") and value not in _LIST_OPTIONS


_LIST_OPTIONS = frozenset({"-h", "-q", "-s", "-f"})
"""`list`'s short options: after `--query` they mean its value is missing."""


def _filter_values_kept(argv: list[str]) -> list[str]:
    """A filter may start with `-` (`-has:code`, `-graph`), which argparse takes for an option:
    `list --query -x` becomes `--query=-x`, and `saved add NAME QUERY` gets a `--` before its
    two words, so both read as the README writes them."""
    if argv[:2] == ["saved", "add"] and len(argv) == 4 and not {"-h", "--help"} & set(argv):
        return [*argv[:2], "--", *argv[2:]]
    if argv[:1] != ["list"]:
        return argv
    glued: list[str] = []
    words = iter(argv)
    for word in words:
        if word in ("-q", "--query"):
            value = next(words, None)
            if value is not None and _negation(value):
                glued.append(f"--query={value}")
                continue
            glued.extend([word] if value is None else [word, value])
            continue
        glued.append(word)
    return glued


APP_VALUE_OPTIONS = frozenset({"--year"})
"""The app's options that take the next word as their value."""


def _command_first(argv: list[str]) -> list[str]:
    """`papershelf --year 2024 list FILE` as `papershelf list --year 2024 FILE`: options given
    before a command are the command's (else `list` would be read as a digest file's name).
    A command that has no such option says so, naming it."""
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] not in ("-", "--"):
        i += 2 if argv[i] in APP_VALUE_OPTIONS else 1
    if 0 < i < len(argv) and argv[i] in COMMANDS:
        return [argv[i], *argv[:i], *argv[i + 1 :]]
    return argv


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the `papershelf` script; returns the exit status."""
    argv = _filter_values_kept(list(sys.argv[1:] if argv is None else argv))
    out = cast(TextIO, TerminalSafe(out or sys.stdout))
    err = cast(TextIO, TerminalSafe(sys.stderr))
    app_parser, command_parser = build_parser()
    argv = _command_first(argv)
    try:
        if argv and argv[0] in COMMANDS:
            args = command_parser.parse_args(argv)
            handlers = {
                "list": cmd_list,
                "bookmarks": cmd_bookmarks,
                "fetch": cmd_fetch,
                "import": cmd_import,
                "enrich": cmd_enrich,
                "library": cmd_library,
                "doctor": cmd_doctor,
                "similar": cmd_similar,
                "recommend": cmd_recommend,
                "config": cmd_config,
                "saved": cmd_saved,
                "keys": cmd_keys,
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
