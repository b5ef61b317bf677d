"""The input for a question, chosen by its kind (`input_for`), and the line that
says how to answer each kind (`HOW_TO_ANSWER`)."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget

from assistant.flows.steps import FACTOR_STATUS_LABELS, YES_NO_UNKNOWN
from assistant.ui.inputs import ChoiceInput, DateInput, MultiInput, ScaleInput, TextInput
from assistant.ui.levels import LEVEL_LOOK, level_label
from assistant.ui.noted_inputs import DecisionInput, FactorInput


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
