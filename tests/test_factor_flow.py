"""Recording factors so the answers mean what was meant (issue 15).

- A present protective factor says which of the case's recorded risks it reduces,
  chosen by name; "none of these" is kept and does not count (NSPCC framework,
  Stage 2 Task 1, "Strengths vs protective factors").
- Number keys mean the same in every factor question, and the chosen status shows
  in words beside the note before it is sent.
- The abuse and child domains are recorded once for the case; the others per parent
  (Stage 1 (a): each parent separately and together). The sessions lists say whom
  each session is about.
- A case like the framework's Annex 23 (Lucy) reads severe.

Issue 17 (a whole case in half an hour): each domain is a tick list of all its
factors first; only the ticked ones ask a status and evidence, and every factor
left unticked is recorded as not present for that person, said so in the summary,
the classification's input and F3.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList, Static, TextArea

from assistant.casework.classification import classify_case
from assistant.flows.content import load_card
from assistant.flows.loader import default_library
from assistant.flows.runner import AnswerEvent, FlowSession, about_words
from assistant.paths import content_dir
from assistant.records.store import Store
from assistant.risk.factors import FACTORS_BY_ID, PROTECTIVE_FACTORS, RISK_FACTORS
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from assistant.ui.home import HomeScreen
from assistant.ui.inputs import MultiInput, Submitted
from assistant.ui.risk_panel import why_text
from tests.pilot import fill, start_flow, wait_until

LIBRARY = default_library()
FLOW = LIBRARY.flows["future-harm-factors"]
TITLE = FLOW.title
#: number keys of the statuses, the same in every factor question
NOT_PRESENT, NOT_KNOWN, PRESENT = "1", "2", "3"


def factor_answer(status: str) -> dict[str, str]:
    """A factor's answer: a risk that is there carries a line of evidence."""
    return {"status": status, "note": "" if status in ("absent", "unknown") else "Seen on a visit."}


# -- rules ------------------------------------------------------------------------
def test_number_keys_mean_the_same_in_every_factor_question() -> None:
    """1 is "not present" and 2 "not known" for risk and protective factors alike."""
    for step in FLOW.steps:
        if step.kind != "factor":
            continue
        values = step.answer_values()
        assert values[:2] == ["absent", "unknown"], step.id
        if step.protective:
            assert values == ["absent", "unknown", "present"]
        else:
            assert values == ["absent", "unknown", "addressed", "being_addressed", "not_addressed"]


def answer_through(session: FlowSession, ticked: dict[str, list[str]] | None = None) -> list[str]:
    """Answer a factors session from its tick lists on: each list ticks `ticked[list]`
    (every option when not given) and each factor asked is "not present". The factor
    ids asked, in order."""
    factors = []
    while (step := session.current) is not None and step.kind in ("multi", "factor"):
        if step.kind == "multi":
            session.answer(step.answer_values() if ticked is None else ticked.get(step.id, []))
        else:
            factors.append(step.factor)
            session.answer({"status": "absent", "note": ""})
    return factors


def asked(parent: str, domains: list[str]) -> list[str]:
    """The factor ids a session about `parent` asks, ticking `domains` and then every
    factor of each domain."""
    session = FlowSession(FLOW)
    session.answer(parent)
    session.answer(domains)
    return answer_through(session)


def test_abuse_and_child_once_for_the_case_the_rest_per_parent() -> None:
    """Stage 1 (a): the harm done and the child's needs are the case's; the parent,
    parenting, family, professional and social setting domains are each parent's."""
    case = asked("child", ["abuse", "child"])
    parent = asked("mother", ["parent", "parenting", "family", "professional", "social"])
    assert {FACTORS_BY_ID[f].domain for f in case} == {"abuse", "child"}
    assert not {FACTORS_BY_ID[f].domain for f in parent} & {"abuse", "child"}
    every = {f.id for f in (*RISK_FACTORS, *PROTECTIVE_FACTORS)}
    assert sorted(case + parent) == sorted(every)  # each factor once, none missing
    child_options = FLOW.step("case_domains").answer_values()
    parent_options = FLOW.step("domains").answer_values()
    assert child_options == ["abuse", "child"] and "abuse" not in parent_options


TICK_LISTS = [s for s in FLOW.steps if getattr(s, "unticked", None) == "absent"]


