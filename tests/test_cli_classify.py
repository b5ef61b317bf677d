"""`reunify classify`: the contract other tools call (version 2, README "Risk classification")."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from assistant.commands.main import main

FULL = {
    "assessed_on": "2026-08-01",
    "child": {"age_months": 18, "legal_status": "section_20", "returned_home_on": None},
    "factors": {
        "substance_misuse": "being_addressed",
        "one_good_relationship": {"status": "present", "mitigates": ["substance_misuse"]},
    },
    "capacity_to_change": "substantial",
    "wishes": {"parents": "want", "child": "not_applicable"},
    "facts": {"previous_failed_returns": 1},
    "history": [{"on": "2026-01-10", "suggested": "high", "agreed": "high"}],
}


def test_classify_file_prints_one_json_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(FULL))
    assert main(["classify", "--input", str(source)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"suggested", "provisional", "rows", "gaps", "alerts", "trajectory"}
    assert out["provisional"] is False
    assert out["suggested"] == "medium"
    assert out["rows"] == {
        "risk_factors": "medium",
        "protective_factors": "low",
        "capacity_to_change": "low",
        "wishes": "low",
    }
    assert out["alerts"] == [
        "infant_timescales",
        "previous_failed_return",
        "section_20",
        "substance_misuse",
    ]
    # Table bottom rows: the case was agreed high; one step down needs six months.
    assert out["trajectory"]["held_at"] == "high"
    assert out["trajectory"]["step_down_on"] == "2027-02-01"


def test_classify_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"assessed_on": "2026-01-31"})))
    assert main(["classify", "--input", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    # No evidence at all: not enough recorded to suggest a level (never a level).
    assert out["suggested"] is None
    assert out["provisional"] is True
    assert out["trajectory"]["reclassify_by"] == "2026-07-31"


@pytest.mark.parametrize(
    ("payload", "names"),
    [
        ("{", "input: not valid JSON"),
        ("{}", "assessed_on"),
        ('{"assessed_on": "2026-13-01"}', "assessed_on"),
        ('{"assessed_on": "2026-01-01", "factors": {"nope": "absent"}}', "factors.nope"),
        (
            '{"assessed_on": "2026-01-01", "factors": {"healthy_child": "not_addressed"}}',
            "factors.healthy_child",
        ),
        ('{"assessed_on": "2026-01-01", "colour": 1}', "colour"),
    ],
)
def test_invalid_input_exits_2_with_one_line_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], payload: str, names: str
) -> None:
    source = tmp_path / "in.json"
    source.write_text(payload)
    assert main(["classify", "--input", str(source)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert names in err
    assert "Traceback" not in err


def test_missing_input_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--input", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
