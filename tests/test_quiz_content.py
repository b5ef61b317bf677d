"""The research quiz agrees with the framework and with our own content (issue 15)."""

from __future__ import annotations

from assistant.casework.learning import load_practice, load_quiz
from assistant.paths import content_dir

QUIZ = {q.id: q for q in load_quiz(content_dir())}
PRACTICE = load_practice(content_dir())
#: questions whose answer rests on a judgement the table guides but does not make
JUDGEMENT_CALLS = (
    "q-level-low-minor-risk",
    "q-level-high-partner",
    "q-level-new-partner-hidden",
    "q-level-relapse-capacity-shown",
    "q-medium-no-change-toddler",
    "q-relapse",
    "q-one-factor-severe",
)


def answer(qid: str) -> str:
    question = QUIZ[qid]
    return question.options[question.answer]


def test_a_visiting_relative_or_school_is_no_protection_from_a_violent_man_at_home() -> None:
    """NSPCC framework, Stage 2, Task 1 ('strengths vs protective factors'; the table's
    movement rules) and our card content/strengths-vs-protective.md: a relative who
    visits and a school that watches do not reduce the risk from a violent partner
    living in the home, so these cases read Severe, not High, and say it is a
    judgement."""
    card = (content_dir() / "strengths-vs-protective.md").read_text()
    assert "reduces a particular risk" in card
    for qid in ("q-level-high-partner", "q-level-new-partner-hidden"):
        question = QUIZ[qid]
        assert answer(qid) == "Severe", qid
        assert "strength" in question.explanation and "judgement call" in question.explanation
        assert "strengths vs protective factors" in question.cite


def test_a_parent_on_a_substitute_prescription_is_not_low_risk() -> None:
    """NSPCC framework, Annex 1 (Parent domain, substance abuse): a parent on a
    methadone or similar programme is recorded under substance misuse; the quiz's
    case reads Medium, as our methadone practice case does."""
    question = QUIZ["q-level-low-drug-use-ended"]
    assert "methadone" in question.question
    assert answer("q-level-low-drug-use-ended") == "Medium"
    assert "Annex 1" in question.cite
    assert PRACTICE["practice-methadone-dad"].model.level == "medium"
    for q in QUIZ.values():
        if q.form == "which_level" and ("methadone" in q.question or "prescri" in q.question):
            assert answer(q.id) != "Low", q.id


def test_the_46_and_17_per_cent_figures_are_farmers() -> None:
    """NSPCC framework, introduction ('Why did we develop the Framework?', note 16):
    the share of mothers (46%) and fathers (17%) with alcohol or drug issues comes
    from Farmer et al (2011), not from an unnamed other study."""
    question = QUIZ["q-substance-figures"]
    assert "Farmer et al (2011)" in question.explanation
    assert "another study" not in question.explanation
    assert "Farmer et al 2011" in question.cite


def test_judgement_calls_say_so_and_no_question_says_the_table_decides() -> None:
    """Stage 2, Task 1: the table guides judgement and is not to be used too
    prescriptively. Questions that rest on a judgement say so in their feedback, and
    no question asks what 'the table suggests' as if it gave a formula."""
    for qid in JUDGEMENT_CALLS:
        assert "judgement" in QUIZ[qid].explanation, qid
    for question in QUIZ.values():
        assert "does the table suggest" not in question.question, question.id
