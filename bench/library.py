"""The library, the everyday path: import, open, reopen, type at first paint, `list --query`.

    python bench/library.py [--n 100000] [--runs 3] [--small 10000] [--write]

What it does, with `PAPERSHELF_HOME` a fresh temporary directory for each size:

1. generates the digest (and its one-line-per-paper form for fzf) with bench/generate.py,
   cached under bench/out/;
2. `papershelf import DIGEST` (timed, once);
3. opens the library `--runs` times in fresh subprocesses (`PapershelfApp(sources=[])` under
   `run_test(size=(120, 40))`, headless): the first-open runs delete the saved index
   (index-cache/) before each run, the reopen runs keep it. Each child is timed from just
   before the parent spawns it: to the first rows of the list painted, and to the
   full-quality answer of "shadowy activaton", posted as Key events ("/" then each
   character) the moment the first rows are on screen. Full quality: the search index is in
   (`app.session.index is not None`), every key handled (`keys_pending == 0`), the filter
   holds the typed text and the list shows its answer (`filter_query.raw == typed`). The
   count shown is checked against `papershelf list --query ... | wc -l`;
4. `--runs` times: imports 100 more (new) papers (timed) and reopens once;
5. `papershelf list --query Q` on the library vs `fzf -e --filter Q` and `fzf --filter Q`
   over the same papers (one line per paper: title and abstract);
6. the reference: an empty Textual app (bench/empty_app.py) under the same `run_test`.

Peak RSS is the child's `VmHWM` (its `ru_maxrss` where there is no /proc). With `--write`,
the section "Library (the everyday path)" at the top of bench/RESULTS.md is replaced (or
inserted); the JSON of every figure is written to bench/out/library-N.json either way.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
QUERY = "shadowy activaton"
LIST_QUERIES = (QUERY, "lora")
YEAR = 2025
SIZE = (120, 40)
TIMEOUT_S = 300.0
EXTRA = 100
SECTION = "## Library (the everyday path)"

# -- the child: one app session --------------------------------------------------------------


def _rss_mb() -> float:
    """This process's peak RSS. `VmHWM` where there is /proc: `ru_maxrss` also counts the
    pages the child inherited from the parent at fork (Linux keeps that high-water mark
    across exec), so a parent that had just captured fzf's 100k output lines made every
    later child read as big as the parent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def _poll(condition: Any, what: str, start: float) -> None:
    while not condition():
        if time.time() - start > TIMEOUT_S:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


async def child_library(t0: float) -> dict[str, Any]:
    from textual import events

    sys.path.insert(0, str(BENCH))
    from measure_app import key_event
    from papershelf.ui.app import PapershelfApp

    app = PapershelfApp(sources=[], year=YEAR)
    out: dict[str, Any] = {}
    async with app.run_test(size=SIZE):
        out["run_test_entered_s"] = time.time() - t0

        def has_rows() -> bool:
            try:
                return bool(app.main.paper_list.papers)
            except Exception:
                return False

        await _poll(has_rows, "the first rows", t0)
        await app.screen.wait_for_refresh()
        out["first_paint_s"] = time.time() - t0
        out["first_rows"] = len(app.main.paper_list.papers)
        out["loaded_at_first_paint"] = app.main.loaded
        app.post_message(events.Key("slash", "/"))
        for character in QUERY:
            app.post_message(key_event(character))
        timeline: dict[str, float] = {}

        def full() -> bool:
            now = time.time() - t0
            if app.main.loaded and "loaded_s" not in timeline:
                timeline["loaded_s"] = now
            if app.session.index is not None and "index_s" not in timeline:
                timeline["index_s"] = now
            return (
                app.session.index is not None
                and app.keys_pending == 0
                and app.main.paper_list.filter_query.raw == QUERY
            )

        await _poll(full, "the full-quality answer", t0)
        await app.screen.wait_for_refresh()
        out["full_answer_s"] = time.time() - t0
        out.update(timeline)
        out["filter_value"] = app.main.filter_input.value
        out["shown"] = len(app.main.paper_list.order)
        out["title"] = str(app.main.paper_list.border_title)
        out["papers"] = len(app.session.papers)
    out["peak_rss_mb"] = _rss_mb()
    return out


async def child_empty(t0: float) -> dict[str, Any]:
    sys.path.insert(0, str(BENCH))
    from textual.widgets import Static

    from empty_app import EmptyApp

    app = EmptyApp()
    async with app.run_test(size=SIZE):
        await _poll(lambda: bool(app.screen.query(Static)), "the static", t0)
        await app.screen.wait_for_refresh()
        paint = time.time() - t0
    return {"first_paint_s": paint, "peak_rss_mb": _rss_mb()}


