"""A deterministic caseload for what is due: the demo case and ~30 varied cases.

Built through the store and the real flows, on a fixed clock: every answer is
checked as a practitioner's would be, against the day it is given on, so the
same cases come out whatever the real date. `golden()` works out what is due
for a few fixed days (before, among and after the cases' dates, so items fall
due and then become OVERDUE) under each policy profile; the fixtures
`tests/fixtures/due-before-*.json` are its output from the code before the due
cache (issue 19), and `tests/test_due_cache.py` compares today's code to them.

    PYTHONPATH=. python -m tests.due_caseload --write   # rewrite the fixtures
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
#: the day the demo case is written on (its `today+Nd` answers count from it)
DEMO_DAY = date(2026, 3, 2)
#: the first day of the generated caseload; cases start over the months after it
BASE_DAY = date(2025, 3, 3)
CASES = 32
SEED = 19
#: the days what is due is worked out for: before most dates, among them, after them
GOLDEN_DAYS = (date(2025, 6, 2), date(2025, 10, 15), date(2026, 2, 1), date(2026, 9, 1))
DEMO_DAYS = (DEMO_DAY, DEMO_DAY + timedelta(days=45), DEMO_DAY + timedelta(days=200))
PROFILES = ("framework", "camden", "leeds", "salford")
LEVELS = ("low", "medium", "high", "severe")
#: the choices of a case going well (see `Builder.mild_value`)
MILD_CHOICES = {
    "judgement": ("substantial",),
    "child_wishes": ("want", "wants"),
    "mother_wishes": ("want",),
    "father_wishes": ("want",),
    "other_wishes": ("want",),
    "previous_failed_returns": ("none",),
}


class Clock:
    """The store's clock: a day set by the builder, seconds ticking within it."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.tick = 0

    def on(self, day: date) -> None:
        if day != self.day:
            self.day, self.tick = day, 0

    def __call__(self) -> str:
        self.tick += 1
        at = datetime(self.day.year, self.day.month, self.day.day, 9, tzinfo=UTC)
        return (at + timedelta(seconds=self.tick)).isoformat()


@contextmanager
def frozen_today(day: date) -> Iterator[None]:
    """`date.today()` is `day` where building a case reads it (the demo's relative
    dates, answer checks, a round's reading of the table)."""
    import assistant.casework.classification as classification
    import assistant.casework.demo as demo
    import assistant.flows.steps as steps

    class Day(date):
        @classmethod
        def today(cls) -> Day:
            return cls(day.year, day.month, day.day)

    modules = (classification, demo, steps)
    saved = [m.date for m in modules]
    for module in modules:
        module.date = Day  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module, real in zip(modules, saved, strict=True):
            module.date = real  # type: ignore[attr-defined]


