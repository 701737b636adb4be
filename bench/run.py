"""Measure papershelf at 1k, 10k and 100k papers and rewrite bench/RESULTS.md.

    python bench/run.py                 # everything, ~4 min on 2 cores -> bench/RESULTS.md
    python bench/run.py --quick         # 1k and 10k only -> bench/out/RESULTS-quick.md

Parse and index-build time, search time per keystroke (index and fallback scan), keystroke to
repainted list in the headless app, open to first paint of the installed command in a pty,
peak memory, and the same queries through `fzf --filter` as the reference. Corpora come from
bench/generate.py and are kept in bench/out/ for the next run. Steps run one after another,
never in parallel, so that they do not compete for the two cores of a small machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import itertools
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from time import perf_counter
from typing import TypeVar

from generate import write_digest, write_lines
from papershelf.locations import HOME_ENV, sample_digest
from papershelf.model import Paper
from papershelf.parser import parse_sources, parse_text
from papershelf.search import SearchIndex, parse_query, scan_search
from papershelf.search.terms import IntArray
from report import (
    AppRun,
    BenchQuery,
    BenchRun,
    FzfRun,
    SizeResult,
    TerminalResult,
    median,
    render,
)
from terminal import first_paint, peak_memory, terminal_env

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT_DIR = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
QUICK_RESULTS = OUT_DIR / "RESULTS-quick.md"

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)

QUERIES = (
    BenchQuery("lora", "word"),
    BenchQuery("diffusion", "word"),
    BenchQuery("reinforcement learning", "words"),
    BenchQuery("merging loras lego", "words (a planted real title)"),
    BenchQuery("light schrodinger bridge", "words (real title, folded ö)"),
    BenchQuery("mixture of experts", "words"),
    BenchQuery("efficent infrence", "typos"),
    BenchQuery("permutaton clustring", "typos"),
    BenchQuery("langauge modle reasoning", "typos"),
    BenchQuery("furthermore", "abstract-only word"),
    BenchQuery("furthermore quantinuum", "abstract-only words"),
    BenchQuery("zqxjv", "no match"),
    BenchQuery("xylophone wombat", "no match, words"),
)
# fzf's fuzzy mode takes 4-28 s per query at 100k: above FZF_ALL_UP_TO papers run only these.
FZF_FEW = ("lora", "langauge modle reasoning", "zqxjv")
FZF_ALL_UP_TO = 10_000
# The Pilot round trip is a comparison figure only (see measure_app.py): a few queries suffice.
PILOT_QUERIES = ("lora", "merging loras lego", "langauge modle reasoning")
# The all-fields scan can cost an index build per keystroke (seconds at 100k): time keystrokes
# in typing order until this budget is spent, but at least SCAN_MIN_KEYSTROKES of them.
SCAN_BUDGET_S = 15.0
SCAN_MIN_KEYSTROKES = 3
# In --quick mode the app types one query of each kind (the rest is measured in full).
QUICK_APP_QUERIES = (
    "lora",
    "merging loras lego",
    "langauge modle reasoning",
    "furthermore",
    "zqxjv",
)

FIRST_PAINT_TIMEOUT_S = 120.0
T = TypeVar("T")


# -- corpora ---------------------------------------------------------------------------------


def corpus(directory: Path, n: int, seed: int) -> tuple[Path, Path]:
    """The digest and the one-line-per-paper file of n papers; generated once, then reused."""
    digest = directory / f"digest-{n}-seed{seed}.txt"
    lines = directory / f"lines-{n}-seed{seed}.txt"
    for path, write in ((digest, write_digest), (lines, write_lines)):
        if not path.exists():
            unfinished = path.with_suffix(".partial")
            write(unfinished, n, seed)
            unfinished.replace(path)  # a run killed half-way never leaves a short corpus behind
    return digest, lines


# -- timing helpers --------------------------------------------------------------------------


def timed(call: Callable[[], T]) -> tuple[float, T]:
    start = perf_counter()
    result = call()
    return perf_counter() - start, result


def keystrokes(query: str) -> list[str]:
    """What the filter holds after each character of `query` is typed."""
    return [query[:i] for i in range(1, len(query) + 1)]


# -- in-process measurements -----------------------------------------------------------------


def floor_read(path: Path) -> int:
    """What any parser has to do at least: read and decode the file, cut it into paragraphs."""
    return len(path.read_text(encoding="utf-8").split("\n\n"))


def measure_parse(size: SizeResult, digest: Path, repeats: int) -> list[Paper]:
    papers: list[Paper] = []
    for _ in range(repeats):
        papers = []  # drop the previous copy before reading again
        gc.collect()
        size.floor_s.append(timed(lambda: floor_read(digest))[0])
        elapsed, result = timed(lambda: parse_sources([digest]))
        size.parse_s.append(elapsed)
        papers = result.papers
    return papers


def measure_build(size: SizeResult, papers: list[Paper], repeats: int) -> SearchIndex:
    index: SearchIndex | None = None
    for _ in range(repeats):
        index = None
        gc.collect()
        elapsed, index = timed(lambda: SearchIndex.build(papers))
        size.build_s.append(elapsed)
    assert index is not None
    size.index_bytes = index.nbytes()
    return index


def search_text(index: SearchIndex, text: str) -> IntArray:
    """A keystroke's search as the app runs it: parse the filter text, then search."""
    return index.search(parse_query(text))


