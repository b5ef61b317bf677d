"""The benchmark script's arithmetic (its figures are read by people, never asserted
here: speed is not tested in the suite)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

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
