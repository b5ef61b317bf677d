"""Every screen and dialog at 80×24 (issue 17): what a user sees there.

Each control reached with tab is in sight when it has focus (not under the
footer, not off the side); every key of a screen shows in its footer; nothing
is cut short or wrapped twice. The pictures are in tests/test_snapshots.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.errors import NoWidget
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static

from assistant.casework.decisions import make_decision
from assistant.casework.demo import DEMO_REF, write_demo
from assistant.casework.rounds import conferring_text, make_rating, open_round, rate, rounds
from assistant.records.events import AnswerEvent
from assistant.records.store import Store
from assistant.ui.app import create_app
from tests.conftest import FIXTURES

SMALL = (80, 24)
ROWS = {
    "risk_factors": "high",
    "protective_factors": "medium",
    "capacity_to_change": "high",
    "wishes": "medium",
}


@pytest.fixture
def quick_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The small test flows (quick inputs, the visit plan): pictures that do not change
    with the shipped flows."""
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "feeding"))


def demo(tmp_path: Path, decisions: bool = False) -> Store:
    store = Store(tmp_path / "db")
    write_demo(store)
    session = store.start_session(DEMO_REF, "quick-inputs", "Quick inputs (test)")
    store.record(DEMO_REF, session.id, AnswerEvent("legal", "care_order"))
    if decisions:
        long = "Drinking is being addressed but the change has lasted four months, not six. " * 2
        store.record_decision(DEMO_REF, make_decision("high", long, None))
    return store


def in_sight(widget: Widget) -> bool:
    """The widget is drawn where the user can see it: on the screen, on top there
    (not under the footer or another widget), and not scrolled out of its container."""
    region = widget.region
    if not region or region.right > widget.screen.size.width:
        return False
    x, y = region.x + region.width // 2, region.y + min(region.height - 1, 1)
    try:
        found, _ = widget.screen.get_widget_at(x, y)
    except NoWidget:
        return False
    return found is widget or widget in found.ancestors


def seen(widget: Widget) -> str:
    """The text a widget draws in the room it has."""
    return "\n".join(s.text for s in widget.render_lines(Region(0, 0, *widget.size)))


async def tab_through(pilot, count: int) -> list[str]:
    """Tab `count` times; each control that has focus must be in sight. Returns their ids."""
    reached = []
    for _ in range(count):
        await pilot.press("tab")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        focused = pilot.app.focused
        assert focused is not None
        assert in_sight(focused), f"{focused!r} has focus out of sight"
        reached.append(str(focused.id))
    return reached


# -- the case screen, its footer and its dialogs -----------------------------------


async def test_the_case_screen_its_footer_timeline_and_export_at_80_by_24(
    tmp_path: Path, quick_flows: None
) -> None:
    """Every key of the case screen shows in its footer ('t Timelin' was the last thing
    shown: e was never seen). The timeline was laid out for 80 columns and wrapped
    again by a narrower dialog, leaving single orphan words. The export dialog's Save
    was off the screen."""
    from textual.widgets._footer import FooterKey

    from assistant.ui.export import ExportScreen
    from assistant.ui.rounds import TimelineScreen

    store = demo(tmp_path, decisions=True)
    async with create_app(store, select=DEMO_REF).run_test(size=SMALL) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        keys = list(screen.query(FooterKey))
        palette = next(k for k in keys if k.has_class("-command-palette"))
        shown = [k for k in keys if not k.has_class("-command-palette")]
        for binding in (b for b in screen.BINDINGS if getattr(b, "show", True)):
            key = next(k for k in shown if k.key == binding.key)
            assert key.region.right <= palette.region.x, f"{binding.key} is cut off"

        await pilot.press("t")
        await pilot.pause()
        await pilot.pause()
        timeline = pilot.app.screen
        assert isinstance(timeline, TimelineScreen)
        text = timeline.query_one("#timeline-text", Static)
        lines = timeline.text.splitlines()
        assert max(len(line) for line in lines) <= text.size.width
        assert len(seen(text).rstrip().splitlines()) == len(lines) + 2  # + "Esc closes."
        reason = [i for i, line in enumerate(lines) if line.lstrip().startswith("reason:")]
        assert lines[reason[0] + 1].startswith("      ")  # continued under the reason

        await pilot.press("escape", "e")
        await pilot.pause()
        export = pilot.app.screen
        assert isinstance(export, ExportScreen)
        export.query_one("#report", Select).value = "assessment"
        await pilot.pause()
        reached = await tab_through(pilot, 5)
        assert {"path", "save"} <= set(reached)
        assert in_sight(export.query_one("#export-status"))


