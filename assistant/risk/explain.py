"""Plain-language reasons for the app's "why?" view.

One entry per table row, per alert, per gap, and one for the trajectory rule
that applied. The sentences are the project's own wording; the figures and
factor names come from the NSPCC framework, which each entry cites.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

from . import table
from .engine import Result, evaluate
from .factors import FACTORS_BY_ID
from .model import Level, parse_input

Kind = Literal["row", "alert", "gap", "trajectory"]

FRAMEWORK = "NSPCC framework"
TABLE = f"{FRAMEWORK}, Stage 2 Task 1, Risk Classification Table"
STAGE_1B = f"{FRAMEWORK}, Stage 1 (b), messages from research on reunification"

ROW_LABELS: dict[str, str] = {
    "risk_factors": "Risk factors",
    "protective_factors": "Protective factors",
    "capacity_to_change": "Parents' capacity for actual change",
    "wishes": "Wishes about return",
}


@dataclass(frozen=True)
class Explanation:
    """One reason shown in the "why?" view."""

    kind: Kind
    #: row name, alert id, gap path or trajectory rule
    key: str
    #: the level this entry is about (rows and trajectory), else None
    level: Level | None
    text: str
    citation: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


ALERTS: dict[str, tuple[str, str]] = {
    "substance_misuse": (
        "Parental drink or drug misuse features in this case, even if now dealt with. "
        "In one study 78% of misusing parents harmed their child again after return, "
        "against 29% of other parents; Wade et al. (2011) saw 81% of such returns break down.",
        f"{STAGE_1B}; repeated in Stage 2 Task 1",
    ),
    "domestic_abuse_with_substance_misuse": (
        "Misuse of drink or drugs together with violence between the adults at home is "
        "one of the situations in which Ward et al. (2014) judged enough change to be "
        "highly unlikely.",
        f"{FRAMEWORK}, Stage 1 (c), capacity to change literature (Ward et al. 2014)",
    ),
    "previous_failed_return": (
        "The child has been home before and come back into care. Earlier failed returns "
        "make a further breakdown more likely, and these children fare worst.",
        STAGE_1B,
    ),
    "chronic_neglect_or_emotional_abuse": (
        "Children whose history is long-standing neglect or emotional abuse do markedly "
        "worse than other looked-after children when they go home.",
        STAGE_1B,
    ),
    "no_change_since_pregnancy": (
        "Services were involved before the birth and there was no substantial change by "
        "six months after it; research finds real change unlikely from that point.",
        STAGE_1B,
    ),
    "infant_timescales": (
        "The child is under two. Harm to a baby becomes lasting sooner, so parents have "
        "less time to show change and delay is itself harmful.",
        f"{FRAMEWORK}, Annex 13 (babies); Stage 4 Task 1; Annex 1 'very young child'",
    ),
    "too_many_chances": (
        "Goals have gone unmet at two or more reviews. One study found professionals gave "
        "parents 'too many chances' in 38% of cases.",
        STAGE_1B,
    ),
    "section_20": (
        "The child is accommodated under Section 20, which parents may end at any time. "
        "Planning tends to be weakest for these children: agree in writing what happens "
        "if the arrangement ends early, and consider proceedings if risk is severe.",
        f"{FRAMEWORK}, Stage 3 Task 2; Stage 2 Task 1 (severe risk); Annex 10",
    ),
}


def _labels(ids: list[str]) -> str:
    return ", ".join(FACTORS_BY_ID[i].label for i in ids)


def _row_text(name: str, level: Level, r: Result) -> str:
    d = r.data
    if name == "risk_factors":
        if level == "high":
            ids = table.risk_ids_with(d, "not_addressed")
            return f"Risk factors not being addressed ({_labels(ids)}) put this row at high."
        if level == "medium":
            ids = table.risk_ids_with(d, "being_addressed")
            return f"Nothing is left unaddressed, but work is still under way on: {_labels(ids)}."
        return "No risk factor is recorded as still open, so this row reads low."
    if name == "protective_factors":
        if level == "low":
            return f"Protective factors present: {_labels(table.protective_ids_present(d))}."
        return "No protective factor is recorded as present, which is the severe column."
    if name == "capacity_to_change":
        if level == "low":
            return "There is substantial evidence that the parents can make and keep up change."
        return (
            f"Capacity to change is '{d.capacity_to_change}'; short of substantial "
            "evidence of lasting change, this row reads high."
        )
    if level == "low":
        return "Parents want the child home, and so does the child (or the child is too young)."
    return (
        f"Parents: '{d.wishes.parents}', child: '{d.wishes.child}'. Unless both want "
        "the return, this row reads high."
    )


def _gap(key: str) -> Explanation:
    if key == "capacity_to_change":
        return Explanation(
            "gap",
            key,
            None,
            "No judgement yet on the parents' capacity to change, so that row stays high.",
            f"{FRAMEWORK}, Stage 1 Task 3 (no, some or substantial evidence); Annex 19",
        )
    if key.startswith("wishes."):
        who = "parents'" if key == "wishes.parents" else "child's"
        return Explanation(
            "gap",
            key,
            None,
            f"The {who} wishes about going home are not recorded, so that row stays high.",
            f"{TABLE}, row 'Wishes about return'",
        )
    return Explanation(
        "gap",
        key,
        None,
        f"'{FACTORS_BY_ID[key].label}' is marked unknown: it has not moved any row. "
        "Look for evidence as the definitions describe.",
        f"{FRAMEWORK}, Stage 1 (a) factors associated with future harm; Annex 1",
    )


def _d(day: date | None) -> str:
    return day.isoformat() if day else "-"


def _trajectory(r: Result) -> Explanation:
    t = r.trajectory
    s, held, last = r.suggested, t.held_at, t.latest_agreed
    if t.rule == "no_history":
        text = f"No earlier classification is on record, so the case sits at {s}."
    elif t.rule == "at_or_above":
        text = (
            f"The suggestion ({s}) is not below the last agreed level ({last}); "
            "a rise applies at once."
        )
    elif t.rule == "held":
        text = (
            f"The suggestion ({s}) is below the last agreed level ({last}), but a step down needs "
            f"both the lower suggestions (since {_d(t.run_start)}) and the time agreed at {last} "
            f"(since {_d(t.stretch_start)}) to reach six months; it stays at {last} until "
            f"{_d(t.step_down_on)}."
        )
    else:
        text = (
            f"Lower suggestions since {_d(t.run_start)} and {last} agreed since "
            f"{_d(t.stretch_start)} have both lasted six months, so the case moves down "
            f"one column to {held}."
        )
        if t.step_down_on:
            text += f" Another step is possible from {_d(t.step_down_on)}."
    if t.escalate_to:
        text += (
            " Agreed high for six months or more with risks still not addressed: "
            "consider severe and a plan for permanence elsewhere."
        )
    if t.can_close:
        text += " Low has held for six months with the child at home: closing can be considered."
    return Explanation(
        "trajectory",
        t.rule,
        held,
        text,
        f"{TABLE} (six-month rules) and 'Timescales for return home'; "
        "Stage 4 Task 1; Stage 5 Task 4",
    )


def explanations(r: Result) -> list[Explanation]:
    """Reasons for an evaluated result: rows, alerts, gaps, then the trajectory."""
    out = [
        Explanation("row", name, level, _row_text(name, level, r), f"{TABLE}, row '{label}'")
        for name, label in ROW_LABELS.items()
        for level in [r.rows.as_dict()[name]]
    ]
    out += [Explanation("alert", a, None, *ALERTS[a]) for a in r.alerts]
    out += [_gap(g) for g in r.gaps]
    out.append(_trajectory(r))
    return out


def explain(data: dict[str, Any]) -> list[Explanation]:
    """Validate ``data`` and explain each row, alert, gap and the trajectory rule."""
    return explanations(evaluate(parse_input(data)))
