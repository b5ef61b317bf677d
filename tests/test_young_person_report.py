"""The young person's report (NSPCC framework, Annex 6; issue 15): it tells the child
the level that was decided, as a step of the chart in the child's words, or that
nothing is decided yet; never Reunify's own reading, a practitioner's view that is
not agreed, or the adults' reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.documents.formats import render
from assistant.documents.reports import ReportDefinition, build_report, load_definitions
from assistant.flows.loader import default_library
from assistant.flows.runner import AnswerEvent
from assistant.paths import content_dir
from assistant.records.store import Store

LIBRARY = default_library()
YOUNG_PERSON = load_definitions(content_dir())["young-person"]
REASON = "Adults-only reason about the partner's record"
LEVEL_WORDS = ("LOW", "MEDIUM", "HIGH", "SEVERE", "●")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    session = store.start_session("C-1", "case-profile", "Case profile").id
    store.record("C-1", session, AnswerEvent("age_band", "five_to_ten"))
    return store


def child_report(store: Store) -> str:
    return render(build_report(store, LIBRARY, "C-1", YOUNG_PERSON), "txt")


def decided_part(text: str) -> str:
    return text.split("WHAT WE DECIDED")[1].split("WHAT HAPPENS NEXT")[0]


def test_nothing_agreed_reads_not_decided_yet(store: Store) -> None:
    """Annex 6, 'Decision': with no agreed level the child is told nothing is decided
    yet; a practitioner's own view (Stage 2, Task 1: not yet agreed) is not a decision."""
    store.record_decision("C-1", {"level": "severe", "reason": REASON, "suggested": "severe"})
    part = decided_part(child_report(store))
    assert "We have not decided yet" in part
    assert "Step" not in part and "severe" not in part.lower()


@pytest.mark.parametrize(
    ("agreement", "step"),
    [
        ({"agreed_with": "T. Manager"}, "Step 2 of 4: medium risk"),
        ({"round": "r1", "agreed_by": "Worker, manager, reviewer"}, "Step 2 of 4: medium risk"),
    ],
)
def test_the_agreed_level_is_told_as_a_step_of_the_chart(
    store: Store, agreement: dict[str, str], step: str
) -> None:
    """Annex 6, 'Decision': the agreed level (a round's, or one agreed with a manager)
    as its step of the chart, with that step's sentences; never Reunify's reading at
    the time (here severe), nor the reason the adults wrote."""
    store.record_decision(
        "C-1", {"level": "medium", "reason": REASON, "suggested": "severe", **agreement}
    )
    text = child_report(store)
    part = decided_part(text)
    assert f"What we decided: {step}" in part
    assert "It is safe for you to go home, with some extra help" in part
    assert "severe" not in part.lower() and "not safe" not in part
    assert REASON not in text and "Reunify" not in text and "reading" not in text.lower()
    assert not any(word in text for word in LEVEL_WORDS)


def test_a_later_own_view_does_not_change_what_the_child_is_told(store: Store) -> None:
    """Stage 2, Task 1: only an agreed level is the case's level; the newest agreed one
    is told (Annex 6), and a newer view of the practitioner's own is not."""
    store.record_decision("C-1", {"level": "high", "reason": "x y z", "suggested": None,
                                  "agreed_with": "T. Manager"})  # fmt: skip
    store.record_decision("C-1", {"level": "low", "reason": "x y z", "suggested": None,
                                  "agreed_with": "T. Manager"})  # fmt: skip
    store.record_decision("C-1", {"level": "severe", "reason": "mine", "suggested": None})
    part = decided_part(child_report(store))
    assert "Step 1 of 4: low risk" in part and "It is safe for you to go home." in part


def test_every_row_is_a_sentence_and_strong_protection_never_reads_low(store: Store) -> None:
    """Annex 6's simplified table in a child's words: each row of each step is a
    sentence, never a level; at the low and medium steps 'Things that help keep you
    safe' says there is a lot of protection, and no protection only at severe."""
    text = child_report(store)
    chart = text.split("THE CHART WE USED")[1].split("WHAT WE DECIDED")[0]
    rows = [line for line in chart.splitlines() if line.startswith("Things that help keep")]
    assert len(rows) == 4
    assert all(line.rstrip().endswith(".") for line in rows)
    assert "a lot at home that helps keep you safe" in rows[0] and rows[0] == rows[1]
    assert "some things at home" in rows[2] and "nothing at home" in rows[3]
    assert not any(word in chart for word in LEVEL_WORDS)
    for step in YOUNG_PERSON.chart.steps:  # type: ignore[union-attr]
        for sentence in (step.risk_factors, step.protective_factors,
                         step.capacity_to_change, step.wishes, step.outcome):  # fmt: skip
            assert sentence.split()[0].lower() not in ("low", "medium", "high", "severe")


