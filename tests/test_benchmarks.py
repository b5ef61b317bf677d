"""The benchmark script's arithmetic (its figures are read by people, never asserted
here: speed is not tested in the suite)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import caseload
import run


def test_percentile_interpolates() -> None:
    assert run.percentile([1, 2, 3, 4, 5], 50) == 3
    assert run.percentile(list(range(1, 101)), 95) == 95.05


def test_targets_are_read_from_the_figures() -> None:
    figures = {
        "first_screen_s": 0.5,
        "bare_textual_first_screen_s": 0.4,
        "answer_to_turn_ms_p95": 90,
        "answer_to_turn_ms_early_p50": 50,
        "card_open_ms": 120,
        "save_answer_ms_30_cases": 1.0,
        "save_answer_ms_1_case": 0.9,
        "classify_ms": 0.1,
    }
    met = run.targets_met(figures)
    assert met["first_screen_s <= 1.3 x bare"]
    assert not met["answer_to_turn_ms_p95 <= 1.5 x early p50"]  # 90 > 75
    assert all(v for k, v in met.items() if "early" not in k)


# -- the caseload and case-length series (issue 19) ----------------------------------
def test_sizes_are_read_from_a_list() -> None:
    assert run.sizes("25,100,1_000") == [25, 100, 1000]
    for wrong in ("", "25,x", "0"):
        with pytest.raises(argparse.ArgumentTypeError):
            run.sizes(wrong)


def series_figures(due_warm_1000: float, backup_peak_5000: float) -> dict:
    return {
        "25": {"first_screen": {"s": 0.40}},
        "1000": {
            "first_screen": {"s": 0.50},
            "home_after_paint": {"s": 0.8},
            "due_warm": {"s": due_warm_1000},
            "due_cold": {"s": 4.0},
            "backup": {"s": 3.0, "peak_mb": 100.0},
        },
        "5000": {
            "first_screen": {"s": 0.6},
            "due_warm": {"s": 1.0},
            "backup": {"s": 10.0, "peak_mb": backup_peak_5000},
        },
    }


def test_caseload_targets_are_read_from_the_figures() -> None:
    met = run.caseload_targets(series_figures(0.9, 120.0))
    assert all(met.values()), met  # 0.5 <= 1.3 x 0.4; 4 <= 5; 100 <= 150; 120 <= 5 x 100
    met = run.caseload_targets(series_figures(1.2, 501.0))
    assert not met["due --json warm <= 1 s at 1,000 cases"]
    assert not met["every figure at 5,000 cases <= 5 x 1,000"]
    assert run.over_5x(series_figures(1.2, 501.0)) == ["backup peak_mb: 501.0 > 5 x 100.0"]
    stopped = series_figures(0.9, 120.0)
    stopped["5000"]["due_warm"] = {"s": None, "error": "timed out after 600 s"}
    assert run.over_5x(stopped) == ["due_warm s: timed out after 600 s (1,000 cases: 0.9)"]
    # a size not measured decides nothing
    assert set(run.caseload_targets({"25": {}}).values()) == {None}


def test_case_length_targets_are_read_from_the_figures() -> None:
    figures = {
        "400": {"answer_to_next": {"answer_to_next_ms": 40.0}, "save": {"save_ms": 1.0}},
        "20000": {
            "audit_open": {"audit_open_s": 0.4},
            "answer_to_next": {"answer_to_next_ms": 61.0},
            "save": {"save_ms": 1.5},
        },
    }
    met = run.case_length_targets(figures)
    assert met == {
        "audit opens <= 0.5 s at 20,000 answers": True,
        "answer -> next at 20,000 answers <= 1.5 x 400": False,  # 61 > 60
        "save at 20,000 answers <= 1.5 x 400": True,
    }


def test_a_figure_reads_with_its_memory_and_runs() -> None:
    assert run.cell({"s": 0.4213, "peak_mb": 80.6, "runs": 3}, "s", "s", 3) == "0.42 s / 81 MB"
    assert run.cell({"s": 274.0, "peak_mb": None, "runs": 1}, "s", "s", 3) == "274.00 s ¹"
    assert run.cell({"save_ms": 12.4}, "save_ms", "ms", 3) == "12 ms"
    stopped = {"s": None, "peak_mb": 2400.2, "error": "timed out after 600 s"}
    assert run.cell(stopped, "s", "s", 3) == "timed out after 600 s (at 2400 MB)"
    assert run.cell(None, "s", "s", 3) == "–"


def test_runs_are_summed_up_as_median_time_and_highest_peak() -> None:
    assert caseload.summary([3.0, 1.0, 2.0], [40.0, None, 50.0]) == {
        "s": 2.0,
        "peak_mb": 50.0,
        "runs": 3,
    }
    assert caseload.summary([], [None]) == {"s": None, "peak_mb": None, "runs": 0}


def test_sessions_are_spread_over_the_case_in_order() -> None:
    days = caseload.session_days(5, date(2026, 1, 1), date(2026, 1, 9))
    assert days == [date(2026, 1, d) for d in (1, 3, 5, 7, 9)]
    assert caseload.session_days(1, date(2026, 1, 1), date(2026, 1, 9)) == [date(2026, 1, 9)]


def test_a_built_caseload_is_one_the_store_and_the_flows_take(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.commands.main import main
    from assistant.flows.loader import default_library
    from assistant.records.store import Store

    db = tmp_path / "db"
    refs = caseload.build_caseload(db, 3, templates=2)
    store = Store(db)
    assert store.warnings == []
    assert [c.ref for c in store.cases()] == refs == ["CASE-00001", "CASE-00002", "CASE-00003"]
    library = default_library()
    for ref in refs:
        assert store.log_problem(ref) is None  # the hash chain holds
        assert len(store.audit(ref)) == caseload.EVENTS_PER_CASE
        flows = {s.flow_id for s in store.sessions(ref)}
        assert {"case-profile", "future-harm-factors", "risk-classification"} <= flows
        assert store.decisions(ref)  # the classification's decision, kept with the case
        for session in store.sessions(ref):
            flow = library.flows[session.flow_id]
            for event in store.events(ref, session.id):
                step = flow.step(event.step)
                if not event.skipped and step.kind != "date":  # dates moved with the case
                    assert step.check(event.value) == event.value, (flow.id, step.id)
    monkeypatch.setenv("REUNIFY_USER", "bench")
    monkeypatch.setenv("REUNIFY_SETTINGS", str(tmp_path / "settings.json"))
    assert main(["--db", str(db), "due", "--json"]) == 0
    due = json.loads(capsys.readouterr().out)
    assert {item["case"] for item in due} == set(refs)  # every case has something due
    assert main(["--db", str(db), "case", "classify", refs[0]]) == 0
    assert json.loads(capsys.readouterr().out)["suggested"] in ("low", "medium", "high", "severe")


def test_a_long_case_has_its_answers_over_two_years(tmp_path: Path) -> None:
    from assistant.records.store import Store

    ref = caseload.build_long_case(tmp_path / "db", 1000)
    store = Store(tmp_path / "db")
    rows = store.audit(ref)
    assert len(rows) == 1000 and store.log_problem(ref) is None
    first, last = date.fromisoformat(rows[0].at[:10]), date.fromisoformat(rows[-1].at[:10])
    assert (last - first).days == 730
    assert any(row.changed for row in rows)  # some answers were changed afterwards


def test_a_process_is_run_to_its_end_or_stopped(tmp_path: Path) -> None:
    env = dict(os.environ)
    done = caseload.run_child([sys.executable, "-c", "print('hello')"], env, tmp_path, 60)
    assert (done.stdout.strip(), done.returncode, done.timed_out) == ("hello", 0, False)
    assert done.peak_mb is None or done.peak_mb > 0
    slow = "import time; time.sleep(30)"
    stopped = caseload.run_child([sys.executable, "-c", slow], env, tmp_path, 0.5)
    assert stopped.timed_out and stopped.returncode != 0
