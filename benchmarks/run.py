"""Reunify's benchmarks: how fast it opens, answers, opens a card, saves and classifies.

    python benchmarks/run.py [--quick] --json

prints one JSON object (see the README, "Benchmarks"). Each figure of the app is
measured in the same run as its floor (a bare Textual app, early turns, one
case), so the ratios hold on a noisy machine. Medians unless named otherwise.
Targets are read from this output, never asserted in the test suite.

    python benchmarks/run.py --caseload 25,100,1000,5000 [--case-length 400,20000] [--json]

measures how Reunify grows with the caseload and with a case's length (issue 19;
see `caseload.py`): a table on stdout, or one JSON object with `--json`.
`--code PATH` measures another checkout (e.g. a worktree of an older commit).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # Windows: no peak memory figures
    resource = None  # type: ignore[assignment]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TARGETS = {
    "first_screen_ratio": 1.3,
    "answer_to_turn_ms_p95": 100,
    "answer_p95_over_early_p50": 1.5,
    "card_open_ms": 300,
    "save_answer_ms_30_cases": 15,
    "save_30_over_1": 1.5,
    "classify_ms": 5,
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# -- start-up -----------------------------------------------------------------
def first_screen(kind: str, db: Path, runs: int) -> float:
    """Median seconds from launching a process to its first screen painted."""
    times = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, str(HERE / "first_screen.py"), kind, str(db)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=60,
        )
        assert out.stdout.strip(), out.stderr
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# -- a long conversation ---------------------------------------------------------
def long_flow(folder: Path, questions: int) -> None:
    """A flow of `questions` free-text questions, each a short Markdown turn."""
    lines = ['id = "long"', 'title = "Long"', 'audience = "practitioner"', "stages = [1]"]
    lines.append('intro = "A long session, for the benchmark."')
    for i in range(questions):
        lines += ["", "[[steps]]", f'id = "q{i}"', 'kind = "text"', f'label = "Question {i}"']
        lines.append(
            f'text = """**Question {i}.** What did you see on the visit?\n\n'
            '- who was there\n- what the parent said\n"""'
        )
    (folder / "long.toml").write_text("\n".join(lines) + "\n")


async def answer_to_turn(db: Path, questions: int) -> list[float]:
    """Milliseconds from an answer sent to the next assistant turn painted, per turn."""
    from assistant.records.store import Store
    from assistant.ui.app import create_app
    from assistant.ui.inputs import Submitted
    from assistant.ui.log import ConversationLog

    store = Store(db)
    store.create_case("BENCH-1")
    app = create_app(store, select="BENCH-1")
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        flows = app.screen.query_one("#flows")
        flows.focus()
        flows.highlighted = next(
            i for i in range(flows.option_count) if flows.get_option_at_index(i).id == "long"
        )
        await pilot.press("enter")
        await pilot.pause()
        chat = app.screen
        log = chat.query_one(ConversationLog)
        for i in range(questions - 1):
            widget = chat._input
            asked = log.turn_count
            painted = asyncio.Event()
            started = time.perf_counter()
            widget.post_message(Submitted(widget, f"Answer {i}: the parent was calm."))
            # the reply and the next question are in the log, the next input is in place
            while log.turn_count < asked + 2 or chat._input is widget or not chat._input.is_mounted:
                await asyncio.sleep(0.0005)
            app.call_after_refresh(painted.set)
            await painted.wait()
            times.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.005)  # let timers (draft, clock) settle between answers
    return times


async def card_open(db: Path, runs: int) -> float:
    """Milliseconds to open a typical card (50–80 lines) over the home screen, painted."""
    from assistant.records.store import Store
    from assistant.ui.app import create_app
    from assistant.ui.cards import CardScreen

    app = create_app(Store(db))
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(runs):
            painted = asyncio.Event()
            started = time.perf_counter()
            await app.push_screen(CardScreen(("capacity-to-change",)))
            app.call_after_refresh(painted.set)
            await painted.wait()
            times.append((time.perf_counter() - started) * 1000)
            app.pop_screen()
            await pilot.pause()
    return statistics.median(times)


