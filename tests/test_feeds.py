"""Answers feed the risk classification (the same engine feeds the app)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.casework.classification import classify_case
from assistant.casework.feeds import FedAnswer, build_input
from assistant.flows.feed_targets import feed_problems
from assistant.flows.loader import check_text, load_library
from assistant.flows.runner import FlowSession
from assistant.records.store import Store
from tests.conftest import FIXTURES

FEEDING = FIXTURES / "feeding"
TODAY = date(2026, 11, 23)


def fed(
    path: str, value: object, at: str = "2026-11-01T10:00:00+00:00", subject: str = ""
) -> FedAnswer:
    return FedAnswer(path, value, at, "Flow", "Step", ("flow", "step"), subject)


PARENTS = ("mother", "father")


@pytest.mark.parametrize(
    ("kind", "to", "values", "answers", "says"),
    [
        ("choice", "factors.nope", None, ["a"], "'factors.nope' is not a classification input"),
        ("text", "capacity_to_change", None, [], "a text question cannot feed"),
        ("scale", "wishes.parents", None, [], "a scale question cannot feed"),
        ("choice", "capacity_to_change", None, ["lots"], "answer 'lots' is not a valid value"),
        ("choice", "capacity_to_change", {"x": "some"}, ["a"], "'x' is not an answer"),
        ("yes_no_unknown", "wishes.child", {"yes": "keen"}, ["yes"], "'keen' is not a valid value"),
        ("choice", "facts.previous_failed_returns", {"a": -1}, ["a"], "-1 is not a valid value"),
        ("choice", "factors.healthy_child", {"a": "addressed"}, ["a"], "not a valid value"),
    ],
)
def test_bad_feeds_are_reported(
    kind: str, to: str, values: dict | None, answers: list, says: str
) -> None:
    assert any(says in p for p in feed_problems(kind, to, values, answers))


def test_flows_check_names_the_feed_line() -> None:
    text = (
        (FEEDING / "quick-inputs.toml")
        .read_text()
        .replace('feeds = { to = "child.legal_status" }', 'feeds = { to = "child.legal_state" }')
    )
    _, problems = check_text(text, "quick-inputs.toml", "quick-inputs")
    assert [str(p) for p in problems] == [
        "quick-inputs.toml:17: step 'legal': feeds.to: 'child.legal_state' is not a "
        "classification input (see the README, 'Feeds')"
    ]


@pytest.mark.parametrize(
    ("statuses", "combined"),
    [
        (["absent", "not_addressed"], "not_addressed"),
        (["being_addressed", "addressed"], "being_addressed"),
        (["absent", "unknown"], "unknown"),
        (["addressed", "absent"], "addressed"),
        (["unknown", "being_addressed"], "being_addressed"),
    ],
)
def test_risk_factor_takes_its_worst_status_across_parents(
    statuses: list[str], combined: str
) -> None:
    """Issue 3 / Stage 1, Task 3: factors recorded per parent, combined before classifying."""
    answers = [fed("factors.neglect", s, subject=p) for s, p in zip(statuses, PARENTS, strict=True)]
    data = build_input(answers, TODAY).data
    assert data["factors"]["neglect"] == combined


@pytest.mark.parametrize(
    ("statuses", "combined"),
    [
        (["absent", "present"], "present"),
        (["absent", "unknown"], "unknown"),
        (["absent", "absent"], "absent"),
    ],
)
def test_protective_factor_present_if_present_for_any_parent(
    statuses: list[str], combined: str
) -> None:
    answers = [
        fed("factors.social_support", s, subject=p) for s, p in zip(statuses, PARENTS, strict=True)
    ]
    data = build_input(answers, TODAY).data
    assert data["factors"]["social_support"] == combined


def test_newest_answer_to_the_same_question_about_the_same_person_wins() -> None:
    """Issue 4: a later assessment replaces an earlier one, even when less worrying."""
    data = build_input(
        [
            fed("factors.neglect", "not_addressed", "2026-05-01T10:00:00+00:00", "mother"),
            fed("factors.neglect", "addressed", "2026-11-01T10:00:00+00:00", "Mother"),
        ],
        TODAY,
    ).data
    assert data["factors"]["neglect"] == "addressed"


@pytest.mark.parametrize(
    ("path", "values", "combined"),
    [
        ("wishes.parents", ["want", "opposed"], "opposed"),
        ("wishes.parents", ["want", "unknown"], "unknown"),
        ("wishes.parents", ["want", "want"], "want"),
        ("capacity_to_change", ["substantial", "some"], "some"),
        ("capacity_to_change", ["none", "unknown"], "unknown"),
        ("capacity_to_change", ["substantial", "substantial"], "substantial"),
    ],
)
def test_parents_wishes_and_capacity_take_the_most_cautious_answer(
    path: str, values: list[str], combined: str
) -> None:
    """Table rows 3 and 4 (Stage 2 Task 1): one parent's doubt is never hidden."""
    answers = [fed(path, v, subject=p) for v, p in zip(values, PARENTS, strict=True)]
    head, _, tail = path.partition(".")
    data = build_input(answers, TODAY).data
    assert (data[head][tail] if tail else data[head]) == combined


