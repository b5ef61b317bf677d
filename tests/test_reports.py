"""Documents for the child's file (issue 9): built only from what was recorded,
gaps marked, recorded words escaped in every format, exports private and safe.
Issue 15: the suggestion is Reunify's reading of the framework's table, may be
missing (said in words), and only an agreed decision is the case's level."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from assistant.casework.demo import write_demo
from assistant.documents.blocks import GAP
from assistant.documents.exports import ExportError, write_export
from assistant.documents.formats import escape_md, render
from assistant.documents.reports import (
    ReportDefinition,
    build_report,
    load_definitions,
    missing_steps,
)
from assistant.flows.loader import default_library
from assistant.flows.runner import AnswerEvent
from assistant.paths import content_dir
from assistant.records.store import Store

LIBRARY = default_library()
NASTY = "<script>alert(1)</script> **bold** [link](http://x) # heading\n- item \x1b[31m"


def definition(**kw) -> ReportDefinition:
    return ReportDefinition.model_validate(
        {
            "id": "t",
            "title": "Test report",
            "source": "NSPCC framework, Annex 5",
            "sections": [
                {
                    "title": "Profile",
                    "cite": "Annex 5",
                    "items": [
                        {"flow": "case-profile", "step": "age_band"},
                        {"flow": "case-profile", "step": "profile_note"},
                        {"flow": "case-history", "step": "compiler"},
                    ],
                },
                {"title": "Table", "cite": "Stage 2", "items": [{"special": "classification"}]},
            ],
            **kw,
        }
    )


@pytest.fixture
def case(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    session = store.start_session("C-1", "case-profile", "Case profile").id
    store.record("C-1", session, AnswerEvent("age_band", "five_to_ten"))
    store.record("C-1", session, AnswerEvent("profile_note", NASTY))
    return store


def test_recorded_answers_appear_and_missing_ones_are_marked_gaps(case: Store) -> None:
    report = build_report(case, LIBRARY, "C-1", definition())
    text = render(report, "txt")
    assert "5 to 10 years" in text
    assert f"[{GAP.upper()}]" in text and "(Building the analytical case history" in text
    # only the child's age: no level, said in words, with what to record next (issue 15)
    assert "Reunify's reading of the framework's table: Not enough recorded to suggest" in text
    assert "Record next: the risk factors" in text
    assert "Risk factors: not known yet" in text and "None" not in text


def test_markup_in_answers_is_escaped_in_markdown_and_html(case: Store) -> None:
    """issue 9: `<script>` and Markdown control characters in answers stay text."""
    report = build_report(case, LIBRARY, "C-1", definition())
    md = render(report, "md")
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\*\\*bold\\*\\*" in md and "\\[link\\]" in md
    assert "# heading" in md  # mid-line it is no heading: left as typed
    page = render(report, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<strong>bold</strong>" not in page and "<a href" not in page
    assert "<h1>heading" not in page
    assert "\x1b" not in md + page + render(report, "txt")
    assert "@page { size: A4" in page


def test_escape_md_keeps_text_as_typed_when_rendered() -> None:
    from markdown_it import MarkdownIt

    typed = "1. not a list *nor* _this_ `code` <b>"
    rendered = MarkdownIt("commonmark", {"html": False}).render(escape_md(typed))
    assert "<ol>" not in rendered and "<em>" not in rendered and "<code>" not in rendered
    assert "&lt;b&gt;" in rendered


def test_exports_are_private_atomic_and_never_overwrite(tmp_path: Path) -> None:
    """issue 9: written 0600, never over an existing file without force."""
    path = write_export(tmp_path / "report.md", "first")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(ExportError, match="already exists; nothing was written"):
        write_export(path, "second")
    assert path.read_text() == "first"
    write_export(path, "second", force=True)
    assert path.read_text() == "second"
    with pytest.raises(ExportError, match="is not a folder"):
        write_export(tmp_path / "nowhere" / "r.md", "x")


def test_every_shipped_report_names_real_questions() -> None:
    definitions = load_definitions(content_dir())
    assert set(definitions) == {
        "assessment",
        "young-person",
        "parental-agreement",
        "reunification-plan",
        "supervision",
        "check-in",
    }
    for report in definitions.values():
        assert missing_steps(report, LIBRARY) == []


@pytest.mark.parametrize("fmt", ["md", "html", "txt"])
def test_every_report_exports_for_the_demo_case_in_every_format(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 9: for the demo case every report exports in every format; every recorded
    answer of the flows a report draws on appears in it."""
    from assistant.commands.main import main
    from assistant.documents.describe import describe

    db = tmp_path / "db"
    store = Store(db)
    write_demo(store, LIBRARY)
    flows_of = {s.id: s.flow_id for s in store.sessions("DEMO-001")}
    answers = store.answers_by_session("DEMO-001")
    for name, report in load_definitions(content_dir()).items():
        out = tmp_path / f"{name}.{fmt}"
        assert main(["--db", str(db), "export", "DEMO-001", "--report", name,
                     "--format", fmt, "-o", str(out)]) == 0  # fmt: skip
        text = out.read_text()
        assert report.title.split(" (")[0][:20] in text.replace("&#x27;", "'").replace("&amp;", "&")
        if fmt == "md":
            for section in report.sections:
                assert f"## {escape_md(section.title)}" in text, (name, section.title)
            single = [i for s in report.sections for i in s.items if i.step]
            assert text.count("**Not yet recorded:**") <= len(single) + len(report.sections) * 3
        whole = {i.flow for s in report.sections for i in s.items if i.all}
        if fmt == "txt":
            newest = {}
            for session, stored in answers.items():
                for answer in stored:
                    newest[(flows_of[session], answer.event.step)] = answer
            for item in (i for s in report.sections for i in s.items if i.step):
                found = newest.get((item.flow, item.step))
                if found is not None and not found.event.skipped:
                    flow = LIBRARY.flows[item.flow]
                    value = describe(flow, item.step, found.event.value, False)[1]
                    assert value.split("\n")[0] in text, (name, item.step)
            for session, stored in answers.items():
                if flows_of[session] not in whole:
                    continue
                flow = LIBRARY.flows[flows_of[session]]
                for answer in stored:
                    if answer.event.skipped or answer.event.step == flow.about:
                        continue
                    label, value = describe(flow, answer.event.step, answer.event.value, False)
                    assert value.split("\n")[0] in text, (name, label)
    capsys.readouterr()
    assert main(["--db", str(db), "export", "DEMO-001", "--report", "nope"]) == 2
    assert "no report 'nope'" in capsys.readouterr().err