class Builder:
    """Answers flows for one case through the store, as a practitioner would."""

    def __init__(self, store: Any, library: Any, clock: Clock, ref: str, rng: random.Random):
        self.store, self.library, self.clock, self.ref, self.rng = store, library, clock, ref, rng
        #: risks recorded as absent or addressed only (the table reads a lower level)
        self.mild = False

    def some_date(self, step: Any, day: date) -> str:
        if not step.allow_future:
            return (day - timedelta(days=self.rng.randint(0, 150))).isoformat()
        if not step.allow_past:
            return (day + timedelta(days=self.rng.randint(0, 120))).isoformat()
        return (day + timedelta(days=self.rng.randint(-90, 90))).isoformat()

    def value(self, step: Any, day: date) -> Any:
        rng = self.rng
        if self.mild:
            found = self.mild_value(step)
            if found is not None:
                return found
        if step.kind == "choice":
            return rng.choice([o.value for o in step.options])
        if step.kind == "multi":
            values = [o.value for o in step.options]
            return rng.sample(values, rng.randint(0 if step.unticked else 1, min(2, len(values))))
        if step.kind == "factor":
            statuses = step.answer_values()
            if self.mild and not step.protective:
                statuses = ["absent", "addressed"]
            status = rng.choice(statuses)
            answer: dict[str, Any] = {"status": status, "note": f"Seen on the visit ({status})."}
            if step.protective and status == "present" and rng.random() < 0.5:
                answer["mitigates"] = []
            return answer
        if step.kind == "scale":
            return rng.randint(0, 10)
        if step.kind == "yes_no_unknown":
            return rng.choice(["yes", "no", "unknown"])
        if step.kind == "text":
            return f"{step.label}: noted on {day.isoformat()}, item {rng.randint(1, 99)}."
        if step.kind == "date":
            return self.some_date(step, day)
        if step.kind == "decision":
            decision = {
                "level": rng.choice(LEVELS),
                "reason": "What was seen on the visits and the reports of the agencies",
                "suggested": None,
            }
            if rng.random() < 0.6:
                decision["agreed_with"] = "Team manager"
            return decision
        raise AssertionError(f"no answer for a {step.kind} question ({step.id})")

    def mild_value(self, step: Any) -> Any:
        """A case going well: protective factors present, capacity and wishes for a
        return (None: answer as any other case)."""
        from assistant.risk.factors import FACTORS_BY_ID

        values = [o.value for o in step.options] if step.kind in ("choice", "multi") else []
        if step.kind == "multi" and step.unticked:
            kinds = {v: FACTORS_BY_ID[v].kind for v in values}
            risks = [v for v in values if kinds[v] != "protective"]
            chosen = {v for v in values if kinds[v] == "protective"}
            return [v for v in values if v in chosen or v in risks[:1]]
        if step.kind == "multi" and step.id in ("domains", "case_domains"):
            return values
        if step.kind == "choice":
            return next((v for v in MILD_CHOICES.get(step.id, ()) if v in values), None)
        if step.kind == "yes_no_unknown" and step.id.startswith("kq_"):
            return "yes"
        if step.kind == "yes_no_unknown" and step.id == "compliance_concern":
            return "no"
        return None

    def answer(self, flow_id: str, day: date, given: dict[str, Any] | None = None,
               skip: float = 0.2, finish: bool = True) -> None:  # fmt: skip
        """One session of `flow_id` on `day`: the `given` answers, the rest chosen
        (optional ones skipped now and then). A decision is kept as the case's."""
        from assistant.flows.runner import FlowSession

        given = given or {}
        self.clock.on(day)
        flow = self.library.flows[flow_id]
        session = FlowSession(flow)
        stored = self.store.start_session(self.ref, flow.id, flow.title)
        while (step := session.current) is not None:
            if step.id in given:
                wanted = given[step.id]
                event = (
                    session.prepare_skip()
                    if wanted is None
                    else session.prepare_answer(wanted, day)
                )
            elif step.optional and self.rng.random() < skip:
                event = session.prepare_skip()
            else:
                event = session.prepare_answer(self.value(step, day), day)
            self.store.record(self.ref, stored.id, event)
            session.apply(event)
            if step.kind == "decision":
                self.store.record_decision(self.ref, event.value)
        if finish:
            self.store.finish_session(self.ref, stored.id)

    def decision(self, day: date, level: str, suggested: str | None = None) -> None:
        """An agreed decision kept on `day` (as a manager's agreement is)."""
        self.clock.on(day)
        decision = {"level": level, "reason": "Agreed at review", "suggested": suggested}
        decision["agreed_with"] = "Team manager"
        self.store.record_decision(self.ref, decision)

    def round(self, day: date, level: str | None) -> None:
        from assistant.casework.rounds import agree_round, make_rating, open_round, rate

        self.clock.on(day)
        with frozen_today(day):
            from assistant.casework.rounds import suggestion_now

            opened = open_round(self.store, self.ref, suggestion_now(self.store, self.library,
                                                                     self.ref))  # fmt: skip
        rows = {r: self.rng.choice(LEVELS) for r in
                ("risk_factors", "protective_factors", "capacity_to_change", "wishes")}  # fmt: skip
        for role in ("worker", "team_manager"):
            rating = make_rating(role, f"{role} rater", rows, self.rng.choice(LEVELS), "Rated.")
            rate(self.store, self.ref, opened.id, rating)
        if level is not None:
            reason = "We agreed this together after talking through every row of the table"
            agree_round(self.store, self.ref, opened.id, level, reason, "Worker and manager")


