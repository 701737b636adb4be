"""Keys handed on one at a time, so a key that moves focus decides where the next one goes.

Textual forwards each key to whatever is focused the moment the App reads it, without waiting
for the previous key to finish. Typed in one burst (a paste into the terminal, tmux
send-keys, or any typing while the UI thread is busy for a moment), `/shadowy` then reaches
the list as `/`, `s`, `h`, `a`, `d`, `o`, ... before `/` has moved focus to the filter: the
letters run as commands and the filter stays empty. The same race reorders an Input's bound
keys (backspace) against the characters typed after them (Textual issue #6605).

`OrderedKeysApp` keeps keys (and pastes) in a queue and forwards the next one only when the
previous one has been handled all the way up the DOM: a `KeyHandled` marker is posted to the
same widget right behind the key, bubbles the same path, and reaches the App after the key
did. A watchdog lets the queue move on if a marker is lost (its widget was removed).
"""

from __future__ import annotations

from collections import deque
from typing import TypeVar

from textual import events, on
from textual.app import App
from textual.message import Message
from textual.timer import Timer

ReturnType = TypeVar("ReturnType")

WATCHDOG_S = 2.0
"""How long a key may stay in flight before the queue moves on without its marker."""


class KeyHandled(Message):
    """Follows a forwarded key up the DOM; when it reaches the App, the key is done."""


class OrderedKeysApp(App[ReturnType]):
    """An App that forwards keys and pastes strictly one after the other."""

    def __init__(self) -> None:
        super().__init__()
        self._input_queue: deque[events.Key | events.Paste] = deque()
        self._in_flight: KeyHandled | None = None
        self._watchdog: Timer | None = None

    @property
    def keys_pending(self) -> int:
        """Keys and pastes received but not yet handled (0 when the app is caught up)."""
        return len(self._input_queue) + (self._in_flight is not None)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and self._exit:
            return  # shutting down: input left over has nowhere to go
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._input_queue.append(event)
            await self._forward_next()
            return
        await super().on_event(event)

    async def _forward_next(self) -> None:
        while self._in_flight is None and self._input_queue and self._running_screen():
            # The event stays counted in `_input_queue` until it is in flight or done: a
            # priority binding may await, and `keys_pending` must not read 0 meanwhile.
            event = self._input_queue[0]
            handled_here = False
            if isinstance(event, events.Key):
                self.app_focus = True
                if (
                    self.screen.maximized is not None
                    and event.key == "escape"
                    and self.escape_to_minimize
                ):
                    self.screen.minimize()
                    handled_here = True
                else:
                    handled_here = await self._check_bindings(event.key, priority=True)
            if not handled_here:
                target = self.focused or self.screen
                marker = KeyHandled()
                target._forward_event(event)
                if target.post_message(marker):
                    self._in_flight = marker
                    self._watchdog = self.set_timer(WATCHDOG_S, self._release)
            self._input_queue.popleft()

    @on(events.Ready)
    async def _keys_typed_before_ready(self) -> None:
        await self._forward_next()

    def _running_screen(self) -> bool:
        """False while the app starts or shuts down: keys wait (or are dropped with it)."""
        return bool(self.screen_stack) and not self._exit

    async def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if message is self._in_flight:
            await self._release()

    async def _release(self) -> None:
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None
        self._in_flight = None
        await self._forward_next()
