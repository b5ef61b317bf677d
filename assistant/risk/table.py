"""Row rules, gaps and alerts of the Risk Classification Table (classify contract v2).

Source: NSPCC reunification framework, Stage 2 Task 1 ("Classify risk using the
Risk Classification Table"), reused unchanged for reclassification in Stage 4
Task 1 and Stage 5 Task 4. The table has four columns (low, medium, high,
severe) read across four rows; each row rule below returns the lowest column
that the evidence on that row allows, or None when nothing on that row is
known yet. The framework gives no formula for combining the rows: that the
highest row decides is Reunify's reading (marked ``OUR_READINGS``).

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


#: Rules that are Reunify's reading of the table rather than the framework's own
#: words (the framework: the table "should not be used in an overly prescriptive
#: way", Stage 2 Task 1). Shown, marked as ours, wherever the reasons are shown.
OUR_READINGS: dict[str, str] = {
    "highest_row": "The highest of the four rows decides the suggestion.",
    "unknown_not_addressed": (
        "A risk factor marked not known counts as not yet fully addressed (medium at least)."
    ),
    "infant": "An infant is a child under 24 months.",
    "too_many_chances": "Goals unmet at two or more reviews is the prompt for 'too many chances'.",
    "some_capacity": "'Some' evidence of capacity to change is not yet enough (high).",
    "mitigates": (
        "A protective factor counts only where it is named as reducing a risk that is "
        "still open; otherwise it is a strength."
    ),
}


@dataclass(frozen=True)
class Rows:
    """Each row's level, or None when nothing on that row is known yet."""

    risk_factors: Level | None
    protective_factors: Level | None
    capacity_to_change: Level
    wishes: Level

    def as_dict(self) -> dict[str, Level | None]:
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


def active_risk_ids(data: ClassificationInput) -> list[str]:
    """Risk factors still open: not addressed or being addressed, in table order."""
    return [
        f.id for f in RISK_FACTORS if data.factors.get(f.id) in ("not_addressed", "being_addressed")
    ]


def known(data: ClassificationInput, kind: str) -> bool:
    """True when at least one factor of this kind has a status other than unknown."""
    factors = RISK_FACTORS if kind == "risk" else PROTECTIVE_FACTORS
    return any(data.factors.get(f.id, "unknown") != "unknown" for f in factors)


def risk_factors_row(data: ClassificationInput) -> Level | None:
    """Table row 'Risk factors' (Stage 2 Task 1).

    None when no risk factor is known either way. High/severe columns: risk
    factors apparent and not being addressed -> high (the lowest column that
    allows it). Medium column: not all risk factors fully addressed, i.e. some
    still being worked on or (our reading) not known. Low column: previous risk
    factors fully addressed (or absent).
    """
    if not known(data, "risk"):
        return None
    if risk_ids_with(data, "not_addressed"):
        return "high"
    if risk_ids_with(data, "being_addressed") or risk_ids_with(data, "unknown"):
        return "medium"
    return "low"


def protective_ids_counted(data: ClassificationInput) -> list[str]:
    """Present protective factors that count as protection: each names at least one
    still-open risk in ``mitigates`` (Stage 2, "strengths vs protective factors")."""
    active = set(active_risk_ids(data))
    return [
        fid
        for fid in protective_ids_present(data)
        if active.intersection(data.mitigates.get(fid, ()))
    ]


def protective_without_link(data: ClassificationInput) -> list[str]:
    """Present protective factors given without ``mitigates`` while risks are open."""
    if not active_risk_ids(data):
        return []
    return [fid for fid in protective_ids_present(data) if fid not in data.mitigates]


def protective_factors_row(data: ClassificationInput) -> Level | None:
    """Table row 'Protective factors' (Stage 2 Task 1).

    None when no protective factor is known either way. The severe column reads
    "no protective factors apparent". With no risk still open, one present
    factor allows low. With risks open, a factor is protective only where it
    reduces one of them (Stage 2, "strengths vs protective factors": a strength
    that does nothing about the specific risk is not protective): low when a
    present factor names an open risk in ``mitigates``, else severe.
    ``unknown`` never counts as present.
    """
    if not known(data, "protective"):
        return None
    if not protective_ids_present(data):
        return "severe"
    if not active_risk_ids(data):
        return "low"
    return "low" if protective_ids_counted(data) else "severe"


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


def suggested(data: ClassificationInput, r: Rows) -> Level | None:
    """Severe when the practitioner records a grave concern (Stage 1 (a): one factor
    or a cluster can make the risk severe; the table assists judgement). Else None
    when the risk or protective row is not known (too little recorded to suggest
    anything). Else the highest of the four rows (our reading: one row in a
    higher column is enough)."""
    if data.facts.grave_concern:
        return "severe"
    if r.risk_factors is None or r.protective_factors is None:
        return None
    return highest(*(level for level in r.as_dict().values() if level is not None))


def gaps(data: ClassificationInput, r: Rows) -> list[str]:
    """Sorted list of what is not known: every factor given as ``unknown`` (bare
    ids), ``capacity_to_change``, ``wishes.parents`` and ``wishes.child`` when
    unknown (missing counts as unknown), ``facts.<name>`` for a fact given as
    null, ``risk_factors`` / ``protective_factors`` when that row is not known,
    and ``protective_factors.mitigates`` when a present protective factor does
    not say which open risk it reduces."""
    out = [fid for fid, status in data.factors.items() if status == "unknown"]
    if data.capacity_to_change == "unknown":
        out.append("capacity_to_change")
    if data.wishes.parents == "unknown":
        out.append("wishes.parents")
    if data.wishes.child == "unknown":
        out.append("wishes.child")
    out += [f"facts.{name}" for name in data.facts.unknown()]
    if r.risk_factors is None:
        out.append("risk_factors")
    if r.protective_factors is None:
        out.append("protective_factors")
    if protective_without_link(data):
        out.append("protective_factors.mitigates")
    return sorted(out)


def _risk_present(data: ClassificationInput, factor_id: str) -> bool:
    return data.factors.get(factor_id) in PRESENT_RISK


def alerts(data: ClassificationInput) -> list[str]:
    """Sorted alert ids. A fact that is not known (null) raises no alert; it is a gap."""
    found: list[str] = []
    # Stage 1 (a), "Factors associated with future harm": the practitioner judges
    # one factor, or a cluster, so grave that the overall risk is severe.
    if data.facts.grave_concern:
        found.append("grave_concern")
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
    if (data.facts.previous_failed_returns or 0) >= 1:
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
    if (data.facts.goals_not_met_reviews or 0) >= 2:
        found.append("too_many_chances")
    # Stage 3 Task 2 (planning is poorest for Section 20; parents may end the
    # arrangement), Stage 2 Task 1 (severe: consider proceedings), Annex 10.
    if data.child.legal_status == "section_20":
        found.append("section_20")
    return sorted(found)