# -- the parent ------------------------------------------------------------------------------


def papershelf() -> list[str]:
    script = Path(sys.executable).parent / "papershelf"
    return [str(script)] if script.exists() else ["papershelf"]


def spawn_child(kind: str, home: Path) -> dict[str, Any]:
    env = {**os.environ, "PAPERSHELF_HOME": str(home)}
    t0 = time.time()
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--t0", repr(t0)],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S + 60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {kind} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_cli(argv: list[str], home: Path) -> tuple[float, str]:
    env = {**os.environ, "PAPERSHELF_HOME": str(home)}
    start = time.perf_counter()
    done = subprocess.run(
        [*papershelf(), *argv], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"papershelf {argv} failed: {done.stderr[-2000:]}")
    return elapsed, done.stdout


def run_fzf(lines: Path, query: str, exact: bool) -> tuple[float, int]:
    argv = ["fzf", *(["-e"] if exact else []), "--filter", query]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FZF_")}
    with lines.open("rb") as source:
        start = time.perf_counter()
        done = subprocess.run(argv, stdin=source, capture_output=True, env=env, check=False)
        elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"fzf failed: {done.stderr[-500:]!r}")
    return elapsed, done.stdout.count(b"\n")


def corpus(n: int) -> tuple[Path, Path]:
    sys.path.insert(0, str(BENCH))
    from run import corpus as make

    return make(OUT, n, 0)


def extra_digest(k: int) -> Path:
    """100 papers that are not in the library: seed 1000+k, the planted real papers left out."""
    sys.path.insert(0, str(BENCH))
    from generate import _digest_chunks, _write, needle_positions, papers

    path = OUT / f"extra-{EXTRA}-seed{1000 + k}.txt"
    if not path.exists():
        total = EXTRA + 10
        skip = set(needle_positions(total))
        rows = [row for i, row in enumerate(papers(total, 1000 + k)) if i not in skip][:EXTRA]
        _write(path, _digest_chunks(rows))
    return path


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def med(values: list[float]) -> float:
    return statistics.median(values)


def measure(n: int, runs: int, fzf_runs: int) -> dict[str, Any]:
    digest, lines = corpus(n)
    res: dict[str, Any] = {"n": n, "runs": runs}
    with tempfile.TemporaryDirectory(prefix="papershelf-lib-") as tmp:
        home = Path(tmp)
        import_s, text = run_cli(["import", "--offline", "--year", str(YEAR), str(digest)], home)
        res["import_s"] = import_s
        res["import_out"] = text.strip()
        res["db_mb"] = dir_mb(home)
        cache = home / "index-cache"
        res["empty"] = []
        res["first"], res["reopen"], res["after_import"] = [], [], []
        for _ in range(runs):
            res["empty"].append(spawn_child("empty", home))
            shutil.rmtree(cache, ignore_errors=True)
            res["first"].append(spawn_child("library", home))
        res["index_mb"] = dir_mb(cache) if cache.exists() else 0.0
        for _ in range(runs):
            res["reopen"].append(spawn_child("library", home))
        # The CLI's answer to the same query, on the same library (saved index in place).
        _, text = run_cli(["list", "--query", QUERY], home)
        res["cli_count"] = text.count("\n")
        # list --query vs fzf over the same papers.
        res["list"] = {}
        for q in LIST_QUERIES:
            row: dict[str, list[float]] = {"list": [], "fzf_e": [], "fzf": []}
            counts: dict[str, int] = {}
            for _ in range(fzf_runs):
                s, text = run_cli(["list", "--query", q], home)
                row["list"].append(s)
                counts["list"] = text.count("\n")
                s, c = run_fzf(lines, q, True)
                row["fzf_e"].append(s)
                counts["fzf_e"] = c
                s, c = run_fzf(lines, q, False)
                row["fzf"].append(s)
                counts["fzf"] = c
            res["list"][q] = {"times": row, "counts": counts}
        res["extra_import"] = []
        for k in range(runs):
            argv = ["import", "--offline", "--year", str(YEAR), str(extra_digest(k))]
            s, text = run_cli(argv, home)
            res["extra_import"].append({"s": s, "out": text.strip()})
            res["after_import"].append(spawn_child("library", home))
        _, text = run_cli(["list", "--query", QUERY], home)
        res["cli_count_after"] = text.count("\n")
    return res


