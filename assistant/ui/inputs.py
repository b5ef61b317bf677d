"""The answer input docked under the conversation, one widget per question kind.

Every input posts `Submitted(value)`; the chat screen checks the value against
the step (the step's own `check`) and shows any error. Every input can also
`put` an earlier answer back, ready to edit; those holding words give what is
unsent as a `draft` and take one back (`restore`).
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from assistant.flows.steps import (
    A_STRENGTH,
    AGREED_WITH_MAX,
    FACTOR_STATUS_LABELS,
    SCALE_MAX,
    SCALE_MIN,
    YES_NO_UNKNOWN,
)
from assistant.risk.factors import FACTORS_BY_ID
from assistant.ui.levels import LEVEL_LOOK, level_label
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


class ChoiceWithNote(Horizontal):
    """A choice, then a note: a number (or Enter) chooses and moves to the note; Enter sends.

    Sends `{key: choice, "note" or note_key: text, **extra}` as one answer. What
    was chosen shows in words above the note until the answer is sent (shift+tab
    goes back to change it).
    """

    DEFAULT_CSS = """
    ChoiceWithNote { height: auto; }
    ChoiceWithNote > ChoiceInput { width: 1fr; }
    ChoiceWithNote > Vertical { width: 1fr; height: auto; }
    ChoiceWithNote TextInput { height: 5; }
    ChoiceWithNote #note-prompt { color: $text-muted; }
    """

    def __init__(
        self,
        options: list[tuple[str, str]],
        key: str,
        note_key: str,
        prompts: dict[str, str],
        extra: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.options = options
        self.key = key
        self.note_key = note_key
        self.prompts = prompts
        self.extra = extra or {}
        self.chosen: str | None = None

    def compose(self) -> ComposeResult:
        # side by side, so that both fit above the keys at 80×24
        yield ChoiceInput(self.options, id="choice")
        with Vertical():
            yield Static(self.prompts.get("", ""), id="note-prompt", markup=False)
            yield TextInput(id="note")

    def focus(self, scroll_visible: bool = True) -> ChoiceWithNote:
        self.call_after_refresh(self._focus_part)
        return self

    def _focus_part(self) -> None:
        """The note once something is chosen (an earlier answer, a draft), else the choice."""
        self.query_one("#note" if self.chosen is not None else "#choice").focus()

    def put(self, value: Any) -> None:
        """An earlier answer (or a draft of one) back in the input: the choice made and
        the words, ready to edit."""
        if not isinstance(value, dict) or value.get(self.key) not in dict(self.options):
            return
        self.query_one("#choice", ChoiceInput).put(value[self.key])
        self._choose(value[self.key])
        self._put_parts(value)
        self.query_one("#note", TextInput).put(value.get(self.note_key) or "")

    def _put_parts(self, value: dict[str, Any]) -> None:
        """The parts a subclass adds, from an earlier answer."""

    def draft(self) -> str:
        """What is unsent: "" when nothing, else the answer so far as JSON."""
        note = self.query_one("#note", TextInput).text
        if self.chosen is None and not note:
            return ""
        return json.dumps({self.key: self.chosen, self.note_key: note, **self._draft_parts()})

    def _draft_parts(self) -> dict[str, Any]:
        return {}

    def restore(self, draft: str) -> None:
        """A draft back; one kept before drafts held the choice is the note alone."""
        try:
            value = json.loads(draft)
        except ValueError:
            value = None
        if not isinstance(value, dict) or self.key not in value:
            self.query_one("#note", TextInput).put(draft)
        elif value[self.key] in dict(self.options):
            self.put(value)
        else:  # words typed before anything was chosen
            self.query_one("#note", TextInput).put(str(value.get(self.note_key) or ""))

    def chosen_words(self) -> str:
        """What was chosen, in words, as it will be kept."""
        return dict(self.options).get(self.chosen or "", "")

    def _say(self, prompt: str, chosen: bool = True) -> None:
        """The chosen answer in words above the note, then what to do next."""
        line = Text()
        if chosen and self.chosen is not None:
            line.append("Chosen: ")
            line.append(self.chosen_words(), style="bold")
            line.append("\n")
        line.append(prompt)
        self.query_one("#note-prompt", Static).update(line)

    def _choose(self, value: str) -> None:
        self.chosen = value
        self._say(self.prompts.get(value, self.prompts.get("", "")))
        self.query_one("#note").focus()
        self.post_message(Edited())

    def _value(self, note: str) -> dict[str, Any] | None:
        """The whole answer, or None (and say why) when a part is missing."""
        return {self.key: self.chosen, self.note_key: note, **self.extra}

    @on(Submitted)
    def _part(self, message: Submitted) -> None:
        if message.sender is self:
            return  # our own answer, on its way up to the screen
        message.stop()
        self._took(message)

    def _took(self, message: Submitted) -> None:
        """A part of the answer was given (subclasses add parts; `@on` handlers
        are not overridden by name, so only this one is decorated)."""
        if message.sender is self.query_one("#choice", ChoiceInput):
            self._choose(message.value)
            return
        self._send(message.value)

    def _send(self, note: str) -> None:
        value = self._value(note)
        if value is not None:
            self.post_message(Submitted(self, value))


#: The choice in a list of risks that means the protective factor reduces none.
NONE_OF_THESE = "none"


class FactorInput(ChoiceWithNote):
    """A factor's status, then the evidence. A protective factor that is present
    also asks which of the case's recorded risks it reduces (several may be
    ticked), or "none of these": a strength, not a protection (Stage 2, strengths
    vs protective factors). The note is evidence, never the link.

    Sends `{"status", "note"}`, and `"mitigates": [risk ids]` for a present
    protective factor (empty for "none of these").
    """

    DEFAULT_CSS = """
    FactorInput #risks { max-height: 8; }
    """

    def __init__(
        self,
        options: list[tuple[str, str]],
        prompts: dict[str, str],
        risks: list[tuple[str, str]] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(options, "status", "note", prompts, **kwargs)
        #: the case's recorded risks as (id, name); None for a risk factor's question
        self.risks = risks
        self.mitigates: list[str] | None = None

    def compose(self) -> ComposeResult:
        # the risks take the note's place until ticked, so that all fit at 80×24
        yield ChoiceInput(self.options, id="choice")
        with Vertical():
            yield Static(self.prompts.get("", ""), id="note-prompt", markup=False)
            if self.risks is not None:
                choices = [*self.risks, (NONE_OF_THESE, A_STRENGTH.capitalize())]
                yield MultiInput(choices, id="risks")
            yield TextInput(id="note")

    def on_mount(self) -> None:
        self._show_risks(False)

    def _show_risks(self, shown: bool) -> None:
        for part in self.query("#risks"):
            part.display = shown
        self.query_one("#note").display = not shown

    def chosen_words(self) -> str:
        words = super().chosen_words()
        if self.mitigates is None or self.risks is None:
            return words
        names = [FACTORS_BY_ID[rid].label for rid in self.mitigates if rid in FACTORS_BY_ID]
        return f"{words}; reduces: {'; '.join(names)}" if names else f"{words}; {A_STRENGTH}"

    def _asks_risks(self) -> bool:
        return self.risks is not None and self.chosen == "present"

    def _choose(self, value: str) -> None:
        self.chosen = value
        self.mitigates = None
        if not self._asks_risks():
            self._show_risks(False)
            super()._choose(value)
            return
        self._show_risks(True)
        self._say(self._risks_prompt(), chosen=False)  # "Present" is highlighted beside
        self.query_one("#risks").focus()
        self.post_message(Edited())

    def _put_parts(self, value: dict[str, Any]) -> None:
        mitigates = value.get("mitigates")
        if self._asks_risks() and isinstance(mitigates, list):
            risks = self.query_one("#risks", MultiInput)
            risks.put(mitigates or [NONE_OF_THESE])
            ticked = [v for v, _ in risks.choices if v in risks.ticked]
            if ticked:  # else the risks it named are no longer recorded: choose again
                self._ticked(ticked)

    def _draft_parts(self) -> dict[str, Any]:
        return {"mitigates": list(self.mitigates)} if self.mitigates is not None else {}

    def _risks_prompt(self, before: str = "") -> str:
        if not self.risks:
            return (
                f"{before}No risk factor is recorded for this case yet, so there is none to "
                "choose: keep 'none of these' and record this again once the risks are in."
            )
        return f"{before}Which of the recorded risks does it reduce? Tick, then Enter:"

    def _took(self, message: Submitted) -> None:
        if message.sender is self.query_one("#choice", ChoiceInput):
            self._choose(message.value)
        elif self.risks is not None and message.sender is self.query_one("#risks"):
            self._ticked(message.value)
        else:
            self._send(message.value)

    def _ticked(self, ticked: list[str]) -> None:
        if not ticked:
            self._say("Tick the risks it reduces, or 'none of these', then Enter:", False)
            return
        if NONE_OF_THESE in ticked and len(ticked) > 1:
            self._say("Tick the risks it reduces, or 'none of these': not both.", False)
            return
        self.mitigates = [r for r in ticked if r != NONE_OF_THESE]
        self._show_risks(False)
        self._say(self.prompts.get("present", ""))
        self.query_one("#note").focus()

    def _value(self, note: str) -> dict[str, Any] | None:
        value: dict[str, Any] = {"status": self.chosen, "note": note}
        if self._asks_risks():
            if self.mitigates is None:  # never sent without the risks it reduces
                self._show_risks(True)
                self._say("First tick the risks it reduces (or 'none of these'), then Enter:")
                self.query_one("#risks").focus()
                return None
            value["mitigates"] = list(self.mitigates)
        return value


class DecisionInput(ChoiceWithNote):
    """A level, the reason, and (optional) the manager it was agreed with: only an
    agreed decision is the case's level; without a name it is the practitioner's
    own view."""

    DEFAULT_CSS = "DecisionInput TextInput { height: 4; }"

    def compose(self) -> ComposeResult:
        yield ChoiceInput(self.options, id="choice")
        with Vertical():
            yield Static(self.prompts.get("", ""), id="note-prompt", markup=False)
            yield TextInput(id="note")
            yield LineInput(
                placeholder="Agreed with (manager), optional",
                id="agreed-with",
                max_length=AGREED_WITH_MAX,
                compact=True,
            )

    @on(Input.Submitted, "#agreed-with")
    def _agreed_sent(self, event: Input.Submitted) -> None:
        event.stop()
        self._send(self.query_one("#note", TextInput).text)

    def _value(self, note: str) -> dict[str, Any] | None:
        agreed = self.query_one("#agreed-with", Input).value
        return {"level": self.chosen, "reason": note, "agreed_with": agreed, **self.extra}

    def _put_parts(self, value: dict[str, Any]) -> None:
        self.query_one("#agreed-with", LineInput).put(value.get("agreed_with") or "")

    def _draft_parts(self) -> dict[str, Any]:
        agreed = self.query_one("#agreed-with", Input).value
        return {"agreed_with": agreed} if agreed else {}


def input_for(
    step: Any, suggested: str | None = None, risks: list[tuple[str, str]] | None = None
) -> Widget:
    """The input widget that fits a question's kind. `risks`: the case's recorded
    risks (id, name), offered to a protective factor that is present."""
    kind = step.kind
    if kind == "choice":
        return ChoiceInput([(o.value, o.label) for o in step.options], id="answer")
    if kind == "yes_no_unknown":
        return ChoiceInput(list(YES_NO_UNKNOWN.items()), id="answer")
    if kind == "multi":
        return MultiInput([(o.value, o.label) for o in step.options], id="answer")
    if kind == "scale":
        return ScaleInput(step.min_label, step.max_label, id="answer")
    if kind == "date":
        return DateInput(id="answer")
    if kind == "text":
        return TextInput(step.placeholder, id="answer")
    if kind == "factor":
        note = "Evidence for this (optional); Enter sends, shift+tab goes back."
        needed = "Evidence (needed): what shows it? Enter sends, shift+tab goes back."
        prompts = {
            "": "Choose a status first.",
            "unknown": "What would tell you? (optional); shift+tab goes back.",
        }
        prompts |= {
            s: needed if step.needs_evidence(s) else note
            for s in step.answer_values()
            if s != "unknown"
        }
        options = [(s, FACTOR_STATUS_LABELS[s]) for s in step.answer_values()]
        return FactorInput(
            options, prompts, (risks or []) if step.protective else None, id="answer"
        )
    if kind == "decision":
        options = [(lv, level_label(lv)) for lv in LEVEL_LOOK]
        prompts = {
            "": "Choose a level first.",
            **dict.fromkeys(LEVEL_LOOK, "Your reason; Enter sends, shift+tab goes back."),
        }
        return DecisionInput(
            options, "level", "reason", prompts, {"suggested": suggested}, id="answer"
        )
    raise ValueError(f"no input for kind {kind!r}")


HOW_TO_ANSWER = {
    "choice": "Choose with ↑ ↓ and Enter, or press the option's number.",
    "yes_no_unknown": "Press 1 for yes, 2 for no, 3 for not known (or ↑ ↓ and Enter).",
    "multi": "Tick with space or the number ([x] = ticked); Enter sends. None ticked is an answer.",
    "scale": "Move with ← → or press a digit; Enter sends.",
    "date": "Type the date as YYYY-MM-DD; Enter sends.",
    "text": "Type your answer; Enter sends, ctrl+n starts a new line.",
    "factor": "1 not present · 2 not known · 3 on: present; then the evidence; Enter sends.",
    "decision": (
        "Choose your level by its number, then your reason; tab to 'Agreed with' if you "
        "agreed it with your manager. Enter sends."
    ),
}