# -- the store -----------------------------------------------------------------
def build_caseload(db: Path, cases: int, events: int) -> None:
    """`cases` cases with `events` answer events each, written straight to the files
    (building them answer by answer would take minutes and measure nothing new)."""
    from assistant.records.answer_log import log_path, write_log
    from assistant.records.migrations import SCHEMA_VERSION
    from assistant.records.store import Store

    store = Store(db)
    for n in range(cases):
        store.create_case(f"CASE-{n:02d}")
    for n in range(cases):
        path = store.case_path(f"CASE-{n:02d}")
        document = json.loads(path.read_text())
        document["meta"]["1"]["schema_version"] = SCHEMA_VERSION
        document["sessions"] = {
            str(s + 1): {
                "id": f"s{s}",
                "flow_id": "future-harm-factors",
                "flow_title": "Factors",
                "started_at": "2026-01-01T10:00:00+00:00",
                "started_by": "bench",
                "finished_at": None,
            }
            for s in range(50)
        }
        rows = [
            {
                "seq": i + 1,
                "session": f"s{i % 50}",
                "step": f"q{i % 60}",
                "value": {"status": "being_addressed", "note": f"Evidence line {i} from a visit"},
                "skipped": False,
                "at": "2026-01-01T10:00:00+00:00",
                "who": "bench",
            }
            for i in range(events)
        ]
        write_log(log_path(path), rows)
        path.write_text(json.dumps(document))


def save_answer(db: Path, runs: int) -> float:
    """Median milliseconds to store one answer in CASE-00 (fsync included)."""
    from assistant.flows.runner import AnswerEvent
    from assistant.records.store import Store

    store = Store(db)
    times = []
    for i in range(runs):
        event = AnswerEvent(f"q{i % 60}", {"status": "absent", "note": "Seen"}, False)
        started = time.perf_counter()
        store.record("CASE-00", "s1", event)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def classify(runs: int) -> float:
    """Median milliseconds for one classification of a full input (the demo case's)."""
    from assistant.casework.classification import classify_case
    from assistant.casework.demo import write_demo
    from assistant.flows.loader import default_library
    from assistant.records.store import Store
    from assistant.risk import classify as engine

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "db")
        library = default_library()
        record = write_demo(store, library)
        data = classify_case(store, library, record.ref).inputs.data
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        engine(data)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and turns (a smoke run)")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (the default run always does; the series print a table)",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="only the team server's load: N sessions answering at once (N = 1, 5, 10, 20)",
    )
    parser.add_argument(
        "--caseload",
        type=sizes,
        metavar="N,N,...",
        help="only the caseload series: databases of N cases of ~400 answers each",
    )
    parser.add_argument(
        "--case-length",
        type=sizes,
        metavar="N,N,...",
        help="only the case-length series: one case of N answers",
    )
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        metavar="PATH",
        help="the checkout whose Reunify the series measure (default: this one)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each series figure (3)")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds allowed per process (900)"
    )
    parser.add_argument("--rebuild", action="store_true", help="build the series' databases again")
    args = parser.parse_args(argv)
    if args.caseload or args.case_length:
        return series(args)
    quick = args.quick
    if args.serve:
        from benchmarks.serve_load import run as serve_load

        counts = [1, 5] if quick else [1, 5, 10, 20]
        figures = serve_load(counts, 15 if quick else 40)
        print(json.dumps({"serve": figures, "quick": quick}, indent=2))
        return 0
    starts = 3 if quick else 7
    questions = 80 if quick else 301
    late = (60, 79) if quick else (280, 300)
    events = 600 if quick else 3000
    with tempfile.TemporaryDirectory(prefix="reunify-bench-") as folder:
        base = Path(folder)
        os.environ["REUNIFY_SETTINGS"] = str(base / "settings.json")
        os.environ["REUNIFY_USER"] = "bench"
        home_db = base / "home"
        build_caseload(home_db, 15, 200)
        result: dict[str, object] = {}
        result["bare_textual_first_screen_s"] = round(first_screen("bare", home_db, starts), 3)
        result["first_screen_s"] = round(first_screen("app", home_db, starts), 3)

        flows = base / "flows"
        flows.mkdir()
        long_flow(flows, questions)
        os.environ["REUNIFY_FLOWS"] = str(flows)
        turns = asyncio.run(answer_to_turn(base / "long", questions))
        del os.environ["REUNIFY_FLOWS"]
        late_turns = turns[late[0] - 1 : late[1]]
        result["answer_to_turn_ms_p50"] = round(statistics.median(late_turns), 1)
        result["answer_to_turn_ms_p95"] = round(percentile(late_turns, 95), 1)
        result["answer_to_turn_ms_early_p50"] = round(statistics.median(turns[:20]), 1)
        result["answer_turns_measured"] = f"{late[0]}-{late[1]} of {len(turns)}"

        result["card_open_ms"] = round(asyncio.run(card_open(home_db, 5 if quick else 15)), 1)

        one, thirty = base / "one", base / "thirty"
        build_caseload(one, 1, events)
        build_caseload(thirty, 30, events)
        runs = 15 if quick else 40
        result["save_answer_ms_1_case"] = round(save_answer(one, runs), 2)
        result["save_answer_ms_30_cases"] = round(save_answer(thirty, runs), 2)
        result["events_per_case"] = events
        result["classify_ms"] = round(classify(50 if quick else 300), 3)
    result["peak_rss_mb"] = (
        round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1) if resource else None
    )
    result["quick"] = quick
    result["targets_met"] = targets_met(result)
    print(json.dumps(result, indent=2))
    return 0