def scan_text(papers: list[Paper], text: str, *, titles_only: bool = False) -> IntArray:
    return scan_search(papers, parse_query(text), titles_only=titles_only)


def measure_search(size: SizeResult, index: SearchIndex, queries: Sequence[BenchQuery]) -> None:
    for query in queries:
        times = []
        found = 0
        for prefix in keystrokes(query.text):
            elapsed, order = timed(partial(search_text, index, prefix))
            times.append(elapsed * 1000)
            found = len(order)
        size.search_ms.append(times)
        size.found.append(found)


def measure_scan(size: SizeResult, papers: list[Paper], queries: Sequence[BenchQuery]) -> None:
    """Type every query into the scan fallback, as a user does before the index is ready."""
    prefixes = [p for q in queries for p in keystrokes(q.text)]
    spent = 0.0
    for prefix in prefixes:
        if spent > SCAN_BUDGET_S and len(size.scan_ms) >= SCAN_MIN_KEYSTROKES:
            break
        elapsed, _ = timed(partial(scan_text, papers, prefix))
        size.scan_ms.append(elapsed * 1000)
        spent += elapsed
    for prefix in prefixes:
        elapsed, _ = timed(partial(scan_text, papers, prefix, titles_only=True))
        size.scan_titles_ms.append(elapsed * 1000)


# -- subprocess measurements -----------------------------------------------------------------


def measure_app(digest: Path, queries: Sequence[str], mode: str) -> AppRun:
    """Keystroke to repaint in the headless app, in a fresh process (bench/measure_app.py)."""
    argv = [sys.executable, str(BENCH / "measure_app.py"), str(digest), "--mode", mode, *queries]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"measure_app.py failed ({done.returncode}):\n{done.stderr[-2000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return AppRun(
        mode=mode,
        queries=list(queries),
        ready_s=data["ready_s"],
        painted_ms=data["painted_ms"],
        applied_ms=data["applied_ms"],
        shown=data["shown"],
    )


def fzf_env() -> dict[str, str]:
    """The environment without the user's fzf defaults, so every run means the same."""
    return {k: v for k, v in os.environ.items() if not k.startswith("FZF_")}