def test_each_domain_ticks_every_factor_of_its_own_and_asks_only_those_ticked() -> None:
    """Issue 17: one tick list per domain showing every factor of the domain (each
    labelled as its question is); a session asks only what was ticked."""
    assert len(TICK_LISTS) == 7
    listed = [v for tick_list in TICK_LISTS for v in tick_list.answer_values()]
    assert sorted(listed) == sorted(f.id for f in (*RISK_FACTORS, *PROTECTIVE_FACTORS))
    for tick_list in TICK_LISTS:
        domains = {FACTORS_BY_ID[v].domain for v in tick_list.answer_values()}
        assert len(domains) == 1, tick_list.id
        for option in tick_list.options:
            label = FLOW.factor_step(option.value).label
            assert option.label in (label, f"{label} (protective)"), option.value
    session = FlowSession(FLOW)
    session.answer("mother")
    session.answer(["parent", "family"])
    ticked = {"parent_factors": ["substance_misuse", "willing_to_engage"], "family_factors": []}
    assert answer_through(session, ticked) == ["substance_misuse", "willing_to_engage"]
    assert session.current.id == "overall_note"


def test_f2_on_a_tick_list_opens_every_definition_of_its_domain() -> None:
    """Each definition one key away: a tick list's card is its domain's, which gives
    every factor of the domain with the definition its own card gives (kept in step)."""
    meaning = re.compile(r"## What it means\n(.*?)\n## ", re.S)
    for tick_list in TICK_LISTS:
        (card_id,) = tick_list.cards()
        card = load_card(content_dir(), card_id)
        for factor in tick_list.answer_values():
            own = load_card(content_dir(), f"factor-{factor}").body
            definition = " ".join(meaning.search(own).group(1).split())
            assert definition in " ".join(card.body.split()), (card_id, factor)
            assert f"(card:factor-{factor})" in card.body
            assert tick_list.card_for(factor) == f"factor-{factor}"


def mother_session(store: Store, ref: str, ticked: dict[str, list[str]], **statuses: str) -> None:
    """A finished factors session about the mother (parent and family domains): the
    factors in `ticked` get the status given (else "not present")."""
    session = store.start_session(ref, FLOW.id, FLOW.title)
    flow_session = FlowSession(FLOW)
    for answer in ("mother", ["parent", "family"]):
        store.record(ref, session.id, flow_session.answer(answer))
    while (step := flow_session.current).kind in ("multi", "factor"):
        if step.kind == "multi":
            value: object = ticked.get(step.id, [])
        else:
            value = factor_answer(statuses.get(step.factor, "absent"))
        store.record(ref, session.id, flow_session.answer(value))
    store.record(ref, session.id, flow_session.skip())
    store.finish_session(ref, session.id)


def test_unticked_factors_are_recorded_as_not_present_and_said_so(tmp_path: Path) -> None:
    """Nothing assumed silently: a factor left unticked feeds "absent" for that
    person, and the summary, the classification's input and F3 all say where from."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    mother_session(
        store, "C-1", {"parent_factors": ["substance_misuse"]}, substance_misuse="not_addressed"
    )
    case = classify_case(store, LIBRARY, "C-1")
    factors = case.inputs.data["factors"]
    assert factors["substance_misuse"] == "not_addressed"
    parent_and_family = [
        f.id
        for f in (*RISK_FACTORS, *PROTECTIVE_FACTORS)
        if f.domain in ("parent", "family") and f.id != "substance_misuse"
    ]
    assert all(factors[f] == "absent" for f in parent_and_family)
    assert "neglect" not in factors  # the abuse domain is the child's, not recorded here
    (fed,) = case.inputs.sources["factors.personality_disorder"]
    assert fed.step_label == "Parent domain: left unticked, so recorded as not present"
    assert fed.subject == "mother"
    why = why_text(case).plain
    assert (
        "Factors associated with future harm › Parent domain: left unticked, so recorded "
        "as not present" in why
    )
    (record,) = store.sessions("C-1")
    summary = dict(FlowSession(FLOW, store.events("C-1", record.id)).summary())
    assert summary["Parent domain"].startswith(
        "Ticked: Alcohol or drug misuse. Left unticked, so recorded as not present: "
        "Personality disorder (anti-social, sadistic, aggressive); Paranoid psychosis;"
    )
    assert summary["Family domain"].startswith(
        "Ticked: none. Left unticked, so recorded as not present: "
    )


def test_a_later_session_replaces_a_factor_whether_ticked_or_not(tmp_path: Path) -> None:
    """The newest answer about a person counts, whether it came from the factor's own
    question or from being left unticked (issue 4: a later assessment replaces)."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    mother_session(
        store, "C-1", {"parent_factors": ["substance_misuse"]}, substance_misuse="not_addressed"
    )
    mother_session(store, "C-1", {})  # later: no longer ticked
    assert classify_case(store, LIBRARY, "C-1").inputs.data["factors"]["substance_misuse"] == (
        "absent"
    )
    mother_session(
        store, "C-1", {"parent_factors": ["substance_misuse"]}, substance_misuse="being_addressed"
    )
    case = classify_case(store, LIBRARY, "C-1")
    assert case.inputs.data["factors"]["substance_misuse"] == "being_addressed"
    assert len(case.inputs.sources["factors.substance_misuse"]) == 1


