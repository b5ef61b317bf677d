"""Figures measured from inside a fresh process (used by run.py and caseload.py).

`python benchmarks/first_screen.py app DB` opens Reunify's home screen headless;
`... bare` opens a minimal Textual app that imports the same libraries. Each
prints the seconds from interpreter start to the first screen painted.

`... cli DB` starts Reunify as `reunify --db DB` does (the store opened, the
automatic backup if one is due, the app), headless at 120x40, and prints JSON:
seconds from the process's launch (`REUNIFY_BENCH_LAUNCHED`, the launcher's
`time.time()`) to the first screen painted and to the home screen's due list
shown (`#due` no longer "Working out what is due…"), then quits.

`... audit|answer|case-screen|save DB REF` time one step on one (long) case in
the app, driven by Pilot, or in the store, and print JSON (milliseconds).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
WORKING = "Working out what is due"


def painted(app) -> None:
    print(f"{time.perf_counter() - STARTED:.4f}", flush=True)
    app.exit()


def bare() -> None:
    import markdown_it  # noqa: F401
    import pydantic  # noqa: F401
    import tinydb  # noqa: F401
    from textual.app import App
    from textual.widgets import Footer, Header, OptionList

    class Bare(App):
        def compose(self):
            yield Header()
            yield OptionList("one", "two", "three")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(painted, self)

    Bare().run(headless=True, size=(120, 40))


def app(db: str) -> None:
    from pathlib import Path

    from assistant.records.store import Store
    from assistant.ui.app import create_app
    from assistant.ui.home import HomeScreen

    store = Store(Path(db))
    reunify = create_app(store, lazy=True)  # as `reunify` starts it

    original = HomeScreen.on_mount

    def on_mount(self) -> None:
        original(self)
        reunify.call_after_refresh(painted, reunify)

    HomeScreen.on_mount = on_mount
    reunify.run(headless=True, size=(120, 40))


# -- as `reunify` starts ---------------------------------------------------------
def plain(widget: Any) -> str:
    """The words a Static shows."""
    content = getattr(widget, "content", None)
    if content is None:
        content = widget.render()
    return str(getattr(content, "plain", content))


def cli(db: str) -> None:
    from textual.app import App

    from assistant.commands.main import main
    from assistant.ui.home import HomeScreen
    from assistant.ui.home_due import DueSoon

    launched = float(os.environ.get("REUNIFY_BENCH_LAUNCHED") or time.time())
    marks: dict[str, Any] = {}
    run = App.run

    def headless(self: App, *args: Any, **kwargs: Any) -> Any:
        kwargs.update(headless=True, size=(120, 40))
        return run(self, *args, **kwargs)

    def first_paint(screen: Any) -> None:
        if "first_paint_s" in marks:
            return
        marks["first_paint_s"] = time.time() - launched
        print(json.dumps(marks), flush=True)  # kept if the home screen never gets ready
        due_shown(screen)  # what is due may have been shown already

    def due_shown(screen: Any) -> None:
        if "home_ready_s" in marks or "due" in marks:
            return
        try:
            words = plain(screen.query_one("#due"))
        except Exception:  # not mounted (yet), or another screen on top
            return
        if WORKING not in words:
            marks["due"] = " ".join(words.split())[:100]
            screen.app.call_after_refresh(ready, screen)

    def ready(screen: Any) -> None:
        marks["home_ready_s"] = time.time() - launched
        screen.app.exit()

    original = HomeScreen.on_mount

    def on_mount(self: Any) -> Any:
        done = original(self)  # a coroutine, if the screen's own is async: Textual awaits it
        self.app.call_after_refresh(first_paint, self)
        return done

    # told when the due list has been updated, not polled: polling every few ms
    # took the interpreter from the thread working it out, slowing what it measured
    settled = DueSoon._next

    def next_(self: Any) -> None:
        settled(self)
        if "first_paint_s" in marks:
            due_shown(self.screen)

    App.run = headless  # type: ignore[method-assign]
    HomeScreen.on_mount = on_mount  # type: ignore[method-assign]
    DueSoon._next = next_  # type: ignore[method-assign]
    code = main(["--db", db])
    print(json.dumps({**marks, "exit": code}), flush=True)


# -- one long case ------------------------------------------------------------------
def busy(app: Any, node: Any) -> bool:
    """Whether a worker of `node` (or of a widget in it) is still at work."""
    for worker in list(app.workers):
        if worker.is_finished:
            continue
        owner = worker.node
        while owner is not None and owner is not node:
            owner = owner.parent
        if owner is node:
            return True
    return False


async def settle(app: Any, ready: Callable[[], bool], timeout: float = 600) -> None:
    """Wait until `ready()` holds and the screen's workers are done, then a paint."""
    deadline = time.perf_counter() + timeout
    while not (ready() and not busy(app, app.screen)):
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not settle")
        await asyncio.sleep(0.001)
    painted = asyncio.Event()
    app.call_after_refresh(painted.set)
    await painted.wait()


