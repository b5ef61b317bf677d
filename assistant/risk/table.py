"""Row rules, gaps and alerts of the Risk Classification Table (issue 3, "Rules").

Source: NSPCC reunification framework, Stage 2 Task 1 ("Classify risk using the
Risk Classification Table"), reused unchanged for reclassification in Stage 4
Task 1 and Stage 5 Task 4. The table has four columns (low, medium, high,
severe) read across four rows; each row rule below returns the lowest column
that the evidence on that row allows, and the suggestion is the highest row.

Alerts are research messages the framework asks workers to weigh (Stage 1 (b)
"Messages from research on reunification", Stage 1 (c) "capacity to change"
literature, and the notes on babies and on Section 20). They never change a
level: they are prompts for judgement.
"""

from __future__ import annotations

from dataclasses import dataclass

from .factors import PROTECTIVE_FACTORS, RISK_FACTORS
from .model import LEVELS, ClassificationInput, Level

ROW_NAMES: tuple[str, ...] = ("risk_factors", "protective_factors", "capacity_to_change", "wishes")

#: Risk-factor statuses that mean the factor is (or was) present in the case.
PRESENT_RISK = ("addressed", "being_addressed", "not_addressed")


@dataclass(frozen=True)
class Rows:
    risk_factors: Level
    protective_factors: Level
    capacity_to_change: Level
    wishes: Level

    def as_dict(self) -> dict[str, Level]:
        return {name: getattr(self, name) for name in ROW_NAMES}


def highest(*levels: Level) -> Level:
    """The highest (most severe) of the given levels."""
    return max(levels, key=LEVELS.index)


def risk_ids_with(data: ClassificationInput, status: str) -> list[str]:
    """Risk factor ids given with this status, in table order."""
    return [f.id for f in RISK_FACTORS if data.factors.get(f.id) == status]


def protective_ids_present(data: ClassificationInput) -> list[str]:
    """Protective factor ids given as present, in table order."""
    return [f.id for f in PROTECTIVE_FACTORS if data.factors.get(f.id) == "present"]


def risk_factors_row(data: ClassificationInput) -> Level:
    """Table row 'Risk factors' (Stage 2 Task 1).

    High/severe columns: risk factors apparent and not being addressed -> high
    (the lowest column that allows it). Medium column: not all risk factors fully
    addressed, i.e. some still being worked on. Low column: previous risk factors
    fully addressed. An ``unknown`` factor is not evidence either way: it does
    not lower the row and is reported in ``gaps``.
    """
    if risk_ids_with(data, "not_addressed"):
        return "high"
    if risk_ids_with(data, "being_addressed"):
        return "medium"
    return "low"


def protective_factors_row(data: ClassificationInput) -> Level:
    """Table row 'Protective factors' (Stage 2 Task 1).

    Low, medium and high columns all read "protective factors apparent", so one
    present factor allows low; only the severe column reads "no protective
    factors apparent". ``unknown`` never counts as present.
    """
    return "low" if protective_ids_present(data) else "severe"


def capacity_row(data: ClassificationInput) -> Level:
    """Table row 'Parents' capacity for actual change' (Stage 2 Task 1).

    Low and medium need parents ABLE to show sustained capacity for actual
    change; high and severe read UNABLE. Only ``substantial`` evidence (the no /
    some / substantial judgement of Stage 1 Task 3; Annex 19) counts as able;
    ``some``, ``none`` and ``unknown`` all land in the high column.
    """
    return "low" if data.capacity_to_change == "substantial" else "high"


def wishes_row(data: ClassificationInput) -> Level:
    """Table row 'Wishes about return' (Stage 2 Task 1).

    Low and medium need parents and child both to want the return (a child too
    young to have a view is ``not_applicable``); high and severe read
    ambivalence by parent and/or child. Opposition and ``unknown`` are treated
    no more favourably than ambivalence.
    """
    child_ok = data.wishes.child in ("want", "not_applicable")
    return "low" if data.wishes.parents == "want" and child_ok else "high"


def rows(data: ClassificationInput) -> Rows:
    return Rows(
        risk_factors=risk_factors_row(data),
        protective_factors=protective_factors_row(data),
        capacity_to_change=capacity_row(data),
        wishes=wishes_row(data),
    )


def suggested(r: Rows) -> Level:
    """The suggestion is the highest of the four rows (issue 3): one row in a
    higher column is enough, echoing Stage 1 (a)'s note that a single grave
    factor can make a case severe."""
    return highest(*r.as_dict().values())


def gaps(data: ClassificationInput) -> list[str]:
    """Sorted list of every factor given as ``unknown``, plus ``capacity_to_change``,
    ``wishes.parents`` and ``wishes.child`` when unknown (missing counts as unknown).
    Factor gaps are bare factor ids."""
    out = [fid for fid, status in data.factors.items() if status == "unknown"]
    if data.capacity_to_change == "unknown":
        out.append("capacity_to_change")
    if data.wishes.parents == "unknown":
        out.append("wishes.parents")
    if data.wishes.child == "unknown":
        out.append("wishes.child")
    return sorted(out)


def _risk_present(data: ClassificationInput, factor_id: str) -> bool:
    return data.factors.get(factor_id) in PRESENT_RISK


def alerts(data: ClassificationInput) -> list[str]:
    """Sorted alert ids (issue 3, "Alerts")."""
    found: list[str] = []
    # Stage 1 (b): alcohol/drug misuse and repeat maltreatment after return
    # (78% vs 29%); Wade et al 2011: 81% of such returns broke down. Also
    # repeated in Stage 2 Task 1. Any status but absent/unknown: the problem
    # was present, even if now addressed.
    substance = _risk_present(data, "substance_misuse")
    if substance:
        found.append("substance_misuse")
    # Stage 1 (c), Ward et al 2014: substance misuse combined with domestic
    # violence is a circumstance where enough change is highly unlikely.
    if substance and _risk_present(data, "inter_parental_conflict_violence"):
        found.append("domestic_abuse_with_substance_misuse")
    # Stage 1 (b): earlier failed returns predict another breakdown and the
    # worst outcomes.
    if data.facts.previous_failed_returns >= 1:
        found.append("previous_failed_return")
    # Stage 1 (b): looked after children with chronic neglect or emotional
    # abuse do significantly worse if returned home.
    if data.facts.chronic_neglect_or_emotional_abuse:
        found.append("chronic_neglect_or_emotional_abuse")
    # Stage 1 (b): services involved since pregnancy and no substantial change
    # within 6 months of birth -> real change unlikely. null (not yet known or
    # not applicable) does not raise it.
    if (
        data.facts.involved_since_pregnancy
        and data.facts.substantial_change_within_6_months_of_birth is False
    ):
        found.append("no_change_since_pregnancy")
    # Annex 13 (babies) and Stage 4 Task 1: infants have less time for parents
    # to show change; Annex 1 factor "very young child requiring rapid parental
    # change". Under two years old.
    if data.child.age_months is not None and data.child.age_months < 24:
        found.append("infant_timescales")
    # Stage 1 (b): in 38% of cases in one study parents were given 'too many
    # chances'; two or more reviews with goals not met is the prompt.
    if data.facts.goals_not_met_reviews >= 2:
        found.append("too_many_chances")
    # Stage 3 Task 2 (planning is poorest for Section 20; parents may end the
    # arrangement), Stage 2 Task 1 (severe: consider proceedings), Annex 10.
    if data.child.legal_status == "section_20":
        found.append("section_20")
    return sorted(found)
