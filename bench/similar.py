"""Similar papers at scale: time per paper of `similar` at 100k papers (target p95 <= 50 ms).

    python bench/similar.py --n 100000 --write   # ~2 min: the "Similar papers" section
    python bench/similar.py --n 2000             # a quick look, printed only

The papers come from bench/generate.py (seed 0). The reference, measured in the same run, is
a two-word query through `SearchIndex.search`, what one keystroke of the filter costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import papers as generated
from papershelf.model import Paper
from papershelf.search import SearchIndex, parse_query
from papershelf.search.similar import recommend, similar
from report import ms, pct

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION = "## Similar papers"
TARGET_MS = 50.0


def timings(call: Callable[[int], object], docs: Sequence[int]) -> list[float]:
    samples = []
    for doc in docs:
        start = time.perf_counter()
        call(doc)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args(argv)

    load = os.getloadavg()
    papers = [
        Paper(id=str(i), title=title, abstract=abstract)
        for i, (_day, title, abstract) in enumerate(generated(args.n))
    ]
    build_start = time.perf_counter()
    index = SearchIndex.build(papers)
    build = time.perf_counter() - build_start
    rng = random.Random(0)
    docs = [rng.randrange(len(papers)) for _ in range(args.samples)]
    words = [re.findall(r"[a-z]{3,}", p.title.lower())[0] for p in papers[: args.samples]]

    def keystroke(doc: int) -> object:
        return index.search(parse_query(f"{words[doc % len(words)]} model"))

    similar_ms = timings(lambda d: similar(index, papers, d, 10), docs)
    reference_ms = timings(keystroke, range(args.samples))
    liked = docs[:20]
    recommend_ms = timings(lambda _d: recommend(index, papers, liked, (), 20), range(20))

    p95, ref95 = pct(similar_ms, 95), pct(reference_ms, 95)
    code = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    lines = [
        SECTION,
        "",
        f"_Written by `python bench/similar.py --n {args.n} --write`; rerun it to refresh this"
        " section._",
        "",
        f"- **Date:** {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; git {code};"
        f" CPython {platform.python_version()}",
        f"- **Load average at the start:** {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} (2 cores)",
        f"- **Corpus:** bench/generate.py seed 0, {args.n:,} papers; index built in {build:.1f} s",
        "",
        "| Figure | p50 | p95 | Target | Reference p95 (same run) | Ratio | Status |",
        "|---|---|---|---|---|---|---|",
        f"| `similar` (10 papers), {args.samples} random papers | {ms(pct(similar_ms, 50))}"
        f" | {ms(p95)} | p95 ≤ {TARGET_MS:.0f} ms | one filter keystroke {ms(ref95)}"
        f" | {p95 / ref95:.1f}× | {'PASS' if p95 <= TARGET_MS else 'MISS'} |",
        f"| `recommend` (20 papers) from 20 bookmarks, 20 runs | {ms(pct(recommend_ms, 50))}"
        f" | {ms(pct(recommend_ms, 95))} | report | – | – | reported |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        old = RESULTS.read_text(encoding="utf-8")
        if SECTION in old:
            head, rest = old.split(SECTION, 1)
            tail = rest[rest.find("\n## ") :] if "\n## " in rest else ""
            RESULTS.write_text(head + text.rstrip() + "\n" + tail, encoding="utf-8")
        else:
            RESULTS.write_text(old.rstrip() + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
