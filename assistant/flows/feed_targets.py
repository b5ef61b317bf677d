"""Where a flow's answers may feed the classification, and what each input accepts.

A question may carry `feeds`: the classification input it fills in (`to`, a
path such as `capacity_to_change` or `factors.substance_misuse`) and,
optionally, how its answers translate (`values`). The flow loader checks every
feed against these paths when it reads a flow; `assistant.casework.feeds`
builds the classifier's input from the answers. Knows only the risk model.
"""

from __future__ import annotations

from typing import Any

from assistant.risk import PROTECTIVE_FACTORS, PROTECTIVE_STATUSES, RISK_FACTORS, RISK_STATUSES
from assistant.risk.model import CAPACITY_VALUES, CHILD_WISHES, LEGAL_STATUSES, PARENT_WISHES

#: Input paths other than factors, and what each accepts ("int", "bool", "date" or values).
PATHS: dict[str, Any] = {
    "child.age_months": "int",
    "child.legal_status": LEGAL_STATUSES,
    "child.returned_home_on": "date",
    "capacity_to_change": CAPACITY_VALUES,
    "wishes.parents": PARENT_WISHES,
    "wishes.child": CHILD_WISHES,
    "facts.previous_failed_returns": "int",
    "facts.chronic_neglect_or_emotional_abuse": "bool",
    "facts.involved_since_pregnancy": "bool",
    "facts.substantial_change_within_6_months_of_birth": "bool",
    "facts.goals_not_met_reviews": "int",
    "facts.grave_concern": "bool",
}

#: The value a `values` table gives for an answer that means "not known" on an
#: "int", "bool" or "date" input (TOML has no null): a fact becomes null (a gap,
#: never 0 or false); a child's age or legal status is left out.
NOT_KNOWN = "not_known"
for _factor in RISK_FACTORS:
    PATHS[f"factors.{_factor.id}"] = RISK_STATUSES
for _factor in PROTECTIVE_FACTORS:
    PATHS[f"factors.{_factor.id}"] = PROTECTIVE_STATUSES

#: Which step kinds can feed which sort of input.
KIND_FITS = {
    "choice": ("values", "int", "bool"),
    "yes_no_unknown": ("values", "bool"),
    "scale": ("int",),
    "date": ("date",),
}


def accepts(path: str, value: Any) -> bool:
    """True when `value` is a valid classifier value for `path`."""
    wanted = PATHS[path]
    if value == NOT_KNOWN and isinstance(wanted, str):
        return True
    if wanted == "int":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if wanted == "bool":
        return isinstance(value, bool)
    if wanted == "date":
        return isinstance(value, str)
    return value in wanted


def feed_problems(
    kind: str, to: str, values: dict[str, Any] | None, answers: list[Any]
) -> list[str]:
    """What is wrong with a step's `feeds`, given its kind and possible answers."""
    if to not in PATHS:
        return [f"feeds.to: '{to}' is not a classification input (see the README, 'Feeds')"]
    wanted = PATHS[to]
    sort = wanted if isinstance(wanted, str) else "values"
    if sort not in KIND_FITS.get(kind, ()):
        return [f"feeds.to: a {kind} question cannot feed '{to}'"]
    problems = []
    if values is not None:
        for answer in values:
            if answers and answer not in answers:
                problems.append(f"feeds.values: '{answer}' is not an answer to this question")
        problems += [
            f"feeds.values: {v!r} is not a valid value for '{to}'"
            for v in values.values()
            if not accepts(to, v)
        ]
    elif answers:
        problems += [
            f"feeds: answer '{a}' is not a valid value for '{to}'; add a 'values' table"
            for a in answers
            if not accepts(to, a)
        ]
    return problems
