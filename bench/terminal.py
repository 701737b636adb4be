"""Run a command in a real pseudo-terminal: time its first paint, read its peak memory.

The command gets a 120x40 pty as stdin, stdout and stderr (TERM=xterm-256color), and its output
is read as it comes, so it never blocks on a full pty buffer. It is killed on the way out.
Linux only (`/proc`).
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter, sleep
from types import TracebackType

COLUMNS, LINES = 120, 40
READ_CHUNK = 1 << 16
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def terminal_env(base: Mapping[str, str], home: Path) -> dict[str, str]:
    """`base` with a 120x40 xterm, papershelf's data in `home`, and no Textual dev settings."""
    env = {k: v for k, v in base.items() if not k.startswith("TEXTUAL")}
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLUMNS),
        LINES=str(LINES),
        PAPERSHELF_HOME=str(home),
    )
    return env


class PtyProcess:
    """`argv` running in a fresh pty; use as a context manager (the process is killed after)."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str]) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.output = bytearray()
        self.started = 0.0
        self._master = -1
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def __enter__(self) -> PtyProcess:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self._master = master
        self.started = perf_counter()
        try:
            self._proc = subprocess.Popen(
                self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=self.env,
                start_new_session=True,
            )
        finally:
            os.close(slave)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGKILL)
            self._proc.wait()
        os.close(self._master)

    def _read(self, timeout: float) -> bytes | None:
        """Output that arrived within `timeout` (b"" if none); None once the process has exited."""
        ready, _, _ = select.select([self._master], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            chunk = os.read(self._master, READ_CHUNK)
        except OSError:  # EIO: every writer of the pty has gone
            return None
        self.output += chunk
        return chunk if chunk else None

    def wait_for(self, marker: bytes, timeout: float) -> float:
        """Seconds from the start of the process until `marker` appears in its output."""
        deadline = self.started + timeout
        while marker not in self.output[-(READ_CHUNK + len(marker)) :]:
            now = perf_counter()
            if now > deadline:
                raise TimeoutError(f"{marker!r} not shown within {timeout:.0f} s: {self.tail()}")
            if self._read(deadline - now) is None:
                raise RuntimeError(f"{self.argv[0]} exited before {marker!r}: {self.tail()}")
        return perf_counter() - self.started

    def drain(self, seconds: float) -> None:
        """Keep reading output for `seconds` (so the process never blocks writing)."""
        end = perf_counter() + seconds
        while (left := end - perf_counter()) > 0:
            if self._read(left) is None:
                sleep(left)

    def tail(self, size: int = 300) -> str:
        return bytes(self.output[-size:]).decode("utf-8", "replace")


def first_paint(argv: Sequence[str], marker: str, env: Mapping[str, str], timeout: float) -> float:
    """Seconds from spawning `argv` until `marker` is drawn on its terminal."""
    with PtyProcess(argv, env) as proc:
        return proc.wait_for(marker.encode(), timeout)


@dataclass(frozen=True)
class PeakMemory:
    """Peak resident memory of a process once it had settled after its first paint."""

    peak_bytes: int
    first_paint_s: float
    settled_s: float
    """Seconds from the first paint until memory and CPU time had stopped growing."""
    settled: bool
    """False if it was still growing when the bound ran out (the figure is then a floor)."""
    cpu_after_paint_s: float
    """CPU time used from the first paint on: about an index build, or something went wrong."""


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def peak_memory(
    argv: Sequence[str],
    marker: str,
    env: Mapping[str, str],
    *,
    timeout: float,
    quiet_s: float = 2.0,
    bound_s: float = 60.0,
    poll_s: float = 0.2,
) -> PeakMemory:
    """VmHWM of `argv` after its first paint, once quiet: for `quiet_s` the high-water mark has
    not moved and it used under a tenth of a core (the index worker has finished)."""
    with PtyProcess(argv, env) as proc:
        painted = proc.wait_for(marker.encode(), timeout)
        start, cpu_at_paint = perf_counter(), _cpu_seconds(proc.pid)
        samples: list[tuple[float, int, float]] = []  # (time, VmHWM KiB, CPU seconds)
        while True:
            proc.drain(poll_s)
            now = perf_counter()
            samples.append((now, _status_kib(proc.pid, "VmHWM"), _cpu_seconds(proc.pid)))
            window = [s for s in samples if s[0] >= now - quiet_s]
            span = now - samples[0][0]
            if span >= quiet_s and window[0][0] <= now - quiet_s + poll_s:
                grew = window[-1][1] != window[0][1]
                busy = window[-1][2] - window[0][2] > 0.1 * (window[-1][0] - window[0][0])
                if not grew and not busy:
                    return _peak(samples, painted, start, cpu_at_paint, settled=True)
            if now - start > bound_s:
                return _peak(samples, painted, start, cpu_at_paint, settled=False)


def _peak(
    samples: list[tuple[float, int, float]],
    painted: float,
    start: float,
    cpu_at_paint: float,
    *,
    settled: bool,
) -> PeakMemory:
    now, hwm_kib, cpu = samples[-1]
    return PeakMemory(hwm_kib * 1024, painted, now - start, settled, cpu - cpu_at_paint)
