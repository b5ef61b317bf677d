"""Flows that use what is already recorded (issue 17).

- A message may show what the case recorded: `{recorded:<flow>.<step>}` and
  `{case:<name>}` placeholders, named in the flow (never code), checked by
  `flows check`, filled by casework (`recorded_values`) and shown as data, never
  markup.
- The supervision flows show the child's recorded view and the last classification
  and ask only whether they changed; they ask who took part.
- The check-in states the agreed level before "is the level still right?", shows
  what is due (worked out), and names the document it fills, offered at its end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.casework.due import recorded_values
from assistant.flows.loader import check_text, default_library, load_paths
from assistant.flows.runner import AnswerEvent, FlowSession, fill
from assistant.flows.steps import CASE_FACTS
from assistant.records.store import Store

LIBRARY = default_library()
HEADER = """
id = "tiny"
title = "Tiny"
audience = "supervision"
stages = [1]
intro = "Hello."
"""


def message(text: str) -> str:
    return f'\n[[steps]]\nid = "m"\nkind = "message"\ntext = """{text}"""\n'


def problems(text: str) -> list[str]:
    flow, found = check_text(HEADER + text, "tiny.toml", "tiny")
    assert flow is None
    return [str(p) for p in found]


# -- the placeholders, in the engine ---------------------------------------------------
def test_placeholders_are_names_checked_when_the_flow_is_read() -> None:
    assert problems(message("Level: {case:mood}.")) == [
        f"tiny.toml:11: step 'm': text: {{case:mood}}: not one of {', '.join(CASE_FACTS)}"
    ]
    assert "write it {recorded:<flow id>.<step id>}" in problems(message("{recorded:nope}"))[0]
    question = '\n[[steps]]\nid = "q"\nkind = "text"\nlabel = "Q"\ntext = "Still {case:due}?"\n'
    assert "work in messages only" in problems(question)[0]


def test_a_recorded_placeholder_must_name_a_question_of_a_flow(tmp_path: Path) -> None:
    """Checked across flows: among those loaded, else the file beside it."""
    (tmp_path / "tiny.toml").write_text(
        HEADER + message("{recorded:case-profile.age_band} {recorded:case-profile.nothing}")
        + message("{recorded:no-such-flow.step}").replace('"m"', '"n"')
    )  # fmt: skip
    (tmp_path / "case-profile.toml").write_text(
        (Path(__file__).parents[1] / "flows" / "case-profile.toml").read_text()
    )
    found = [str(p) for p in load_paths([tmp_path / "tiny.toml"]).problems]
    assert found == [
        f"{tmp_path / 'tiny.toml'}: step 'm': {{recorded:case-profile.nothing}}: "
        "'case-profile' has no question 'nothing'",
        f"{tmp_path / 'tiny.toml'}: step 'n': {{recorded:no-such-flow.step}}: "
        "there is no flow 'no-such-flow'",
    ]


def test_a_flow_may_name_only_a_document_that_exists(tmp_path: Path) -> None:
    (tmp_path / "tiny.toml").write_text(HEADER + 'report = "no-such"\n' + message("Hi."))
    (problem,) = load_paths([tmp_path / "tiny.toml"]).problems
    assert "report: 'no-such' is not a document (content/reports/)" in str(problem)
    assert LIBRARY.flows["pre-review-check-in"].report == "check-in"


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def test_filled_words_are_data_never_markup() -> None:
    said = "1. Mum *said* [go](card:risk-table) <b>_now_</b>"
    text = fill("Words: {recorded:a.b}\n{case:due}", {"recorded:a.b": said, "case:due": ["x", "y"]})
    html = rendered(text)
    assert "<em>" not in html and "<a " not in html and "<ol>" not in html
    assert "1. Mum *said* [go](card:risk-table) &lt;b&gt;_now_&lt;/b&gt;" in html
    assert "<li>x</li>" in html and "<li>y</li>" in html  # a list alone on its line: bullets
    assert rendered(fill("Due: {case:due}.", {"case:due": ["x", "y"]})) == "<p>Due: x; y.</p>\n"
    assert fill("Level: {case:agreed_level}.", {}) == "Level: nothing recorded yet."


def test_without_values_a_placeholder_says_where_to_look() -> None:
    """A caller that does not fill them in (an older screen) still shows a sentence."""
    flow = LIBRARY.flows["pre-review-check-in"]
    session = FlowSession(flow)
    session.answer("looked_after")
    (shown,) = [t.step for t in session.transcript() if t.step.id == "classified_recorded"]
    assert "{case:" not in shown.text and "(see the case screen)" in shown.text
    assert flow.step("classified_recorded").text != shown.text  # the flow is unchanged


# -- filled from the demo case's records -------------------------------------------------
def demo(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)
    return store


def shown_messages(flow_id: str, store: Store, answers: list[Any]) -> dict[str, str]:
    """The messages a session of `flow_id` shows, filled from the demo case, after
    answering `answers` in order."""
    flow = LIBRARY.flows[flow_id]
    session = FlowSession(flow, recorded=recorded_values(store, LIBRARY, DEMO_REF, flow))
    for answer in answers:
        session.answer(answer)
    return {t.step.id: t.step.text for t in session.transcript() if t.step.kind == "message"}


def test_the_check_in_states_the_agreed_level_and_what_is_due(tmp_path: Path) -> None:
    store = demo(tmp_path)
    flow = LIBRARY.flows["pre-review-check-in"]
    answers = ["looked_after", "Nothing new.", "partly", "one", "no", "yes", "yes", "yes"]
    shown = shown_messages(flow.id, store, [*answers, "Services in place."])
    agreed = rendered(shown["classified_recorded"])
    assert "HIGH, agreed by Worker and team manager, after talking it through in a round" in agreed
    due = rendered(shown["due_now"])
    assert due.count("<li>") >= 2 and "Reclassify the risk" in due and "source:" in due
    order = [s.id for s in flow.steps]
    assert order.index("agreed_now") == order.index("level_right") - 1
    assert "{case:agreed_level}" in flow.step("agreed_now").text
    assert flow.step("due").optional  # only what the list does not hold


def test_the_classifying_flow_shows_what_is_recorded_and_the_round(tmp_path: Path) -> None:
    store = demo(tmp_path)
    flow = LIBRARY.flows["risk-classification"]
    values = recorded_values(store, LIBRARY, DEMO_REF, flow)
    assessment = values["case:assessment"]
    assert isinstance(assessment, list)
    assert any(
        line.startswith("Factors associated with future harm: Mother's partner, ")
        for line in assessment
    )
    # named for assessment in the profile; no capacity to change recorded for him
    assert "Named for assessment, no capacity recorded: Mother's partner" in assessment
    assert values["case:round"].endswith("agreed HIGH")
    child = values["recorded:wishes-and-feelings.child_wishes,supervision-assessment.child_wishes"]
    assert child.startswith("Wants to go home (recorded ")
    assert "independent_view" not in {s.id for s in flow.steps}  # the round is shown instead


# -- supervision ------------------------------------------------------------------------
def test_supervision_asks_who_took_part(tmp_path: Path) -> None:
    for flow_id in ("supervision-assessment", "supervision-planning"):
        flow = LIBRARY.flows[flow_id]
        assert flow.questions[0].id == "attended" and flow.questions[0].kind == "multi"


def test_supervision_shows_the_child_view_and_asks_only_whether_it_changed(
    tmp_path: Path,
) -> None:
    store = demo(tmp_path)
    flow = LIBRARY.flows["supervision-assessment"]
    shown = shown_messages(flow.id, store, [["social_worker", "team_manager"], "classifying"])
    view = rendered(shown["child_view_recorded"])
    assert "Wants to go home (recorded" in view
    assert "I want to go home but only if Mum is not poorly." in view
    session = FlowSession(flow)
    for answer in (["social_worker"], "classifying", "same"):
        session.answer(answer)
    assert session.current.id == "cross_ref"
    asked = {t.step.id for t in session.transcript()}
    assert not asked & {"child_view", "child_wishes", "child_view_known", "child_view_plan"}
    changed = FlowSession(flow)
    for answer in (["social_worker"], "classifying", "changed"):
        changed.answer(answer)
    assert changed.current.id == "child_view"


def test_a_supervision_recorded_before_the_change_keeps_its_answers() -> None:
    """Sessions begun before the child's view was shown keep what they recorded."""
    flow = LIBRARY.flows["supervision-assessment"]
    old = [
        AnswerEvent("case_point", "classifying"),
        AnswerEvent("child_view_known", "yes"),
        AnswerEvent("child_view", "Wants to go home 'when the shouting stops'."),
        AnswerEvent("child_wishes", "wants"),
    ]
    answers = FlowSession(flow, old).answers()
    assert answers["child_view"].startswith("Wants to go home")
    assert answers["child_wishes"] == "wants"
    planning = LIBRARY.flows["supervision-planning"]
    answers = FlowSession(planning, [AnswerEvent("last_classified", "2025-01-02")]).answers()
    assert answers == {"last_classified": "2025-01-02"}


def test_planning_supervision_shows_the_last_classification(tmp_path: Path) -> None:
    store = demo(tmp_path)
    flow = LIBRARY.flows["supervision-planning"]
    values = recorded_values(store, LIBRARY, DEMO_REF, flow)
    assert values["case:last_classified"].startswith("HIGH, agreed by ")
    session = FlowSession(flow, recorded=values)
    while session.current.id != "classified_since":
        step = session.current
        if step.kind == "multi":
            session.answer([step.answer_values()[0]])
        elif step.kind in ("choice", "yes_no_unknown"):
            session.answer(step.answer_values()[0])
        elif step.kind == "scale":
            session.answer(7)
        elif step.kind == "date":
            session.answer("2020-01-01" if not step.allow_future else "2099-01-01")
        elif step.optional:
            session.skip()
        else:
            session.answer("Noted.")
    session.answer("no")  # nothing since: the date is not asked again
    assert session.current.id == "reclass_due"
