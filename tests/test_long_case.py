"""A case grown old (issue 19): thousands of answer events.

The audit renders only what is in sight and moves through every event with the
keys; classification after an answer, kept for the case and brought up to date
from what was added, is exactly the classification worked out from scratch;
the case screen lists the newest sessions and the rest on asking.
"""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import pytest

from assistant.casework.audit_trail import AuditTrail
from assistant.casework.classification import classify_case
from assistant.flows.loader import default_library
from assistant.flows.runner import FlowSession
from assistant.records.answer_log import chained, log_path, read_log, write_log
from assistant.records.events import AnswerEvent
from assistant.records.store import Store
from tests.long_case import _answer, write_long_case

LIBRARY = default_library()
REF = "LONG-1"
TODAY = date(2026, 3, 2)
EVENTS = 5_000


@pytest.fixture(scope="module")
def long_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case of 5,000 answer events (built once; the tests only read it)."""
    root = tmp_path_factory.mktemp("long") / "db"
    write_long_case(root, REF, EVENTS, library=LIBRARY)
    return root


# -- the audit ----------------------------------------------------------------------
def numbers(shown: str) -> list[int]:
    """The event numbers in sight."""
    return [int(n) for n in re.findall(r"^#(\d+) · ", shown, re.MULTILINE)]


async def test_the_audit_of_a_long_case_renders_only_what_is_in_sight(
    long_case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.ui import audit as audit_module
    from assistant.ui.app import create_app
    from assistant.ui.audit import AuditScreen
    from assistant.ui.audit_list import BlockList

    described: list[str] = []
    real = audit_module.describe

    def counted(*args: object) -> tuple[str, str]:
        described.append(str(args[1]))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(audit_module, "describe", counted)
    async with create_app(Store(long_case), select=REF).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, AuditScreen)
        audit = screen.query_one(BlockList)
        assert pilot.app.focused is audit
        first = audit.shown()
        assert first.startswith(f"Audit of case {REF}: every answer as it was recorded")
        assert numbers(first)[:3] == [1, 2, 3]
        assert len(described) < 40  # the events in sight, not 5,000

        # page by page: each page follows on from the one before, no event left out
        seen = numbers(first)
        page = first
        for _ in range(5):
            await pilot.press("pagedown")
            await pilot.pause()
            following = audit.shown()
            assert following != page
            seen += numbers(following)
            page = following
        assert sorted(set(seen)) == list(range(1, max(seen) + 1))

        await pilot.press("end")
        await pilot.pause()
        last = audit.shown()
        assert numbers(last)[-1] == EVENTS
        assert last.rstrip().endswith("Esc closes.")

        # one line up: the view moves by exactly one line
        await pilot.press("up")
        await pilot.pause()
        up = audit.shown()
        assert up.split("\n")[1:] == last.split("\n")[:-1]

        # a page up from the end ends where the end's view began
        await pilot.press("end", "pageup")
        await pilot.pause()
        above = audit.shown().split("\n")
        await pilot.press("down")
        await pilot.pause()
        assert audit.shown().split("\n")[-1] == last.split("\n")[0]
        assert above[1:] == audit.shown().split("\n")[:-1]

        await pilot.press("home")
        await pilot.pause()
        assert audit.shown() == first
        assert len(described) < 200  # a few screens' worth over the whole walk
        assert not screen.query("Static")  # no widget per event either


def test_heights_find_the_block_at_a_line() -> None:
    from assistant.ui.audit_list import Heights

    heights = Heights([3, 1, 4, 1, 5])
    assert [heights.find(line) for line in (0, 2, 3, 4, 7, 8, 13, 14)] == [
        (0, 0), (0, 2), (1, 0), (2, 0), (2, 3), (3, 0), (4, 4), (5, 0),
    ]  # fmt: skip
    assert [heights.start(i) for i in range(6)] == [0, 3, 4, 8, 9, 14]
    heights.set(1, 6)
    assert heights.total == 19 and heights.start(2) == 9 and heights.find(8) == (1, 5)


def test_the_audit_trail_is_the_stores_audit(long_case: Path, tmp_path: Path) -> None:
    """Built as it is read, the trail holds the same rows in the same order as
    `Store.audit`, also for a log changed by hand (lines moved and repeated)."""
    store = Store(long_case)
    trail = AuditTrail(store, REF)
    assert len(trail) == EVENTS
    assert list(trail) == store.audit(REF)
    assert trail[-1] == store.audit(REF)[-1]
    assert any(row.changed for row in trail)

    small = Store(tmp_path / "db")
    small.create_case("C-1")
    session = small.start_session("C-1", "visit-plan", "Visit plan").id
    for text in ("one", "two", "three", "four"):
        small.record("C-1", session, AnswerEvent("notes", text))
    log = log_path(small.case_path("C-1"))
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(lines[2] + lines[0] + lines[1] + lines[1] + lines[3])
    moved = Store(tmp_path / "db")
    assert moved.log_problem("C-1") is not None
    assert list(AuditTrail(moved, "C-1")) == moved.audit("C-1")


async def test_the_case_screen_lists_the_newest_sessions_and_the_rest_on_asking(
    long_case: Path,
) -> None:
    from textual.widgets import OptionList

    from assistant.ui.app import create_app
    from assistant.ui.case import SESSIONS_SHOWN, CaseScreen

    store = Store(long_case)
    sessions = store.sessions(REF)
    unfinished = sum(not s.finished for s in sessions)
    async with create_app(store, select=REF).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, CaseScreen)
        listing = screen.query_one("#case-sessions", OptionList)
        shown = unfinished + SESSIONS_SHOWN
        assert listing.option_count == shown + 1
        older = len(sessions) - shown
        assert str(listing.get_option_at_index(shown).prompt) == f"Show {older} older sessions"
        listing.highlighted = shown
        await pilot.press("enter")
        await pilot.pause()
        assert listing.option_count == len(sessions)
        assert listing.highlighted == shown


# -- classification after each answer --------------------------------------------------
def same_as_from_scratch(store: Store) -> None:
    kept = classify_case(store, LIBRARY, REF, TODAY)
    fresh = classify_case(store, LIBRARY, REF, TODAY, afresh=True)
    assert kept == fresh
    assert list(kept.inputs.sources.items()) == list(fresh.inputs.sources.items())


class Worker:
    """Answers flows in a case through the store, as the conversation does."""

    def __init__(self, store: Store, rng: random.Random) -> None:
        self.store, self.rng = store, rng
        self.open: dict[str, tuple[FlowSession, str | None]] = {}

    def start(self, flow_id: str, about: str | None = None) -> str:
        flow = LIBRARY.flows[flow_id]
        session = self.store.start_session(REF, flow.id, flow.title).id
        self.open[session] = (FlowSession(flow), about)
        return session

    def answer(self, session: str, count: int = 1, store: Store | None = None) -> None:
        flow_session, about = self.open[session]
        for _ in range(count):
            if flow_session.current is None:
                return
            event = _answer(flow_session, self.rng, about)
            (store or self.store).record(REF, session, event)
            if flow_session.flow.step(event.step).kind == "decision" and not event.skipped:
                self.store.record_decision(REF, event.value)
            same_as_from_scratch(self.store)

    def change(self, session: str) -> None:
        """Change an earlier answer of the session (not whom it is about)."""
        flow_session = self.open[session][0]
        flow = flow_session.flow
        done = {e.step for e in flow_session.history} - {flow.about}
        asked = [s.id for s in flow_session.visible_steps() if s.id in done]
        flow_session.change(self.rng.choice(asked))
        self.answer(session)


def test_classification_after_each_answer_is_the_one_from_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long scripted sequence on a case with history: after every answer the kept
    classification equals the one worked out from the whole case, and the kept one
    was brought up to date, not worked out again (until the log is replaced)."""
    from assistant.casework import fed_state

    made: list[object] = []

    class Counted(fed_state.FedState):
        def __init__(self, library: object) -> None:
            made.append(self)
            super().__init__(library)  # type: ignore[arg-type]

    monkeypatch.setattr(fed_state, "FedState", Counted)
    store = write_long_case(tmp_path / "db", REF, 400, seed=7, library=LIBRARY)
    decided = len(store.decisions(REF))
    same_as_from_scratch(store)
    worker = Worker(store, random.Random(19))

    for _ in range(3):
        mother = worker.start("future-harm-factors", "mother")
        worker.answer(mother, 25)
        father = worker.start("future-harm-factors", "father")
        worker.answer(father, 20)
        worker.change(mother)  # an earlier answer changed, in a session no longer the newest
        worker.answer(mother, 10)
        again = worker.start("future-harm-factors", "mother")  # a newer assessment of her
        worker.answer(again, 30)
        worker.change(again)
        worker.change(father)
        capacity = worker.start("capacity-to-change", "father")
        worker.answer(capacity, 15)
        check_in = worker.start("pre-review-check-in")
        worker.answer(check_in, 15)  # skips the optional questions now and then
        classifying = worker.start("risk-classification")
        worker.answer(classifying, 20)  # a decision is kept with the case
        profile = worker.start("case-profile")
        worker.answer(profile, 12)
        child = worker.start("future-harm-factors", "child")
        worker.answer(child, 20)

    # another window on the same database adds answers: they are taken in too
    other = Store(tmp_path / "db", user="worker")
    worker.answer(father, 5, store=other)
    worker.answer(again, 5)

    # a session of a flow this library does not have: kept, not read, named
    gone = store.start_session(REF, "a-flow-since-removed", "Gone")
    store.record(REF, gone.id, AnswerEvent("q", "kept"))
    same_as_from_scratch(store)
    assert classify_case(store, LIBRARY, REF, TODAY).unread_flows == ["a-flow-since-removed"]

    assert len(made) == 1  # one state, followed answer by answer
    added = read_log(log_path(store.case_path(REF)))[400:]
    assert len(added) > 150
    assert any(row["skipped"] for row in added)
    assert len(store.decisions(REF)) > decided

    # the log replaced whole (as a restore does), one answer shorter: worked out afresh
    log = log_path(store.case_path(REF))
    rows = read_log(log)[:-1]
    write_log(log, chained([{k: v for k, v in r.items() if k != "prev"} for r in rows], REF))
    same_as_from_scratch(store)
    worker.answer(again, 5)
    same_as_from_scratch(Store(tmp_path / "db"))
    assert len(made) == 2
