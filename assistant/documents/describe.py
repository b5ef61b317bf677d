"""Answers in words: a stored answer shown with its question's label and the
option labels its flow gives it (falling back to what was stored)."""

from __future__ import annotations

import json
from typing import Any

from assistant.text import printable


def raw(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def describe(flow: Any, step_id: str, value: Any, skipped: bool) -> tuple[str, str]:
    """(label, answer) for an answer of `flow` (None when the flow cannot be loaded),
    safe to print: control characters are made visible."""
    answer = "(skipped)" if skipped else raw(value)
    label = step_id
    if flow is not None:
        try:
            step = flow.step(step_id)
        except KeyError:
            step = None
        if step is not None and getattr(step, "is_question", False):
            label = step.label
            if not skipped:
                try:
                    answer = step.display(value)
                except (KeyError, TypeError, ValueError, AttributeError):
                    answer = raw(value)
    return printable(label), printable(answer)
