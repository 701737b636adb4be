"""An overall deadline for HTTP requests that a slow server cannot stretch.

A socket timeout bounds each wait for data, not the whole: a server that sends a byte every few
milliseconds (in its headers or its body) keeps `urllib` reading for as long as it likes. The
handlers here note every connection they open; when the deadline passes, a timer shuts those
sockets down, so whatever read is blocked ends at once and the caller sees `fired`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.request
from collections.abc import Iterator
from functools import cache
from typing import Any

__all__ = ["Watchdog", "watched_handlers"]

_current = threading.local()


class Watchdog:
    """Shuts down the connections opened in this thread within `watching` once time is up."""

    def __init__(self) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def watching(self, seconds: float) -> Iterator[Watchdog]:
        timer = threading.Timer(max(seconds, 0.0), self._fire)
        timer.daemon = True
        previous = getattr(_current, "watchdog", None)
        _current.watchdog = self
        timer.start()
        try:
            yield self
        finally:
            timer.cancel()
            _current.watchdog = previous
            with self._lock:
                self._sockets.clear()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            if self.fired:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown even for TLS: the blocked read ends with an error or EOF,
    # and the TLS object, still in use by that read, is left alone.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@cache
def _watched(base: type[Any]) -> type[Any]:
    """`base` (an `http.client` connection class) that reports its socket once connected."""

    class Watched(base):  # type: ignore[misc]
        def connect(self) -> None:
            super().connect()
            watchdog = getattr(_current, "watchdog", None)
            if watchdog is not None and self.sock is not None:
                watchdog.add(self.sock)

    return Watched


class _WatchedOpen(urllib.request.AbstractHTTPHandler):
    def do_open(self, http_class: Any, req: Any, **http_conn_args: Any) -> Any:
        watched: Any = _watched(http_class)
        return super().do_open(watched, req, **http_conn_args)


class _HTTPHandler(_WatchedOpen, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_WatchedOpen, urllib.request.HTTPSHandler):
    pass


def watched_handlers() -> list[urllib.request.BaseHandler]:
    """Handlers for `build_opener` in place of the standard http and https ones."""
    return [_HTTPHandler(), _HTTPSHandler()]
