"""The classifier's input (the classify contract, version 2), validated strictly.

Unknown keys, unknown factor ids, statuses that do not belong to a factor's
kind, wrong types and malformed dates are all errors. Errors surface as
:class:`ClassificationInputError`, whose text is one line naming the field path
and the offending value, never a pydantic dump.

Version 2: a protective factor may be given as an object naming the risk
factors it reduces (``{"status": "present", "mitigates": [...]}``), a fact may
be ``null`` for "not known" (never read as 0 or false), and the fact
``grave_concern`` records the practitioner's judgement that one factor, or a
cluster, makes the risk severe (Stage 1 (a): the table assists judgement).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .factors import FACTORS_BY_ID, statuses_for

Level = Literal["low", "medium", "high", "severe"]
#: The four columns of the Risk Classification Table (Stage 2 Task 1), lowest first.
LEVELS: tuple[Level, ...] = ("low", "medium", "high", "severe")

LEGAL_STATUSES = (
    "care_order",
    "interim_care_order",
    "section_20",
    "placed_with_parents",
    "child_in_need",
)
CAPACITY_VALUES = ("none", "some", "substantial", "unknown")
PARENT_WISHES = ("want", "ambivalent", "opposed", "unknown")
CHILD_WISHES = ("want", "ambivalent", "opposed", "unknown", "not_applicable")

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ERR = "reunify"


class ClassificationInputError(ValueError):
    """Invalid classifier input; ``str()`` is one line: ``<field path>: <problem>``."""


def show(value: Any) -> str:
    """A short, one-line rendering of an input value for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fail(message: str, sub: str = "") -> PydanticCustomError:
    return PydanticCustomError(_ERR, "{message}", {"message": message, "sub": sub})


def _one_of(options: tuple[str, ...]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, str) or value not in options:
            raise _fail(f"{show(value)} is not one of {', '.join(options)}")
        return value

    return check


#: Dates the classifier takes: the six-month arithmetic must stay inside the calendar.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def _iso_date(value: Any) -> date:
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if EARLIEST <= day <= LATEST:
                return day
            raise _fail(f"{show(value)} is outside the years {EARLIEST.year}-{LATEST.year}")
    raise _fail(f"{show(value)} is not a date (YYYY-MM-DD)")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
LevelField = Annotated[Level, BeforeValidator(_one_of(LEVELS))]
Count = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Child(_Strict):
    age_months: Count | None = None
    legal_status: (
        Annotated[
            Literal[
                "care_order",
                "interim_care_order",
                "section_20",
                "placed_with_parents",
                "child_in_need",
            ],
            BeforeValidator(_one_of(LEGAL_STATUSES)),
        ]
        | None
    ) = None
    returned_home_on: IsoDate | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        # Only returned_home_on may be null (issue 3); the others may be left out.
        if isinstance(data, dict):
            for key in ("age_months", "legal_status"):
                if key in data and data[key] is None:
                    raise _fail("null is not allowed here (leave the field out instead)", key)
        return data


class Wishes(_Strict):
    parents: Annotated[
        Literal["want", "ambivalent", "opposed", "unknown"],
        BeforeValidator(_one_of(PARENT_WISHES)),
    ] = "unknown"
    child: Annotated[
        Literal["want", "ambivalent", "opposed", "unknown", "not_applicable"],
        BeforeValidator(_one_of(CHILD_WISHES)),
    ] = "unknown"


class Facts(_Strict):
    """Facts about the case. Left out: 0 or false, as in version 1. ``null``: not
    known, listed in ``gaps`` and never counted as 0 or false."""

    previous_failed_returns: Count | None = 0
    chronic_neglect_or_emotional_abuse: bool | None = False
    involved_since_pregnancy: bool | None = False
    substantial_change_within_6_months_of_birth: bool | None = None
    goals_not_met_reviews: Count | None = 0
    grave_concern: bool | None = False

    def unknown(self) -> list[str]:
        """Facts given as null (not known), by name. The change after birth is only
        asked where services were involved since pregnancy."""
        names = [
            name
            for name in type(self).model_fields
            if name in self.model_fields_set and getattr(self, name) is None
        ]
        if not self.involved_since_pregnancy:
            names = [n for n in names if n != "substantial_change_within_6_months_of_birth"]
        return names


class HistoryEntry(_Strict):
    on: IsoDate
    suggested: LevelField
    agreed: LevelField