def test_a_session_recorded_before_the_tick_lists_still_reads(tmp_path: Path) -> None:
    """A session answered factor by factor before the tick lists existed keeps every
    answer: the table reads them and nothing is fed for the lists it never saw."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    session = store.start_session("C-1", FLOW.id, FLOW.title)
    old = [AnswerEvent("parent", "mother"), AnswerEvent("domains", ["parent"])]
    old += [
        AnswerEvent(step.id, {"status": "absent", "note": ""})
        for step in FLOW.steps
        if step.kind == "factor" and FACTORS_BY_ID[step.factor].domain == "parent"
    ]
    old.append(AnswerEvent("substance_misuse", {"status": "not_addressed", "note": "Old."}))
    for event in old:
        store.record("C-1", session.id, event)
    answers = FlowSession(FLOW, store.events("C-1", session.id)).answers()
    assert answers["substance_misuse"]["status"] == "not_addressed"
    assert "parent_factors" not in answers
    factors = classify_case(store, LIBRARY, "C-1").inputs.data["factors"]
    assert factors["substance_misuse"] == "not_addressed"
    assert factors["personality_disorder"] == "absent" and "high_stress" not in factors


def test_a_protective_factor_keeps_the_risks_it_reduces_and_none_of_these() -> None:
    step = FLOW.step("supportive_extended_family")
    kept = step.check({"status": "present", "note": "", "mitigates": ["neglect", "neglect"]})
    assert step.fed(kept) == (
        "factors.supportive_extended_family",
        {"status": "present", "mitigates": ["neglect"]},
    )
    assert step.display(kept) == "Present; reduces: Neglect"
    strength = step.check({"status": "present", "note": "Nan visits.", "mitigates": []})
    assert step.fed(strength)[1] == {"status": "present", "mitigates": []}
    assert step.display(strength) == (
        "Present; reduces none of these: it is a strength, not a protection — Nan visits."
    )


def test_about_words_name_the_person_a_session_is_about() -> None:
    session = FlowSession(FLOW)
    assert about_words(FLOW, session.history) is None
    session.answer("mothers_partner")
    assert about_words(FLOW, session.history) == "Mother's partner"
    assert about_words(LIBRARY.flows["smart-goals"], []) is None


# -- in the app ---------------------------------------------------------------------
async def answer_factors(pilot: Pilot, chat: ChatScreen, statuses: dict[str, str]) -> None:
    """Answer each factor question with its status in `statuses` (else "not present")
    and no note, as its input sends it, until a question that is not a factor (or a
    protective factor present, which asks more and is answered by key) comes up.
    Keys are tested one by one below; here they would only make the test slow."""
    while (step := chat.session.current) is not None and step.kind == "factor":
        status = statuses.get(step.factor, "absent")
        if step.protective and status == "present":
            return
        widget = chat.query_one("#slot").children[0]
        before = len(chat.session.history)
        widget.post_message(Submitted(widget, factor_answer(status)))
        for _ in range(500):
            if len(chat.session.history) != before:
                break
            await asyncio.sleep(0.002)
        await pilot.pause(0)


async def test_annex_23_lucy_reads_severe_through_the_real_flows(tmp_path: Path) -> None:
    """Annex 23: a healthy baby; violence between the parents and the mother's
    depression present and not being dealt with. "Healthy child" is present but
    reduces none of those risks: a strength, not a protection. Reunify's reading of
    the framework's table is severe (the framework's authors judged it severe)."""
    store = Store(tmp_path / "db")
    store.create_case("LUCY-1")
    # the mother's session first (her risks), through the same runner the chat uses;
    # a factor session in the chat, key by key, is what the tests below do
    mother = store.start_session("LUCY-1", FLOW.id, FLOW.title)
    flow_session = FlowSession(FLOW)
    not_addressed = ("parental_mental_health_problems", "inter_parental_conflict_violence")
    ticks = ["parental_mental_health_problems"], ["inter_parental_conflict_violence"]
    for answer in ("mother", ["parent", "family"], ticks[0]):
        store.record("LUCY-1", mother.id, flow_session.answer(answer))
    while (step := flow_session.current).kind in ("factor", "multi"):
        if step.kind == "multi":  # the family domain's tick list
            store.record("LUCY-1", mother.id, flow_session.answer(ticks[1]))
            continue
        status = "not_addressed" if step.factor in not_addressed else "absent"
        store.record("LUCY-1", mother.id, flow_session.answer(factor_answer(status)))
    store.record("LUCY-1", mother.id, flow_session.skip())  # how the factors interact
    store.finish_session("LUCY-1", mother.id)
    async with create_app(store, select="LUCY-1").run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, TITLE)  # then the child, once for the case
        await pilot.press("1")  # the child
        await pilot.press("2", "enter")  # the child domain
        await pilot.pause()
        assert isinstance(pilot.app.focused, MultiInput)  # its tick list: every factor
        await pilot.press("3", "4", "enter")  # very young child; healthy child
        await pilot.pause()
        await answer_factors(
            pilot, chat, {"very_young_child": "not_addressed", "healthy_child": "present"}
        )
        assert chat.session.current.factor == "healthy_child"
        await pilot.press(PRESENT)
        await pilot.pause()
        risks = chat.query_one("#risks", OptionList)
        names = [str(risks.get_option_at_index(i).prompt) for i in range(risks.option_count)]
        assert names == [
            "[ ] 1. Very young child needing rapid parental change (not being addressed)",
            "[ ] 2. Significant parental mental health problems (not being addressed)",
            "[ ] 3. Inter-parental conflict and violence (not being addressed)",
            "[ ] 4. None of these: it is a strength, not a protection",
        ]
        assert pilot.app.focused is risks
        await pilot.press("4", "enter")  # none of these
        await pilot.pause()
        prompt = str(chat.query_one("#note-prompt", Static).render())
        assert prompt.startswith(
            "Chosen: Present; none of these: it is a strength, not a protection"
        )
        await fill(pilot, "Thriving, smiling at every visit; health visitor checks all fine.")
        await answer_factors(pilot, chat, {})
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert chat.session.complete
        replies = [t.step.display(t.value) for t in chat.session.transcript() if t.answered]
        assert any(r.startswith("Present; reduces none of these") for r in replies)

    case = classify_case(store, LIBRARY, "LUCY-1")
    assert case.inputs.data["factors"]["healthy_child"] == {"status": "present", "mitigates": []}
    assert case.inputs.data["factors"]["inter_parental_conflict_violence"] == "not_addressed"
    assert case.inputs.data["factors"]["parental_mental_health_problems"] == "not_addressed"
    assert case.result is not None
    assert case.result.rows.protective_factors == "severe"  # a strength is not protection
    assert case.result.suggested == "severe"


def prerecord(
    store: Store, about: str, domains: list[str], ticked: list[str], until: str, **statuses: str
) -> None:
    """A session of the factors flow answered up to the factor `until`: each tick list
    ticks what `ticked` names, each factor is not present unless given; as if left
    there to be resumed."""
    session = store.start_session("C-1", FLOW.id, FLOW.title)
    flow_session = FlowSession(FLOW)
    store.record("C-1", session.id, flow_session.answer(about))
    store.record("C-1", session.id, flow_session.answer(domains))
    while getattr(step := flow_session.current, "factor", None) != until:
        if step.kind == "multi":
            value: object = [f for f in step.answer_values() if f in ticked]
        else:
            value = factor_answer(statuses.get(step.factor, "absent"))
        store.record("C-1", session.id, flow_session.answer(value))


async def resume(pilot: Pilot) -> ChatScreen:
    """From the home screen, resume the case's first session."""
    home = pilot.app.screen
    await wait_until(pilot, lambda: home.library is not None)
    await pilot.press("s", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ChatScreen)
    return pilot.app.screen


