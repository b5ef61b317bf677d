"""Hostile or broken input gets one line and exit 1 or 2, never a traceback: deep
JSON, numbers of thousands of digits, dates past the calendar, non-UTF-8 text, an
endless input; and a migration never drops what it cannot carry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.commands.main import main
from assistant.flows.runner import AnswerEvent
from assistant.records.answer_log import log_path
from assistant.records.store import Store

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5000


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (DEEP.encode(), "nested too deeply"),
        (('{"assessed_on": "2026-01-01", "facts": {"goals_not_met_reviews": ' + HUGE + "}}")
         .encode(), "not valid JSON"),
        (b'{"assessed_on": "9999-12-01"}', "outside the years 1900-2999"),
        (b'{"assessed_on": "2026-01-01", "history": [{"on": "0001-01-01", "suggested": "low",'
         b' "agreed": "low"}]}', "outside the years"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (b"{" + b" " * (1024 * 1024 + 10) + b"}", "is larger than 1024 KiB"),
    ],
    ids=["deep", "huge-int", "year-9999", "year-1", "not-utf8", "too-large"],
)  # fmt: skip
def test_classify_input_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, says: str
) -> None:
    source = tmp_path / "in.json"
    source.write_bytes(content)
    assert main(["classify", "--input", str(source)]) == 2
    assert says in one_line_error(capsys)


def test_classify_reading_dev_zero_stops(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--input", "/dev/zero"]) == 2
    assert "is larger than" in one_line_error(capsys)


@pytest.mark.parametrize("bad", [DEEP, '{"meta": {"1": {"x": ' + HUGE + "}}}"], ids=["deep", "int"])
def test_a_hostile_case_file_is_damage_and_restore_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    root = tmp_path / "db"
    store = Store(root)
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "F")
    store.record("C-1", session.id, AnswerEvent("q", "kept"))
    backup = store.backup()
    store.case_path("C-1").write_text(bad)
    capsys.readouterr()
    assert main(["--db", str(root), "case", "audit", "C-1"]) == 1
    assert "is damaged" in one_line_error(capsys)
    assert main(["--db", str(root), "restore", str(backup), "--case", "C-1", "--yes"]) == 0
    assert [a.event.value for a in Store(root).answers("C-1", session.id)] == ["kept"]


def test_a_hostile_log_line_is_damage_named_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "db"
    store = Store(root)
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "F")
    store.record("C-1", session.id, AnswerEvent("q", "kept"))
    with log_path(store.case_path("C-1")).open("a") as handle:
        handle.write('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    assert main(["--db", str(root), "case", "audit", "C-1"]) == 1
    assert "line 2 cannot be read: nested too deeply" in one_line_error(capsys)


def test_a_lowered_schema_number_is_refused_not_migrated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A migration never drops data it cannot read: an index claiming schema 2 beside
    schema 3 answer logs is refused, and the logs are left whole."""
    root = tmp_path / "db"
    store = Store(root)
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "F")
    store.record("C-1", session.id, AnswerEvent("q", "kept"))
    index = json.loads((root / "index.json").read_text())
    for row in index["meta"].values():
        row["schema_version"] = 2
    (root / "index.json").write_text(json.dumps(index))
    log = log_path(store.case_path("C-1")).read_bytes()
    assert main(["--db", str(root), "cases"]) == 1
    assert "migrating would drop them" in one_line_error(capsys)
    assert log_path(store.case_path("C-1")).read_bytes() == log


@pytest.mark.parametrize("version", [0, -3])
def test_a_schema_reunify_never_wrote_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], version: int
) -> None:
    root = tmp_path / "db"
    Store(root).create_case("C-1")
    index = json.loads((root / "index.json").read_text())
    for row in index["meta"].values():
        row["schema_version"] = version
    (root / "index.json").write_text(json.dumps(index))
    assert main(["--db", str(root), "cases"]) == 1
    assert "is not one Reunify ever wrote" in one_line_error(capsys)


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [("1989-12-31", False), ("1990-01-01", True), ("2100-12-31", True), ("2101-01-01", False),
     ("9999-12-31", False), ("2026-03-01\n", True), ("2026-03-01x", False)],
)  # fmt: skip
def test_dates_typed_in_the_app_stay_in_a_sane_range(typed: str, accepted: bool) -> None:
    """1990-2100: due dates and six-month rules counted from them cannot overflow."""
    from assistant.flows.steps import AnswerError, DateStep

    step = DateStep(id="d", kind="date", text="When?", label="When")
    if accepted:
        assert step.check(typed) == typed.strip()
        assert step.display(typed.strip())[0].isdigit()
    else:
        with pytest.raises(AnswerError):
            step.check(typed)