# -- the report ------------------------------------------------------------------------------


def fmt_s(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def status(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def summarize(res: dict[str, Any]) -> dict[str, float]:
    def m(group: str, key: str) -> float:
        return med([r[key] for r in res[group]])

    lq = res["list"][QUERY]["times"]
    return {
        "empty_paint": m("empty", "first_paint_s"),
        "first_paint_first": m("first", "first_paint_s"),
        "first_paint_reopen": m("reopen", "first_paint_s"),
        "full_first": m("first", "full_answer_s"),
        "full_reopen": m("reopen", "full_answer_s"),
        "full_after": m("after_import", "full_answer_s"),
        "paint_after": m("after_import", "first_paint_s"),
        "loaded_reopen": m("reopen", "loaded_s"),
        "index_reopen": m("reopen", "index_s"),
        "rss": max(r["peak_rss_mb"] for g in ("first", "reopen", "after_import") for r in res[g]),
        "rss_reopen": m("reopen", "peak_rss_mb"),
        "empty_rss": m("empty", "peak_rss_mb"),
        "import": res["import_s"],
        "import_extra": med([r["s"] for r in res["extra_import"]]),
        "list": med(lq["list"]),
        "fzf_e": med(lq["fzf_e"]),
        "fzf": med(lq["fzf"]),
        "db_mb": res["db_mb"],
        "index_mb": res["index_mb"],
    }


def wrong_answers(res: dict[str, Any]) -> tuple[int, int]:
    """(sessions whose filter or count is wrong, sessions)."""
    bad = total = 0
    for group, want in (
        ("first", "cli_count"),
        ("reopen", "cli_count"),
        ("after_import", "cli_count_after"),
    ):
        for r in res[group]:
            total += 1
            if r["filter_value"] != QUERY or (group != "after_import" and r["shown"] != res[want]):
                bad += 1
    # After each +100 import the library grows; only the last session matches the final CLI.
    last = res["after_import"][-1]
    if last["shown"] != res["cli_count_after"]:
        bad += 1
    return bad, total


def table(res: dict[str, Any]) -> list[str]:
    s = summarize(res)
    n = res["n"]
    e = s["empty_paint"]
    bad, total = wrong_answers(res)
    rows = [
        (
            "Import the digest into an empty library",
            fmt_s(s["import"]),
            "report",
            f"{n:,} papers; {res['db_mb']:.0f} MB on disk",
            "–",
            "reported",
        ),
        (
            f"Import {EXTRA} more papers into the library",
            fmt_s(s["import_extra"]),
            "≤ 1.0 s",
            "–",
            "–",
            status(s["import_extra"] <= 1.0),
        ),
        (
            "Open to first paint, first open (no saved index)",
            fmt_s(s["first_paint_first"]),
            "≤ 0.6 s",
            f"empty Textual app {fmt_s(e)}",
            f"{s['first_paint_first'] / e:.1f}×",
            status(s["first_paint_first"] <= 0.6),
        ),
        (
            "Open to first paint, reopen (index saved)",
            fmt_s(s["first_paint_reopen"]),
            "≤ 0.6 s",
            f"empty Textual app {fmt_s(e)}",
            f"{s['first_paint_reopen'] / e:.1f}×",
            status(s["first_paint_reopen"] <= 0.6),
        ),
        (
            "Open to full-quality answer of a query typed at first paint, first open",
            fmt_s(s["full_first"]),
            "report",
            f"empty Textual app {fmt_s(e)}",
            f"{s['full_first'] / e:.1f}×",
            "reported",
        ),
        (
            "Open to full-quality answer of a query typed at first paint, reopen",
            fmt_s(s["full_reopen"]),
            "≤ 1.5 s",
            f"empty Textual app {fmt_s(e)}",
            f"{s['full_reopen'] / e:.1f}×",
            status(s["full_reopen"] <= 1.5),
        ),
        (
            f"Same, reopen after importing {EXTRA} more papers",
            fmt_s(s["full_after"]),
            "≤ 1.5 s",
            f"empty Textual app {fmt_s(e)}",
            f"{s['full_after'] / e:.1f}×",
            status(s["full_after"] <= 1.5),
        ),
        (
            f'`list --query "{QUERY}"` on the library',
            fmt_s(s["list"]),
            "≤ 0.3× fzf -e",
            f"fzf -e {fmt_s(s['fzf_e'])}, fzf {fmt_s(s['fzf'])}",
            f"{s['list'] / s['fzf_e']:.2f}× of fzf -e",
            status(s["list"] <= 0.3 * s["fzf_e"]),
        ),
        (
            "Peak RSS (max over every app session)",
            f"{s['rss']:.0f} MB",
            "≤ 350 MB",
            f"empty Textual app {s['empty_rss']:.0f} MB",
            f"{s['rss'] / s['empty_rss']:.1f}×",
            status(s["rss"] <= 350),
        ),
        (
            "Keystrokes lost or answered wrongly while loading",
            f"{bad} of {total + 1} checks",
            "0",
            f"`list --query` count {res['cli_count']}",
            "–",
            status(bad == 0),
        ),
    ]
    out = [
        "| Figure | Measured (median) | Target | Reference (same run) | Ratio | Status |",
        "|---|---|---|---|---|---|",
    ]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def detail(res: dict[str, Any]) -> list[str]:
    out = [
        "| Session | Runs | First rows painted | Whole list loaded | Index in | "
        "Full-quality answer | Shown | Peak RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    names = {
        "first": "first open (index-cache/ deleted)",
        "reopen": "reopen (index saved)",
        "after_import": f"reopen after +{EXTRA} papers",
        "empty": "empty Textual app",
    }
    for g in ("empty", "first", "reopen", "after_import"):
        rs = res[g]

        def m(key: str, rs: list[dict[str, Any]] = rs) -> str:
            vals = [r[key] for r in rs if key in r]
            return fmt_s(med(vals)) if vals else "–"

        shown = ", ".join(str(r["shown"]) for r in rs) if "shown" in rs[0] else "–"
        out.append(
            f"| {names[g]} | {len(rs)} | {m('first_paint_s')} | {m('loaded_s')} | "
            f"{m('index_s')} | {m('full_answer_s')} | {shown} | "
            f"{med([r['peak_rss_mb'] for r in rs]):.0f} MB |"
        )
    return out


def list_table(res: dict[str, Any]) -> list[str]:
    out = [
        "| Query | `list --query` | fzf -e --filter | fzf --filter | list / fzf -e | "
        "Lines (list / fzf -e / fzf) |",
        "|---|---|---|---|---|---|",
    ]
    for q, d in res["list"].items():
        t, c = d["times"], d["counts"]
        out.append(
            f"| `{q}` | {fmt_s(med(t['list']))} | {fmt_s(med(t['fzf_e']))} | "
            f"{fmt_s(med(t['fzf']))} | {med(t['list']) / med(t['fzf_e']):.2f}× | "
            f"{c['list']} / {c['fzf_e']} / {c['fzf']} |"
        )
    return out


def extrapolate(small: dict[str, Any], big: dict[str, Any]) -> list[str]:
    a, b = summarize(small), summarize(big)
    na, nb, target = small["n"], big["n"], 1_000_000

    def at_1m(key: str) -> tuple[float, float]:
        slope = (b[key] - a[key]) / (nb - na)
        return slope, b[key] + slope * (target - nb)

    keys = [
        ("first_paint_reopen", "open to first paint (reopen)", "s", 0.6),
        ("full_reopen", "open to full-quality answer (reopen)", "s", 1.5),
        ("full_after", "same after +100 papers", "s", 1.5),
        ("import", "import of the whole digest", "s", None),
        ("list", "`list --query`", "s", None),
        ("rss", "peak RSS", "MB", 350),
        ("db_mb", "database on disk", "MB", None),
        ("index_mb", "saved index on disk", "MB", None),
    ]
    out = [
        f"| Figure | {na:,} | {nb:,} | Per paper (slope) | 1M (linear) | Target |",
        "|---|---|---|---|---|---|",
    ]
    over: list[tuple[float, str]] = []
    for key, label, unit, tgt in keys:
        slope, v = at_1m(key)
        if unit == "s":
            cells = (fmt_s(a[key]), fmt_s(b[key]), f"{slope * 1e6:.1f} µs", fmt_s(v))
        else:
            cells = (
                f"{a[key]:.0f} MB",
                f"{b[key]:.0f} MB",
                f"{slope * 1e3:.2f} kB",
                f"{v:,.0f} MB",
            )
        tgt_txt = "–" if tgt is None else (f"≤ {tgt} s" if unit == "s" else f"≤ {tgt} MB")
        out.append(f"| {label} | " + " | ".join(cells) + f" | {tgt_txt} |")
        if tgt is not None:
            over.append((v / tgt, label))
    fzf_slope = (b["fzf_e"] - a["fzf_e"]) / (nb - na)
    out.append(
        f"| fzf -e (reference) | {fmt_s(a['fzf_e'])} | {fmt_s(b['fzf_e'])} | "
        f"{fzf_slope * 1e6:.1f} µs | {fmt_s(b['fzf_e'] + fzf_slope * (target - nb))} | – |"
    )
    over.sort(reverse=True)
    out.append("")
    out.append(
        "Worst ratio to target at 1M (linear): "
        + ", ".join(f"{label} {ratio:.1f}×" for ratio, label in over)
        + "."
    )
    return out


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def section(
    results: list[dict[str, Any]], argv: list[str], took: float, load_before: str, load_after: str
) -> str:
    big = results[-1]
    lines = [
        SECTION,
        "",
        f"_Written by `python bench/library.py {' '.join(argv)}` (took {took / 60:.1f} min); "
        "rerun it to refresh this section._",
        "",
        f"- **Date:** {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Load average (1, 5, 15 min):** {load_before} at the start, {load_after} at the "
        f"end; {os.cpu_count()} cores, shared with other engineers' test runs",
        f"- **Python:** {platform.python_implementation()} {platform.python_version()}",
        f"- **Code:** git {_git()}",
        f"- **Library:** `papershelf import` of `bench/generate.py` seed 0 into a fresh "
        f"`PAPERSHELF_HOME`; +{EXTRA} papers: seed 1000+k, the planted real papers left out",
        "",
        "Each app session is a fresh subprocess (`PapershelfApp(sources=[])` under "
        "`run_test(size=(120, 40))`), timed from just before the parent spawns it. *First "
        "paint*: the list holds its first rows and the screen has refreshed. *Full-quality "
        f"answer*: `/` and `{QUERY}` are posted as Key events the moment the first rows are "
        "on screen; done when the index is in (`app.session.index is not None`), "
        "`keys_pending == 0`, `filter_query.raw` equals the typed text, and the screen has "
        "refreshed. The count shown is checked against `papershelf list --query`. Figures "
        f"are medians of {big['runs']} runs; the reference is measured in the same run.",
        "",
        f"### Targets ({big['n']:,} papers)",
        "",
        *table(big),
        "",
        "### App sessions (medians)",
        "",
        *detail(big),
        "",
        "### `list --query` vs fzf over the same papers (title and abstract, one line each)",
        "",
        *list_table(big),
        "",
    ]
    if len(results) > 1:
        lines += [
            f"### Toward 1M papers: per-paper costs at {results[0]['n']:,} and {big['n']:,}",
            "",
            *extrapolate(results[0], big),
            "",
            "<!-- 1M -->",
            "",
        ]
    return "\n".join(lines)


def _git() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def write_results(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8")
    if SECTION in old:
        head, rest = old.split(SECTION, 1)
        # The section runs until the next second-level heading.
        after = rest.split("\n## ", 1)
        tail = "\n## " + after[1] if len(after) > 1 else ""
        RESULTS.write_text(head + text.rstrip() + "\n" + tail, encoding="utf-8")
        return
    first = old.find("\n## ")
    if first < 0:
        RESULTS.write_text(old.rstrip() + "\n\n" + text, encoding="utf-8")
    else:
        RESULTS.write_text(old[: first + 1] + text.rstrip() + "\n" + old[first:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument(
        "--small",
        type=int,
        default=10_000,
        help="the second size for the per-paper slopes (0: skip)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--child", choices=("library", "empty"), help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    parser.add_argument(
        "--report",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="render the section from saved bench/out/library-N.json files",
    )
    args = parser.parse_args(argv)
    if args.report:
        saved = [json.loads(p.read_text()) for p in args.report]
        text = section(saved, argv, 0.0, loadavg(), loadavg())
        print(text)
        if args.write:
            write_results(text)
        return 0
    if args.child:
        run = child_library if args.child == "library" else child_empty
        print(json.dumps(asyncio.run(run(args.t0))))
        return 0
    start = time.perf_counter()
    load_before = loadavg()
    sizes = [s for s in (args.small, args.n) if s and s < args.n] + [args.n]
    results = []
    for n in sizes:
        print(f"[{n:,} papers]", file=sys.stderr, flush=True)
        res = measure(n, args.runs, args.runs)
        OUT.mkdir(exist_ok=True)
        (OUT / f"library-{n}.json").write_text(json.dumps(res, indent=1))
        results.append(res)
    text = section(results, argv, time.perf_counter() - start, load_before, loadavg())
    print(text)
    if args.write:
        write_results(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
