"""What is due, each case worked out once and kept (issue 19).

- The same items as before the cache: the demo case and a generated caseload
  (`tests/due_caseload.py`), on several days and under every policy profile, against
  `tests/fixtures/due-before-*.json`, written by the code before the cache; run cold
  (nothing kept), warm (all kept) and without keeping.
- A case changed after a warm run is worked out again; nothing else is.
- A damaged, foreign or stale cache is ignored and rebuilt; the cache is 0600 and,
  in an encrypted database, sealed (a plain one found there is removed).
- A team server's user is shown only the cases they may see.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from assistant.casework import due_cache, due_versions
from assistant.casework.due import due_items
from assistant.casework.due_cache import cache_path
from assistant.casework.policies import load_policies
from assistant.flows.loader import default_library
from assistant.flows.runner import AnswerEvent
from assistant.paths import content_dir
from assistant.records import crypto
from assistant.records.store import Store
from tests import due_caseload
from tests.due_caseload import DEMO_DAYS, GOLDEN_DAYS, build_caseload, build_demo, due_on

LIBRARY = default_library()
POLICIES = load_policies(content_dir())
DAY = date(2026, 2, 1)
PASS = "correct horse battery staple"


def before(name: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = json.loads(
        due_caseload.fixture_path(name).read_text(encoding="utf-8")
    )
    return found


def same_items(now: dict[str, list[dict[str, Any]]], then: dict[str, list[dict[str, Any]]]) -> None:
    assert list(now) == list(then)
    for key in then:
        assert len(now[key]) == len(then[key]), key
        for got, want in zip(now[key], then[key], strict=True):
            assert got == want, key


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return build_caseload(tmp_path_factory.mktemp("due") / "caseload")


class Counting:
    """Counts the cases worked out (not taken from the cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.refs: list[str] = []
        real = due_cache.case_due

        def counted(store: Any, library: Any, ref: str) -> Any:
            self.refs.append(ref)
            return real(store, library, ref)

        monkeypatch.setattr(due_cache, "case_due", counted)

    def take(self) -> list[str]:
        refs, self.refs = self.refs, []
        return refs


def due(store: Store, day: date = DAY, profile: str = "framework", keep: bool = True) -> list:
    return [i.as_dict() for i in due_items(store, LIBRARY, POLICIES, profile, day, keep)]


# -- the same as before -------------------------------------------------------------------
def test_the_generated_caseload_is_due_as_before(caseload: Store) -> None:
    cache_path(caseload.root).unlink(missing_ok=True)
    same_items(due_on(caseload, GOLDEN_DAYS), before("caseload"))  # cold, then warm
    assert cache_path(caseload.root).exists()
    same_items(due_on(caseload, GOLDEN_DAYS), before("caseload"))  # all from the file
    for key, items in before("caseload").items():
        profile, day = key.split()
        assert due(caseload, date.fromisoformat(day), profile, keep=False) == items


def test_the_demo_is_due_as_before(tmp_path: Path) -> None:
    store = build_demo(tmp_path / "demo")
    same_items(due_on(store, DEMO_DAYS), before("demo"))
    same_items(due_on(store, DEMO_DAYS), before("demo"))


def test_one_case_is_due_as_in_the_caseload(caseload: Store) -> None:
    """`case_due_items` (the check-in's and the documents' list) gives a case's share."""
    from assistant.casework.due import case_due_items, profile_rules

    rules = profile_rules(POLICIES, "salford")
    every = due(caseload, DAY, "salford")
    for record in caseload.cases()[:8]:
        one = case_due_items(caseload, LIBRARY, rules, record.ref, DAY)
        assert [i.as_dict() for i in one] == [i for i in every if i["case"] == record.ref]


# -- what a warm run works out again -------------------------------------------------------
def test_a_warm_run_works_out_only_the_cases_that_changed(
    small: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.casework.decisions import make_decision
    from assistant.casework.rounds import open_round

    counting = Counting(monkeypatch)
    shown = [c.ref for c in small.cases()]
    first = due(small)
    assert sorted(counting.take()) == shown
    assert due(small) == first and counting.take() == []
    assert due(small, DAY + timedelta(days=40)) != first  # another day: nothing read again
    assert counting.take() == []

    def again(changed: list[str]) -> list:
        """A warm run works out just `changed`, and gives what a fresh run gives."""
        found = due(small)
        assert counting.take() == changed
        assert found == due(small, keep=False)
        counting.take()
        return found

    # an answer added
    ref = shown[1]
    session = small.sessions(ref)[0]
    small.record(ref, session.id, AnswerEvent("profile_note", "Seen again."))
    again([ref])
    # a decision recorded: the agreed level changes what is due
    small.record_decision(shown[2], {**make_decision("low", "Agreed.", None), "agreed_with": "M"})
    assert again([shown[2]]) != first
    # a round opened
    open_round(small, shown[3], {})
    again([shown[3]])
    # a case archived: no longer due, nothing worked out
    small.archive_case(shown[4])
    assert not [i for i in again([]) if i["case"] == shown[4]]
    small.unarchive_case(shown[4])
    assert again([]) == due(small, keep=False)


def test_a_run_stopped_part_way_keeps_what_it_worked_out(
    small: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home screen's run is stopped when the app closes: it stops at the next
    case, and the next run works out only the cases it had not reached."""
    counting = Counting(monkeypatch)
    shown = [c.ref for c in small.cases()]
    asked = iter(range(100))
    stop = lambda: next(asked) >= 4  # noqa: E731 - stopped before the fifth case
    due_items(small, LIBRARY, POLICIES, "framework", DAY, cancelled=stop)
    assert counting.take() == shown[:4]
    found = due(small)
    assert counting.take() == shown[4:]
    assert found == due(small, keep=False)


async def test_closing_the_app_stops_the_due_run_at_the_next_case(
    small: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from assistant.ui.app import create_app

    started, worked = threading.Event(), []
    real = due_cache.case_due

    def slow(store: Any, library: Any, ref: str) -> Any:
        started.set()
        worked.append(ref)
        time.sleep(0.2)
        return real(store, library, ref)

    monkeypatch.setattr(due_cache, "case_due", slow)
    app = create_app(small)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(300):
            if started.is_set():
                break
            await pilot.pause(0.01)
        await pilot.press("ctrl+q")
    begun = time.perf_counter()
    while len(small.cases()) > len(worked) and time.perf_counter() - begun < 3:
        time.sleep(0.05)  # the thread, if it were not stopped, would go on
    assert 0 < len(worked) < len(small.cases())


def test_a_case_recorded_through_the_flows_is_due_as_worked_out_fresh(small: Store) -> None:
    """The child goes home: the return's dates replace the plan's."""
    ref = small.cases()[0].ref
    due(small)
    builder = due_caseload.Builder(
        small, LIBRARY, due_caseload.Clock(DAY), ref, due_caseload.random.Random(1)
    )
    builder.answer("case-profile", DAY, {"returned_home": "yes", "returned_home_on": "2026-01-20",
                                         "return_planned": "unplanned"})  # fmt: skip
    for profile in ("framework", "salford"):
        assert due(small, DAY, profile) == due(small, DAY, profile, keep=False)


def test_a_purged_case_leaves_the_cache(small: Store) -> None:
    ref = small.cases()[0].ref
    due(small)
    assert ref in json.loads(cache_path(small.root).read_bytes())["cases"]
    small.archive_case(ref)
    small.purge_case(ref, ref)
    assert not cache_path(small.root).exists()  # thrown away with the case
    due(small)
    assert ref not in json.loads(cache_path(small.root).read_bytes())["cases"]


# -- a cache that cannot be used -------------------------------------------------------------
@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00\xff not json",
        b"[1, 2]",
        b'{"header": 1}',
        b"RNFY-SEALED-nonsense",
    ],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(
    small: Store, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    first = due(small)
    cache_path(small.root).write_bytes(damage)
    counting = Counting(monkeypatch)
    assert due(small) == first
    assert len(counting.take()) == len(small.cases())
    assert json.loads(cache_path(small.root).read_bytes())["cases"]  # rebuilt


def test_an_entry_of_another_shape_is_worked_out_again(
    small: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = due(small)
    kept = json.loads(cache_path(small.root).read_bytes())
    refs = sorted(kept["cases"])
    kept["cases"][refs[0]]["facts"] = {"dates": 3}
    kept["cases"][refs[1]]["supervision"] = [["what", "not a date", "source"]]
    kept["cases"][refs[2]]["on"] = [DAY.isoformat(), {"reclassify_by": 7}]
    kept["cases"][refs[3]]["engine"] = {"data": {"factors": "nonsense"}, "decisions": []}
    cache_path(small.root).write_text(json.dumps(kept))
    counting = Counting(monkeypatch)
    assert due(small) == first
    assert sorted(counting.take()) == refs[:4]


@pytest.mark.parametrize("what", ["code", "content", "database", "format"])
def test_a_cache_of_another_database_or_version_is_ignored(
    small: Store, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    first = due(small)
    kept = json.loads(cache_path(small.root).read_bytes())
    kept["header"][what] = "something else"
    for entry in kept["cases"].values():
        entry["facts"]["dates"] = {}  # a foreign entry would show different items
        entry["supervision"] = []
    cache_path(small.root).write_text(json.dumps(kept))
    counting = Counting(monkeypatch)
    assert due(small) == first
    assert len(counting.take()) == len(small.cases())


def test_a_cache_copied_from_another_database_is_ignored(twelve: Path, tmp_path: Path) -> None:
    """Whole (another folder), and case by case (other files, even under its header)."""
    from assistant.casework.decisions import make_decision

    one, other = (Store(shutil.copytree(twelve, tmp_path / name)) for name in ("one", "other"))
    due(one)
    for record in other.cases():  # the same references, other levels
        other.record_decision(record.ref, {**make_decision("severe", "Agreed.", None),
                                           "agreed_with": "M"})  # fmt: skip
    expected = due(other, keep=False)
    kept = json.loads(cache_path(one.root).read_bytes())
    cache_path(other.root).parent.mkdir(mode=0o700)
    cache_path(other.root).write_text(json.dumps(kept))
    assert due(other) == expected
    kept["header"]["database"] = due_versions.database_id(other.root)
    cache_path(other.root).write_text(json.dumps(kept))
    assert due(other) == expected


def test_runs_at_once_leave_a_whole_cache(small: Store) -> None:
    """Several runs writing at once (windows, a team server's users): each write is
    whole, the last one wins, and what any run reads back is right."""
    import threading

    expected = due(small, keep=False)
    found: list[list] = []
    problems: list[BaseException] = []

    def run() -> None:
        try:
            store = Store(small.root)
            for _ in range(3):
                cache_path(small.root).unlink(missing_ok=True)
                found.append(due(store))
        except BaseException as exc:  # reported below
            problems.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems
    assert all(items == expected for items in found) and len(found) == 12
    kept = json.loads(cache_path(small.root).read_bytes())
    assert set(kept["cases"]) == {c.ref for c in small.cases()}
    assert not list(cache_path(small.root).parent.glob("*.tmp"))
    assert due(small) == expected


def test_the_cache_is_private(small: Store) -> None:
    due(small)
    if os.name != "nt":
        assert stat.S_IMODE(cache_path(small.root).stat().st_mode) == 0o600
        assert stat.S_IMODE(cache_path(small.root).parent.stat().st_mode) == 0o700
        cache_path(small.root).chmod(0o644)
        reopened = Store(small.root)
        assert any(str(cache_path(small.root)) in w for w in reopened.warnings)
        assert stat.S_IMODE(cache_path(small.root).stat().st_mode) == 0o600


def test_a_read_only_window_writes_no_cache(small: Store) -> None:
    small.read_only = True
    due(small)
    assert not cache_path(small.root).exists()


# -- encryption -------------------------------------------------------------------------------
@pytest.fixture
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "DEFAULT_COST", (2**10, 8, 1))


def test_an_encrypted_database_keeps_no_plain_cache(tmp_path: Path, quick_kdf: None) -> None:
    from assistant.records.keys import encrypt_database

    plain = build_caseload(tmp_path / "db", cases=5)
    expected = due(plain, keep=False)
    due(plain)
    assert b"Case supervision" in cache_path(plain.root).read_bytes()  # plain, before
    encrypt_database(plain.root, PASS)
    assert not cache_path(plain.root).exists()  # thrown away once the rest is sealed
    cache_path(plain.root).write_bytes(b'{"plain": "left by an older Reunify"}')
    store = Store(plain.root, passphrase=PASS)
    assert due(store) == expected  # a plain cache is not read, and it is removed
    raw = cache_path(store.root).read_bytes()
    assert raw.startswith(b"RNFY-SEALED-")
    for marker in (b"Case supervision", b"GEN-00", b"reclassify", b"legal_status"):
        assert marker not in raw
    assert due(store) == expected  # read back through the key
    assert due(Store(store.root, passphrase=PASS), DAY) == expected


# -- a team server ----------------------------------------------------------------------------
def test_a_user_is_shown_only_the_cases_they_may_see(small: Store) -> None:
    from assistant.records.users import Access, Account

    everything = due(small)  # kept for every case
    refs = [c.ref for c in small.cases()]
    mine = refs[:3]
    for ref in mine:
        small.share_case(ref, "alex")
    alex = Account("alex", "worker", "north")
    served = Store(small.root, access=Access(alex, {"alex": "north"}))
    shown = due(served)
    assert {i["case"] for i in shown} <= set(mine)
    assert shown == [i for i in everything if i["case"] in mine]
    kept = json.loads(cache_path(small.root).read_bytes())["cases"]
    assert set(refs) <= set(kept)  # what others may see is kept, not shown