def targets_met(r: dict) -> dict[str, bool]:
    """Each target of issue 7, read from the figures above."""
    return {
        "first_screen_s <= 1.3 x bare": r["first_screen_s"]
        <= TARGETS["first_screen_ratio"] * r["bare_textual_first_screen_s"],
        "answer_to_turn_ms_p95 <= 100": r["answer_to_turn_ms_p95"]
        <= TARGETS["answer_to_turn_ms_p95"],
        "answer_to_turn_ms_p95 <= 1.5 x early p50": r["answer_to_turn_ms_p95"]
        <= TARGETS["answer_p95_over_early_p50"] * r["answer_to_turn_ms_early_p50"],
        "card_open_ms <= 300": r["card_open_ms"] <= TARGETS["card_open_ms"],
        "save_answer_ms_30_cases <= 15": r["save_answer_ms_30_cases"]
        <= TARGETS["save_answer_ms_30_cases"],
        "save_answer_ms_30_cases <= 1.5 x 1 case": r["save_answer_ms_30_cases"]
        <= TARGETS["save_30_over_1"] * r["save_answer_ms_1_case"],
        "classify_ms <= 5": r["classify_ms"] <= TARGETS["classify_ms"],
    }


# -- the caseload and case-length series (issue 19) ---------------------------------
def sizes(text: str) -> list[int]:
    """ "25,100,1000" (or "1_000") as numbers, each at least 1."""
    try:
        found = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers") from None
    if not found or min(found) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give numbers of 1 or more")
    return found


def series(args: argparse.Namespace) -> int:
    """Run the series asked for and print them (a table, or JSON with --json)."""
    from benchmarks.caseload import Bench, about, case_length_series, caseload_series

    code = args.code.resolve()
    sys.path.insert(0, str(code))  # the databases are built with the code measured

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    result: dict[str, Any] = {"about": about(code), "runs": args.runs}
    with tempfile.TemporaryDirectory(prefix="reunify-bench-") as folder:
        bench = Bench(code, Path(folder), args.runs, args.timeout, log)
        if args.caseload:
            result["caseload"] = caseload_series(args.caseload, bench, args.rebuild)
        if args.case_length:
            result["case_length"] = case_length_series(args.case_length, bench, args.rebuild)
    result["targets_met"] = {
        **caseload_targets(result.get("caseload", {})),
        **case_length_targets(result.get("case_length", {})),
    }
    result["over_5x"] = over_5x(result.get("caseload", {}))
    print(json.dumps(result, indent=2) if args.json else tables(result, args.runs))
    return 0


def figure(figures: dict, size: int, name: str, key: str = "s") -> float | None:
    value = figures.get(str(size), {}).get(name, {}).get(key)
    return value if isinstance(value, int | float) else None


def at_most(value: float | None, limit: float | None, times: float = 1.0) -> bool | None:
    """value <= times x limit; None when a figure is missing."""
    if value is None or limit is None:
        return None
    return value <= times * limit


#: Figures of the caseload series, in the order shown: (key, label).
CASELOAD_ROWS = [
    ("cases_json", "`reunify cases --json`"),
    ("classify", "`reunify case classify REF`"),
    ("due_cold", "`reunify due --json`, cold"),
    ("due_warm", "`reunify due --json`, warm"),
    ("backup", "`reunify backup`"),
    ("first_screen", "first screen"),
    ("first_screen_backup_due", "first screen, automatic backup due"),
    ("home_ready", "home ready (due list shown)"),
    ("home_after_paint", "home ready after first paint"),
    ("home_ready_backup_due", "home ready, automatic backup due"),
    ("home_ready_cold", "home ready, due worked out cold"),
]
#: Figures of the case-length series: (key, the figure's own key, unit, label).
CASE_LENGTH_ROWS = [
    ("audit_open", "audit_open_s", "s", "audit screen opens (80x24)"),
    ("answer_to_next", "answer_to_next_ms", "ms", "answer → next question (factor answers)"),
    ("case_screen", "case_screen_ms", "ms", "case screen opens"),
    ("save", "save_ms", "ms", "save (`Store.record`)"),
]