def test_other_inputs_take_the_latest_answer() -> None:
    data = build_input(
        [
            fed("child.age_months", 30, "2026-10-01T10:00:00+00:00"),
            fed("child.age_months", 31, "2026-11-01T10:00:00+00:00"),
            fed("child.legal_status", "section_20"),
        ],
        TODAY,
    ).data
    assert data == {
        "assessed_on": "2026-11-23",
        "child": {"age_months": 31, "legal_status": "section_20"},
    }


def answer_quick_inputs(store: Store, ref: str, answers: list[object]) -> None:
    library = load_library(FEEDING)
    flow = library.flows["quick-inputs"]
    record = store.start_session(ref, flow.id, flow.title)
    session = FlowSession(flow)
    for value in answers:
        store.record(ref, record.id, session.answer(value))


def test_case_classification_from_recorded_answers(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C1")
    answer_quick_inputs(
        store, "C1", ["section_20", "absent", "being_addressed", "yes", "some", "yes", "yes", "one"]
    )
    case = classify_case(store, load_library(FEEDING), "C1", TODAY)
    assert case.result is not None
    out = case.result.as_dict()
    assert out["rows"] == {
        "risk_factors": "medium",
        # supportive family is present but not named as reducing the open risk
        "protective_factors": "severe",
        "capacity_to_change": "high",
        "wishes": "low",
    }
    assert out["suggested"] == "severe"
    assert "protective_factors.mitigates" in out["gaps"]
    assert out["alerts"] == ["previous_failed_return", "section_20", "substance_misuse"]
    assert [f.step_label for f in case.inputs.sources["factors.substance_misuse"]] == [
        "Substance misuse (mother)",
        "Substance misuse (father)",
    ]
    assert {r.kind for r in case.reasons} >= {"row", "alert", "trajectory"}


def test_unmapped_answer_feeds_nothing_and_shows_as_a_gap(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C1")
    answer_quick_inputs(store, "C1", ["care_order", "absent", "absent", "no", "unsure"])
    case = classify_case(store, load_library(FEEDING), "C1", TODAY)
    assert case.inputs.data["capacity_to_change"] == "unknown"
    assert case.result is not None
    assert "capacity_to_change" in case.result.gaps
    assert case.result.suggested == "severe"  # no protective factor apparent (table, row 2)


def test_case_with_nothing_fed_is_empty(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C1")
    case = classify_case(store, load_library(FEEDING), "C1", TODAY)
    assert case.inputs.empty


def test_answers_of_a_flow_that_no_longer_loads_are_named(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C1")
    answer_quick_inputs(store, "C1", ["care_order"])
    case = classify_case(store, load_library(FIXTURES / "only-visit-plan"), "C1", TODAY)
    assert case.unread_flows == ["quick-inputs"]


def test_answers_given_in_the_same_second_keep_their_order() -> None:
    """A regression: the newest answer must win even when the clock shows the same second."""
    same = "2026-11-01T10:00:00+00:00"
    first = FedAnswer("factors.neglect", "not_addressed", same, "F", "S", ("f", "s"), "", 1)
    later = FedAnswer("factors.neglect", "addressed", same, "F", "S", ("f", "s"), "", 2)
    for order in ([first, later], [later, first]):
        assert build_input(order, TODAY).data["factors"]["neglect"] == "addressed"


# --- contract v2: what the flows feed -------------------------------------------

MITIGATING = FIXTURES / "mitigating"


def record_adult(store: Store, ref: str, answers: dict[str, object]) -> None:
    flow = load_library(MITIGATING).flows["factor-pairs"]
    record = store.start_session(ref, flow.id, flow.title)
    session = FlowSession(flow)
    for step in [s.id for s in flow.questions]:
        event = session.answer(answers[step]) if step in answers else session.skip()
        store.record(ref, record.id, event)


def test_protection_names_the_risks_it_reduces_across_adults(tmp_path: Path) -> None:
    """Stage 2, "strengths vs protective factors": a present protective factor counts
    only where it reduces an open risk; across adults it reduces every risk any answer
    named, and an answer naming none ("a strength") adds nothing."""
    store = Store(tmp_path / "db")
    store.create_case("C1")
    record_adult(store, "C1", {
        "who": "Mother",
        "drugs": {"status": "not_addressed", "note": "relapse in May"},
        "family": {"status": "present", "note": "gran visits", "mitigates": []},
    })  # fmt: skip
    case = classify_case(store, load_library(MITIGATING), "C1", TODAY)
    assert case.result is not None
    assert case.inputs.data["factors"]["supportive_extended_family"] == {
        "status": "present",
        "mitigates": [],
    }
    assert case.result.rows.protective_factors == "severe"  # a strength, not protection
    record_adult(store, "C1", {
        "who": "Father",
        "drugs": {"status": "absent", "note": ""},
        "family": {"status": "present", "note": "his sister", "mitigates": ["substance_misuse"]},
    })  # fmt: skip
    case = classify_case(store, load_library(MITIGATING), "C1", TODAY)
    assert case.result is not None
    assert case.inputs.data["factors"]["supportive_extended_family"] == {
        "status": "present",
        "mitigates": ["substance_misuse"],
    }
    assert case.result.rows.protective_factors == "low"


def test_a_plain_present_protection_with_open_risks_is_a_gap(tmp_path: Path) -> None:
    """Answers kept before mitigates was asked feed a plain "present": the row reads
    severe and the gap asks which risk it reduces (never counted silently)."""
    store = Store(tmp_path / "db")
    store.create_case("C1")
    record_adult(store, "C1", {
        "who": "Mother",
        "violence": {"status": "being_addressed", "note": "course"},
        "family": {"status": "present", "note": "gran"},
    })  # fmt: skip
    case = classify_case(store, load_library(MITIGATING), "C1", TODAY)
    assert case.result is not None
    assert case.inputs.data["factors"]["supportive_extended_family"] == "present"
    assert "protective_factors.mitigates" in case.result.gaps


def test_not_known_answers_feed_null_facts_and_leave_the_age_out(tmp_path: Path) -> None:
    """Contract v2: "not known" is never a made-up value: a fact becomes null (a gap,
    no alert), a child's age is left out (the infant alert cannot fire on a guess)."""
    store = Store(tmp_path / "db")
    store.create_case("C1")
    record_adult(store, "C1", {"who": "Mother", "failed_returns": "not_known", "age": "not_known"})
    case = classify_case(store, load_library(MITIGATING), "C1", TODAY)
    assert case.result is not None
    assert case.inputs.data["facts"] == {"previous_failed_returns": None}
    assert "age_months" not in case.inputs.data.get("child", {})
    assert "facts.previous_failed_returns" in case.result.gaps
    assert "previous_failed_return" not in case.result.alerts
    record_adult(store, "C1", {"who": "Mother", "failed_returns": "one", "age": "baby"})
    case = classify_case(store, load_library(MITIGATING), "C1", TODAY)
    assert case.result is not None
    assert case.inputs.data["facts"] == {"previous_failed_returns": 1}
    assert {"previous_failed_return", "infant_timescales"} <= set(case.result.alerts)


def test_only_agreed_decisions_are_history(tmp_path: Path) -> None:
    """Contract v2, history: an agreed round or a decision agreed with a manager counts;
    a practitioner's own view is kept and shown as theirs but is not history."""
    from assistant.casework.decisions import make_decision
    from assistant.casework.timeline import history

    store = Store(tmp_path / "db", clock=lambda: "2026-05-01T10:00:00+00:00")
    store.create_case("C1")
    store.record_decision("C1", make_decision("severe", "my own view of it", "high"))
    assert history(store.decisions("C1"), TODAY) == []
    store.record_decision(
        "C1", make_decision("high", "agreed in supervision", "high", agreed_with="T. Manager")
    )
    assert history(store.decisions("C1"), TODAY) == [
        {"on": "2026-05-01", "suggested": "high", "agreed": "high"}
    ]