async def test_a_round_shows_nobody_else_s_rating_to_whoever_picks_a_role(
    tmp_path: Path, quick_flows: None
) -> None:
    """Choosing a role that has rated says who has rated and asks for another role:
    nobody's levels, nor Reunify's reading, show. A rating leaves the form empty for
    the next rater. Every control of the round is in sight when it has focus."""
    from textual.widgets import TextArea

    from assistant.ui.rounds import RoundScreen

    store = demo(tmp_path)
    opened = open_round(store, DEMO_REF, {"level": "high", "rows": ROWS})
    rate(store, DEMO_REF, opened.id, make_rating("worker", "AB", ROWS, "severe", "Mine."))
    async with create_app(store, select=DEMO_REF).run_test(size=SMALL) as pilot:
        await pilot.press("enter", "r")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RoundScreen)
        assert "social worker (AB)" in str(screen.query_one("#round-status").render())
        screen.query_one("#role", Select).value = "worker"
        await pilot.pause()
        shown = str(screen.query_one("#confer").render()) + str(
            screen.query_one("#round-error").render()
        )
        assert "already rated" in shown and "team manager or independent reviewer" in shown
        assert not any(level in shown.upper() for level in ("LOW", "MEDIUM", "HIGH", "SEVERE"))
        assert screen.query_one("#role", Select).value is Select.NULL

        screen.query_one("#role", Select).value = "team_manager"
        screen.query_one("#rater", Input).value = "CD"
        for row, level in ROWS.items():
            screen.query_one(f"#row-{row}", Select).value = level
        screen.query_one("#overall", Select).value = "medium"
        screen.query_one("#reasons", TextArea).load_text("On my own.")
        await pilot.pause()
        screen.query_one("#submit").press()
        await pilot.pause()
        assert "SEVERE" in str(screen.query_one("#confer").render())  # now they have rated
        form = ["#role", "#overall", *(f"#row-{row}" for row in ROWS)]
        assert all(screen.query_one(s, Select).value is Select.NULL for s in form)
        assert screen.query_one("#reasons", TextArea).text == ""
        assert screen.query_one("#rater", Input).value == ""
        for name in ("agree", "agreed-reason", "show-all", "reasons", "role"):
            screen.query_one(f"#{name}").focus()  # far down, then back up the dialog
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            assert in_sight(screen.query_one(f"#{name}")), f"#{name} has focus out of sight"
    assert [r.overall for r in rounds(store, DEMO_REF)[0].ratings] == ["severe", "medium"]


def test_three_raters_side_by_side_keep_each_row_on_one_line(tmp_path: Path) -> None:
    """DIFFERS dropped to a line of its own with three raters."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    opened = open_round(store, "C-1", {"level": "high", "rows": ROWS})
    for role, name, overall in [
        ("worker", "AB", "high"),
        ("team_manager", "CD", "medium"),
        ("independent_reviewer", "EF", "severe"),
    ]:
        rate(store, "C-1", opened.id, make_rating(role, name, ROWS, overall, "r"))
    text = conferring_text(rounds(store, "C-1")[0], "worker")
    table = text.split("\n\n")[0].splitlines()[2:]
    assert len(table) == 6  # the heading, four rows and the overall level
    assert all(len(line) <= 70 for line in table)
    assert table[-1].startswith("Overall level") and table[-1].endswith("DIFFERS")
    assert "Capacity to change" in text and "HIGH" in table[3]


# -- the home screen ------------------------------------------------------------------


async def test_a_refused_reference_is_said_in_full_and_lets_go_of_the_keys(
    tmp_path: Path, quick_flows: None
) -> None:
    """The error was cut to "case reference 'NQ 1 Jordan" even on a wide screen, and
    the box kept the keys: the next shortcut letters were typed into it (and became
    a case "cf"). Esc did not leave the box."""
    store = demo(tmp_path)
    async with create_app(store, select=DEMO_REF).run_test(size=(120, 30)) as pilot:
        await pilot.press("n", *"NQ 1 Jordan", "enter")
        await pilot.pause()
        home = pilot.app.screen
        error = home.query_one("#case-error")
        said = " ".join(seen(error).split())
        assert "not the child's name" in said and "n to correct it" in said
        assert isinstance(pilot.app.focused, OptionList) and pilot.app.focused.id == "cases"
        await pilot.press("c", "f")  # the shortcut letters do what they say
        await pilot.pause()
        assert pilot.app.focused is home.query_one("#flow-filter")
        await pilot.press("escape", "n")  # n: back to the reference, to correct it
        await pilot.pause()
        box = home.query_one("#new-case", Input)
        assert pilot.app.focused is box and box.value == "NQ 1 Jordan"
        await pilot.press("escape")  # Esc leaves the box, and what was typed in it
        await pilot.pause()
        assert pilot.app.focused is home.query_one("#cases") and box.value == ""
        assert str(home.query_one("#case-error").render()) == ""
        await pilot.press("n", *"NQ-1", "enter")
        await pilot.pause()
    assert [c.ref for c in store.cases()] == [DEMO_REF, "NQ-1"]


async def test_typing_filters_the_flows_and_enter_starts_one(
    tmp_path: Path, quick_flows: None
) -> None:
    """f, some words of a flow's title or purpose, Enter: a flow in a few keys."""
    from assistant.ui.chat import ChatScreen

    async with create_app(demo(tmp_path), select=DEMO_REF).run_test(size=SMALL) as pilot:
        home = pilot.app.screen
        flows = home.query_one("#flows", OptionList)

        def offered() -> list[str]:
            options = [flows.get_option_at_index(i) for i in range(flows.option_count)]
            return [str(o.prompt).strip() for o in options if not o.disabled]

        everything = offered()
        assert everything[:2] == ["Quick inputs (test)", "Visit plan (test)"]
        await pilot.press("f", *"zz")
        await pilot.pause()
        assert offered() == []
        assert "No flow matches 'zz'" in str(flows.get_option_at_index(0).prompt)
        await pilot.press("enter")  # nothing to start
        await pilot.pause()
        assert pilot.app.screen is home
        await pilot.press("escape")  # clears the filter, back to the list
        await pilot.pause()
        assert pilot.app.focused is flows and offered() == everything
        await pilot.press("f", *"VISIT", "down", "up")
        await pilot.pause()
        assert offered() == ["Visit plan (test)"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChatScreen)
        assert pilot.app.screen.flow.id == "visit-plan"
        await pilot.press("escape")  # back home: every flow, the list (not the filter) focused
        await pilot.pause()
        assert pilot.app.screen is home and pilot.app.focused is flows
        assert home.query_one("#flow-filter", Input).value == "" and offered() == everything
        assert flows.highlighted_option is not None
        assert flows.highlighted_option.id == "visit-plan"


