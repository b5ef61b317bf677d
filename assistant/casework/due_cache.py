"""What is due across a caseload, each case worked out once and kept.

What a case gives whatever the day (`CaseDue`: the facts the policy rules count
from, the dates its newest supervision agreed, and the engine's input without
the day) is worked out from one read of the case's records, then the day's
items are derived from it cheaply (`items_on`): the rules' dates, OVERDUE, and
the engine's trajectory, which counts from the day.

`caseload_due_items` keeps each case's `CaseDue` in the database folder,
`cache/due.json`, keyed by what changed in that case: the size, time and file of
its case file and of its answer log (a save appends to the log or replaces the
case file). A run reads again only the cases whose files changed since, and
merges. The whole cache is for one database folder, one version of the code and
one version of the flows (`assistant.casework.due_versions`); anything else in
it is ignored. A damaged, stale or foreign cache is ignored and rebuilt, never
an error; it is written atomically (two processes writing at once: the last one
wins), 0600, and in an encrypted database sealed with the database's key like
any other file (a plain cache found there is removed). It holds facts of every
case it has seen, but a run only shows the cases the store shows (a team
server's user sees their own).

Cases are worked out one at a time, and only what is kept of each stays in
memory (the store keeps the few logs it read last, not every one). A run with
many cases to work out can share them with a helper process
(`assistant.casework.due_helper`), and can be stopped between cases.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from assistant.casework.due_rules import (
    CaseFacts,
    DueItem,
    case_facts,
    case_items,
    engine_items,
)
from assistant.casework.due_supervision import supervision_dates
from assistant.casework.due_versions import Stamp, case_key, header_for
from assistant.casework.replay import CaseReplay
from assistant.records.permissions import CACHE_FOLDER

FOLDER = CACHE_FOLDER
NAME = "due.json"


def cache_path(root: Path) -> Path:
    return Path(root) / FOLDER / NAME


# -- what a case gives whatever the day ---------------------------------------------
@dataclass(frozen=True)
class CaseDue:
    """What one case gives for any day (see the module's docstring)."""

    ref: str
    facts: CaseFacts
    #: (what, YYYY-MM-DD, source) agreed by the newest supervision that set dates
    supervision: tuple[tuple[str, str, str], ...]
    #: the engine's input without the day, and the agreed decisions its history is
    #: made from, as JSON text (read only on a day not yet worked out); None when
    #: nothing recorded feeds the table
    engine: str | None


def case_due(store: Any, library: Any, ref: str) -> CaseDue:
    """Work out what `ref` gives for any day, from one read of its records."""
    from assistant.casework.classification import fed_answers
    from assistant.casework.decisions import agreed_decisions
    from assistant.casework.feeds import build_input
    from assistant.records.store import Store

    one = CaseReplay(store, ref)
    facts = case_facts(one, library, ref)
    supervision = tuple(supervision_dates(one, library, ref))
    fed, _ = fed_answers(cast(Store, one), library, ref)
    inputs = build_input(fed, date.min)
    engine = None
    if not inputs.empty:
        data = {k: v for k, v in inputs.data.items() if k != "assessed_on"}
        # what `history` reads of a decision: when, the level, the table's reading,
        # and that it was agreed (never who, or the reasons)
        decisions = [
            {"at": d["at"], "level": d["level"], "suggested": d.get("suggested"), "round": 1}
            for d in agreed_decisions(one.decisions(ref))
        ]
        engine = json.dumps({"data": data, "decisions": decisions}, separators=(",", ":"))
    return CaseDue(ref, facts, supervision, engine)


def trajectory_on(engine_input: str | None, today: date) -> dict[str, Any] | None:
    """The engine's trajectory for the case on `today` (as `classify_case` gives it),
    or None when there is none to show."""
    from assistant.casework.timeline import history
    from assistant.risk.engine import evaluate
    from assistant.risk.model import ClassificationInputError, parse_input

    if engine_input is None:
        return None
    engine = json.loads(engine_input)
    data = {"assessed_on": today.isoformat(), **engine["data"]}
    past = history(engine["decisions"], today)
    if past:
        data["history"] = past
    try:
        result = evaluate(parse_input(data))
    except ClassificationInputError:
        return None
    return result.trajectory.as_dict()


def items_on(case: CaseDue, rules: list[Any], today: date) -> list[DueItem]:
    """Every due item of the case on `today`, soonest first."""
    return items_with(case, rules, today, trajectory_on(case.engine, today))


def items_with(
    case: CaseDue, rules: list[Any], today: date, trajectory: dict[str, Any] | None
) -> list[DueItem]:
    """`items_on` with the engine's trajectory for `today` already worked out."""
    items = case_items(rules, case.facts, today)
    items += [
        DueItem(case.ref, what, on, source, date.fromisoformat(on) < today)
        for what, on, source in case.supervision
    ]
    if trajectory is not None:
        items += engine_items(case.ref, trajectory, today, case.facts.permanence_away)
    return sorted(items, key=lambda i: (i.due_on, i.case, i.what))


# -- kept as JSON --------------------------------------------------------------------
def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def to_json(case: CaseDue) -> dict[str, Any]:
    f = case.facts
    facts = {
        "dates": {k: v.isoformat() for k, v in f.dates.items()},
        "legal_status": f.legal_status,
        "age": list(f.age) if f.age is not None else None,
        "entered_care_on": _iso(f.entered_care_on),
        "agreed_level": f.agreed_level,
        "agreed_on": _iso(f.agreed_on),
        "care_ends": f.care_ends,
        "planned_stand_in": f.planned_stand_in,
        "permanence_away": f.permanence_away,
    }
    return {"facts": facts, "supervision": [list(s) for s in case.supervision],
            "engine": case.engine}  # fmt: skip


def from_json(ref: str, kept: dict[str, Any]) -> CaseDue:
    """A kept case; KeyError, TypeError or ValueError for one of another shape."""
    f = kept["facts"]
    age = f["age"]
    facts = CaseFacts(
        ref,
        {str(k): date.fromisoformat(v) for k, v in f["dates"].items()},
        legal_status=f["legal_status"],
        age=(int(age[0]), int(age[1])) if age is not None else None,
        entered_care_on=_day(f["entered_care_on"]),
        agreed_level=f["agreed_level"],
        agreed_on=_day(f["agreed_on"]),
        care_ends=f["care_ends"],
        planned_stand_in=bool(f["planned_stand_in"]),
        permanence_away=bool(f["permanence_away"]),
    )
    supervision = []
    for what, on, source in kept["supervision"]:
        date.fromisoformat(on)
        supervision.append((str(what), str(on), str(source)))
    engine = kept["engine"]
    if not (engine is None or isinstance(engine, str)):
        raise TypeError("an engine input of another shape")
    return CaseDue(ref, facts, tuple(supervision), engine)


# -- the cache ---------------------------------------------------------------------------
class DueCache:
    """The kept `CaseDue` of each case of one database (see the module's docstring)."""

    def __init__(self, store: Any, library: Any) -> None:
        self.store, self.library = store, library
        self.path = cache_path(store.root)
        self.header = header_for(store, library)
        self.cases: dict[str, dict[str, Any]] = self._load()
        self.changed = False
        #: the files' versions read by `fresh`, for `case` to use (read once a run)
        self._keys: dict[str, list[Stamp]] = {}

    def _load(self) -> dict[str, dict[str, Any]]:
        """The kept cases; {} for a cache that is missing, damaged or not this one's."""
        try:
            raw = self.path.read_bytes()
        except OSError:
            return {}
        try:
            from assistant.records.storage import looks_sealed

            if self.store.encrypted and not looks_sealed(raw):
                self.path.unlink(missing_ok=True)  # plain text kept from before encryption
                return {}
            document = json.loads(self.store.codec.decode(raw, NAME))
            if not isinstance(document, dict) or document.get("header") != self.header:
                return {}
            cases = document["cases"]
            return cases if isinstance(cases, dict) else {}
        except Exception:  # a cache that cannot be read is rebuilt, whatever the fault
            return {}

    def case(self, ref: str, again: bool = False) -> tuple[CaseDue, dict[str, Any]]:
        """The case's `CaseDue` and its kept entry: kept if its files have not changed
        since (and not `again`), else worked out afresh. The files' versions are read
        first, so a change made while the case is worked out is seen next time."""
        key = self._keys.pop(ref, None) or case_key(self.store, ref)
        kept = self.cases.get(ref)
        if not again and isinstance(kept, dict) and kept.get("key") == key:
            try:
                return from_json(ref, kept), kept
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                pass  # an entry of another shape: worked out again
        worked_out = case_due(self.store, self.library, ref)
        entry = {"key": key, **to_json(worked_out)}
        self.cases[ref] = entry
        self.changed = True
        return worked_out, entry

    def fresh(self, ref: str) -> bool:
        """Whether the case's kept entry is for its files as they are now."""
        key = self._keys[ref] = case_key(self.store, ref)
        kept = self.cases.get(ref)
        return isinstance(kept, dict) and kept.get("key") == key

    def take(self, ref: str, entry: dict[str, Any]) -> None:
        """Keep an entry worked out elsewhere (a helper: see `due_helper`); it is
        checked as any kept entry is when the case's items are asked for."""
        self.cases[ref] = entry
        self.changed = True

    def trajectory(
        self, case: CaseDue, entry: dict[str, Any], today: date
    ) -> dict[str, Any] | None:
        """The engine's trajectory on `today`, kept beside the case for the day."""
        on = entry.get("on")
        if (
            isinstance(on, list)
            and len(on) == 2
            and on[0] == today.isoformat()
            and (on[1] is None or isinstance(on[1], dict))
        ):
            return on[1]
        trajectory = trajectory_on(case.engine, today)
        entry["on"] = [today.isoformat(), trajectory]
        self.changed = True
        return trajectory

    def items(self, ref: str, rules: list[Any], today: date) -> list[DueItem]:
        """The case's due items on `today`; a kept entry that does not give them (of
        another shape) is worked out again."""
        case, entry = self.case(ref)
        try:
            return items_with(case, rules, today, self.trajectory(case, entry, today))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            case, entry = self.case(ref, again=True)
            return items_with(case, rules, today, self.trajectory(case, entry, today))

    def save(self) -> None:
        """Write the cache (if anything changed), leaving out cases whose files are gone
        (purged); a cache that cannot be written is simply not kept."""
        if self.store.read_only:
            return
        try:
            folder = self.path.parent
            names = {e.name for e in os.scandir(Path(self.store.root) / "cases")}
            gone = [ref for ref in self.cases if f"{ref}.json" not in names]
            for ref in gone:
                del self.cases[ref]
            if not (self.changed or gone):
                return
            from assistant.records.permissions import DIR_MODE
            from assistant.records.storage import write_atomic

            folder.mkdir(mode=DIR_MODE, exist_ok=True)
            data = json.dumps(
                {"header": self.header, "cases": self.cases},
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode("utf-8")
            write_atomic(self.path, self.store.codec.encode(data, NAME))
        except OSError:
            return


def caseload_due_items(
    store: Any,
    library: Any,
    rules: list[Any],
    today: date,
    keep: bool = True,
    helper: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> list[DueItem]:
    """Every due item of every (unarchived) case the store shows, soonest first; with
    `keep`, through the cache in the database folder, and with `helper`, many cases
    to work out are shared with a second process (see `assistant.casework.due_helper`).
    `cancelled` is asked before each case: once it says so, the run stops there (the
    items are then not all there) and keeps what it worked out so far."""
    from assistant.casework.due_helper import Helper, helper_wanted

    items: list[DueItem] = []
    refs = [record.ref for record in store.cases()]  # only those this user may see
    if not keep:
        for ref in refs:
            if cancelled is not None and cancelled():
                break
            items += items_on(case_due(store, library, ref), rules, today)
        return sorted(items, key=lambda i: (i.due_on, i.case, i.what))
    cache = DueCache(store, library)
    helping: Helper | None = None
    if helper:
        stale = [ref for ref in refs if not cache.fresh(ref)]
        if helper_wanted(store, len(stale)):
            helping = Helper(store.root, stale, cache.header)
    try:
        for ref in refs:
            if cancelled is not None and cancelled():
                break
            done = helping.entry(ref) if helping is not None else None
            if done is not None:
                cache.take(ref, done)
            items += cache.items(ref, rules, today)
    finally:
        if helping is not None:
            helping.stop()
    cache.save()
    return sorted(items, key=lambda i: (i.due_on, i.case, i.what))