async def test_a_protective_factor_names_the_recorded_risks_it_reduces(tmp_path: Path) -> None:
    """Ticked by name from the risks recorded for the case (here earlier in the same
    session, read from the store on resuming); the note stays optional evidence,
    never the link."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    prerecord(
        store,
        "mother",
        ["parent"],
        ["denial_of_problems", "substance_misuse", "willing_to_engage", "recognition_of_problem"],
        "willing_to_engage",
        substance_misuse="being_addressed",
        denial_of_problems="addressed",
    )
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await resume(pilot)
        assert chat.session.current.factor == "willing_to_engage"
        await pilot.press(PRESENT)
        await pilot.pause()
        risks = chat.query_one("#risks", OptionList)
        assert [str(risks.get_option_at_index(i).prompt) for i in range(3)] == [
            "[ ] 1. Denial of problems (fully addressed)",
            "[ ] 2. Alcohol or drug misuse (being addressed)",
            "[ ] 3. None of these: it is a strength, not a protection",
        ]
        await pilot.press("enter")  # nothing ticked yet: refused, nothing sent
        await pilot.pause()
        assert chat.session.current.factor == "willing_to_engage"
        assert "Tick the risks it reduces" in str(chat.query_one("#note-prompt").render())
        await pilot.press("2", "enter")  # the alcohol or drug misuse
        await pilot.pause()
        prompt = str(chat.query_one("#note-prompt", Static).render())
        assert prompt.startswith("Chosen: Present; reduces: Alcohol or drug misuse")
        assert isinstance(pilot.app.focused, TextArea)
        await pilot.press("enter")  # the note is optional
        await pilot.pause()
        assert chat.session.current.factor == "recognition_of_problem"
    (session,) = store.sessions("C-1")
    answers = {e.step: e.value for e in store.events("C-1", session.id)}
    assert answers["willing_to_engage"] == {
        "status": "present",
        "note": "",
        "mitigates": ["substance_misuse"],
    }
    case = classify_case(store, LIBRARY, "C-1")
    assert case.result is not None and case.result.rows.protective_factors == "low"


async def test_with_no_risk_recorded_it_says_so_and_keeps_none_of_these(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    prerecord(store, "child", ["abuse"], ["less_severe_abuse"], "less_severe_abuse")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await resume(pilot)
        await pilot.press(PRESENT)
        await pilot.pause()
        heading = str(chat.query_one("#note-prompt", Static).render())
        assert "No risk factor is recorded for this case yet" in heading
        risks = chat.query_one("#risks", OptionList)
        assert risks.option_count == 1
        await pilot.press("1", "enter", "enter")  # none of these; no note
        await pilot.pause()
    (session,) = store.sessions("C-1")
    answers = {e.step: e.value for e in store.events("C-1", session.id)}
    assert answers["less_severe_abuse"] == {"status": "present", "note": "", "mitigates": []}


async def test_key_1_is_not_present_in_both_kinds_and_shows_in_words(tmp_path: Path) -> None:
    """The old trap: 1 meant "not present" for a risk and "present" for a protective
    factor, so "No evidence." was saved as present. Now 1 is "not present" in both,
    and the status chosen shows in words beside the note before it is sent."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, TITLE)
        await pilot.press("1", "2", "enter")  # the child; the child domain
        await pilot.pause()
        await pilot.press("1", "4", "enter")  # tick developmental delay and healthy child
        await pilot.pause()
        assert chat.session.current.factor == "developmental_delay_special_needs"  # a risk
        await pilot.press(NOT_PRESENT)
        await pilot.pause()
        assert str(chat.query_one("#note-prompt").render()).startswith("Chosen: Not present")
        await fill(pilot, "No evidence.")
        await answer_factors(pilot, chat, {"healthy_child": "present"})
        assert chat.session.current.factor == "healthy_child"  # a protective factor
        await pilot.press(NOT_PRESENT)
        await pilot.pause()
        assert str(chat.query_one("#note-prompt").render()).startswith("Chosen: Not present")
        await pilot.press("shift+tab", NOT_KNOWN)  # back to the status, changed before sending
        await pilot.pause()
        assert str(chat.query_one("#note-prompt").render()).startswith("Chosen: Not known")
        await pilot.press("shift+tab", NOT_PRESENT)
        await pilot.pause()
        await fill(pilot, "No evidence.")
    (session,) = store.sessions("C-1")
    answers = {e.step: e.value for e in store.events("C-1", session.id)}
    absent = {"status": "absent", "note": "No evidence."}
    assert answers["developmental_delay_special_needs"] == absent
    assert answers["healthy_child"] == absent


async def test_the_home_sessions_list_names_whom_each_session_is_about(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    for about in ("child", "father"):
        session = store.start_session("C-1", FLOW.id, FLOW.title)
        store.record("C-1", session.id, FlowSession(FLOW).prepare_answer(about))
    async with create_app(store, select="C-1").run_test(size=(100, 30)) as pilot:
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        for _ in range(300):  # the flows load in a thread; then the list says whom
            listing = home.query_one("#sessions", OptionList)
            prompts = [str(listing.get_option_at_index(i).prompt) for i in range(2)]
            if "about" in prompts[0]:
                break
            await pilot.pause(0.01)
        assert sorted(p.split(" · ")[0] for p in prompts) == [
            f"{TITLE} — about Father",
            f"{TITLE} — about The child (once for the case)",
        ]
