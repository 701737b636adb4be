"""Blocking work the app must be able to walk away from: a fetch stuck on a slow socket.

A thread worker runs in asyncio's default executor, whose threads the interpreter joins at
exit: `q` during a fetch from a server trickling bytes waited for the socket (~125 s). Here
the work runs in a daemon thread and an async worker awaits its result; cancelling the worker
(Textual cancels every worker when the app exits) stops the wait at once and sets `cancelled`,
so the work can skip whatever it would have done next (storing what it fetched).
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

T = TypeVar("T")


async def in_daemon_thread(work: Callable[[threading.Event], T], name: str) -> T:
    """Run `work(cancelled)` in a daemon thread and return its result (or raise its error).

    When the awaiting task is cancelled, `cancelled` is set and the thread is left to end on
    its own; the process does not wait for it.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    cancelled = threading.Event()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def run() -> None:
        try:
            result = work(cancelled)
        except BaseException as exc:  # handed to the awaiting task, never printed by the thread
            error = exc
            _call_soon(loop, lambda: settle(lambda: future.set_exception(error)))
        else:
            _call_soon(loop, lambda: settle(lambda: future.set_result(result)))

    context = contextvars.copy_context()  # the active app, as a worker thread has it
    threading.Thread(target=context.run, args=(run,), name=name, daemon=True).start()
    try:
        return await future
    except asyncio.CancelledError:
        cancelled.set()
        raise


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
    with suppress(RuntimeError):  # the loop is closed: the app is gone, nobody waits
        loop.call_soon_threadsafe(callback)
