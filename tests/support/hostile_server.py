"""A loopback HTTP server that misbehaves on cue: endless, trickling, redirecting, escaping.

`test_fetch.py`'s hub answers well-formed replies; this one scripts the raw response, so a test
can send what a hostile or broken server sends: a body that never ends, one byte every few
milliseconds (headers or body), a redirect to another host, escape sequences in the reason
phrase, the `Location` or the JSON error body, and 429/503 with `Retry-After`.

Each request takes the next queued `Behaviour` (then `default`); `stop` is set at teardown so
every endless writer ends with the test.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Behaviour = Callable[[BaseHTTPRequestHandler, threading.Event], None]


@dataclass
class HostileServer:
    url: str = ""
    default: Behaviour | None = None
    queued: deque[Behaviour] = field(default_factory=deque)
    paths: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def then(self, *behaviours: Behaviour) -> HostileServer:
        self.queued.extend(behaviours)
        return self


def reply(
    data: Any = None,
    *,
    status: int = 200,
    reason: str | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Behaviour:
    """A complete response: `data` as JSON (or raw `body`), any status, reason and headers."""
    payload = body if body is not None else json.dumps(data).encode()

    def send(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        handler.send_response(status, reason)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    return send


def endless(chunk: bytes = b"[" + b" " * 65535) -> Behaviour:
    """200 with no length, then `chunk` again and again until the client hangs up."""

    def send(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        while not stop.is_set():
            handler.wfile.write(chunk)

    return send


def trickle(body: bytes, every: float = 0.005, *, headers_too: bool = False) -> Behaviour:
    """`body` one byte every `every` seconds; with `headers_too` the status line and headers
    trickle as well (a client must give up on its own deadline, not on a read timeout)."""

    def send(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n".encode()
        head += b"X-Padding: " + b"a" * 10_000 + b"\r\n\r\n" if headers_too else b"\r\n"
        if headers_too:
            data = head + body
        else:
            handler.wfile.write(head)
            handler.wfile.flush()
            data = body
        for at in range(len(data)):
            if stop.wait(every):
                return
            handler.wfile.write(data[at : at + 1])
            handler.wfile.flush()

    return send


def redirect(location: str, status: int = 302) -> Behaviour:
    return reply(body=b"", status=status, headers={"Location": location})


def _handler(server: HostileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            server.paths.append(self.path)
            behaviour = server.queued.popleft() if server.queued else server.default
            self.close_connection = True
            if behaviour is None:
                self.send_error(404)
                return
            with contextlib.suppress(OSError):  # the client gave up, as it should
                behaviour(self, server.stop)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextlib.contextmanager
def serving() -> Iterator[HostileServer]:
    state = HostileServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def elapsed(since: float) -> float:
    return time.monotonic() - since