def test_a_report_for_a_child_cannot_hold_the_adults_material() -> None:
    """Annex 6: the child's report tells the decision, not Reunify's reading, the
    raters' levels or the adults' reasons; the definition refuses them, and the chart
    must have the four steps in order."""
    data = YOUNG_PERSON.model_dump()
    for special in ("classification", "decision", "ratings", "timeline"):
        wrong = {**data, "sections": [{"title": "T", "cite": "Annex 6",
                                       "items": [{"special": special}]}]}  # fmt: skip
        with pytest.raises(ValidationError, match="report for a child"):
            ReportDefinition.model_validate(wrong)
    chart = data["chart"]
    swapped = {**chart, "steps": [chart["steps"][1], chart["steps"][0], *chart["steps"][2:]]}
    with pytest.raises(ValidationError, match="four levels in order"):
        ReportDefinition.model_validate({**data, "chart": swapped})
    no_chart = {**data, "chart": None}
    with pytest.raises(ValidationError, match="need a \\[chart\\]"):
        ReportDefinition.model_validate(no_chart)


# -- issue 20: the report as a child would read it ---------------------------------------
def child_page(store: Store) -> tuple[str, str]:
    """(the child's pages: header and main, the worker's note) of the HTML."""
    page = render(build_report(store, LIBRARY, "C-1", YOUNG_PERSON), "html")
    body = page.split("<body", 1)[1]
    child, _, worker = body.partition('<aside class="for-the-worker"')
    return child, worker


def test_the_childs_pages_carry_no_citation_id_or_adult_wording(store: Store) -> None:
    """Annex 6 in a child's words: no source line, no case reference, no 'not yet
    recorded' on the child's pages (a gap reads "We do not know this yet."); the
    sources and the gaps are in a note for the worker at the end, which the HTML
    shows on screen and never prints."""
    child, worker = child_page(store)
    for word in ("Source", "NSPCC", "Annex", "C-1", "Not yet recorded", "Reunify"):
        assert word not in child, word
    assert 'The day you could go home:</strong> <span class="not-yet">We do not know' in child
    assert "NSPCC framework, Annex 6, &#x27;Decision&#x27;" in worker and "C-1" in worker
    assert "Not yet recorded: Planned date of return" in worker
    page = render(build_report(store, LIBRARY, "C-1", YOUNG_PERSON), "html")
    assert "@media print { aside.for-the-worker { display: none; } }" in page
    for fmt in ("md", "txt"):  # the Markdown and text keep the note, at the end
        text = render(build_report(store, LIBRARY, "C-1", YOUNG_PERSON), fmt)
        child_part, _, note = text.partition("For the worker".upper() if fmt == "txt"
                                              else "## For the worker")  # fmt: skip
        assert "NSPCC" not in child_part and "C-1" not in child_part
        assert "What we decided: NSPCC framework, Annex 6, 'Decision'" in note


def test_the_four_steps_are_a_picture_with_we_are_here(store: Store) -> None:
    """Annex 6's chart drawn as four labelled steps from "safe to go home" to "not safe
    to go home"; the agreed step is marked "We are here" in words as well as colour, and
    the picture says so in its text alternative. Nothing agreed: no mark."""
    child, _ = child_page(store)
    picture = child.split('<svg class="picture steps"')[1].split("</svg>")[0]
    assert "We are here" not in picture and 'role="img"' in picture
    assert "Safe to go" in picture and "Not safe to" in picture
    store.record_decision("C-1", {"level": "high", "reason": REASON, "suggested": None,
                                  "agreed_with": "T. Manager"})  # fmt: skip
    child, _ = child_page(store)
    picture = child.split('<svg class="picture steps"')[1].split("</svg>")[0]
    assert picture.count("We are here") == 2  # the label, and the text alternative
    assert "We are here: step 3, high risk: Not safe to go home." in picture
    assert picture.count('class="step here"') == 1 and 'fill="#0b2a55"' in picture
    assert REASON not in child


def test_the_childs_own_words_are_set_apart_as_a_quote(store: Store) -> None:
    session = store.start_session("C-1", "wishes-and-feelings", "Wishes").id
    store.record("C-1", session, AnswerEvent("child_wishes", "home"))
    store.record("C-1", session, AnswerEvent("child_words", "I miss my <b>dog</b>."))
    child, _ = child_page(store)
    assert '<figure class="quote"><blockquote><p>I miss my &lt;b&gt;dog&lt;/b&gt;.</p>' in child
    assert "<figcaption>What you told us</figcaption>" in child
    text = render(build_report(store, LIBRARY, "C-1", YOUNG_PERSON), "md")
    assert "> I miss my \\<b\\>dog\\</b\\>." in text
