"""The records bench/run.py fills in, and the Markdown it writes from them (bench/RESULTS.md).

Every figure is shown beside the reference measured in the same run (fzf, an empty Textual app,
a plain read-and-split of the file, the file's size) and, where the browser issue sets one,
beside its target, marked met or missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from terminal import PeakMemory

TARGET_N = 100_000
SEARCH_P95_MS = 16.0
REPAINT_P95_MS = 50.0
FIRST_PAINT_S = 1.0
PEAK_RSS_MB = 400.0
PARSE_WORK_S = 1.0
MB = 1_000_000


@dataclass(frozen=True)
class BenchQuery:
    text: str
    kind: str


@dataclass(frozen=True)
class FzfRun:
    query: str
    mode: str
    """"fuzzy" (`fzf --filter`) or "exact" (`fzf -e --filter`)."""
    seconds: float
    matches: int


@dataclass
class AppRun:
    """One app session of bench/measure_app.py; times in ms, one list per query typed."""

    mode: str
    queries: list[str]
    ready_s: float
    painted_ms: list[list[float]]
    applied_ms: list[list[float]]
    shown: list[int]


@dataclass
class SizeResult:
    """Everything measured on one corpus size."""

    n: int
    papers: int
    file_bytes: int
    floor_s: list[float] = field(default_factory=list)
    parse_s: list[float] = field(default_factory=list)
    build_s: list[float] = field(default_factory=list)
    index_bytes: int = 0
    search_ms: list[list[float]] = field(default_factory=list)
    """Per query (in `BenchRun.queries` order), per keystroke."""
    found: list[int] = field(default_factory=list)
    scan_ms: list[float] = field(default_factory=list)
    scan_titles_ms: list[float] = field(default_factory=list)
    app: AppRun | None = None
    pilot: AppRun | None = None
    fzf: list[FzfRun] = field(default_factory=list)


@dataclass
class TerminalResult:
    """First paint in a pty (seconds per run) and the peak memory of the largest corpus."""

    empty_s: list[float]
    sample_s: list[float]
    sample_papers: int
    big_n: int
    big_s: list[float]
    """Until the whole list is shown (`Papers N/N`)."""
    big_first_s: list[float]
    """Until the first paper's title is on screen (the list paints a first batch early)."""
    first_open: PeakMemory | None
    """Peak memory in an empty data directory: the app builds (and saves) its index."""
    reopened: PeakMemory | None
    """Peak memory in the same data directory again: the saved index is loaded."""


@dataclass
class BenchRun:
    command: str
    date: str
    duration_s: float
    machine: list[tuple[str, str]]
    seed: int
    quick: bool
    queries: list[BenchQuery]
    sizes: list[SizeResult]
    terminal: TerminalResult | None
    notes: list[str] = field(default_factory=list)


# -- numbers ---------------------------------------------------------------------------------


def pct(samples: Iterable[float], q: float) -> float:
    values = list(samples)
    return float(np.percentile(values, q)) if values else float("nan")


def median(samples: Iterable[float]) -> float:
    return pct(samples, 50)


def flat(lists: Iterable[Iterable[float]]) -> list[float]:
    return [x for xs in lists for x in xs]


def ms(value: float) -> str:
    if value != value:  # NaN: nothing measured
        return "–"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def secs(value: float) -> str:
    if value != value:
        return "–"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def mb(size: float) -> str:
    return f"{size / MB:.0f} MB" if size >= 10 * MB else f"{size / MB:.1f} MB"


def ratio(value: float, reference: float) -> str:
    if not reference or value != value or reference != reference:
        return "–"
    r = value / reference
    return f"{r:.2g}×" if r < 10 else f"{r:.0f}×"


def count(n: int) -> str:
    return f"{n:,}"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


# -- derived figures -------------------------------------------------------------------------


def fzf_median(size: SizeResult, mode: str) -> float:
    return median(r.seconds for r in size.fzf if r.mode == mode)


def _status(value: float, limit: float, size: SizeResult) -> str:
    if value != value:
        return "not measured"
    verdict = "met" if value <= limit else "missed"
    return verdict if size.n == TARGET_N else f"{verdict} at {count(size.n)} (indicative)"


# -- sections --------------------------------------------------------------------------------


