"""The keys of a conversation: one list for the bindings, the key line, help and palette."""

from __future__ import annotations

from textual.binding import Binding, BindingType

#: The keys of the conversation, always shown (a fixed line: cheaper than a Footer
#: that is rebuilt at every question, and it never changes under the reader).
KEYS_LINE = "F1 help · F2 meaning · F3 why · F4 decide · ^b/^e change · ^o skip · Esc leave"
#: The keys of a child's conversation: no risk keys, and nothing for the worker alone
#: (the way out is on the handover screen).
KEYS_LINE_PLAIN = "Enter sends · ctrl+o skip · ctrl+b go back · F1 help"

CHAT_BINDINGS: list[BindingType] = [
    Binding(
        "ctrl+b",
        "back",
        "Change previous",
        id="chat.back",
        priority=True,
        tooltip="Go back to the previous question to change its answer",
    ),
    Binding(
        "ctrl+e",
        "pick",
        "Change an answer",
        id="chat.pick",
        priority=True,
        tooltip="Choose any earlier answer to change",
    ),
    Binding(
        "ctrl+o",
        "skip",
        "Skip",
        id="chat.skip",
        priority=True,
        tooltip="Skip the current question (optional questions only)",
    ),
    Binding(
        "f2",
        "cards",
        "What does this mean?",
        id="chat.cards",
        priority=True,
        tooltip="Open the content cards for the current question",
    ),
    Binding(
        "f3",
        "why",
        "Why?",
        id="chat.why",
        priority=True,
        tooltip="Why Reunify reads the framework's table this way, with sources",
    ),
    Binding(
        "f4",
        "decide",
        "Decide",
        id="chat.decide",
        priority=True,
        tooltip="Record a decision about the level with the reason (and who agreed it)",
    ),
    Binding(
        "ctrl+x",
        "worker_leave",
        "Leave (worker)",
        id="chat.worker_leave",
        priority=True,
        tooltip="In a child's flow: press twice to leave",
        show=False,
    ),
    Binding(
        "pageup",
        "scroll_log(-1)",
        "Scroll up",
        id="chat.page_up",
        priority=True,
        tooltip="Scroll the conversation up a page",
        show=False,
    ),
    Binding(
        "pagedown",
        "scroll_log(1)",
        "Scroll down",
        id="chat.page_down",
        priority=True,
        tooltip="Scroll the conversation down a page",
        show=False,
    ),
    Binding(
        "ctrl+home",
        "earliest",
        "Earlier turns",
        id="chat.earliest",
        priority=True,
        tooltip="Go to the top of the conversation and show turns folded away",
        show=False,
    ),
    Binding(
        "ctrl+end",
        "latest",
        "Latest turn",
        id="chat.latest",
        priority=True,
        tooltip="Go to the latest turn of the conversation",
        show=False,
    ),
    Binding(
        "escape",
        "leave",
        "Leave",
        id="chat.leave",
        tooltip="Stop changing an answer, or go back to the cases (everything is kept)",
    ),
]