def caseload_targets(figures: dict) -> dict[str, bool | None]:
    """Issue 19's caseload targets, read from the figures (None: not measured)."""
    return {
        "first screen at 1,000 cases <= 1.3 x 25 cases": at_most(
            figure(figures, 1000, "first_screen"), figure(figures, 25, "first_screen"), 1.3
        ),
        "home ready <= 1 s after first paint at 1,000 cases": at_most(
            figure(figures, 1000, "home_after_paint"), 1.0
        ),
        "due --json warm <= 1 s at 1,000 cases": at_most(figure(figures, 1000, "due_warm"), 1.0),
        "due --json cold <= 5 s at 1,000 cases": at_most(figure(figures, 1000, "due_cold"), 5.0),
        "backup peak memory <= 150 MB at 1,000 cases": at_most(
            figure(figures, 1000, "backup", "peak_mb"), 150.0
        ),
        "every figure at 5,000 cases <= 5 x 1,000": (
            None if "5000" not in figures or "1000" not in figures else not over_5x(figures)
        ),
    }


def over_5x(figures: dict) -> list[str]:
    """The figures (time or memory) at 5,000 cases over 5x their 1,000-case value; a
    run at 5,000 that did not finish where the 1,000 one did is over too."""
    over = []
    for name, _ in CASELOAD_ROWS:
        for key in ("s", "peak_mb"):
            big, small = figure(figures, 5000, name, key), figure(figures, 1000, name, key)
            if at_most(big, small, 5.0) is False:
                over.append(f"{name} {key}: {big} > 5 x {small}")
        failed = figures.get("5000", {}).get(name, {}).get("error")
        if failed and figure(figures, 1000, name) is not None:
            over.append(f"{name} s: {failed} (1,000 cases: {figure(figures, 1000, name)})")
    return over


def case_length_targets(figures: dict) -> dict[str, bool | None]:
    """Issue 19's long-case targets, read from the figures (None: not measured)."""
    return {
        "audit opens <= 0.5 s at 20,000 answers": at_most(
            figure(figures, 20000, "audit_open", "audit_open_s"), 0.5
        ),
        "answer -> next at 20,000 answers <= 1.5 x 400": at_most(
            figure(figures, 20000, "answer_to_next", "answer_to_next_ms"),
            figure(figures, 400, "answer_to_next", "answer_to_next_ms"),
            1.5,
        ),
        "save at 20,000 answers <= 1.5 x 400": at_most(
            figure(figures, 20000, "save", "save_ms"), figure(figures, 400, "save", "save_ms"), 1.5
        ),
    }


def cell(found: dict | None, key: str, unit: str, runs: int) -> str:
    """One figure as read: "0.42 s / 81 MB", "¹" after a figure of one run only."""
    if not found:
        return "–"
    value = found.get(key)
    peak = found.get("peak_mb")
    if not isinstance(value, int | float):
        shown = str(found.get("error", "–"))
        return shown + (f" (at {peak:.0f} MB)" if isinstance(peak, int | float) else "")
    shown = f"{value:.2f} {unit}" if unit == "s" or value < 10 else f"{value:.0f} {unit}"
    if isinstance(peak, int | float):
        shown += f" / {peak:.0f} MB"
    if found.get("runs", runs) < runs:
        shown += " ¹"
    return shown


def tables(result: dict, runs: int) -> str:
    """The series as Markdown tables, then the targets."""
    lines: list[str] = []
    for name, rows, what in (
        ("caseload", [(k, "s", "s", label) for k, label in CASELOAD_ROWS], "cases"),
        ("case_length", CASE_LENGTH_ROWS, "answers"),
    ):
        figures = result.get(name)
        if not figures:
            continue
        columns = list(figures)
        lines += ["", f"| {what} | " + " | ".join(f"{int(c):,}" for c in columns) + " |"]
        lines.append("|---" * (len(columns) + 1) + "|")
        for key, inner, unit, label in rows:
            shown = [cell(figures[c].get(key), inner, unit, runs) for c in columns]
            if any(s != "–" for s in shown):
                lines.append(f"| {label} | " + " | ".join(shown) + " |")
    about = result["about"]
    lines += [
        "",
        f"Median of {runs} runs (¹: one run, the command was slow); wall time / peak memory "
        "of the process.",
        f"Code: {about['code']} at {about['commit']}; Python {about['python']}, "
        f"{about['platform']}, {about['cpus']} CPUs.",
        "",
        "targets_met:",
    ]
    for target, met in result["targets_met"].items():
        mark = "-" if met is None else "yes" if met else "NO"
        lines.append(f"  {mark:<3}  {target}")
    for over in result.get("over_5x", []):
        lines.append(f"       over 5 x: {over}")
    return "\n".join(lines).lstrip("\n")


if __name__ == "__main__":
    sys.exit(main())
