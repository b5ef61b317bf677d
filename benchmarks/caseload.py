"""Databases of realistic cases, written straight to their files (issue 19).

A case is about 400 answer events across the shipped flows, as a worker records
them over months: the case profile, the factors for the child and for two
parents, capacity to change for each parent, wishes and feelings, a risk
classification (with its decision, often agreed with a manager), a
reunification plan and a supervision, then round after round of check-ins,
planning supervisions, factor reviews and classifications until the case has
its events. Every answer is given through the flow's own runner
(`FlowSession`), so it is one the app would take; decisions are kept in the
case's file as the app keeps them, and the answer log carries its hash chain.

Walking the flows costs ~50 ms a case, so a caseload is built from a few dozen
walked cases ("templates"), each copy moved in time (its sessions, and the
dates it answered, by the same days) and chained afresh under its own
reference. Nothing goes through the `Store`: 5,000 cases (550 MB) take about 75 s
on the 2-core build machine.

Built databases are kept under the temporary folder, keyed by size, generator
version, schema version and the code they were built for, so a second run
reuses them (`--rebuild` makes them again).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

#: Bump when what is generated changes: cached databases of another version are
#: built again.
GENERATOR_VERSION = 1
#: The layout written here: schema 3 (a case's answers in a log beside its file). A
#: newer Reunify migrates it once, when the database is built (see `cached_database`).
LAYOUT_SCHEMA = 3
EVENTS_PER_CASE = 400
TEMPLATES = 40
SEED = 19
WORKERS = ("a.worker", "b.worker", "c.manager")
DOMAINS = ["parent", "parenting", "family", "professional", "social"]

#: The opening sessions of every case: (flow, answers given whatever the walk picks).
OPENING: list[tuple[str, dict[str, Any]]] = [
    ("case-profile", {}),
    ("future-harm-factors", {"parent": "child", "case_domains": ["abuse", "child"]}),
    ("future-harm-factors", {"parent": "mother", "domains": DOMAINS}),
    ("future-harm-factors", {"parent": "father", "domains": DOMAINS}),
    ("capacity-to-change", {"parent": "mother"}),
    ("capacity-to-change", {"parent": "father"}),
    ("wishes-and-feelings", {}),
    ("risk-classification", {}),
    ("reunification-plan", {}),
    ("supervision-assessment", {}),
]
#: Then, over and over until the case has its events.
CYCLE: list[tuple[str, dict[str, Any]]] = [
    ("pre-review-check-in", {}),
    ("supervision-planning", {}),
    ("future-harm-factors", {"parent": "mother"}),
    ("pre-review-check-in", {}),
    ("risk-classification", {}),
    ("future-harm-factors", {"parent": "father"}),
    ("capacity-to-change", {"parent": "mother"}),
]

NOTES = (
    "Seen at home on an announced visit; the parent was calm and the home was tidy.",
    "School reports attendance at 92% this half term, up from 80%.",
    "Health visitor confirms the appointments were kept.",
    "Mother says she has not drunk since the last review; tests were negative.",
    "Father did not attend the planned contact; no reason was given.",
    "The child said they felt safe at home and named their aunt as someone to talk to.",
    "Police check returned no new incidents since the last review.",
    "Family support worker reports routines at bedtime are now consistent.",
    "Arguments between the adults were heard by neighbours twice this month.",
    "The parenting course was completed; the certificate is on file.",
    "GP letter received: low mood is treated and monitored monthly.",
    "Not yet known: the assessment is booked for next month.",
)

#: How often each factor status is given: most factors are not present.
STATUS_WEIGHTS = {
    "absent": 5,
    "unknown": 2,
    "addressed": 2,
    "being_addressed": 2,
    "not_addressed": 1,
    "present": 3,
}

SKIP = object()


@dataclass
class Row:
    step: str
    value: Any
    skipped: bool
    #: a date answer: it moves with the case in time
    dated: bool = False


@dataclass
class SessionPlan:
    flow_id: str
    flow_title: str
    rows: list[Row] = field(default_factory=list)
    finished: bool = True
    #: (index of the row, the decision kept in the case's file for it)
    decisions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


class Walker:
    """Answers each question of a flow with a value the flow takes, picked at random."""

    def __init__(self, library: Any, rng: random.Random, today: date) -> None:
        self.library = library
        self.rng = rng
        self.today = today
        #: risk factors recorded as present so far (a protective factor reduces some)
        self.risks: list[str] = []

    def value(self, step: Any, given: dict[str, Any]) -> Any:
        rng = self.rng
        if step.id in given:
            return given[step.id]
        if step.optional and rng.random() < 0.15:
            return SKIP
        kind = step.kind
        if kind in ("choice", "yes_no_unknown"):
            return rng.choice(step.answer_values())
        if kind == "multi":
            chance = 0.4 if step.unticked else 0.5
            return [v for v in step.answer_values() if rng.random() < chance]
        if kind == "scale":
            return rng.randint(0, 10)
        if kind == "text":
            return rng.choice(NOTES)[: step.max_length]
        if kind == "date":
            if not step.allow_future:
                days = -rng.randint(1, 400)
            elif not step.allow_past:
                days = rng.randint(7, 120)
            else:
                days = rng.randint(-200, 60)
            return (self.today + timedelta(days=days)).isoformat()
        if kind == "factor":
            values = step.answer_values()
            status = rng.choices(values, [STATUS_WEIGHTS[v] for v in values])[0]
            answer: dict[str, Any] = {"status": status, "note": rng.choice(NOTES)}
            if step.protective and status == "present" and self.risks:
                answer["mitigates"] = rng.sample(self.risks, min(len(self.risks), 2))
            elif status in ("being_addressed", "not_addressed") and step.factor not in self.risks:
                self.risks.append(step.factor)
            return answer
        if kind == "decision":
            level = rng.choice(("low", "medium", "high", "severe"))
            decision = {"level": level, "reason": rng.choice(NOTES), "suggested": level}
            if rng.random() < 0.7:
                decision["agreed_with"] = "Team manager"
            return decision
        raise ValueError(f"{step.id}: no answer for a {kind} question")

    def session(self, flow_id: str, given: dict[str, Any], budget: int) -> SessionPlan:
        """One session of `flow_id`, of at most `budget` answers (cut short: unfinished)."""
        from assistant.flows.runner import FlowSession

        flow = self.library.flows[flow_id]
        plan = SessionPlan(flow.id, flow.title)
        session = FlowSession(flow)
        while (step := session.current) is not None:
            if len(plan.rows) >= budget:
                plan.finished = False
                return plan
            value = self.value(step, given)
            event = session.skip() if value is SKIP else session.answer(value, self.today)
            plan.rows.append(Row(event.step, event.value, event.skipped, step.kind == "date"))
            if step.kind == "decision":
                plan.decisions.append((len(plan.rows) - 1, dict(event.value)))
        # now and then an answer is changed afterwards: a new event for the same question
        questions = [s for s in session.visible_steps() if s.is_question and s.kind != "decision"]
        if questions and len(plan.rows) < budget and self.rng.random() < 0.25:
            step = session.change(self.rng.choice(questions).id)
            value = self.value(step, {})
            event = session.skip() if value is SKIP else session.answer(value, self.today)
            plan.rows.append(Row(event.step, event.value, event.skipped, step.kind == "date"))
        return plan


def plan_case(library: Any, rng: random.Random, events: int, today: date) -> list[SessionPlan]:
    """The sessions of one case, `events` answers in all (the last may be unfinished)."""
    walker = Walker(library, rng, today)
    plans: list[SessionPlan] = []
    count = 0
    order = iter(OPENING)
    cycle = 0
    while count < events:
        try:
            flow_id, given = next(order)
        except StopIteration:
            flow_id, given = CYCLE[cycle % len(CYCLE)]
            cycle += 1
            if flow_id == "future-harm-factors":  # a review of a few domains
                given = {**given, "domains": rng.sample(DOMAINS, 2)}
        plan = walker.session(flow_id, given, events - count)
        if plan.rows:
            plans.append(plan)
            count += len(plan.rows)
    return plans


# -- the files -------------------------------------------------------------------
def _digest(row: dict[str, Any]) -> str:
    text = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def genesis(ref: str) -> str:
    """What the first answer of a case's log points back to (as answer_log says)."""
    return hashlib.sha256(f"reunify-log:{ref}".encode()).hexdigest()


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def session_days(sessions: int, first: date, last: date) -> list[date]:
    """A day for each session, spread evenly from `first` to `last` (in order)."""
    if sessions <= 1:
        return [last] * sessions
    span = (last - first).days
    return [first + timedelta(days=span * i // (sessions - 1)) for i in range(sessions)]


def case_documents(
    ref: str,
    plans: list[SessionPlan],
    days: list[date],
    planned_on: date,
    schema_version: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The case's file (a TinyDB document) and its answer log's rows, chained.

    `days[i]` is the day session i was recorded; date answers move by the days
    between it and `planned_on` (the day the walk answered them on)."""
    sessions: dict[str, Any] = {}
    decisions: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    prev = genesis(ref)
    seq = 0
    digest = hashlib.sha256(ref.encode()).hexdigest()
    for number, (plan, day) in enumerate(zip(plans, days, strict=True), 1):
        session_id = f"{digest[:6]}{number:06x}"
        who = WORKERS[number % 2] if not plan.flow_id.startswith("supervision") else WORKERS[2]
        start = datetime(day.year, day.month, day.day, 9, number % 60, tzinfo=UTC)
        shift = timedelta(days=(day - planned_on).days)
        for index, item in enumerate(plan.rows):
            seq += 1
            value = item.value
            if item.dated and not item.skipped:
                value = (date.fromisoformat(value) + shift).isoformat()
            row = {
                "session": session_id,
                "step": item.step,
                "value": value,
                "skipped": item.skipped,
                "at": stamp(start + timedelta(seconds=40 * (index + 1))),
                "who": who,
                "seq": seq,
                "prev": prev,
            }
            prev = _digest(row)
            rows.append(row)
        for index, decision in plan.decisions:
            at = stamp(start + timedelta(seconds=40 * (index + 1)))
            decisions[str(len(decisions) + 1)] = {**decision, "at": at, "who": who}
        end = start + timedelta(seconds=40 * (len(plan.rows) + 1))
        sessions[str(number)] = {
            "id": session_id,
            "flow_id": plan.flow_id,
            "flow_title": plan.flow_title,
            "started_at": stamp(start),
            "started_by": who,
            "finished_at": stamp(end) if plan.finished else None,
        }
    document: dict[str, Any] = {
        "meta": {"1": {"schema_version": schema_version, "ref": ref}},
        "sessions": sessions,
    }
    if decisions:
        document["decisions"] = decisions
    return document, rows


def _write(path: Path, data: bytes) -> None:
    """A private file, written plainly (a benchmark's database needs no fsync)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _dumps(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_case(db: Path, ref: str, document: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """`cases/<REF>.json` and `cases/<REF>.answers.jsonl`, as the store keeps them."""
    cases = db / "cases"
    _write(cases / f"{ref}.json", _dumps(document))
    _write(cases / f"{ref}.answers.jsonl", b"".join(_dumps(r) + b"\n" for r in rows))


def write_index(db: Path, created: Iterable[tuple[str, str]], schema_version: int) -> None:
    """`index.json`: the cases, each with when it was created."""
    cases = {
        str(n): {
            "ref": ref,
            "created_at": at,
            "created_by": WORKERS[0],
            "demo": False,
            "archived_at": None,
        }
        for n, (ref, at) in enumerate(created, 1)
    }
    index = {"meta": {"1": {"schema_version": schema_version}}, "cases": cases}
    _write(db / "index.json", _dumps(index))


def _new_database(db: Path) -> None:
    if db.exists():
        shutil.rmtree(db)
    (db / "cases").mkdir(parents=True, mode=0o700)
    db.chmod(0o700)


def case_ref(number: int) -> str:
    return f"CASE-{number:05d}"


def build_caseload(
    db: Path,
    cases: int,
    events: int = EVENTS_PER_CASE,
    seed: int = SEED,
    today: date | None = None,
    templates: int = TEMPLATES,
) -> list[str]:
    """A database of `cases` cases of `events` answers each; their references."""
    from assistant.flows.loader import default_library

    today = today or date.today()
    library = default_library()
    rng = random.Random(seed)
    walked = [
        plan_case(library, random.Random(rng.random()), events, today)
        for _ in range(min(cases, templates))
    ]
    _new_database(db)
    created = []
    for number in range(cases):
        ref = case_ref(number + 1)
        plans = walked[number % len(walked)]
        # a case opened 4 to 18 months ago, its last session within the last fortnight
        last = today - timedelta(days=rng.randint(0, 14))
        first = last - timedelta(days=rng.randint(120, 540))
        days = session_days(len(plans), first, last)
        document, rows = case_documents(ref, plans, days, today, LAYOUT_SCHEMA)
        write_case(db, ref, document, rows)
        created.append((ref, document["sessions"]["1"]["started_at"]))
    write_index(db, created, LAYOUT_SCHEMA)
    return [ref for ref, _ in created]


def build_long_case(db: Path, events: int, seed: int = SEED, today: date | None = None) -> str:
    """A database of one case with `events` answers, recorded over two years; its ref."""
    from assistant.flows.loader import default_library

    today = today or date.today()
    plans = plan_case(default_library(), random.Random(seed), events, today)
    _new_database(db)
    ref = "LONG-001"
    days = session_days(len(plans), today - timedelta(days=730), today)
    document, rows = case_documents(ref, plans, days, today, LAYOUT_SCHEMA)
    write_case(db, ref, document, rows)
    write_index(db, [(ref, document["sessions"]["1"]["started_at"])], LAYOUT_SCHEMA)
    return ref


# -- built databases, kept between runs ------------------------------------------
def cache_root() -> Path:
    """Where built databases are kept (`REUNIFY_BENCH_CACHE`, else the temp folder)."""
    override = os.environ.get("REUNIFY_BENCH_CACHE")
    return Path(override) if override else Path(tempfile.gettempdir()) / "reunify-bench"


def cache_key(kind: str, size: int, code: Path) -> str:
    """A built database's folder name: what it holds, and for which schema and code."""
    from assistant.records.migrations import SCHEMA_VERSION

    where = hashlib.sha256(str(code.resolve()).encode()).hexdigest()[:8]
    return f"{kind}-{size}-g{GENERATOR_VERSION}-s{SCHEMA_VERSION}-{where}"


def cached_database(
    kind: str,
    size: int,
    code: Path,
    rebuild: bool = False,
    settle: Callable[[Path], None] | None = None,
) -> tuple[Path, bool]:
    """A built database (`kind` "caseload": `size` cases; "long": one case of `size`
    answers) and whether it was built now. A build cut short is made again.

    `settle` opens a database just built with the code measured, so that a newer
    schema's migration (and the backup it makes first) is done before any figure."""
    folder = cache_root() / cache_key(kind, size, code)
    db, done = folder / "db", folder / "built.json"
    if done.exists() and db.is_dir() and not rebuild:
        return db, False
    folder.mkdir(parents=True, exist_ok=True)
    done.unlink(missing_ok=True)
    refs = build_caseload(db, size) if kind == "caseload" else [build_long_case(db, size)]
    if settle is not None:
        settle(db)
    done.write_text(json.dumps({"refs": refs[:3], "cases": len(refs), "built": str(date.today())}))
    return db, True


def built_refs(db: Path) -> list[str]:
    """Some references of a cached database (from the note beside it)."""
    return list(json.loads((db.parent / "built.json").read_text())["refs"])


# -- measuring a process ---------------------------------------------------------
HERE = Path(__file__).resolve().parent
#: what may hold work kept between runs, inside a database (removed for a cold run)
CACHE_FOLDERS = ("cache",)
#: a command slower than this once is run once only (and the figure says so)
SLOW_S = 60.0


@dataclass
class Child:
    seconds: float
    #: the process's peak resident memory (None where it cannot be read: Windows)
    peak_mb: float | None
    stdout: str
    stderr: str
    returncode: int
    timed_out: bool = False


#: Runs one process for `run_child` and writes what it took to a file. Peak memory
#: is read here, in a small process of its own, because a process's `ru_maxrss`
#: starts from the size of the process that launched it (Linux counts the
#: launcher's pages up to the `exec`): read from the benchmark itself, it would
#: never be less than the benchmark's own size.
WRAPPER = """
import json, os, subprocess, sys, time
out, timeout, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
os.environ["REUNIFY_BENCH_LAUNCHED"] = repr(time.time())
started = time.perf_counter()
child = subprocess.Popen(argv)
try:
    code, timed_out = child.wait(timeout), False
except subprocess.TimeoutExpired:
    child.kill()
    code, timed_out = child.wait(), True
seconds = time.perf_counter() - started
try:
    import resource
except ImportError:  # Windows
    peak = None
else:
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak = round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
with open(out, "w") as handle:
    json.dump({"seconds": seconds, "code": code, "peak_mb": peak, "timed_out": timed_out}, handle)
"""


def run_child(argv: list[str], env: dict[str, str], cwd: Path, timeout: float) -> Child:
    """Run a process to its end (stopped after `timeout` seconds): its wall time from
    launch to exit, and its peak memory where the platform tells (not Windows)."""
    with tempfile.TemporaryDirectory(prefix="reunify-run-") as folder:
        took = Path(folder) / "took.json"
        out, err = Path(folder) / "out", Path(folder) / "err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            subprocess.run(
                [sys.executable, "-c", WRAPPER, str(took), str(timeout), *argv],
                stdout=stdout,
                stderr=stderr,
                env=env,
                cwd=cwd,
                timeout=timeout + 120,
                check=False,
            )
        found = json.loads(took.read_text())
        return Child(
            found["seconds"],
            found["peak_mb"],
            out.read_text("utf-8", "replace"),
            err.read_text("utf-8", "replace"),
            found["code"],
            found["timed_out"],
        )


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)


@dataclass
class Bench:
    """How to run the series: the code measured, repeats, the time allowed."""

    code: Path
    work: Path
    runs: int = 3
    timeout: float = 900.0
    log: Any = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "REUNIFY_DB"}
        env.update(
            PYTHONPATH=str(self.code),
            REUNIFY_SETTINGS=str(self.work / "settings.json"),
            REUNIFY_USER="bench",
        )
        return env

    def say(self, text: str) -> None:
        if self.log is not None:
            self.log(text)

    def settle(self, db: Path) -> None:
        """Open a database just built once with the code measured (a newer schema
        migrates it then), and remove what that left: its backups, its cache."""
        argv = [sys.executable, "-m", "assistant", "--db", str(db), "cases", "--json"]
        child = run_child(argv, self.env(), self.work, self.timeout)
        if not ok(child):
            raise RuntimeError(f"{db} cannot be opened: {child.stderr.strip()[-300:]}")
        for name in ("backups", *CACHE_FOLDERS):
            remove(db / name)

    def children(
        self, argv: list[str], before: Any = None, after: Any = None, runs: int | None = None
    ) -> list[Child]:
        """`argv` run `runs` times (once only when one run is slower than SLOW_S)."""
        done: list[Child] = []
        for _ in range(runs or self.runs):
            if before is not None:
                before()
            child = run_child(argv, self.env(), self.work, self.timeout)
            if after is not None:
                after()
            if child.timed_out or child.returncode != 0:
                why = "timed out" if child.timed_out else f"exit {child.returncode}"
                self.say(f"  {' '.join(argv[-3:])}: {why}: {child.stderr.strip()[-300:]}")
                return [*done, child]
            done.append(child)
            if child.seconds > SLOW_S:
                break
        return done

    def command(self, db: Path, args: list[str], **how: Any) -> dict[str, Any]:
        """A `reunify --db DB ...` command: median wall time and its peak memory."""
        argv = [sys.executable, "-m", "assistant", "--db", str(db), *args]
        found = self.children(argv, **how)
        good = [c for c in found if ok(c)]
        figure = summary([c.seconds for c in good], [c.peak_mb for c in good])
        if found and not good:  # the peak it had reached when it was stopped
            figure |= {"peak_mb": found[-1].peak_mb, **failure(found, self.timeout)}
        self.say(f"  reunify {' '.join(args)}: {figure}")
        return figure

    def app(self, db: Path, **how: Any) -> list[dict[str, Any]]:
        """Reunify started as `reunify --db DB`: its marks (first paint, home ready)."""
        argv = [sys.executable, str(HERE / "first_screen.py"), "cli", str(db)]
        found = self.children(argv, **how)
        marks = []
        for child in found:
            lines = child.stdout.strip().splitlines()
            if lines:  # a start that timed out still says when it painted
                marks.append({**json.loads(lines[-1]), "child": child})
        shown = [(m.get("first_paint_s"), m.get("home_ready_s")) for m in marks]
        self.say(f"  app (first paint, home ready): {shown}")
        return marks


def ok(child: Child) -> bool:
    return not child.timed_out and child.returncode == 0


def failure(found: list[Child], timeout: float) -> dict[str, Any]:
    """What went wrong with the first run that failed ({} when none did)."""
    bad = [c for c in found if not ok(c)]
    if not bad:
        return {}
    why = f"timed out after {timeout:.0f} s" if bad[0].timed_out else f"exit {bad[0].returncode}"
    return {"error": why}


def summary(seconds: list[float], peaks: list[float | None]) -> dict[str, Any]:
    """Median seconds and the highest peak memory of some runs."""
    known = [p for p in peaks if p is not None]
    return {
        "s": round(statistics.median(seconds), 3) if seconds else None,
        "peak_mb": max(known) if known else None,
        "runs": len(seconds),
    }


# -- the caseload series -----------------------------------------------------------
def caseload_figures(db: Path, ref: str, bench: Bench) -> dict[str, dict[str, Any]]:
    """Every figure of one caseload (see the README, "Benchmarks")."""

    def drop_cache() -> None:
        for name in CACHE_FOLDERS:
            remove(db / name)

    def drop_backups() -> None:
        remove(db / "backups")

    drop_cache()
    drop_backups()
    f: dict[str, dict[str, Any]] = {}
    f["cases_json"] = bench.command(db, ["cases", "--json"])
    f["classify"] = bench.command(db, ["case", "classify", ref])
    f["due_cold"] = bench.command(db, ["due", "--json"], before=drop_cache)
    if f["due_cold"]["s"] is None:  # nothing was kept for a warm run to use
        f["due_warm"] = {"s": None, "error": "not run (no cold run finished)"}
    else:
        f["due_warm"] = bench.command(db, ["due", "--json"])
    f["backup"] = bench.command(db, ["backup"], before=drop_backups)
    # the last backup stays: made within the day, so no automatic backup is due
    app_figures(f, "", bench.app(db), bench.timeout)
    app_figures(f, "_cold", bench.app(db, before=drop_cache), bench.timeout, paint=False)
    app_figures(f, "_backup_due", bench.app(db, before=drop_backups), bench.timeout)
    drop_backups()
    return f


def app_figures(
    f: dict[str, dict[str, Any]],
    suffix: str,
    marks: list[dict[str, Any]],
    timeout: float,
    paint: bool = True,
) -> None:
    """The first screen and home ready figures of some starts of the app."""
    if not marks:
        f["home_ready" + suffix] = {"s": None, "error": "did not start"}
        return
    runs = len(marks)
    peaks = [m["child"].peak_mb for m in marks]
    if paint:
        first = [m["first_paint_s"] for m in marks]
        f["first_screen" + suffix] = {"s": round(statistics.median(first), 3), "runs": runs}
    ready = [m for m in marks if "home_ready_s" in m]
    f["home_ready" + suffix] = summary([m["home_ready_s"] for m in ready], peaks)
    if not ready:
        f["home_ready" + suffix] |= failure([m["child"] for m in marks], timeout)
    if suffix == "" and ready:
        after = [m["home_ready_s"] - m["first_paint_s"] for m in ready]
        f["home_after_paint"] = {"s": round(statistics.median(after), 3), "runs": len(after)}
        f["home_ready"]["due"] = ready[0].get("due", "")


def caseload_series(sizes: list[int], bench: Bench, rebuild: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for size in sizes:
        started = time.perf_counter()
        db, built = cached_database("caseload", size, bench.code, rebuild, bench.settle)
        took = time.perf_counter() - started
        how = f"built in {took:.0f} s" if built else "reused"
        bench.say(f"{size} cases: {how} ({db})")
        out[str(size)] = caseload_figures(db, built_refs(db)[0], bench)
    return out


# -- the case-length series ---------------------------------------------------------
LONG_MEASURES = {
    "audit_open": "audit",
    "answer_to_next": "answer",
    "case_screen": "case-screen",
    "save": "save",
}


def case_length_series(lengths: list[int], bench: Bench, rebuild: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for length in lengths:
        db, built = cached_database("long", length, bench.code, rebuild, bench.settle)
        bench.say(f"one case of {length} answers: {'built' if built else 'reused'} ({db})")
        figures: dict[str, Any] = {}
        for name, mode in LONG_MEASURES.items():
            scratch = bench.work / f"long-{length}-{mode}"
            remove(scratch)
            shutil.copytree(db, scratch)  # answering and saving add to the case
            argv = [sys.executable, str(HERE / "first_screen.py"), mode, str(scratch), "LONG-001"]
            child = run_child(argv, bench.env(), bench.work, bench.timeout)
            remove(scratch)
            if not ok(child):
                bench.say(f"  {mode}: failed: {child.stderr.strip()[-300:]}")
                figures[name] = {"peak_mb": child.peak_mb, **failure([child], bench.timeout)}
                continue
            found = json.loads(child.stdout.strip().splitlines()[-1])
            found["peak_mb"] = child.peak_mb if child.peak_mb is not None else found["peak_mb"]
            figures[name] = {k: rounded(v) for k, v in found.items()}
            bench.say(f"  {name}: {figures[name]}")
        out[str(length)] = figures
    return out


def rounded(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def git(code: Path, *args: str) -> str:
    """What `git -C code ARGS` prints, stripped."""
    found = subprocess.run(
        ["git", "-C", str(code), *args], capture_output=True, text=True, timeout=10
    )
    return found.stdout.strip()


def about(code: Path) -> dict[str, Any]:
    """What was measured, where: the code's commit, the machine."""
    try:
        rev = git(code, "rev-parse", "--short", "HEAD")
        dirty = git(code, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        rev, dirty = "", ""
    return {
        "code": str(code),
        "commit": rev + ("+changes" if dirty else "") if rev else None,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpus": os.cpu_count(),
        "events_per_case": EVENTS_PER_CASE,
    }
