"""`in_daemon_thread`: the result or the error comes back; cancelling stops the wait at once."""

from __future__ import annotations

import asyncio
import threading

import pytest

from papershelf.ui.background import in_daemon_thread


async def test_the_result_and_the_error_come_back() -> None:
    assert await in_daemon_thread(lambda cancelled: threading.current_thread().daemon, "t") is True
    with pytest.raises(ZeroDivisionError):
        await in_daemon_thread(lambda cancelled: 1 // 0, "t")


async def test_cancelling_the_wait_does_not_wait_for_the_thread_and_sets_cancelled() -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    saw_cancelled: list[bool] = []

    def work(cancelled: threading.Event) -> None:
        started.set()
        release.wait(timeout=30)
        saw_cancelled.append(cancelled.is_set())
        finished.set()

    task = asyncio.create_task(in_daemon_thread(work, "blocked"))
    assert await asyncio.to_thread(started.wait, 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not finished.is_set(), "the wait ended while the thread was still blocked"
    release.set()
    assert await asyncio.to_thread(finished.wait, 30)
    assert saw_cancelled == [True]