class ClassificationInput(_Strict):
    """One assessment of one child, as issue 3 defines the input object."""

    assessed_on: IsoDate
    child: Child = Child()
    factors: dict[str, str] = {}
    capacity_to_change: Annotated[
        Literal["none", "some", "substantial", "unknown"],
        BeforeValidator(_one_of(CAPACITY_VALUES)),
    ] = "unknown"
    wishes: Wishes = Wishes()
    facts: Facts = Facts()
    history: tuple[HistoryEntry, ...] = ()
    #: protective factor id -> the risk factor ids it was named as reducing (only for
    #: protective factors given as an object with ``mitigates``); filled from ``factors``
    mitigates: dict[str, tuple[str, ...]] = {}

    @model_validator(mode="before")
    @classmethod
    def _protective_objects(cls, data: Any) -> Any:
        """Split protective factors given as objects into their status and ``mitigates``."""
        if not isinstance(data, dict):
            return data
        if "mitigates" in data:
            raise _fail("unknown field", "mitigates")
        factors = data.get("factors")
        if not isinstance(factors, dict):
            return data
        statuses: dict[Any, Any] = {}
        mitigates: dict[str, tuple[str, ...]] = {}
        for key, value in factors.items():
            factor = FACTORS_BY_ID.get(key) if isinstance(key, str) else None
            if not isinstance(value, dict) or factor is None or factor.kind != "protective":
                statuses[key] = value  # the factors check names what is wrong
                continue
            extra = sorted(set(value) - {"status", "mitigates"})
            if extra:
                raise _fail("unknown field", f"factors.{key}.{extra[0]}")
            if "status" not in value:
                raise _fail("missing (required)", f"factors.{key}.status")
            statuses[key] = value["status"]
            if "mitigates" in value:
                mitigates[key] = _risk_ids(value["mitigates"], f"factors.{key}.mitigates")
        return {**data, "factors": statuses, "mitigates": mitigates}

    @field_validator("factors", mode="before")
    @classmethod
    def _check_factors(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise _fail(f"expected an object of factor id to status, got {show(value)}")
        for key, status in value.items():
            factor = FACTORS_BY_ID.get(key)
            if factor is None:
                hint = difflib.get_close_matches(str(key), FACTORS_BY_ID, n=1)
                tail = f" (did you mean {hint[0]}?)" if hint else ""
                raise _fail(f"unknown factor id{tail}", str(key))
            allowed = statuses_for(factor)
            if not isinstance(status, str) or status not in allowed:
                raise _fail(
                    f"{show(status)} is not one of {', '.join(allowed)} (a {factor.kind} factor)",
                    key,
                )
        return value

    @field_validator("history", mode="before")
    @classmethod
    def _history_is_list(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise _fail(f"expected a list, got {show(value)}")
        return tuple(value)

    @model_validator(mode="after")
    def _history_before_assessment(self) -> ClassificationInput:
        seen: dict[date, int] = {}
        for i, entry in enumerate(self.history):
            if entry.on >= self.assessed_on:
                raise _fail(
                    f"{entry.on.isoformat()} is not before assessed_on "
                    f"({self.assessed_on.isoformat()})",
                    f"history[{i}].on",
                )
            if entry.on in seen:
                raise _fail(
                    f"{entry.on.isoformat()} is also the date of history[{seen[entry.on]}]"
                    " (one classification per date)",
                    f"history[{i}].on",
                )
            seen[entry.on] = i
        return self


def _risk_ids(value: Any, where: str) -> tuple[str, ...]:
    """The risk factor ids a protective factor names in ``mitigates``."""
    if not isinstance(value, list):
        raise _fail(f"expected a list of risk factor ids, got {show(value)}", where)
    for i, item in enumerate(value):
        factor = FACTORS_BY_ID.get(item) if isinstance(item, str) else None
        if factor is None:
            hint = difflib.get_close_matches(str(item), FACTORS_BY_ID, n=1)
            tail = f" (did you mean {hint[0]}?)" if hint else ""
            raise _fail(f"{show(item)} is not a risk factor id{tail}", f"{where}[{i}]")
        if factor.kind != "risk":
            raise _fail(f"{show(item)} is a protective factor, not a risk factor", f"{where}[{i}]")
    return tuple(value)


def _path(loc: tuple[Any, ...], sub: str) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    if sub:
        out = f"{out}.{sub}" if out else sub
    return out or "input"


def _message(err: Any) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == _ERR:
        return str(ctx["message"])
    if kind == "missing":
        return "missing (required)"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "int_type":
        return f"{show(value)} is not a whole number"
    if kind == "bool_type":
        return f"{show(value)} is not true or false"
    if kind == "greater_than_equal":
        return f"{show(value)} is negative (must be {ctx.get('ge')} or more)"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected an object, got {show(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {show(value)}"
    return f"{show(value)} is not valid ({err.get('msg', kind)})"


def to_input_error(exc: ValidationError) -> ClassificationInputError:
    """Turn pydantic's error list into one line naming the first bad field."""
    err = exc.errors()[0]
    sub = str((err.get("ctx") or {}).get("sub", ""))
    line = f"{_path(tuple(err['loc']), sub)}: {_message(err)}"
    return ClassificationInputError(" ".join(line.split()))


def parse_input(data: Any) -> ClassificationInput:
    """Validate a decoded JSON object; raise ClassificationInputError if it is invalid."""
    if not isinstance(data, dict):
        raise ClassificationInputError(f"input: expected a JSON object, got {show(data)}")
    try:
        return ClassificationInput.model_validate(data)
    except ValidationError as exc:
        raise to_input_error(exc) from None


def parse_json(text: str) -> ClassificationInput:
    """Decode JSON text, then validate it; bad JSON names the line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClassificationInputError(
            f"input: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"
        ) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise ClassificationInputError(f"input: not valid JSON ({str(exc)[:80]})") from None
    except RecursionError:
        raise ClassificationInputError("input: not valid JSON (nested too deeply)") from None
    return parse_input(data)
