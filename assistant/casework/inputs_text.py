"""How a classification input and its value read for a person: factor names and
option labels, never internal ids (`interim_care_order`, `age_months: 96`)."""

from __future__ import annotations

from typing import Any

from assistant.risk.explain import FACT_LABELS, word
from assistant.risk.factors import FACTORS_BY_ID

_PATHS = {
    "child.age_months": "Child's age",
    "child.legal_status": "Legal status",
    "child.returned_home_on": "Date the child returned home",
    "capacity_to_change": "Parents' capacity to change",
    "wishes.parents": "Parents' wishes about the return",
    "wishes.child": "Child's wishes about the return",
}


def input_label(path: str) -> str:
    """'factors.substance_misuse' -> 'Substance misuse'; 'child.legal_status' -> 'Legal status'."""
    if path.startswith("factors."):
        factor = FACTORS_BY_ID.get(path.removeprefix("factors."))
        return factor.label if factor else path
    if path.startswith("facts."):
        return FACT_LABELS.get(path.removeprefix("facts."), path)
    return _PATHS.get(path, path.replace("_", " ").capitalize())


def _age(months: int) -> str:
    if months < 24:
        return f"{months} months"
    return f"{months // 12} years"


def value_words(value: Any, path: str = "") -> str:
    """A fed value in words: 'being addressed', 'Interim care order', '8 years', 'yes'."""
    if value is None:
        return "not known"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if path == "child.age_months" and isinstance(value, int):
        return _age(value)
    if isinstance(value, dict):  # a protective factor with the risks it reduces
        risks = [FACTORS_BY_ID[r].label for r in value.get("mitigates", []) if r in FACTORS_BY_ID]
        shown = word(value.get("status"))
        return f"{shown}; reduces: {', '.join(risks)}" if risks else f"{shown}; reduces none"
    return word(value)