async def test_export_from_the_case_screen_with_preview_and_confirmation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 9: export from the case screen, preview first; replacing a file needs a
    second Save (the confirmation)."""
    from textual.widgets import Input, Select

    from assistant.ui.app import create_app
    from assistant.ui.export import ExportScreen

    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)
    target = tmp_path / "out.txt"
    target.write_text("already here")
    async with create_app(store, select="DEMO-001").run_test(size=(100, 40)) as pilot:
        await pilot.press("enter", "e")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#format", Select).value = "txt"
        screen.query_one("#report", Select).value = "reunification-plan"
        await pilot.pause()
        assert "This is what the document will hold" in str(
            screen.query_one("#export-status").render()
        )
        screen.query_one("#path", Input).value = str(target)
        screen.query_one("#save").press()
        await pilot.pause()
        assert "exists. Press Save again" in str(screen.query_one("#export-status").render())
        assert target.read_text() == "already here"
        screen.query_one("#save").press()
        await pilot.pause()
        assert "Saved" in str(screen.query_one("#export-status").render())
    assert "REUNIFICATION" in target.read_text().upper()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def _decisions_report(store: Store, special: str) -> str:
    sections = [{"title": "Level", "cite": "Stage 2", "items": [{"special": special}]}]
    return render(build_report(store, LIBRARY, "C-1", definition(sections=sections)), "txt")


def test_documents_call_the_suggestion_reunifys_reading(case: Store) -> None:
    """Issue 15 (NSPCC framework, Stage 2, Task 1: the table is not to be used in an
    overly prescriptive way and gives no formula for combining rows): every document
    calls the engine's suggestion Reunify's reading of the framework's table, never
    'the table says' or 'the table suggests'."""
    for name, report in load_definitions(content_dir()).items():
        words = " ".join([report.intro] + [s.note for s in report.sections]).lower()
        for wrong in ("the table says", "the table suggests", "the table's reading"):
            assert wrong not in words, (name, wrong)
        if report.plain:
            continue
        text = render(build_report(case, LIBRARY, "C-1", report), "txt")
        assert "table suggest" not in text.lower() and "by the framework's table" not in text
        if any(i.special == "classification" for s in report.sections for i in s.items):
            assert "Reunify's reading of the framework's table: " in text, name


def test_the_decision_is_the_agreed_level_and_a_newer_own_view_is_shown_as_theirs(
    case: Store,
) -> None:
    """Issue 15 (Stage 2, Task 1: classify independently, then agree): a report's
    decision is the latest agreed level (a round's, or one agreed with a manager); a
    practitioner's own view is shown as theirs, never as the decision."""
    case.record_decision("C-1", {"level": "severe", "reason": "My own view.", "suggested": None})
    text = _decisions_report(case, "decision")
    assert "[NOT YET RECORDED] the agreed level" in text
    assert "Latest view, not yet agreed: ●●●● SEVERE" in text and "Level agreed" not in text
    case.record_decision(
        "C-1",
        {"level": "high", "reason": "We agreed high.", "suggested": "severe",
         "agreed_with": "T. Manager"},
    )  # fmt: skip
    text = _decisions_report(case, "decision")
    assert "Level agreed: ●●●○ HIGH" in text and "agreed with T. Manager" in text
    assert "Reunify's reading of the framework's table at the time: ●●●● SEVERE" in text
    assert "Latest view" not in text
    case.record_decision("C-1", {"level": "medium", "reason": "Later view.", "suggested": None})
    text = _decisions_report(case, "decision")
    assert "Level agreed: ●●●○ HIGH" in text
    assert "Latest view, not yet agreed: ●●○○ MEDIUM" in text
    assert "then: no level (not enough was recorded then)" in text


def test_the_timeline_reads_a_missing_level_in_words(case: Store) -> None:
    """Issue 15 (classify contract v2): with too little recorded the suggestion and
    the level held may be null; a report says so in words and never prints None."""
    case.record_decision(
        "C-1",
        {"level": "high", "reason": "Agreed.", "suggested": None, "round": "r1",
         "agreed_by": "Panel", "trajectory": {"held_at": None, "step_down_on": None,
         "escalate_to": None, "can_close": False, "reclassify_by": "2027-06-01"}},
    )  # fmt: skip
    text = _decisions_report(case, "timeline")
    assert "no level held yet" in text and "reclassify by 2027-06-01" in text
    assert "agreed by Panel in a round" in text and "None" not in text


# -- issue 17: reports ask only for what can apply, and flag adults not assessed ----------
def _assessment(store: Store, ref: str) -> str:
    return render(build_report(store, LIBRARY, ref, load_definitions(content_dir())["assessment"]),
                  "txt")  # fmt: skip


def test_a_report_never_asks_for_what_cannot_apply(tmp_path: Path) -> None:
    """The demo named no father: no gap for the father's wishes or words. A flow with no
    session yet lists its questions, not the follow-ups only some answers lead to."""
    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)
    text = _assessment(store, "DEMO-001")
    assert "Mother's wishes: Wants the child home" in text
    assert "Father's wishes" not in text and "Father's own words" not in text
    store.create_case("C-2")
    text = _assessment(store, "C-2")
    assert "Parents and carers whose wishes count (Wishes and feelings" in text
    assert "Father's wishes" not in text and "Date of return home" not in text
    assert "Legal status (Case profile" in text  # asked of every case: still a gap


