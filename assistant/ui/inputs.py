"""The answer input docked under the conversation, one widget per question kind.

Every input posts `Submitted(value)`; the chat screen checks the value against
the step (the step's own `check`) and shows any error. Every input can also
`put` an earlier answer back, ready to edit; those holding words give what is
unsent as a `draft` and take one back (`restore`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from assistant.flows.steps import (
    SCALE_MAX,
    SCALE_MIN,
)
from assistant.ui.paste import as_pasted


class Submitted(Message):
    """An answer the practitioner sent (not yet checked)."""

    def __init__(self, sender: Widget, value: Any) -> None:
        super().__init__()
        self.sender = sender
        self.value = value


class Edited(Message):
    """Something unsent changed that is not typed words (a status chosen): a draft."""


class _NumberedOptions(OptionList):
    """Options numbered from 1; pressing an option's number acts on it (`_number`)."""

    DEFAULT_CSS = "_NumberedOptions { height: auto; max-height: 12; }"

    def __init__(self, options: list[tuple[str, str]], **kwargs: Any) -> None:
        self.choices = options
        super().__init__(
            *(Option(self._prompt(i), id=v) for i, (v, _) in enumerate(options)), **kwargs
        )

    def _prompt(self, index: int) -> Text:
        return Text(f"{index + 1}. {self.choices[index][1]}")

    def on_mount(self) -> None:
        self.highlighted = 0

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.choices):
                event.stop()
                self.highlighted = index
                self._number(index)

    def _number(self, index: int) -> None:
        raise NotImplementedError


class ChoiceInput(_NumberedOptions):
    """One option: a number key, or Enter on the highlighted one, chooses."""

    def _number(self, index: int) -> None:
        self.post_message(Submitted(self, self.choices[index][0]))

    def put(self, value: Any) -> None:
        """Highlight an earlier answer, so Enter keeps it."""
        values = [v for v, _ in self.choices]
        if value in values:
            self.highlighted = values.index(value)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(Submitted(self, event.option.id))


class MultiInput(_NumberedOptions):
    """Tick any number of options: space or the option's number ticks, Enter sends.

    A ticked option reads "[x]" and an unticked one "[ ]", so the state never
    rests on colour alone. Ticking none is a valid answer.
    """

    BINDINGS = [
        Binding("space", "tick", "Tick", id="multi.tick", tooltip="Tick or untick the option"),
        Binding("enter", "send", "Send", id="multi.send", tooltip="Send the ticked options"),
    ]

    def __init__(self, options: list[tuple[str, str]], **kwargs: Any) -> None:
        self.ticked: set[str] = set()
        super().__init__(options, **kwargs)

    def _prompt(self, index: int) -> Text:
        value, label = self.choices[index]
        box = "[x]" if value in self.ticked else "[ ]"
        return Text(f"{box} {index + 1}. {label}")

    def _number(self, index: int) -> None:
        self.ticked ^= {self.choices[index][0]}
        self.replace_option_prompt_at_index(index, self._prompt(index))

    def action_tick(self) -> None:
        if self.highlighted is not None:
            self._number(self.highlighted)

    def put(self, value: Any) -> None:
        """Tick the options of an earlier answer."""
        self.ticked = set(value or ()) & {v for v, _ in self.choices}
        for index in range(len(self.choices)):
            self.replace_option_prompt_at_index(index, self._prompt(index))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._number(event.option_index)

    def action_send(self) -> None:
        self.post_message(Submitted(self, [v for v, _ in self.choices if v in self.ticked]))


class ScaleInput(Static, can_focus=True):
    """A 0–10 scale: arrows or a digit move, Enter sends. The chosen number is bracketed."""

    DEFAULT_CSS = "ScaleInput { height: auto; padding: 0 1; }"
    BINDINGS = [
        Binding("left", "move(-1)", "Lower", show=False),
        Binding("right", "move(1)", "Higher", show=False),
        Binding("home", "set(0)", "Lowest", show=False),
        Binding("end", "set(10)", "Highest", show=False),
        Binding("enter", "send", "Send", id="scale.send", tooltip="Send the chosen number"),
    ]

    def __init__(self, min_label: str | None, max_label: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.value = 5
        self.min_label = min_label or "lowest"
        self.max_label = max_label or "highest"

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        marks = Text()
        for n in range(SCALE_MIN, SCALE_MAX + 1):
            if n == self.value:
                marks.append(f"[{n}]", style="bold reverse")
            else:
                marks.append(f" {n} ")
        marks.append(f"\n{SCALE_MIN} = {self.min_label} · {SCALE_MAX} = {self.max_label}")
        marks.append(f"\nChosen: {self.value}  (← → or a digit, Enter sends)")
        self.update(marks)

    def action_move(self, delta: int) -> None:
        self.action_set(self.value + delta)

    def action_set(self, value: int) -> None:
        self.value = max(SCALE_MIN, min(SCALE_MAX, value))
        self._show()

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            event.stop()
            self.action_set(int(event.character))

    def action_send(self) -> None:
        self.post_message(Submitted(self, self.value))

    def put(self, value: Any) -> None:
        if isinstance(value, int):
            self.action_set(value)


class LineInput(Input):
    """One line of words: a paste keeps its control characters as symbols."""

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of Input's own, which inserts them raw
        event.stop()
        lines = as_pasted(event.text).split("\n")
        if lines[0]:
            self.replace(lines[0], *self.selection)

    def put(self, value: Any) -> None:
        self.value = str(value or "")
        self.cursor_position = len(self.value)

    def draft(self) -> str:
        return self.value

    def restore(self, draft: str) -> None:
        self.put(draft)


class DateInput(LineInput):
    """A date typed as YYYY-MM-DD; Enter sends and the step checks it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(placeholder="YYYY-MM-DD, e.g. 2026-03-01", max_length=10, **kwargs)

    @on(Input.Submitted)
    def _sent(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(Submitted(self, event.value))


class TextInput(TextArea):
    """Free text over several lines: Enter sends, ctrl+n starts a new line."""

    DEFAULT_CSS = "TextInput { height: 6; }"
    BINDINGS = [
        Binding("ctrl+n", "newline", "New line", id="text.newline", tooltip="Start a new line"),
    ]

    def __init__(self, placeholder: str | None = None, **kwargs: Any) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, tab_behavior="focus", **kwargs)
        if placeholder:
            self.placeholder = placeholder

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(Submitted(self, self.text))
            return
        if event.key == "shift+enter":
            event.stop()
            event.prevent_default()
            self.action_newline()
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        """A paste goes in whole, exactly as it came: new lines kept, control
        characters shown as symbols (ESC as ␛), nothing reordered or dropped."""
        event.prevent_default()  # instead of TextArea's own, which inserts them raw
        event.stop()
        if not self.read_only:
            result = self.replace(as_pasted(event.text), *self.selection)
            self.move_cursor(result.end_location)

    def action_newline(self) -> None:
        self.insert("\n")

    def put(self, value: Any) -> None:
        """Words to edit (an earlier answer, a draft), with the cursor at their end."""
        self.load_text(str(value or ""))
        self.move_cursor(self.document.end)

    def draft(self) -> str:
        return self.text

    def restore(self, draft: str) -> None:
        self.put(draft)
