"""What is due across cases and for one case, and what a flow's messages show of it.

The sources and their rules are in `assistant.casework.due_rules` (the names are
given here too); `due_items` works a caseload out through the cache of
`assistant.casework.due_cache`, each case once until it changes.

Last, what a flow's messages show of the case (`recorded_values`, for the
placeholders `{recorded:...}` and `{case:...}`, see `assistant.flows.steps`) is
worked out here too, from the same records.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from assistant.casework.decisions import is_agreed, latest_agreed, who_decided
from assistant.casework.due_rules import (
    Answer,
    CaseFacts,
    DueItem,
    case_facts,
    case_items,
    current_answers,
    day_of,
    engine_items,
    profile_rules,
    rule_items,
    working_days,
)
from assistant.casework.due_supervision import supervision_dates, supervision_items
from assistant.flows.runner import FlowSession

__all__ = [
    "CaseFacts",
    "DueItem",
    "case_due_items",
    "case_facts",
    "case_items",
    "current_answers",
    "due_items",
    "engine_items",
    "profile_rules",
    "recorded_values",
    "rule_items",
    "supervision_dates",
    "supervision_items",
    "working_days",
]


def case_due_items(
    store: Any, library: Any, rules: list[Any], ref: str, today: date
) -> list[DueItem]:
    """Every due item of one case: policy rules, supervision, the engine; soonest first.
    The case's records are read once (see `assistant.casework.due_cache`)."""
    from assistant.casework.due_cache import case_due, items_on

    return items_on(case_due(store, library, ref), rules, today)