def test_a_report_flags_adults_named_for_assessment_with_nothing_recorded(tmp_path: Path) -> None:
    """The case profile names the mother and her partner; only the mother's factors
    are recorded: the partner is flagged, in the factors and the capacity sections."""
    from assistant.casework.demo import replay
    from assistant.flows.runner import FlowSession

    store = Store(tmp_path / "db")
    store.create_case("C-1")

    def record(flow_id: str, answers: dict) -> None:
        flow = LIBRARY.flows[flow_id]
        session = store.start_session("C-1", flow.id, flow.title)
        for event in replay(FlowSession(flow), answers):
            store.record("C-1", session.id, event)

    record("case-profile", {
        "age_band": "five_to_ten", "legal_status": "care_order", "returned_home": "no",
        "entered_care_on": "2025-01-06", "previous_failed_returns": "none",
        "chronic_neglect_or_emotional_abuse": "no",
        "involved_since_pregnancy": "no", "roles_to_assess": ["mother", "mothers_partner"],
    })  # fmt: skip
    record("future-harm-factors", {
        "parent": "mother", "domains": ["parent"], "parent_factors": [],
    })  # fmt: skip
    text = _assessment(store, "C-1")
    flag = "[NOT YET RECORDED] Mother's partner, named for assessment in the case profile"
    assert f"{flag} (Factors associated with future harm)" in text
    assert f"{flag} (Capacity to change" in text
    assert "Mother, named for assessment in the case profile (Factors" not in text
    record("future-harm-factors", {
        "parent": "mothers_partner", "domains": ["family"], "family_factors": [],
    })  # fmt: skip
    assert f"{flag} (Factors associated" not in _assessment(store, "C-1")