def run_fzf(lines: Path, query: str, mode: str) -> FzfRun:
    argv = ["fzf", "--filter", query] if mode == "fuzzy" else ["fzf", "-e", "--filter", query]
    with lines.open("rb") as source:
        start = perf_counter()
        done = subprocess.run(argv, stdin=source, capture_output=True, env=fzf_env(), check=False)
        elapsed = perf_counter() - start
    if done.returncode not in (0, 1):  # 1: no match
        raise RuntimeError(f"fzf failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return FzfRun(query, mode, elapsed, done.stdout.count(b"\n"))


def measure_fzf(
    size: SizeResult, lines: Path, queries: Sequence[BenchQuery], all_up_to: int
) -> None:
    texts = [q.text for q in queries]
    if size.n > all_up_to:
        texts = [t for t in texts if t in FZF_FEW]
    for mode in ("exact", "fuzzy"):
        size.fzf += [run_fzf(lines, text, mode) for text in texts]


def papershelf_command() -> list[str]:
    """The installed `papershelf` script next to this Python, else the one on PATH."""
    script = Path(sys.executable).parent / "papershelf"
    if script.exists():
        return [str(script)]
    found = shutil.which("papershelf")
    if found is None:
        raise RuntimeError("the papershelf command is not installed (pip install -e .)")
    return [found]


def measure_terminal(big: SizeResult, digest: Path, repeats: int, home: Path) -> TerminalResult:
    """First paint of the empty app, the sample and `big` (interleaved runs), then peak memory.

    Every run gets an empty data directory of its own, as on a first open: the app finds no
    saved index (nor bookmarks). The last memory run reuses the one before it, to see a reopen.
    """
    runs = itertools.count()

    def fresh_env() -> dict[str, str]:
        run_home = home / f"pty-{next(runs)}"
        run_home.mkdir()
        return terminal_env(os.environ, run_home)

    command = papershelf_command()
    empty_app = [sys.executable, str(BENCH / "empty_app.py")]
    sample_papers = len(parse_sources([sample_digest()]).papers)
    sample_marker = f"Papers {sample_papers}/{sample_papers}"
    big_command = [*command, str(digest)]
    big_marker = f"Papers {big.papers}/{big.papers}"
    first_title = _first_title(digest)[:20]
    empty_s, sample_s, big_s, big_first_s = [], [], [], []
    for _ in range(repeats):
        empty_s.append(first_paint(empty_app, "ready", fresh_env(), 30.0))
        sample_s.append(first_paint(command, sample_marker, fresh_env(), 30.0))
        big_s.append(first_paint(big_command, big_marker, fresh_env(), FIRST_PAINT_TIMEOUT_S))
        big_first_s.append(
            first_paint(big_command, first_title, fresh_env(), FIRST_PAINT_TIMEOUT_S)
        )
    env = fresh_env()
    first_open = peak_memory(big_command, big_marker, env, timeout=FIRST_PAINT_TIMEOUT_S)
    reopened = peak_memory(big_command, big_marker, env, timeout=FIRST_PAINT_TIMEOUT_S)
    return TerminalResult(
        empty_s, sample_s, sample_papers, big.n, big_s, big_first_s, first_open, reopened
    )


def _first_title(digest: Path) -> str:
    """The digest's first paper title, as the list draws it (the head of the file suffices)."""
    with digest.open(encoding="utf-8") as handle:
        head = handle.read(64 * 1024)
    return parse_text(head, source=str(digest)).papers[0].title


# -- the machine -----------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _output(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=REPO)
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def machine() -> list[tuple[str, str]]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("textual", "numpy", "rapidfuzz")
    )
    fzf = _output(["fzf", "--version"]).split(" ")[0] or "not installed"
    commit = _output(["git", "rev-parse", "--short", "HEAD"]) or "unknown"
    if _output(["git", "status", "--porcelain"]):
        commit += " + uncommitted changes"
    return [
        ("Machine", f"{_cpu_model()}, {os.cpu_count()} cores ({usable} usable), {memory:.0f} GiB"),
        ("System", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Libraries", f"{versions}, fzf {fzf}"),
        ("Code", f"git {commit}"),
    ]


# -- the run ---------------------------------------------------------------------------------


@contextmanager
def step(label: str) -> Iterator[None]:
    """Print what is being measured and how long it took (a long run shows its progress)."""
    print(f"{label} ...", end="", flush=True)
    start = perf_counter()
    yield
    print(f" {perf_counter() - start:.1f} s", flush=True)


def measure_size(n: int, args: argparse.Namespace, notes: list[str]) -> SizeResult:
    with step(f"[{n}] corpus"):
        digest, lines = corpus(args.corpora, n, args.seed)
    size = SizeResult(n=n, papers=0, file_bytes=digest.stat().st_size)
    with step(f"[{n}] parse"):
        papers = measure_parse(size, digest, args.repeats_parse)
    size.papers = len(papers)
    if size.papers != n:
        notes.append(f"{n}: the parser returned {size.papers} papers, not {n}.")
    with step(f"[{n}] index build"):
        index = measure_build(size, papers, args.repeats_parse)
    with step(f"[{n}] search"):
        measure_search(size, index, QUERIES)
    with step(f"[{n}] fallback scan"):
        measure_scan(size, papers, QUERIES)
    del papers, index
    gc.collect()
    app_queries = [q.text for q in QUERIES]
    if args.quick:
        app_queries = [q for q in app_queries if q in QUICK_APP_QUERIES]
    with step(f"[{n}] app keystrokes"):
        size.app = measure_app(digest, app_queries, "painted")
    _check_counts(size, size.app, notes)
    if not args.quick:
        with step(f"[{n}] app keystrokes, Pilot round trip"):
            size.pilot = measure_app(digest, PILOT_QUERIES, "pilot")
        _check_counts(size, size.pilot, notes)
    if not args.no_fzf:
        with step(f"[{n}] fzf"):
            measure_fzf(size, lines, QUERIES, 1_000 if args.quick else FZF_ALL_UP_TO)
    return size


def _check_counts(size: SizeResult, app: AppRun, notes: list[str]) -> None:
    """The app must show what the index finds, or its timings measure something else."""
    found = {q.text: f for q, f in zip(QUERIES, size.found, strict=True)}
    for query, shown in zip(app.queries, app.shown, strict=True):
        if found[query] != shown:
            notes.append(
                f"{size.n}: the app ({app.mode}) showed {shown} papers for `{query}`, "
                f"the index found {found[query]}."
            )


def _check_memory_run(size: SizeResult, terminal: TerminalResult, notes: list[str]) -> None:
    """After its first paint the app should spend about an index build of CPU; far less means
    the build did not run (a failed worker is silent), and the peak then misses the index."""
    memory = terminal.first_open
    if memory is not None and memory.cpu_after_paint_s < 0.5 * median(size.build_s):
        notes.append(
            f"{size.n}: the app used {memory.cpu_after_paint_s:.1f} s of CPU after its first "
            f"paint, an index build takes {median(size.build_s):.1f} s here: the index was "
            "probably not built, so the peak memory may be too low."
        )


def _command(argv: Sequence[str]) -> str:
    return shlex.join(["python", "bench/run.py", *argv])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k papers only, fewer runs")
    parser.add_argument(
        "--out",
        type=Path,
        help=f"where to write the results (default {RESULTS.relative_to(REPO)}, "
        f"or {QUICK_RESULTS.relative_to(REPO)} with --quick)",
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument(
        "--corpora",
        type=Path,
        default=OUT_DIR,
        help=f"where corpora are kept and reused (default {OUT_DIR.relative_to(REPO)})",
    )
    parser.add_argument("--no-fzf", action="store_true", help="skip the fzf reference")
    parser.add_argument(
        "--no-terminal", action="store_true", help="skip first paint and peak memory in a pty"
    )
    args = parser.parse_args(argv)
    raw_argv = sys.argv[1:] if argv is None else list(argv)
    if not args.no_fzf and shutil.which("fzf") is None:
        parser.error("fzf is not installed (apt-get install fzf), or pass --no-fzf")
    args.repeats_parse = 3
    args.repeats_paint = 3 if args.quick else 5
    out = args.out or (QUICK_RESULTS if args.quick else RESULTS)

    started = perf_counter()
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="papershelf-bench-") as home:
        os.environ[HOME_ENV] = home  # nothing measured here may touch the user's bookmarks
        sizes = [measure_size(n, args, notes) for n in (QUICK_SIZES if args.quick else SIZES)]
        terminal = None
        if not args.no_terminal:
            digest, _lines = corpus(args.corpora, sizes[-1].n, args.seed)
            with step(f"[{sizes[-1].n}] first paint and peak memory in a pty"):
                terminal = measure_terminal(sizes[-1], digest, args.repeats_paint, Path(home))
            _check_memory_run(sizes[-1], terminal, notes)
    if args.quick:
        notes.append("--quick: the app typed only " + ", ".join(QUICK_APP_QUERIES) + ".")
    run = BenchRun(
        command=_command(raw_argv),
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        duration_s=perf_counter() - started,
        machine=machine(),
        seed=args.seed,
        quick=args.quick,
        queries=list(QUERIES),
        sizes=sizes,
        terminal=terminal,
        notes=notes,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(run), encoding="utf-8")
    print(f"wrote {out} in {run.duration_s:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