def _header(run: BenchRun) -> list[str]:
    lines = [
        "# papershelf benchmarks",
        "",
        "_Written by `bench/run.py`; do not edit by hand: rerun the command._",
        "",
        f"- **Date:** {run.date}",
        f"- **Command:** `{run.command}` (took {run.duration_s / 60:.1f} min)",
    ]
    lines += [f"- **{name}:** {value}" for name, value in run.machine]
    sizes = " / ".join(count(s.n) for s in run.sizes)
    lines += [
        f"- **Corpora:** `bench/generate.py`, seed {run.seed}: {sizes} papers (in `bench/out/`)",
        "",
        "Machines here are noisy: figures are medians (or percentiles over every keystroke), "
        "and each is set beside a reference measured in the same run.",
        "",
    ]
    return lines


def _targets(run: BenchRun) -> list[str]:
    size = run.sizes[-1]
    lines = [f"## Targets (at {count(TARGET_N)} papers)", ""]
    if size.n != TARGET_N:
        lines += [
            f"This run stopped at {count(size.n)} papers, so these statuses are indicative only.",
            "",
        ]
    fzf_e, fzf_f = fzf_median(size, "exact"), fzf_median(size, "fuzzy")
    search_p95 = pct(flat(size.search_ms), 95)
    fzf_ref = f"fzf -e per query {secs(fzf_e)} (fuzzy {secs(fzf_f)})"
    rows = [
        [
            f"Search p95 per keystroke, {count(size.n)}",
            ms(search_p95),
            f"≤ {SEARCH_P95_MS:.0f} ms",
            fzf_ref,
            f"{ratio(search_p95 / 1000, fzf_e)} of fzf -e",
            _status(search_p95, SEARCH_P95_MS, size),
        ]
    ]
    painted = pct(flat(size.app.painted_ms), 95) if size.app else float("nan")
    rows.append(
        [
            f"Keystroke to repainted list p95, {count(size.n)}",
            ms(painted),
            f"≤ {REPAINT_P95_MS:.0f} ms",
            fzf_ref,
            f"{ratio(painted / 1000, fzf_e)} of fzf -e",
            _status(painted, REPAINT_P95_MS, size),
        ]
    )
    term = run.terminal
    if term is not None:
        empty = median(term.empty_s)
        first = median(term.big_first_s)
        big = median(term.big_s)
        big_size = next(s for s in run.sizes if s.n == term.big_n)
        rows.append(
            [
                f"Open to first paint (first papers on screen), {count(term.big_n)}",
                secs(first),
                f"≤ {FIRST_PAINT_S:.1f} s",
                f"empty Textual app {secs(empty)}",
                ratio(first, empty),
                _status(first, FIRST_PAINT_S, big_size),
            ]
        )
        rows.append(
            [
                f"Open to the whole list shown, {count(term.big_n)}",
                secs(big),
                "report",
                f"empty Textual app {secs(empty)}",
                ratio(big, empty),
                "reported",
            ]
        )
        sample = median(term.sample_s)
        rows.append(
            [
                f"Open to first paint, bundled sample ({term.sample_papers})",
                secs(sample),
                "report",
                f"empty Textual app {secs(empty)}",
                ratio(sample, empty),
                "reported",
            ]
        )
        if term.first_open is not None:
            peak = term.first_open.peak_bytes
            floor_note = "" if term.first_open.settled else " (still growing: a floor)"
            rows.append(
                [
                    f"Peak RSS, {count(term.big_n)}",
                    mb(peak) + floor_note,
                    f"≤ {PEAK_RSS_MB:.0f} MB",
                    f"file size {mb(big_size.file_bytes)}",
                    ratio(peak, big_size.file_bytes),
                    _status(peak / MB, PEAK_RSS_MB, big_size),
                ]
            )
    parse, floor = median(size.parse_s), median(size.floor_s)
    rows.append(
        [
            f"Parse (parse / floor), {count(size.n)}",
            secs(parse),
            f"≤ floor + {PARSE_WORK_S:.0f} s (“well under a second” of parsing)",
            f"read_text + split {secs(floor)}",
            f"parse is {ratio(parse, floor)} the floor",
            _status(parse, floor + PARSE_WORK_S, size),
        ]
    )
    header = ["Figure", "Measured", "Target", "Reference (same run)", "Ratio", "Status"]
    return lines + _table(header, rows)


