"""Plain-language reasons for the app's "why?" view.

One entry for the suggestion, one per table row, per alert, per gap, and one
for the trajectory rule that applied. The sentences are the project's own
wording; the figures and factor names come from the NSPCC framework, which
each entry cites. An entry that rests on a rule of Reunify's own reading of the
table (not the framework's words) names it in ``reading`` (see
``table.OUR_READINGS``). Only labels reach a person, never internal ids.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

from . import table
from .engine import Result, evaluate
from .factors import FACTORS_BY_ID
from .model import Level, parse_input

Kind = Literal["suggestion", "row", "alert", "gap", "trajectory"]

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
    #: the key of the rule of Reunify's own reading this rests on (table.OUR_READINGS)
    reading: str | None = None

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
    "grave_concern": (
        "You judged one factor, or a cluster of them, so serious that the risk is severe "
        "whatever the rows read. The table assists judgement; it does not replace it.",
        f"{FRAMEWORK}, Stage 1 (a), factors associated with future harm",
    ),
    "section_20": (
        "The child is accommodated under Section 20, which parents may end at any time. "
        "Planning tends to be weakest for these children: agree in writing what happens "
        "if the arrangement ends early, and consider proceedings if risk is severe.",
        f"{FRAMEWORK}, Stage 3 Task 2; Stage 2 Task 1 (severe risk); Annex 10",
    ),
}


#: How an input value reads for a person (never the id).
WORDS: dict[str, str] = {
    "none": "no evidence",
    "some": "some evidence",
    "substantial": "substantial evidence",
    "unknown": "not known",
    "want": "want the return",
    "ambivalent": "ambivalent",
    "opposed": "opposed",
    "not_applicable": "too young to give a view",
    "absent": "not present",
    "addressed": "present, fully addressed",
    "being_addressed": "being addressed",
    "not_addressed": "not being addressed",
    "present": "present",
    "care_order": "Care order",
    "interim_care_order": "Interim care order",
    "section_20": "Section 20",
    "placed_with_parents": "Placed with parents",
    "child_in_need": "Child in need",
}
#: What each fact is, in words.
FACT_LABELS: dict[str, str] = {
    "previous_failed_returns": "Earlier returns home that broke down",
    "chronic_neglect_or_emotional_abuse": "Long-standing neglect or emotional abuse",
    "involved_since_pregnancy": "Services involved since pregnancy",
    "substantial_change_within_6_months_of_birth": "Substantial change within six months of birth",
    "goals_not_met_reviews": "Reviews at which goals were not met",
    "grave_concern": "A factor or cluster so grave the risk is severe",
}


def word(value: object) -> str:
    """An input value in words."""
    return WORDS.get(str(value), str(value).replace("_", " "))


def _labels(ids: list[str] | tuple[str, ...]) -> str:
    return ", ".join(FACTORS_BY_ID[i].label for i in ids)


def gap_label(key: str) -> str:
    """A gap in words: a factor's label, a fact's, a row's or an input's name."""
    if key in FACTORS_BY_ID:
        return FACTORS_BY_ID[key].label
    if key.startswith("facts."):
        return FACT_LABELS.get(key.removeprefix("facts."), key)
    names = {
        **ROW_LABELS,
        "capacity_to_change": "Capacity to change",
        "wishes.parents": "Parents' wishes",
        "wishes.child": "Child's wishes",
        "protective_factors.mitigates": "Which risk each protective factor reduces",
    }
    return names.get(key, key.replace("_", " ").capitalize())


def _row_text(name: str, level: Level | None, r: Result) -> tuple[str, str | None]:
    """The row's reason, and the rule of our own reading it rests on, if any."""
    d = r.data
    if level is None:
        what = "risk" if name == "risk_factors" else "protective"
        return (
            f"No {what} factor is recorded as known yet, so this row has no level. "
            f"Record the {what} factors (present, not present) to fill it in.",
            None,
        )
    if name == "risk_factors":
        if level == "high":
            ids = table.risk_ids_with(d, "not_addressed")
            return f"Risk factors not being addressed ({_labels(ids)}) put this row at high.", None
        if level == "medium":
            working = table.risk_ids_with(d, "being_addressed")
            unknown = table.risk_ids_with(d, "unknown")
            parts = []
            if working:
                parts.append(f"work is still under way on: {_labels(working)}")
            if unknown:
                parts.append(f"not known yet: {_labels(unknown)}")
            text = f"Nothing is left unaddressed, but {'; '.join(parts)}."
            return text, "unknown_not_addressed" if unknown and not working else None
        return "No risk factor is recorded as still open, so this row reads low.", None
    if name == "protective_factors":
        present = table.protective_ids_present(d)
        active = table.active_risk_ids(d)
        if level == "low" and not active:
            return f"Protective factors present: {_labels(present)}; no risk is still open.", None
        if level == "low":
            counted = table.protective_ids_counted(d)
            reduces = "; ".join(
                f"{FACTORS_BY_ID[p].label} reduces "
                f"{_labels([a for a in active if a in d.mitigates.get(p, ())])}"
                for p in counted
            )
            return f"Protective factors that reduce an open risk: {reduces}.", "mitigates"
        if present:
            return (
                f"Present ({_labels(present)}), but none is recorded as reducing an open risk "
                f"({_labels(active)}). A strength that does nothing about the risk is not "
                "protection, so this row reads severe.",
                "mitigates",
            )
        return "No protective factor is recorded as present, which is the severe column.", None
    if name == "capacity_to_change":
        if level == "low":
            return (
                "There is substantial evidence that the parents can make and keep up change.",
                None,
            )
        reading = "some_capacity" if d.capacity_to_change == "some" else None
        return (
            f"Capacity to change: {word(d.capacity_to_change)}. Short of substantial "
            "evidence of lasting change, this row reads high.",
            reading,
        )
    if level == "low":
        return (
            "Parents want the child home, and so does the child (or the child is too young).",
            None,
        )
    return (
        f"Parents: {word(d.wishes.parents)}; child: {word(d.wishes.child)}. Unless both want "
        "the return, this row reads high.",
        None,
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
    if key in ("risk_factors", "protective_factors"):
        return Explanation(
            "gap",
            key,
            None,
            f"Nothing on the row '{ROW_LABELS[key]}' is known yet: record those factors "
            "before Reunify suggests a level.",
            f"{TABLE}, row '{ROW_LABELS[key]}'",
        )
    if key == "protective_factors.mitigates":
        return Explanation(
            "gap",
            key,
            None,
            "A protective factor is recorded as present without saying which open risk it "
            "reduces. Until it does, it counts as a strength, not a protection.",
            f"{FRAMEWORK}, Stage 2, strengths and protective factors",
            "mitigates",
        )
    if key.startswith("facts."):
        return Explanation(
            "gap",
            key,
            None,
            f"'{gap_label(key)}' is recorded as not known: it raises no alert and is not "
            "read as 'no'. Find out when you can.",
            STAGE_1B,
        )
    return Explanation(
        "gap",
        key,
        None,
        f"'{FACTORS_BY_ID[key].label}' is marked not known: it counts as not yet fully "
        "addressed. Look for evidence as the definitions describe.",
        f"{FRAMEWORK}, Stage 1 (a) factors associated with future harm; Annex 1",
        "unknown_not_addressed" if FACTORS_BY_ID[key].kind == "risk" else None,
    )


def _d(day: date | None) -> str:
    return day.isoformat() if day else "-"


def _trajectory(r: Result) -> Explanation:
    t = r.trajectory
    s, held, last = r.suggested, t.held_at, t.latest_agreed
    if t.rule == "not_enough":
        text = "Too little is recorded to suggest a level, so no six-month rule applies yet."
        if last:
            text += f" The case stays at the last agreed level ({last})."
    elif t.rule == "no_history":
        text = f"No earlier classification is on record, so the case sits at {s}."
    elif t.rule == "at_or_above":
        text = (
            f"The suggestion ({s}) is not below the last agreed level ({last}); "
            "a rise applies at once."
        )
    elif t.rule == "held" and t.run_start is None:
        text = (
            f"The suggestion ({s}) is below the last agreed level ({last}), but {last} was "
            f"agreed above the table's reading then ({t.change_below}): change means the "
            f"reading falling below {t.change_below}. It stays at {last}."
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
            " Agreed high for six months or more and the table still reads high: "
            "consider severe and a plan for permanence elsewhere."
        )
    if t.can_close:
        text += (
            " Low has held for six months and the child has been home for six months: "
            "closing can be considered."
        )
    return Explanation(
        "trajectory",
        t.rule,
        held,
        text,
        f"{TABLE} (six-month rules) and 'Timescales for return home'; "
        "Stage 4 Task 1; Stage 5 Task 4",
    )


def _suggestion(r: Result) -> Explanation:
    if r.data.facts.grave_concern:
        text = "You recorded a grave concern, so Reunify's reading is severe whatever the rows say."
        return Explanation("suggestion", "suggested", "severe", text, ALERTS["grave_concern"][1])
    if r.suggested is None:
        missing = [ROW_LABELS[n] for n, lv in r.rows.as_dict().items() if lv is None]
        text = (
            "Not enough recorded to suggest a level yet: nothing is known on "
            f"{' or '.join(repr(m) for m in missing)}."
        )
        return Explanation("suggestion", "suggested", None, text, TABLE)
    text = (
        "Reunify's reading of the framework's table: the highest of the four rows decides. "
        "The framework gives no formula; it asks you to weigh the rows together."
    )
    return Explanation("suggestion", "suggested", r.suggested, text, TABLE, "highest_row")


_ALERT_READINGS = {"infant_timescales": "infant", "too_many_chances": "too_many_chances"}


def explanations(r: Result) -> list[Explanation]:
    """Reasons for an evaluated result: the suggestion, rows, alerts, gaps, then the
    trajectory."""
    out = [_suggestion(r)]
    for name, label in ROW_LABELS.items():
        level = r.rows.as_dict()[name]
        text, reading = _row_text(name, level, r)
        out.append(Explanation("row", name, level, text, f"{TABLE}, row '{label}'", reading))
    out += [Explanation("alert", a, None, *ALERTS[a], _ALERT_READINGS.get(a)) for a in r.alerts]
    out += [_gap(g) for g in r.gaps]
    out.append(_trajectory(r))
    return out


def explain(data: dict[str, Any]) -> list[Explanation]:
    """Validate ``data`` and explain each row, alert, gap and the trajectory rule."""
    return explanations(evaluate(parse_input(data)))