# -- issue 20: documents worth printing ------------------------------------------------
def test_the_html_page_flows_on_in_landmarks_with_a_running_header(case: Store) -> None:
    """Sections flow on (only a section marked `new_page`, like the signatures, starts a
    page); the page has a header and a `<main>` landmark, each section named by its
    heading; every page carries the case reference, the report's name, the date it was
    made and page n of m; the four rows are a small table with symbol and word."""
    page = render(build_report(case, LIBRARY, "C-1", definition()), "html")
    assert "<header>" in page and "<main>" in page and page.count("<section") == 2
    assert 'class="new-page' not in page
    assert "break-before: page; page-break-before: always" in page  # for those that do
    assert "@top-left" in page and "counter(page)" in page and "counter(pages)" in page
    assert '"C\\2d 1 \\b7  Test report"' in page  # the reference, escaped for CSS
    assert "made on" in page and "Test report" in page
    assert '<table class="levels">' in page and page.count('<th scope="row">') == 4
    assert 'class="level-none"' in page  # a row with nothing recorded says so in words
    signing = definition(sections=[
        {"title": "Profile", "cite": "Annex 5",
         "items": [{"flow": "case-profile", "step": "age_band"}]},
        {"title": "Signatures", "cite": "Annex 5", "new_page": True,
         "items": [{"special": "signatures", "who": ["Social worker"]}]},
    ])  # fmt: skip
    page = render(build_report(case, LIBRARY, "C-1", signing), "html")
    assert page.count("<section class=") == 1 and '<section class="signing new-page"' in page
    assert '<ul class="fields signatures">' in page


