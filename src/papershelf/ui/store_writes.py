"""The app's store writes: one at a time, in the order made, never on the UI thread.

A write can wait up to the store's busy timeout (another papershelf importing) or fail
(read-only, damaged). The session has already shown the change; this queue runs its write
in a thread worker and posts `WriteDone` or `WriteFailed` back, so the screen confirms it or
takes it back. Writes are drained by one worker at a time, so they reach the store in the
order the keys were pressed; the worker ends when the queue is empty (tests wait for it).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from textual.dom import DOMNode
from textual.message import Message

from papershelf.errors import UserError
from papershelf.writes import Change


@dataclass
class WriteDone(Message, bubble=False):
    """The store recorded `change`."""

    change: Change


@dataclass
class WriteFailed(Message, bubble=False):
    """The store refused `change`; `error` is the one-line reason."""

    change: Change
    error: str


class WriteQueue:
    """Runs the writes of changes in order in a thread worker of `node`, which gets the
    messages."""

    def __init__(self, node: DOMNode) -> None:
        self._node = node
        self._lock = threading.Lock()
        """Guards the queue and `_draining`; held for no disk work, so the UI never waits."""
        self._changes: deque[Change] = deque()
        self._draining = False

    def submit(self, change: Change) -> None:
        """Queue the write of `change` (nothing to do when it has none)."""
        if change.write is None:
            return
        with self._lock:
            self._changes.append(change)
            if self._draining:
                return
            self._draining = True
        self._node.run_worker(
            self._drain, thread=True, group="store", exit_on_error=False, description="store"
        )

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._changes:
                    self._draining = False
                    return
                change = self._changes.popleft()
            self._node.post_message(_run(change))


def _run(change: Change) -> Message:
    assert change.write is not None
    try:
        change.write()
    except UserError as exc:
        return WriteFailed(change, str(exc))
    except Exception as exc:  # a bug must not leave a change shown that was never written
        return WriteFailed(change, f"unexpected {type(exc).__name__}: {exc}")
    return WriteDone(change)
