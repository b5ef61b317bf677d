"""Answers that are a choice and a note: a factor's status and its evidence, a
level and its reason (`FactorInput`, `DecisionInput`, both `ChoiceWithNote`).

Each sends its choice and its words as one answer; what was chosen shows in words
above the note until the answer is sent, and an earlier answer or a draft comes
back whole (the choice too) to be edited.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from assistant.flows.steps import A_STRENGTH, AGREED_WITH_MAX
from assistant.risk.factors import FACTORS_BY_ID
from assistant.ui.inputs import ChoiceInput, Edited, LineInput, MultiInput, Submitted, TextInput


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