def _parse_section(run: BenchRun) -> list[str]:
    header = [
        "Papers",
        "File",
        "Floor: read_text + split",
        "parse_sources",
        "Parse / floor",
        "SearchIndex.build",
        "Index arrays",
    ]
    rows = [
        [
            count(s.n),
            mb(s.file_bytes),
            secs(median(s.floor_s)),
            secs(median(s.parse_s)),
            ratio(median(s.parse_s), median(s.floor_s)),
            secs(median(s.build_s)),
            mb(s.index_bytes),
        ]
        for s in run.sizes
    ]
    repeats = len(run.sizes[0].parse_s)
    intro = [
        "## Parse and index build",
        "",
        f"Median of {repeats} runs each. The floor is `Path.read_text()` + `str.split('\\n\\n')` "
        "of the same file. Index arrays: `SearchIndex.nbytes()` (not the vocabulary's strings).",
        "",
    ]
    return intro + _table(header, rows)


def _search_section(run: BenchRun) -> list[str]:
    header = [
        "Papers",
        "Keystrokes",
        "p50",
        "p95",
        "max",
        "Whole query typed (sum, median)",
        "fzf -e per query",
        "p95 / fzf -e",
        "fzf fuzzy per query",
        "p95 / fzf fuzzy",
    ]
    rows = []
    for s in run.sizes:
        keys = flat(s.search_ms)
        p95 = pct(keys, 95)
        fzf_e, fzf_f = fzf_median(s, "exact"), fzf_median(s, "fuzzy")
        rows.append(
            [
                count(s.n),
                str(len(keys)),
                ms(pct(keys, 50)),
                ms(p95),
                ms(max(keys)),
                ms(median(sum(q) for q in s.search_ms)),
                secs(fzf_e),
                ratio(p95 / 1000, fzf_e),
                secs(fzf_f),
                ratio(p95 / 1000, fzf_f),
            ]
        )
    intro = [
        "## Search per keystroke: `SearchIndex.search`",
        "",
        f"Each of the {len(run.queries)} queries below typed one character at a time on a freshly "
        "built index, `index.search(parse_query(prefix))` timed for every prefix, parse included "
        "(the index's word cache carries over from query to query, as in the app). fzf is not "
        "incremental: its figure is one whole query.",
        "",
    ]
    return intro + _table(header, rows)


def _scan_section(run: BenchRun) -> list[str]:
    header = ["Papers", "Path", "Keystrokes timed", "p50", "p95", "max"]
    rows = []
    for s in run.sizes:
        total = len(flat(s.search_ms))
        timed = f"{len(s.scan_ms)} of {total}"
        if len(s.scan_ms) < total:
            timed += " (time budget spent)"
        rows.append(
            [
                count(s.n),
                "`scan_search(papers, parse_query(prefix))`: all fields",
                timed,
                ms(pct(s.scan_ms, 50)),
                ms(pct(s.scan_ms, 95)),
                ms(max(s.scan_ms, default=float("nan"))),
            ]
        )
        rows.append(
            [
                count(s.n),
                "`scan_search(…, titles_only=True)`: titles only",
                f"{len(s.scan_titles_ms)} of {total}",
                ms(pct(s.scan_titles_ms, 50)),
                ms(pct(s.scan_titles_ms, 95)),
                ms(max(s.scan_titles_ms, default=float("nan"))),
            ]
        )
    intro = [
        "## Fallback before the index is ready: `scan_search`",
        "",
        "What answers a keystroke typed before the index is built: every query typed in order, "
        "one call per keystroke, starting with nothing cached. `scan_search` indexes the papers "
        "on the fly and keeps that throwaway index for the next call, except an all-fields one "
        "over more than 20,000 papers, which it rebuilds on every call; so the first keystroke "
        "(the max) pays a build, and at 100k every keystroke does. The all-fields scan stops "
        "after a 15 s budget (at least 3 keystrokes); the count is in the table. The app scans "
        "all fields for small lists and titles only for big ones (`SCAN_ALL_LIMIT` in "
        "`papershelf/ui/app.py`).",
        "",
    ]
    return intro + _table(header, rows)


