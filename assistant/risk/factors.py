"""The factor ids the classifier accepts, as data.

Source: NSPCC reunification framework, Stage 1 (a), the "Factors associated
with future harm" table (compiled from Jones, Hindley and Ramchandani 2006 and
White, Hindley and Jones 2015), with each factor defined in Annex 1. The domain
of each factor is the Annex 1 row it sits on; the labels are the table's own
short factor names, shortened where needed.

Risk factors make future significant harm more likely; protective factors make
it less likely. The order below follows the table, domain by domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Domain = Literal[
    "abuse",
    "child",
    "parent",
    "parenting",
    "family",
    "professional",
    "social_setting",
]
FactorKind = Literal["risk", "protective"]

#: Annex 1 domains in table order, with a display name for each.
DOMAINS: dict[str, str] = {
    "abuse": "Abuse",
    "child": "Child",
    "parent": "Parent",
    "parenting": "Parenting and parent-child interaction",
    "family": "Family",
    "professional": "Professional",
    "social_setting": "Social setting",
}

#: Statuses a risk factor may take (after combining across parents).
RISK_STATUSES: tuple[str, ...] = (
    "absent",
    "addressed",
    "being_addressed",
    "not_addressed",
    "unknown",
)
#: Statuses a protective factor may take.
PROTECTIVE_STATUSES: tuple[str, ...] = ("present", "absent", "unknown")


@dataclass(frozen=True)
class Factor:
    """One factor from the Stage 1 (a) table, defined in Annex 1."""

    id: str
    label: str
    domain: Domain
    kind: FactorKind


def _risk(id: str, label: str, domain: Domain) -> Factor:
    return Factor(id, label, domain, "risk")


def _protective(id: str, label: str, domain: Domain) -> Factor:
    return Factor(id, label, domain, "protective")


# Stage 1 (a) table, left column ("future significant harm more likely").
RISK_FACTORS: tuple[Factor, ...] = (
    # Annex 1, Abuse
    _risk("severe_physical_abuse", "Severe physical abuse (including burns or scalds)", "abuse"),
    _risk("neglect", "Neglect", "abuse"),
    _risk("severe_growth_failure", "Severe growth failure", "abuse"),
    _risk("multiple_maltreatment_types", "Multiple types of maltreatment", "abuse"),
    _risk("more_than_one_child_affected", "More than one affected child in the household", "abuse"),
    _risk("previous_maltreatment", "Previous maltreatment", "abuse"),
    _risk("serious_sexual_abuse", "Sexual abuse with penetration or over a long time", "abuse"),
    _risk("fabricated_induced_illness", "Fabricated or induced illness", "abuse"),
    _risk("sadistic_abuse", "Sadistic abuse", "abuse"),
    # Annex 1, Child
    _risk("developmental_delay_special_needs", "Developmental delay with special needs", "child"),
    _risk("child_mental_health_problems", "Child's mental health problems", "child"),
    _risk("very_young_child", "Very young child needing rapid parental change", "child"),
    # Annex 1, Parent
    _risk(
        "personality_disorder", "Personality disorder (anti-social, sadistic, aggressive)", "parent"
    ),
    _risk("paranoid_psychosis", "Paranoid psychosis", "parent"),
    _risk(
        "parental_mental_health_problems", "Significant parental mental health problems", "parent"
    ),
    _risk(
        "learning_disability_with_mental_illness",
        "Learning disability together with mental illness",
        "parent",
    ),
    _risk("lack_of_compliance", "Lack of compliance", "parent"),
    _risk("denial_of_problems", "Denial of problems", "parent"),
    _risk("substance_misuse", "Alcohol or drug misuse", "parent"),
    _risk("unrecognised_childhood_abuse", "Childhood abuse not recognised as a problem", "parent"),
    _risk(
        "history_of_violence_or_sexual_assault",
        "History of violence or sexual assault",
        "parent",
    ),
    # Annex 1, Parenting and parent-child interaction
    _risk(
        "disorganised_attachment",
        "Disorganised or severely insecure attachment",
        "parenting",
    ),
    _risk("lack_of_empathy", "Lack of empathy for the child", "parenting"),
    _risk("poor_parenting_competence", "Poor parenting competence", "parenting"),
    _risk("own_needs_before_child", "Own needs put before the child's", "parenting"),
    _risk(
        "parent_child_relationship_difficulties",
        "Parent-child relationship difficulties",
        "parenting",
    ),
    # Annex 1, Family
    _risk("inter_parental_conflict_violence", "Inter-parental conflict and violence", "family"),
    _risk("high_stress", "High stress", "family"),
    _risk("power_problems", "Power problems (negotiation, autonomy, emotions)", "family"),
    _risk(
        "not_visible_perpetrator_access",
        "Child not visible to others; perpetrator still has access",
        "family",
    ),
    # Annex 1, Professional
    _risk("lack_of_resources", "Lack of resources", "professional"),
    _risk("poorly_skilled_professionals", "Poorly skilled professionals", "professional"),
    # Annex 1, Social setting
    _risk("social_isolation", "Social isolation", "social_setting"),
    _risk(
        "lack_of_support_lone_parent",
        "Lack of support networks; lone parenthood",
        "social_setting",
    ),
    _risk("violent_neighbourhood", "Violent, unsupportive neighbourhood", "social_setting"),
)

# Stage 1 (a) table, right column ("future significant harm less likely").
PROTECTIVE_FACTORS: tuple[Factor, ...] = (
    # Annex 1, Abuse
    _protective("less_severe_abuse", "Less severe forms of abuse", "abuse"),
    # Annex 1, Child
    _protective("healthy_child", "Healthy child", "child"),
    _protective("no_self_blame", "Child does not blame themself for sexual abuse", "child"),
    _protective("later_onset", "Later age of onset", "child"),
    _protective("one_good_relationship", "One good corrective relationship", "child"),
    # Annex 1, Parent (the table lists "non-abusive partner" under Family as
    # well; Annex 1 defines it once, under Parent)
    _protective("mental_disorder_responsive", "Mental disorder responsive to treatment", "parent"),
    _protective("non_abusive_partner", "Non-abusive partner", "parent"),
    _protective("willing_to_engage", "Willingness to engage with services", "parent"),
    _protective("recognition_of_problem", "Recognition of problem", "parent"),
    _protective("responsibility_taken", "Responsibility taken", "parent"),
    _protective("adapted_to_childhood_abuse", "Adaptation to childhood abuse", "parent"),
    # Annex 1, Parenting and parent-child interaction
    _protective("secure_attachment", "Secure or less insecure attachment", "parenting"),
    _protective("empathy_for_child", "Empathy for the child", "parenting"),
    _protective(
        "parenting_competence_some_areas",
        "Parenting competence in some areas",
        "parenting",
    ),
    # Annex 1, Family
    _protective("absence_of_domestic_abuse", "Absence of domestic abuse", "family"),
    _protective("supportive_extended_family", "Supportive extended family", "family"),
    _protective("capacity_for_change", "Capacity for change", "family"),
    # Annex 1, Professional (partnership with parents, outreach, therapeutic relationship)
    _protective("resources_available", "Resources available", "professional"),
    # Annex 1, Social setting
    _protective("social_support", "Social support", "social_setting"),
    _protective("local_childcare", "More local childcare facilities", "social_setting"),
    _protective("volunteer_network", "Volunteer network", "social_setting"),
    _protective(
        "legal_medical_involvement",
        "Involvement of legal or medical services",
        "social_setting",
    ),
)

#: Every factor by id.
FACTORS_BY_ID: dict[str, Factor] = {f.id: f for f in RISK_FACTORS + PROTECTIVE_FACTORS}


def statuses_for(factor: Factor) -> tuple[str, ...]:
    """The statuses allowed for a factor of this kind."""
    return RISK_STATUSES if factor.kind == "risk" else PROTECTIVE_STATUSES
