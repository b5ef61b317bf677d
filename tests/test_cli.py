"""The `reunify` command line: one clear line on errors, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.commands.main import main
from tests.conftest import FIXTURES


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("reunify 0.")


def test_demo_then_cases(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "db")
    assert run(capsys, "--db", db, "demo")[0] == 0
    code, out, _ = run(capsys, "--db", db, "cases", "--json")
    assert code == 0
    assert [c["ref"] for c in json.loads(out)] == ["DEMO-001"]
    assert json.loads(out)[0]["demo"] is True


def test_case_new_uses_reunify_db_env(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "case", "new", "LA_2026-01")[0] == 0
    code, out, _ = run(capsys, "cases")
    assert code == 0
    assert out.startswith("LA_2026-01")
    assert (Path(os.environ["REUNIFY_DB"]) / "cases" / "LA_2026-01.json").exists()


@pytest.mark.parametrize("ref", ["Jane Smith", "x" * 33, "a/b", ""])
def test_bad_case_reference_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    code, out, err = run(capsys, "case", "new", ref)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "not valid" in err


def test_duplicate_case_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "case", "new", "A1")
    code, _, err = run(capsys, "case", "new", "A1")
    assert (code, err) == (1, "reunify: error: case 'A1' already exists\n")


def test_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "nonsense")
    assert code == 2
    assert err.count("\n") == 1
    assert "invalid choice" in err


def test_damaged_database_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "db"
    run(capsys, "--db", str(db), "demo")
    (db / "index.json").write_text("not json")
    code, _, err = run(capsys, "--db", str(db), "cases")
    assert code == 1
    assert err.count("\n") == 1
    assert "damaged" in err


def test_flows_list_json_has_the_top_tips_flow(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "flows", "list", "--json")
    assert code == 0
    assert err == ""
    flows = {f["id"]: f for f in json.loads(out)}
    assert flows["assessment-top-tips"]["audience"] == "practitioner"
    assert flows["assessment-top-tips"]["stages"] == [1]
    assert set(flows["assessment-top-tips"]) == {"id", "title", "audience", "stages"}


def test_flows_check_all_shipped_flows_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "flows", "check")
    assert code == 0
    assert "no problems" in out


def test_flows_check_reports_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    broken = str(FIXTURES / "broken.toml")
    code, _, err = run(capsys, "flows", "check", broken, str(FIXTURES / "visit-plan.toml"))
    assert code == 1
    lines = err.splitlines()
    assert f"{broken}:6: unknown key 'colour'" in lines
    assert f"{broken}:21: step 'a': duplicate step id" in lines
    assert lines[-1] == "6 problem(s) in 2 flow file(s)"


def test_flows_check_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "flows", "check", str(tmp_path / "nope.toml"))
    assert code == 1
    assert "nope.toml: no such file" in err


def test_python_dash_m_runs_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--db", str(tmp_path / "db"), "case", "new", "no good"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("reunify: error: case reference 'no good' is not valid")


def test_flows_check_reports_a_flow_id_used_twice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    copy = tmp_path / "visit-plan.toml"
    copy.write_text((FIXTURES / "visit-plan.toml").read_text())
    original = str(FIXTURES / "visit-plan.toml")
    code, _, err = run(capsys, "flows", "check", original, str(copy))
    assert code == 1
    assert f"{copy}: flow id 'visit-plan' is also used by {original}" in err.splitlines()


def test_flows_list_columns_line_up_for_long_ids() -> None:
    from assistant.commands.authoring import flows_table

    rows = [
        {"id": "a", "audience": "child", "stages": [1], "title": "Short"},
        {"id": "x" * 40, "audience": "practitioner", "stages": [1, 2, 3], "title": "Long"},
    ]
    lines = flows_table(rows).splitlines()
    starts = {
        line.index(word) for line, word in zip(lines, ["TITLE", "Short", "Long"], strict=True)
    }
    assert len(starts) == 1  # the titles begin in one column
