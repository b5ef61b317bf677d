"""Pasted text arrives whole, in order, and is shown as it was.

Textual's input parser reads a bracketed paste one character at a time. An
escape character inside the paste (text copied from another program can hold
one) starts what the parser takes for a key sequence: the characters after it
are sent as key presses at once, and the rest of the paste only later, so the
words land out of order (and a space or Enter among them acts as a key). Here
each paste is cut out of the terminal's input before that parser sees it and
handed on as one `Paste` event holding exactly what was pasted.

Only the POSIX terminal driver is changed (`paste_keeping_driver`); on Windows,
or when `TEXTUAL_DRIVER` names another driver (the team server), Textual's own
is used.
"""

from __future__ import annotations

import os
import selectors
import sys
import time
from codecs import getincrementaldecoder
from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual import constants, events
from textual.message import Message

from assistant.text import printable

if TYPE_CHECKING:
    from textual._xterm_parser import XTermParser
    from textual.driver import Driver

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
#: Seconds a possible start of a paste marker, cut at the end of a read, waits for
#: the rest before it is handed on as it is.
HOLD_SECONDS = 0.05
#: Seconds without input after which a paste whose end never came is taken as it is.
PASTE_QUIET_SECONDS = 2.0


def as_pasted(text: str) -> str:
    """Pasted text as an answer keeps it: line ends made one kind (a terminal sends
    a carriage return for each), every other control character shown as a symbol
    (ESC as ␛), nothing dropped or moved."""
    return printable(text.replace("\r\n", "\n").replace("\r", "\n"))


def _marker_begun(data: str, marker: str) -> int:
    """How many characters at the end of `data` could begin `marker` (0 if none)."""
    for size in range(min(len(marker) - 1, len(data)), 0, -1):
        if marker.startswith(data[-size:]):
            return size
    return 0


class PasteKeepingParser:
    """Textual's parser for the terminal's input, with every bracketed paste taken
    out whole first. `feed` and `tick` are what the driver calls."""

    def __init__(self, inner: XTermParser) -> None:
        self.inner = inner
        self._paste: list[str] | None = None  # inside a paste: what has come so far
        self._held = ""  # the end of a read that may begin a marker
        self._last = 0.0

    def feed(self, data: str) -> Iterator[Message]:
        if not data:  # the end of the input
            if self._paste is not None:
                yield self._pasted(self._held)
            elif self._held:
                yield from self.inner.feed(self._held)
            self._held = ""
            yield from self.inner.feed("")
            return
        self._last = time.monotonic()
        data, self._held = self._held + data, ""
        while data:
            if self._paste is None:
                at = data.find(PASTE_START)
                if at < 0:
                    keep = _marker_begun(data, PASTE_START)
                    if data == "\x1b":
                        keep = 0  # the Escape key on its own: never kept waiting
                    self._held = data[len(data) - keep :]
                    yield from self._keys(data[: len(data) - keep])
                    return
                yield from self._keys(data[:at])
                self._paste = []
                data = data[at + len(PASTE_START) :]
            else:
                at = data.find(PASTE_END)
                if at < 0:
                    keep = _marker_begun(data, PASTE_END)
                    self._paste.append(data[: len(data) - keep])
                    self._held = data[len(data) - keep :]
                    return
                yield self._pasted(data[:at])
                data = data[at + len(PASTE_END) :]

    def tick(self) -> Iterator[Message]:
        quiet = time.monotonic() - self._last
        if self._paste is None and self._held and quiet >= HOLD_SECONDS:
            held, self._held = self._held, ""
            yield from self.inner.feed(held)
        elif self._paste is not None and quiet >= PASTE_QUIET_SECONDS:
            held, self._held = self._held, ""
            yield self._pasted(held)  # the terminal never said the paste had ended
        yield from self.inner.tick()

    def _keys(self, data: str) -> Iterator[Message]:
        if data:  # an empty feed would tell Textual's parser the input has ended
            yield from self.inner.feed(data)

    def _pasted(self, last: str) -> events.Paste:
        assert self._paste is not None
        text = "".join([*self._paste, last])
        self._paste = None
        return events.Paste(text.replace("\x00", ""))  # stray NULs are not text


def paste_keeping_driver() -> type[Driver] | None:
    """The terminal driver that keeps pastes whole, or None for Textual's choice."""
    if sys.platform == "win32" or constants.DRIVER:
        return None
    from textual._loop import loop_last
    from textual._parser import ParseError
    from textual._xterm_parser import XTermParser
    from textual.drivers.linux_driver import LinuxDriver

    class PasteKeepingDriver(LinuxDriver):
        """Textual's Linux and macOS driver, reading input through `PasteKeepingParser`."""

        def run_input_thread(self) -> None:
            """Textual's own loop (8.2), with the parser swapped."""
            selector = selectors.SelectSelector()
            selector.register(self.fileno, selectors.EVENT_READ)
            parser = PasteKeepingParser(XTermParser(self._debug))
            decode = getincrementaldecoder("utf-8")().decode

            def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool) -> None:
                for last, (_key, mask) in loop_last(ready):
                    if mask & selectors.EVENT_READ:
                        data = decode(os.read(self.fileno, 1024 * 4), final=final and last)
                        if not data:
                            break
                        for event in parser.feed(data):
                            self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)

            try:
                while not self.exit_event.is_set():
                    process(selector.select(0.1), False)
                selector.unregister(self.fileno)
                process(selector.select(0.1), True)
            finally:
                selector.close()
                try:
                    for _event in parser.feed(""):
                        pass
                except (EOFError, ParseError):
                    pass

    return PasteKeepingDriver