def peak_mb() -> float | None:
    """This process's peak memory so far (None where it cannot be read)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def case_shown(app: Any) -> bool:
    screen = app.screen
    if type(screen).__name__ != "CaseScreen":
        return False
    try:
        return bool(screen.query_one("#case-sessions").option_count) and bool(
            plain(screen.query_one("#case-classification")).strip()
        )
    except Exception:  # laid out another way: the screen itself is enough
        return True


async def open_case(app: Any, pilot: Any) -> float:
    """Seconds from opening the case (as Enter on it does) to its screen painted."""
    await settle(app, lambda: type(app.screen).__name__ == "HomeScreen")
    started = time.perf_counter()
    await app.screen.run_action("open_case")
    await settle(app, lambda: case_shown(app))
    return time.perf_counter() - started


async def audit(db: str, ref: str, runs: int = 3) -> dict[str, Any]:
    """The audit screen opened from the case screen (`a`), at 80x24."""
    from assistant.records.store import Store
    from assistant.ui.app import create_app

    app = create_app(Store(Path(db)), select=ref)
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot)
        before = peak_mb()
        for _ in range(runs):
            started = time.perf_counter()
            await pilot.press("a")
            await settle(app, lambda: "Audit" in type(app.screen).__name__)
            times.append(time.perf_counter() - started)
            await pilot.press("escape")
            await settle(app, lambda: type(app.screen).__name__ == "CaseScreen")
        after = peak_mb()
    grew = None if before is None or after is None else round(after - before, 1)
    return {"audit_open_s": statistics.median(times), "first_s": times[0], "grew_mb": grew}


async def case_screen(db: str, ref: str, runs: int = 5) -> dict[str, Any]:
    """The case screen opened from the home screen, back and again, at 120x40."""
    from assistant.records.store import Store
    from assistant.ui.app import create_app

    app = create_app(Store(Path(db)), select=ref)
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(runs):
            times.append(await open_case(app, pilot))
            await pilot.press("escape")
    return {"case_screen_ms": statistics.median(times) * 1000, "first_ms": times[0] * 1000}


def factor_answer(step: Any) -> Any:
    """An answer the factors flow takes: every domain, every factor ticked."""
    if step.id == "parent":
        return "father"
    if step.kind == "multi":
        return step.answer_values()
    if step.kind == "factor":
        status = "present" if step.protective else "being_addressed"
        return {"status": status, "note": "Seen on two visits; reduces the main risk."}
    if step.kind in ("choice", "yes_no_unknown"):
        return step.answer_values()[0]
    return "Noted in the session."


async def answers(db: str, ref: str, factors: int = 25) -> dict[str, Any]:
    """Milliseconds from a factor answer sent to the next question painted, in a new
    factors session about a parent of the case (120x40)."""
    from textual.widgets import OptionList

    from assistant.records.store import Store
    from assistant.ui.app import create_app
    from assistant.ui.inputs import Submitted
    from assistant.ui.log import ConversationLog

    app = create_app(Store(Path(db)), select=ref)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        flows = app.screen.query_one("#flows", OptionList)
        flows.focus()
        flows.highlighted = next(
            i
            for i in range(flows.option_count)
            if flows.get_option_at_index(i).id == "future-harm-factors"
        )
        await pilot.press("enter")
        await pilot.pause()
        chat: Any = app.screen
        log = chat.query_one(ConversationLog)
        while chat.session.current is not None and len(times) < factors:
            step = chat.session.current
            widget = chat._input
            asked = log.turn_count
            painted = asyncio.Event()
            started = time.perf_counter()
            widget.post_message(Submitted(widget, factor_answer(step)))
            while log.turn_count < asked + 2 or chat._input is widget or not chat._input.is_mounted:
                await asyncio.sleep(0.0005)
            app.call_after_refresh(painted.set)
            await painted.wait()
            if step.kind == "factor":
                times.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.005)  # let timers (draft, clock) settle between answers
    return {"answer_to_next_ms": statistics.median(times), "factor_answers": len(times)}


def save(db: str, ref: str, runs: int = 50) -> dict[str, Any]:
    """Milliseconds to keep one more answer in the case (`Store.record`, synced)."""
    from assistant.flows.runner import AnswerEvent
    from assistant.records.store import Store

    store = Store(Path(db))
    session = store.sessions(ref)[0].id
    times = []
    for i in range(runs):
        event = AnswerEvent("neglect", {"status": "absent", "note": f"Seen, visit {i}"}, False)
        started = time.perf_counter()
        store.record(ref, session, event)
        times.append((time.perf_counter() - started) * 1000)
    return {"save_ms": statistics.median(times), "saves": runs}


MEASURES: dict[str, Callable[[str, str], Any]] = {
    "audit": audit,
    "answer": answers,
    "case-screen": case_screen,
    "save": save,
}


def measure(name: str, db: str, ref: str) -> None:
    """Take one measure (its name in MEASURES) and print its figures as JSON."""
    found = MEASURES[name](db, ref)
    figures: dict[str, Any] = asyncio.run(found) if asyncio.iscoroutine(found) else found
    print(json.dumps({**figures, "peak_mb": peak_mb()}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    elif sys.argv[1] == "app":
        app(sys.argv[2])
    elif sys.argv[1] == "cli":
        cli(sys.argv[2])
    else:
        measure(sys.argv[1], sys.argv[2], sys.argv[3])