def test_the_childs_name_is_printed_only_when_asked_and_recorded(tmp_path: Path) -> None:
    """Issue 20: never the child's name in a header unless the case records one and the
    user asks for it (`--with-name`); a name is escaped so it cannot end the style."""
    from assistant.commands.main import main

    db = tmp_path / "db"
    store = Store(db)
    store.create_case("N-1", name='Sam "</style><script>x</script>')
    store.create_case("N-2")
    for ref in ("N-1", "N-2"):
        for fmt in ("html", "md", "txt"):
            assert main(["--db", str(db), "export", ref, "--report", "check-in",
                         "--format", fmt, "-o", str(tmp_path / f"{ref}.{fmt}")]) == 0  # fmt: skip
            assert "Sam" not in (tmp_path / f"{ref}.{fmt}").read_text()
    for ref in ("N-1", "N-2"):
        out = tmp_path / f"{ref}-named.html"
        assert main(["--db", str(db), "export", ref, "--report", "young-person", "--format",
                     "html", "--with-name", "-o", str(out)]) == 0  # fmt: skip
        page = out.read_text()
        assert page.count("</style>") == 1 and "<script>" not in page
        assert ("Sam " in page) == (ref == "N-1")  # in the header and the line under the title
    assert "for Sam" in (tmp_path / "N-1-named.html").read_text()


def test_pdf_without_weasyprint_says_how_to_get_it_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 20: `--format pdf` without the pdf extra fails with one line saying how to
    get it and that the HTML prints to PDF from any browser; nothing is written."""
    import sys

    from assistant.commands.main import main

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    db = tmp_path / "db"
    write_demo(Store(db), LIBRARY)
    out = tmp_path / "r.pdf"
    argv = ["--db", str(db), "export", "DEMO-001", "--report", "check-in", "--format", "pdf"]
    assert main([*argv, "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and not out.exists()
    assert "pip install '.[pdf]'" in err and "print it to PDF from any browser" in err


def test_the_assessment_draws_the_timeline_and_lists_it(tmp_path: Path) -> None:
    """Issue 20: the classifications over time as a chart in the HTML report (agreed
    level and Reunify's reading, a word beside every mark, a text alternative), and as
    entries in every format."""
    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)
    assessment = load_definitions(content_dir())["assessment"]
    report = build_report(store, LIBRARY, "DEMO-001", assessment)
    page = render(report, "html")
    assert page.count('<svg class="picture timeline"') == 1
    chart = page.split('<svg class="picture timeline"')[1].split("</svg>")[0]
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    assert "agreed HIGH" in chart and "view HIGH" in chart and "reading HIGH" in chart
    assert "●●●○ HIGH" in chart and "●○○○ LOW" in chart  # the levels as symbol and word
    for fmt in ("md", "txt"):
        text = render(report, fmt)
        assert "Classifications over time" in text and "<svg" not in text
        assert "agreed by Worker and team manager" in text


@pytest.mark.parametrize("installed", [True, False], ids=["weasyprint", "no-weasyprint"])
async def test_the_export_dialog_saves_a_pdf_or_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: bool
) -> None:
    """Issue 17/20: PDF is offered in the export dialog beside md, html and txt. It is
    made in a thread and saved private; without WeasyPrint the dialog says how to get
    it and nothing is written."""
    import asyncio
    import sys

    from textual.widgets import Input, Select

    from assistant.ui.app import create_app
    from assistant.ui.export import ExportScreen

    if installed:
        pytest.importorskip("weasyprint")
    else:
        monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)
    target = tmp_path / "check-in.pdf"
    async with create_app(store, select="DEMO-001").run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "e")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#format", Select).value = "pdf"
        screen.query_one("#report", Select).value = "check-in"
        await pilot.pause()
        assert screen.query_one("#path", Input).value == "~/DEMO-001-check-in.pdf"
        screen.query_one("#path", Input).value = str(target)
        screen.query_one("#save").press()
        status = screen.query_one("#export-status")
        for _ in range(300):  # the PDF is made in a thread
            await asyncio.sleep(0.05)
            if "Making" not in str(status.render()):
                break
        await pilot.pause()
        said = str(status.render())
    if installed:
        assert said.startswith("Saved ") and target.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    else:
        assert "pip install '.[pdf]'" in said and not target.exists()