async def test_the_demo_says_on_its_home_screen_that_nothing_is_kept(tmp_path: Path) -> None:
    from assistant.commands.cases import demo_store
    from assistant.ui.home import DEMO_NOTICE

    for store, shown in [(demo_store(tmp_path / "demo"), True), (Store(tmp_path / "db"), False)]:
        write_demo(store)
        async with create_app(store, select=DEMO_REF).run_test(size=SMALL) as pilot:
            notice = pilot.app.screen.query("#demo-notice")
            assert bool(notice) is shown
            if shown:
                assert in_sight(notice.first())
                assert " ".join(seen(notice.first()).split()) == DEMO_NOTICE


# -- the conversation ----------------------------------------------------------------


async def test_the_conversation_has_room_at_80_by_24(tmp_path: Path, quick_flows: None) -> None:
    """About 8 lines of conversation showed: the answer's list had a frame of its own."""
    from tests.pilot import start_flow

    async with create_app(demo(tmp_path), select=DEMO_REF).run_test(size=SMALL) as pilot:
        chat = await start_flow(pilot, "Quick inputs (test)")
        await pilot.pause()
        assert chat.query_one("#log").size.height >= 14  # 13 before: the list had a frame
        assert in_sight(pilot.app.focused)


async def test_a_new_session_opens_at_the_start_of_its_intro(tmp_path: Path) -> None:
    """An intro opened scrolled to its end: its first lines were out of sight."""
    from tests.pilot import start_flow

    async with create_app(demo(tmp_path), select=DEMO_REF).run_test(size=(80, 14)) as pilot:
        chat = await start_flow(pilot, "Check-in before a review")
        await pilot.pause()
        log = chat.query_one("#log")
        assert log.max_scroll_y > 0  # the intro and the question do not fit together here
        assert log.scroll_y == 0


async def test_after_page_up_the_next_question_comes_into_sight(
    tmp_path: Path, quick_flows: None
) -> None:
    from tests.pilot import start_flow

    async with create_app(demo(tmp_path), select=DEMO_REF).run_test(size=SMALL) as pilot:
        chat = await start_flow(pilot, "Quick inputs (test)")
        for key in ("2", "3", "1", "pageup", "pageup", "2"):
            await pilot.press(key)
            await pilot.pause()
        log = chat.query_one("#log")
        assert log.max_scroll_y > 0
        assert log.scroll_y == log.max_scroll_y


async def test_the_answer_s_input_stays_in_sight_when_the_dock_is_short_of_room(
    tmp_path: Path, quick_flows: None
) -> None:
    """The domains list showed 1-4 while 5-7 sat under the keys: when the question's
    words and its input need more room than the dock has, the input stays in sight."""
    from tests.pilot import start_flow

    async with create_app(demo(tmp_path), select=DEMO_REF).run_test(size=(80, 11)) as pilot:
        chat = await start_flow(pilot, "Quick inputs (test)")
        await pilot.press("2")  # to a question with four options
        await pilot.pause()
        await pilot.pause()
        dock = chat.query_one("#dock")
        assert dock.max_scroll_y > 0  # the dock is short of room here
        answer = pilot.app.focused
        assert answer is not None and dock.region.contains_region(answer.region)
