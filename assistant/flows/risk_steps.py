"""The step kinds of the risk classification: a factor's status and evidence
(Stage 1; Annex 1), a practitioner's own level and reason (Stage 2, Task 1), and a
classification step that shows Reunify's reading of the framework's table.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import field_validator

from assistant.flows.step_base import AnswerError, Feed, _Question, _Step
from assistant.risk import LEVELS
from assistant.risk.factors import FACTORS_BY_ID
from assistant.risk.table import ROW_NAMES
from assistant.text import NOTE_MAX, check_length, clean_text

FACTOR_STATUS_LABELS = {
    "absent": "Not present",
    "addressed": "Present, fully addressed",
    "being_addressed": "Present, being addressed",
    "not_addressed": "Present, not being addressed",
    "present": "Present",
    "unknown": "Not known",
}
#: The statuses a factor question offers, in the order shown. One order for both
#: kinds, so a number key means the same in every factor question: 1 is "not
#: present", 2 "not known", and the numbers from 3 say how it is present.
RISK_CHOICES: tuple[str, ...] = (
    "absent",
    "unknown",
    "addressed",
    "being_addressed",
    "not_addressed",
)
PROTECTIVE_CHOICES: tuple[str, ...] = ("absent", "unknown", "present")
#: A risk factor that is present and not fully dealt with needs a line of evidence:
#: what shows it (Annex 1 says what counts; Stage 2 Task 1 rates on evidence).
EVIDENCE_NEEDED: tuple[str, ...] = ("being_addressed", "not_addressed")
#: How a present protective factor that reduces none of the recorded risks reads.
A_STRENGTH = "none of these: it is a strength, not a protection"


def _risk_ids(value: Any) -> list[str]:
    """The risk factor ids a protective factor is said to reduce."""
    if not isinstance(value, list | tuple) or not all(
        isinstance(r, str) and r in FACTORS_BY_ID and FACTORS_BY_ID[r].kind == "risk" for r in value
    ):
        raise AnswerError("choose the recorded risks this protective factor reduces")
    return list(dict.fromkeys(value))


class FactorStep(_Question):
    """A factor associated with future harm (Stage 1; Annex 1): its status and the evidence.

    The answer is `{"status": ..., "note": ...}`, and for a protective factor that
    is present, `"mitigates": [<risk factor id>, ...]`: the case's recorded risks it
    reduces, chosen from a list (an empty list: "none of these, it is a strength,
    not a protection"). The note is evidence, never the link (Stage 2, "strengths
    vs protective factors"). It feeds `factors.<id>` by itself and cites the
    factor's card.
    """

    kind: Literal["factor"]
    factor: str

    @field_validator("factor")
    @classmethod
    def _known_factor(cls, factor: str) -> str:
        if factor not in FACTORS_BY_ID:
            raise ValueError(
                f"{factor!r} is not a factor id (see the README, 'Risk classification')"
            )
        return factor

    @field_validator("feeds")
    @classmethod
    def _no_feeds(cls, feeds: Feed | None) -> Feed | None:
        if feeds is not None:
            raise ValueError("a factor step feeds its factor by itself; remove 'feeds'")
        return feeds

    @property
    def protective(self) -> bool:
        return FACTORS_BY_ID[self.factor].kind == "protective"

    @property
    def feeds_the_table(self) -> bool:
        return True

    def answer_values(self) -> list[str]:
        return list(PROTECTIVE_CHOICES if self.protective else RISK_CHOICES)

    def check(self, value: Any, today: date | None = None) -> dict[str, Any]:
        if not isinstance(value, dict) or value.get("status") not in self.answer_values():
            raise AnswerError(f"choose a status: {', '.join(self.answer_values())}")
        note = clean_text(value.get("note") or "")
        try:
            check_length(note, "evidence note")
        except ValueError as exc:
            raise AnswerError(str(exc)) from None
        if not note and self.needs_evidence(value["status"]):
            raise AnswerError(
                f"write a line of evidence: '{FACTOR_STATUS_LABELS[value['status']]}' "
                "needs what shows the risk is there (what was seen, said or recorded)"
            )
        kept: dict[str, Any] = {"status": value["status"], "note": note}
        mitigates = value.get("mitigates")
        if mitigates is not None and self.protective and value["status"] == "present":
            kept["mitigates"] = _risk_ids(mitigates)
        return kept

    def needs_evidence(self, status: str) -> bool:
        """True for a risk factor that is present and not fully addressed."""
        return not self.protective and status in EVIDENCE_NEEDED

    def display(self, value: Any) -> str:
        shown = FACTOR_STATUS_LABELS[value["status"]]
        if "mitigates" in value:
            risks = [FACTORS_BY_ID[r].label for r in value["mitigates"] if r in FACTORS_BY_ID]
            shown += f"; reduces: {', '.join(risks)}" if risks else f"; reduces {A_STRENGTH}"
        return f"{shown} — {value['note']}" if value.get("note") else shown

    def fed(self, value: Any) -> tuple[str, Any] | None:
        if "mitigates" in value:
            status = {"status": value["status"], "mitigates": list(value["mitigates"])}
            return (f"factors.{self.factor}", status)
        return (f"factors.{self.factor}", value["status"])

    def cards(self) -> tuple[str, ...]:
        return (f"factor-{self.factor}", *super().cards())


#: The longest manager's name kept with a decision agreed with them.
AGREED_WITH_MAX = 80


class DecisionStep(_Question):
    """The practitioner's own level and reason (the table guides; people decide).

    The answer is `{level, reason, suggested}`, with `agreed_with` (the manager's
    name) when the decision was agreed with a manager. The step checks the
    answer's shape only. Whoever hands the answer in applies casework's rule for
    a decision that differs from the suggestion
    (`assistant.casework.decisions.make_decision`): the flow engine never imports
    casework.

    `blind = true`: the practitioner decides before looking at Reunify's reading
    (Stage 2 Task 1: classify on your own, then confer). The reading is neither
    shown nor used to check the reason; it is kept with the decision afterwards.
    """

    kind: Literal["decision"]
    blind: bool = False

    @property
    def feeds_the_table(self) -> bool:
        return True  # kept with the case's decisions, which the six-month rules read

    def check(self, value: Any, today: date | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise AnswerError("choose a level and give the reason")
        level = str(value.get("level") or "")
        if level not in LEVELS:
            raise AnswerError(f"{level!r} is not a level ({', '.join(LEVELS)})")
        reason = clean_text(str(value.get("reason") or ""))
        if not reason:
            raise AnswerError("give the reason for this decision")
        if len(reason) > NOTE_MAX:
            raise AnswerError(f"the reason is {len(reason)} characters; at most {NOTE_MAX}")
        suggested = value.get("suggested")
        kept: dict[str, Any] = {
            "level": level,
            "reason": reason,
            "suggested": suggested if suggested in LEVELS else None,
        }
        who = clean_text(str(value.get("agreed_with") or ""))
        if len(who) > AGREED_WITH_MAX:
            raise AnswerError(
                f"the manager's name is {len(who)} characters; at most {AGREED_WITH_MAX}"
            )
        if who:
            kept["agreed_with"] = who
        return kept

    def display(self, value: Any) -> str:
        shown = f"{value['level'].upper()} — {value['reason']}"
        if value.get("agreed_with"):
            shown += f" (agreed with {value['agreed_with']})"
        return shown


#: What a classification step can set beside Reunify's reading: the four rows and
#: the overall level.
COMPARED = (*ROW_NAMES, "overall")


class ClassificationStep(_Step):
    """The assistant shows Reunify's reading of the framework's table now, from
    everything recorded.

    With `compare` it shows the reading beside the practitioner's own levels, row
    by row, and names the rows that differ: `compare` maps each of the four rows
    (`risk_factors`, `protective_factors`, `capacity_to_change`, `wishes`) to an
    earlier `choice` question whose options are the four levels, and `overall`
    to an earlier `decision` question. Until the step is reached, the reading is
    kept out of sight (classify before you look, Stage 2 Task 1).
    """

    kind: Literal["classification"]
    compare: dict[str, str] | None = None

    @field_validator("compare")
    @classmethod
    def _rows(cls, compare: dict[str, str] | None) -> dict[str, str] | None:
        if compare is None:
            return None
        unknown = sorted(set(compare) - set(COMPARED))
        if unknown:
            raise ValueError(f"compare: {', '.join(unknown)} is not one of {', '.join(COMPARED)}")
        missing = [name for name in COMPARED if name not in compare]
        if missing:
            raise ValueError(f"compare: name a question for {', '.join(missing)}")
        return {name: compare[name] for name in COMPARED}

    def own_levels(self, answers: dict[str, Any]) -> dict[str, str | None]:
        """The practitioner's own level for each compared row, from the session's answers."""
        own: dict[str, str | None] = {}
        for name, step_id in (self.compare or {}).items():
            value = answers.get(step_id)
            level = value.get("level") if isinstance(value, dict) else value
            own[name] = level if level in LEVELS else None
        return own
