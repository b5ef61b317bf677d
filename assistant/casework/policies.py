"""Local policy profiles: each authority's timescales kept as data, not code.

A profile is `content/policies/<id>.toml` (see the README, "Local policies"):
an authority, its card, and rules such as "first visit within 14 days of the
return home". Another authority adds its own file; no Python changes.

A rule is one of three kinds:
- `due` (the default): something to do by a date; past it, it is OVERDUE;
- `not_before`: a minimum period (Camden's three months of child in need
  support, the framework's twelve months of services): nothing may end before
  the date; never overdue, and gone once the date has passed;
- `until`: an arrangement that holds up to a date (Camden: the IRO chairs the
  reviews in the first six months after the return); never overdue either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.flows.content import load_model
from assistant.risk.model import LEGAL_STATUSES

Trigger = Literal[
    "planned_return",
    "unplanned_return",
    "return_home",
    "classification",
    "child_in_need_start",
    "review",
    "ending_care",
]


class PolicyError(ValueError):
    """A policy file that does not follow the format; the message says where."""


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    summary: Annotated[str, Field(min_length=1)]
    cite: Annotated[str, Field(min_length=1)]
    trigger: Trigger
    #: `due`, `not_before` (a minimum period) or `until` (holds up to the date)
    kind: Literal["due", "not_before", "until"] = "due"
    #: 0 means "before it takes effect" (an approval), otherwise days after the trigger
    due_within_days: Annotated[int, Field(ge=0)] | None = None
    #: calendar months after the trigger, counted as the engine counts six months
    due_within_months: Annotated[int, Field(ge=1, le=120)] | None = None
    every_days: Annotated[int, Field(ge=1)] | None = None
    legal_status: tuple[Literal[LEGAL_STATUSES], ...] | None = None  # type: ignore[valid-type]
    min_age_years: Annotated[int, Field(ge=0, le=18)] | None = None
    max_age_years: Annotated[int, Field(ge=0, le=18)] | None = None
    #: a rule of the same profile this one takes the place of when both apply
    replaces: str | None = None
    #: only when the latest agreed level is one of these
    agreed_level: tuple[Literal["low", "medium", "high", "severe"], ...] | None = None
    #: only when the child has been looked after at least this many working days
    min_working_days_looked_after: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _one_timescale(self) -> Rule:
        given = [self.due_within_days, self.due_within_months, self.every_days]
        if sum(g is not None for g in given) != 1:
            raise ValueError(
                "give exactly one of due_within_days, due_within_months and every_days"
            )
        if self.every_days is not None and self.kind != "due":
            raise ValueError("every_days repeats something due; it cannot be a not_before or until")
        return self


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,63}$")]
    authority: Annotated[str, Field(min_length=1)]
    title: Annotated[str, Field(min_length=1)]
    card: str
    source: Annotated[str, Field(min_length=1)]
    rules: tuple[Rule, ...] = ()


def load_policy(path: Path) -> Policy:
    policy = load_model(path, Policy, PolicyError)
    if policy.id != path.stem:
        raise PolicyError(f"{path}: id {policy.id!r} must match the file name")
    ids = [r.id for r in policy.rules]
    if len(ids) != len(set(ids)):
        raise PolicyError(f"{path}: two rules share an id")
    return policy


def load_policies(content: Path) -> dict[str, Policy]:
    """Every profile in `content/policies/`."""
    return {p.stem: load_policy(p) for p in sorted((content / "policies").glob("*.toml"))}