def _app_section(run: BenchRun) -> list[str]:
    header = [
        "Papers",
        "Keystrokes",
        "Results applied p50",
        "applied p95",
        "Repainted p50",
        "Repainted p95",
        "Repainted max",
        "p95 / fzf -e",
        "Load + index in app",
        "Pilot round trip p50 / p95 (keys)",
    ]
    rows = []
    for s in run.sizes:
        if s.app is None:
            continue
        painted = flat(s.app.painted_ms)
        applied = flat(s.app.applied_ms)
        pilot = "–"
        if s.pilot is not None:
            keys = flat(s.pilot.painted_ms)
            pilot = f"{ms(pct(keys, 50))} / {ms(pct(keys, 95))} ({len(keys)})"
        rows.append(
            [
                count(s.n),
                str(len(painted)),
                ms(pct(applied, 50)),
                ms(pct(applied, 95)),
                ms(pct(painted, 50)),
                ms(pct(painted, 95)),
                ms(max(painted)),
                ratio(pct(painted, 95) / 1000, fzf_median(s, "exact")),
                secs(s.app.ready_s),
                pilot,
            ]
        )
    if not rows:
        return []
    intro = [
        "## Keystroke to repainted list in the app (headless Pilot, 120×40)",
        "",
        "`bench/measure_app.py`: `PapershelfApp(sources=[digest], year=2025)` under `run_test`, "
        "after the papers are loaded and the index is built, so each keystroke takes the inline "
        "index path. Each character is posted to the app as a Key event, as the terminal driver "
        "posts it. *Results applied*: until the list holds the new results "
        "(`paper_list.filter_query.raw == typed`). *Repainted*: until the screen has refreshed "
        "after that (`app.screen.wait_for_refresh()`), which includes waiting for Textual's frame "
        "timer (up to 1/60 s) and rendering the changed lines; headless, only the final write of "
        "escape sequences to a terminal is skipped. *Pilot round trip*: `pilot.press(ch)` + "
        "`pilot.pause()` until the results show + one more `pilot.pause()`, in a separate app "
        "session; Pilot waits for idle with 20 ms sleeps (at least three per key), so this "
        "measures the harness too and is not the target figure.",
        "",
    ]
    return intro + _table(header, rows)


def _terminal_section(run: BenchRun) -> list[str]:
    term = run.terminal
    if term is None:
        return []
    empty = median(term.empty_s)
    header = ["Command", "Papers", "Runs", "Median", "Min", "Max", "Median / empty app"]

    def row(command: str, papers: str, runs: list[float]) -> list[str]:
        return [
            command,
            papers,
            str(len(runs)),
            secs(median(runs)),
            secs(min(runs)),
            secs(max(runs)),
            ratio(median(runs), empty),
        ]

    rows = [
        row("`python bench/empty_app.py` (floor)", "–", term.empty_s),
        row("`papershelf` (bundled sample)", str(term.sample_papers), term.sample_s),
        row("`papershelf FILE`: first papers on screen", count(term.big_n), term.big_first_s),
        row("`papershelf FILE`: whole list shown", count(term.big_n), term.big_s),
    ]
    lines = [
        "## Open to first paint in a terminal",
        "",
        "The installed command in a 120×40 pseudo-terminal (TERM=xterm-256color, "
        "`PAPERSHELF_HOME` a new empty directory each run: a first open), timed from spawning "
        "it until its output contains the list's border title with the full count (`Papers 46/46`, "
        f"`Papers {term.big_n}/{term.big_n}`), which is drawn once the parse is applied and the "
        "list painted; for the empty app, until `ready` is drawn. A big digest paints its first "
        "batch of papers while the rest is parsed: *first papers on screen* waits for the first "
        "paper's title instead of the full count. Killed after each run.",
        "",
        *_table(header, rows),
    ]
    if term.first_open is not None:
        lines += _memory_section(run, term)
    return lines


