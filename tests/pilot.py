"""Helpers for driving the app with Textual's Pilot."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from assistant.ui.chat import ChatScreen


async def choose_flow(pilot: Pilot, flow_title: str) -> None:
    """On the home screen, choose the flow called `flow_title` (Enter on it)."""
    flows = pilot.app.screen.query_one("#flows", OptionList)
    flows.focus()
    flows.highlighted = next(
        i
        for i in range(flows.option_count)
        if str(flows.get_option_at_index(i).prompt).strip() == flow_title
    )
    await pilot.press("enter")
    await pilot.pause()


async def start_flow(pilot: Pilot, flow_title: str) -> ChatScreen:
    """From the home screen, start the flow called `flow_title` for the chosen case."""
    await choose_flow(pilot, flow_title)
    from assistant.ui.child import Handover

    if isinstance(pilot.app.screen, Handover):  # a child's flow: the worker hands over first
        await pilot.press("enter")
        await pilot.pause()
    assert isinstance(pilot.app.screen, ChatScreen)
    return pilot.app.screen


async def fill(pilot: Pilot, text: str) -> None:
    """Put `text` in the focused input and send it (typing key by key is slow in Pilot)."""
    widget = pilot.app.focused
    if isinstance(widget, TextArea):
        widget.load_text(text)
    else:
        widget.value = text
    await pilot.press("enter")
    await pilot.pause()


async def wait_until(pilot: Pilot, ready, seconds: float = 3.0) -> None:
    """Wait for work done in a thread (flows loading, what is due) to show, then settle."""
    import asyncio

    for _ in range(int(seconds / 0.01)):
        if ready():
            break
        await asyncio.sleep(0.01)
    await pilot.pause()