def due_items(
    store: Any,
    library: Any,
    policies: dict[str, Any],
    profile: str,
    today: date,
    keep: bool = True,
    helper: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> list[DueItem]:
    """Every due item of every (unarchived) case the store shows, soonest first.

    What each case gives whatever the day is worked out once and kept in the
    database folder (`keep`), so a later run reads only the cases that changed
    since (see `assistant.casework.due_cache`). With `helper`, a run with many
    cases to work out shares them with a second process (`reunify due` and the home
    screen do). A run stops at the next case once `cancelled()` says so."""
    from assistant.casework.due_cache import caseload_due_items

    rules = profile_rules(policies, profile)
    return caseload_due_items(store, library, rules, today, keep, helper, cancelled)


# -- what a flow's messages show of the case --------------------------------------
LEVEL_NAMES = {"low": "LOW", "medium": "MEDIUM", "high": "HIGH", "severe": "SEVERE"}
#: The flows whose sessions say what the assessment has recorded, and about whom.
ASSESSMENT_FLOWS = ("case-profile", "future-harm-factors", "capacity-to-change",
                    "wishes-and-feelings")  # fmt: skip


def _day(at: str) -> str:
    day = day_of(at[:10])
    return f"{day.day} {day:%B %Y}" if day else at[:10]


def _recorded(library: Any, answers: dict[tuple[str, str], Answer], refs: str) -> str:
    """The newest answer to any of `refs` ("flow.step,flow.step") in words, with its day."""
    found = []
    for pair in refs.split(","):
        flow_id, _, step_id = pair.strip().partition(".")
        if (flow_id, step_id) in answers:
            found.append((answers[(flow_id, step_id)], flow_id, step_id))
    if not found:
        return ""
    (_, value, at), flow_id, step_id = max(found, key=lambda f: f[0][0])
    return f"{library.flows[flow_id].step(step_id).display(value)} (recorded {_day(at)})"


def _decision_words(decision: dict[str, Any]) -> str:
    level = LEVEL_NAMES.get(decision["level"], decision["level"])
    if is_agreed(decision):
        return f"{level}, {who_decided(decision)}, {_day(decision['at'])}"
    who = decision.get("who", "?")
    return f"{level}, the view of {who}, not yet agreed, {_day(decision['at'])}"


def _round_words(store: Any, ref: str) -> str:
    from assistant.casework.rounds import ROLES, rounds

    found = rounds(store, ref)
    if not found:
        return "no round of independent classification yet (r on the case screen opens one)"
    latest = found[-1]
    rated = [ROLES[r.role] for r in latest.ratings]
    waiting = [name for role, name in ROLES.items() if latest.rating_of(role) is None]
    words = f"a round opened {_day(latest.opened_at)}: "
    words += f"rated by {', '.join(rated)}" if rated else "nobody has rated yet"
    if waiting and latest.open:
        words += f"; not yet rated by {', '.join(waiting)}"
    if latest.agreed:
        words += f"; agreed {LEVEL_NAMES.get(latest.agreed['level'], '?')}"
    return words


def _assessment_lines(store: Any, library: Any, ref: str) -> list[str]:
    """What the assessment flows have recorded: for each, whom and when (newest first),
    then the adults the case profile names whose factors or capacity are not recorded."""
    from assistant.casework.classification import not_yet_assessed

    by_session = store.answers_by_session(ref)
    lines = []
    for flow_id in ASSESSMENT_FLOWS:
        flow = library.flows.get(flow_id)
        if flow is None:
            continue
        seen: dict[str, str] = {}
        for record in store.sessions(ref):  # newest first
            stored = by_session.get(record.id, [])
            if record.flow_id != flow_id or not stored:
                continue
            answers = FlowSession(flow, [a.event for a in stored]).answers()
            about = answers.get(flow.about) if flow.about else None
            who = flow.step(flow.about).display(about) if about is not None else ""
            seen.setdefault(who, _day(stored[-1].at))
        if seen:
            parts = [f"{who}, {day}" if who else day for who, day in seen.items()]
            lines.append(f"{flow.title}: {'; '.join(parts)}")
        else:
            lines.append(f"{flow.title}: nothing recorded yet")
    for flow_id, what in (("future-harm-factors", "factors"), ("capacity-to-change", "capacity")):
        missing = not_yet_assessed(store, library, ref, flow_id)
        if missing:
            lines.append(f"Named for assessment, no {what} recorded: {', '.join(missing)}")
    return lines


def recorded_values(
    store: Any, library: Any, ref: str, flow: Any, today: date | None = None
) -> dict[str, str | list[str]]:
    """What the case recorded, for the placeholders of `flow`'s messages (see
    `assistant.flows.steps.PLACEHOLDER`); pass it to `FlowSession(recorded=...)`.
    A placeholder with nothing recorded is left out (the session says so)."""
    wanted = {p for step in flow.steps if step.kind == "message" for p in step.placeholders()}
    if not wanted:
        return {}
    today = today or date.today()
    values: dict[str, str | list[str]] = {}
    decisions = sorted(enumerate(store.decisions(ref)), key=lambda iv: (iv[1]["at"], iv[0]))
    recorded = any(w.startswith("recorded:") for w in wanted)
    answers = current_answers(store, library, ref) if recorded else {}
    for key in sorted(wanted):
        kind, _, name = key.partition(":")
        if kind == "recorded":
            values[key] = _recorded(library, answers, name)
        elif name == "agreed_level":
            agreed = latest_agreed(store.decisions(ref))
            values[key] = _decision_words(agreed) if agreed else "no level agreed yet"
        elif name == "last_classified":
            values[key] = _decision_words(decisions[-1][1]) if decisions else ""
        elif name == "round":
            values[key] = _round_words(store, ref)
        elif name == "assessment":
            values[key] = _assessment_lines(store, library, ref)
        elif name == "due":
            values[key] = _due_lines(store, library, ref, today)
    return {k: v for k, v in values.items() if v}


def chosen_rules() -> list[Any]:
    """The due rules of the policy profile chosen in the settings (the framework's own
    when none is chosen, or the chosen one is no longer there)."""
    from assistant.casework.policies import load_policies
    from assistant.paths import content_dir
    from assistant.records.settings import load_settings

    profile = str(load_settings().get("policy_profile") or "framework")
    policies = load_policies(content_dir())
    try:
        return profile_rules(policies, profile)
    except KeyError:
        return profile_rules(policies, "framework")


def _due_lines(store: Any, library: Any, ref: str, today: date) -> list[str]:
    items = case_due_items(store, library, chosen_rules(), ref, today)
    if not items:
        return ["Nothing is due."]
    return [
        f"{'OVERDUE ' if i.overdue else ''}{_day(i.due_on)}: {i.what} (source: {i.source})"
        for i in items
    ]
