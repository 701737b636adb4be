"""CPU time and peak memory of `parse_sources` on a big digest, as typed, wrapped and CRLF.

    python bench/parse.py bench/out/digest-100k.txt [--runs 3] [--variants clean,wrapped,crlf]

The wrapped (72 columns, like an email) and CRLF copies are written next to the digest the
first time and reused. Every figure comes from a fresh interpreter, so one measurement never
warms or fragments the next: CPU is the median of `--runs` parses by `time.process_time()`
(and the first of them, which also pays for fresh memory, as an app's first paint does);
memory is the tracemalloc peak and, in a process without tracemalloc, the growth of the RSS
high-water mark (`ru_maxrss`) over the parse, both also given as a multiple of the file size.
`--src DIR` measures the package under DIR instead (e.g. a copy of an older version).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CPU = """
import statistics, sys, time
from papershelf.parser import parse_sources
times = []
for _ in range({runs}):
    start = time.process_time()
    result = parse_sources([{path!r}])
    times.append(time.process_time() - start)
    count = len(result.papers)
    del result
print(statistics.median(times), times[0], count)
"""

_TRACEMALLOC = """
import tracemalloc
from papershelf.parser import parse_sources
tracemalloc.start()
result = parse_sources([{path!r}])
print(tracemalloc.get_traced_memory()[1])
"""

_RSS = """
import resource, sys
from papershelf.parser import parse_sources
scale = 1 if sys.platform == "darwin" else 1024
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
result = parse_sources([{path!r}])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
print(before, after)
"""


def variant(digest: Path, name: str) -> Path:
    """The digest itself, or its wrapped or CRLF copy (written once, then reused).

    The copy is streamed paragraph by paragraph: a parent grown to the file's size would
    inflate the RSS high-water mark its children report.
    """
    if name == "clean":
        return digest
    if name not in ("wrapped", "crlf"):
        raise SystemExit(f"unknown variant {name!r}")
    path = digest.with_name(f"{digest.stem}.{name}{digest.suffix}")
    if path.exists() and path.stat().st_mtime >= digest.stat().st_mtime:
        return path
    with digest.open(encoding="utf-8", newline="") as src, path.open("w", encoding="utf-8") as out:
        for paragraph in _paragraphs(src):
            if name == "wrapped" and len(paragraph) > 72:
                paragraph = textwrap.fill(paragraph, 72)
            out.write(
                paragraph.replace("\n", "\r\n") + "\r\n" if name == "crlf" else paragraph + "\n"
            )
    return path


def _paragraphs(lines: Iterable[str]) -> Iterator[str]:
    """The lines as they are, but each run of non-blank lines joined into one paragraph."""
    held: list[str] = []
    for line in lines:
        if line.strip():
            held.append(line.rstrip("\n"))
            continue
        if held:
            yield "\n".join(held)
            held = []
        yield ""
    if held:
        yield "\n".join(held)


def run(code: str, src: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def measure(path: Path, src: Path, runs: int) -> dict[str, float]:
    size = path.stat().st_size
    cpu, first, count = run(_CPU.format(path=str(path), runs=runs), src)
    (peak,) = run(_TRACEMALLOC.format(path=str(path)), src)
    before, after = run(_RSS.format(path=str(path)), src)
    mb = 1 << 20
    return {
        "file_mb": round(size / mb, 1),
        "papers": int(count),
        "cpu_s": round(float(cpu), 3),
        "cpu_first_s": round(float(first), 3),
        "tracemalloc_peak_mb": round(int(peak) / mb, 1),
        "tracemalloc_peak_x": round(int(peak) / size, 2),
        "rss_growth_mb": round((int(after) - int(before)) / mb, 1),
        "rss_growth_x": round((int(after) - int(before)) / size, 2),
        "rss_high_water_mb": round(int(after) / mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("digest", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variants", default="clean,wrapped,crlf")
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    results = {
        name: measure(variant(args.digest, name), args.src, args.runs)
        for name in args.variants.split(",")
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