def build_case(builder: Builder, number: int, start: date) -> None:
    """One case, its shape chosen by its number so every kind of case is there."""
    b, rng = builder, builder.rng
    kind = number % 8
    b.mild = kind in (0, 5) or number % 3 == 2
    day = start
    if kind == 7 and number % 16 == 7:
        return  # a case just opened: nothing recorded
    profile: dict[str, Any] = {}
    if kind in (1, 5):
        profile["returned_home"] = "yes"
        profile["return_planned"] = rng.choice(["planned", "unplanned", "not_known"])
    elif kind in (2, 6):
        profile["returned_home"] = "no"
    if kind == 3:
        profile["permanence_plan"] = "away_from_home"
    if kind == 4:
        profile["entered_care_on"] = None  # skipped: then said to be not known
    if number % 10 == 4:
        profile["age_band"] = "not_known"
    if number % 10 == 9:
        profile.update(age_band="sixteen_to_seventeen", legal_status="section_20")
    b.answer("case-profile", day, profile)
    if kind == 7:
        return  # a profile only
    day += timedelta(days=rng.randint(3, 20))
    if rng.random() < 0.8:
        plan: dict[str, Any] = {}
        if rng.random() < 0.3:
            plan["planned_return"] = None
        b.answer("reunification-plan", day, plan)
    for parent in rng.sample(["child", "mother", "father", "mothers_partner"], rng.randint(1, 3)):
        day += timedelta(days=rng.randint(1, 10))
        b.answer("future-harm-factors", day, {"parent": parent})
    if rng.random() < 0.7:
        day += timedelta(days=rng.randint(1, 10))
        b.answer("capacity-to-change", day, {"parent": rng.choice(["mother", "father"])})
    if rng.random() < 0.8:
        day += timedelta(days=rng.randint(1, 10))
        b.answer("wishes-and-feelings", day)
    if kind != 2:
        day += timedelta(days=rng.randint(1, 14))
        b.answer("risk-classification", day)  # a decision, agreed or the worker's own view
    if kind in (0, 5):  # a level held for months (six-month rules), then another
        if kind == 0:  # held HIGH while the table read lower: it may step down
            b.decision(day + timedelta(days=1), "high", "low")
            b.decision(day + timedelta(days=100), "high", "low")
        b.decision(day + timedelta(days=200), "high" if kind == 0 else rng.choice(LEVELS))
        day += timedelta(days=210)
    if number % 5 == 0:
        day += timedelta(days=rng.randint(5, 30))
        b.round(day, rng.choice([None, *LEVELS]))
    if number % 3 == 0:
        day += timedelta(days=rng.randint(5, 30))
        b.answer("supervision-assessment", day)
    if number % 4 == 1:
        day += timedelta(days=rng.randint(5, 30))
        returned = {"stage_now": "stage_4"} if kind in (1, 5) else {}
        b.answer("supervision-planning", day, returned)
    for _ in range(rng.randint(0, 3)):  # check-ins and visits
        day += timedelta(days=rng.randint(7, 40))
        b.answer(rng.choice(["return-home-visit", "pre-review-check-in"]), day)
    if kind == 6 and rng.random() < 0.7:  # the child went home after all: a newer profile
        day += timedelta(days=rng.randint(5, 30))
        b.answer("case-profile", day, {"returned_home": "yes", "return_planned": "planned"})
    if kind == 1 and number % 3 == 1:  # a newer profile says the child is not home
        day += timedelta(days=rng.randint(5, 30))
        b.answer("case-profile", day, {"returned_home": "no"})
    if number % 6 == 2:
        b.answer("case-history", day + timedelta(days=3), skip=0.5, finish=False)


def build_caseload(root: Path, cases: int = CASES, seed: int = SEED) -> Any:
    """The generated caseload in a new database at `root`; returns its store."""
    from assistant.flows.loader import default_library
    from assistant.records.store import Store

    clock = Clock(BASE_DAY)
    store = Store(root, clock=clock, user="worker")
    library = default_library()
    for number in range(cases):
        rng = random.Random(seed * 1000 + number)
        start = BASE_DAY + timedelta(days=rng.randint(0, 240))
        ref = f"GEN-{number:03d}"
        clock.on(start)
        store.create_case(ref)
        build_case(Builder(store, library, clock, ref, rng), number, start)
        if number % 11 == 10:
            store.archive_case(ref)  # archived: never due
    return store


def build_demo(root: Path) -> Any:
    """The demo case, written on DEMO_DAY; returns its store."""
    from assistant.casework.demo import write_demo
    from assistant.flows.loader import default_library
    from assistant.records.store import Store

    store = Store(root, clock=Clock(DEMO_DAY), user="worker")
    with frozen_today(DEMO_DAY):
        write_demo(store, default_library())
    return store


def due_on(store: Any, days: tuple[date, ...]) -> dict[str, list[dict[str, Any]]]:
    """What is due for each profile on each day, as `reunify due --json` gives it."""
    from assistant.casework.due import due_items
    from assistant.casework.policies import load_policies
    from assistant.flows.loader import default_library
    from assistant.paths import content_dir

    library, policies = default_library(), load_policies(content_dir())
    found = {}
    for profile in PROFILES:
        for day in days if profile == "framework" else days[-2:-1]:
            items = due_items(store, library, policies, profile, day)
            found[f"{profile} {day.isoformat()}"] = [i.as_dict() for i in items]
    return found


def golden(folder: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """What is due for the demo and for the generated caseload, built under `folder`."""
    return {
        "demo": due_on(build_demo(folder / "demo"), DEMO_DAYS),
        "caseload": due_on(build_caseload(folder / "caseload"), GOLDEN_DAYS),
    }


def fixture_path(name: str) -> Path:
    return FIXTURES / f"due-before-{name}.json"


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the fixtures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        found = golden(Path(folder))
    for name, items in found.items():
        text = json.dumps(items, indent=1, ensure_ascii=False) + "\n"
        counts = {k: len(v) for k, v in items.items()}
        print(name, counts)
        if args.write:
            fixture_path(name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