def _memory_section(run: BenchRun, term: TerminalResult) -> list[str]:
    big = next(s for s in run.sizes if s.n == term.big_n)
    rows = []
    for label, memory in (
        ("first open: index built and saved", term.first_open),
        ("reopened: saved index loaded", term.reopened),
    ):
        if memory is None:
            continue
        settle = f"{memory.settled_s:.1f} s" + ("" if memory.settled else " (bound reached)")
        rows.append(
            [
                count(term.big_n),
                label,
                mb(big.file_bytes),
                mb(memory.peak_bytes),
                ratio(memory.peak_bytes, big.file_bytes),
                settle,
                secs(memory.cpu_after_paint_s),
            ]
        )
    header = [
        "Papers",
        "Run",
        "File size",
        "Peak RSS (VmHWM)",
        "Peak / file size",
        "Quiet after paint",
        "CPU after paint",
    ]
    intro = [
        "## Peak memory",
        "",
        f"`papershelf FILE` on {count(term.big_n)} papers in the same kind of pty: `VmHWM` "
        "from `/proc/<pid>/status` after the list is painted and the process has gone quiet "
        "(for 2 s the high-water mark did not move and it used under a tenth of a core: the "
        "index worker has finished), bounded by 60 s. First in an empty `PAPERSHELF_HOME` "
        "(as every first-paint run above), then again in the same one, where the app finds the "
        "index it saved. MB are 10⁶ bytes.",
        "",
    ]
    return intro + _table(header, rows)


def _fzf_section(run: BenchRun) -> list[str]:
    header = ["Papers", "Mode", "Queries", "Median per query", "Min", "Max"]
    rows = []
    for s in run.sizes:
        for mode, label in (("exact", "`fzf -e --filter`"), ("fuzzy", "`fzf --filter`")):
            times = [r.seconds for r in s.fzf if r.mode == mode]
            if times:
                rows.append(
                    [
                        count(s.n),
                        label,
                        f"{len(times)} of {len(run.queries)}",
                        secs(median(times)),
                        secs(min(times)),
                        secs(max(times)),
                    ]
                )
    if not rows:
        return []
    intro = [
        "## Reference: fzf",
        "",
        "The same queries through `fzf --filter` over a file with one line per paper (title "
        "and abstract), the whole query at once (fzf is not incremental), output piped back "
        "and counted; fzf uses every core.",
        "",
    ]
    limited = [(s.n, list(dict.fromkeys(r.query for r in s.fzf))) for s in run.sizes]
    limited = [(n, ran) for n, ran in limited if ran and len(ran) < len(run.queries)]
    if limited:
        intro += [
            "Fuzzy queries take seconds each at 100k papers, so these sizes ran only some "
            "queries (the same ones in both modes):",
            "",
            *[f"- {count(n)}: " + ", ".join(f"`{q}`" for q in ran) for n, ran in limited],
            "",
        ]
    return intro + _table(header, rows)


def _per_query_section(run: BenchRun) -> list[str]:
    size = run.sizes[-1]
    app_by_query: dict[str, list[float]] = {}
    if size.app is not None:
        app_by_query = dict(zip(size.app.queries, size.app.painted_ms, strict=True))

    def fzf(query: str, mode: str) -> str:
        hit = next((r for r in size.fzf if r.query == query and r.mode == mode), None)
        return "–" if hit is None else f"{secs(hit.seconds)} ({count(hit.matches)})"

    rows = []
    for query, keys, found in zip(run.queries, size.search_ms, size.found, strict=True):
        painted = app_by_query.get(query.text)
        rows.append(
            [
                f"`{query.text}`",
                query.kind,
                str(len(keys)),
                ms(pct(keys, 95)),
                ms(max(keys)),
                ms(pct(painted, 95)) if painted else "–",
                count(found),
                fzf(query.text, "exact"),
                fzf(query.text, "fuzzy"),
            ]
        )
    header = [
        "Query",
        "Kind",
        "Keys",
        "Search p95",
        "Search max",
        "App repainted p95",
        "Matches",
        "fzf -e (matches)",
        "fzf fuzzy (matches)",
    ]
    intro = [f"## Per query at {count(size.n)} papers", ""]
    return intro + _table(header, rows)


def _notes(run: BenchRun) -> list[str]:
    if not run.notes:
        return []
    return ["## Notes", "", *[f"- {note}" for note in run.notes], ""]


SECTIONS: tuple[Callable[[BenchRun], list[str]], ...] = (
    _header,
    _targets,
    _parse_section,
    _search_section,
    _scan_section,
    _app_section,
    _terminal_section,
    _fzf_section,
    _per_query_section,
    _notes,
)


def render(run: BenchRun) -> str:
    """The whole RESULTS.md."""
    lines = [line for section in SECTIONS for line in section(run)]
    return "\n".join(lines).rstrip("\n") + "\n"
