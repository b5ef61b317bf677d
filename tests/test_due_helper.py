"""A cold `reunify due` shares its cases with a helper process (issue 19).

The helper works from the last case back while this process works from the
first on; its entries are taken only when it reads through the same code, flows
and database. Whatever happens to it, the items (and the cache) are those of a
run in one process, and an error is the one that run gives. The parent is slowed
down here (a sleep per case it works out itself), so that the helper, which
takes a moment to start, gets cases to do: it waits, before its first case, until
the helper has said one or ended.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.casework import due_cache, due_helper, due_helper_run, due_versions
from assistant.casework.due import due_items
from assistant.casework.due_cache import DueCache, cache_path
from assistant.casework.policies import load_policies
from assistant.flows.loader import default_library
from assistant.paths import content_dir
from assistant.records.store import Store, StoreError

LIBRARY = default_library()
POLICIES = load_policies(content_dir())
DAY = date(2026, 2, 1)


@pytest.fixture
def store(small: Store) -> Store:
    """Twelve generated cases, nothing kept yet; opened as `reunify` opens it."""
    return Store(small.root)


def due(store: Store, helper: bool = True, keep: bool = True) -> list[dict[str, Any]]:
    found = due_items(store, LIBRARY, POLICIES, "framework", DAY, keep=keep, helper=helper)
    return [i.as_dict() for i in found]


class Watched:
    """The helper lowered to start for one case; this process slowed down per case
    it works out itself; what was taken from the helper, counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, pause: float = 0.25) -> None:
        self.own: list[str] = []
        self.taken: list[str] = []
        self.helpers: list[due_helper.Helper] = []
        monkeypatch.setattr(due_helper, "HELPER_FROM", 1)
        real_case_due, real_take = due_cache.case_due, DueCache.take
        real_init = due_helper.Helper.__init__

        def slow_case_due(store: Any, library: Any, ref: str) -> Any:
            self.own.append(ref)
            self.wait_for_helper()
            time.sleep(pause)
            return real_case_due(store, library, ref)

        def take(cache: DueCache, ref: str, entry: dict[str, Any]) -> None:
            self.taken.append(ref)
            real_take(cache, ref, entry)

        def init(helper: due_helper.Helper, *args: Any) -> None:
            self.helpers.append(helper)
            real_init(helper, *args)

        monkeypatch.setattr(due_cache, "case_due", slow_case_due)
        monkeypatch.setattr(DueCache, "take", take)
        monkeypatch.setattr(due_helper.Helper, "__init__", init)

    def wait_for_helper(self, seconds: float = 60) -> None:
        """Until the helper has said a case or ended: however loaded the machine, it
        gets to work before this process is done (else nothing of it is tested)."""
        deadline = time.monotonic() + seconds
        while self.helpers and time.monotonic() < deadline:
            helper = self.helpers[-1]
            process = helper._process
            if helper._entries or process is None or process.poll() is not None:
                return
            time.sleep(0.01)

    def ended(self) -> bool:
        """Every helper started has ended (none is left running)."""
        return all(h._process is None or h._process.poll() is not None for h in self.helpers)


def kept_cases(store: Store) -> dict[str, Any]:
    """What the cache keeps of each case, but the versions of its files (a copy of
    the database has files of its own); those are checked to be the files' now."""
    cases = json.loads(cache_path(store.root).read_bytes())["cases"]
    for ref, entry in cases.items():
        assert entry.pop("key") == json.loads(json.dumps(due_versions.case_key(store, ref)))
    return dict(cases)


def test_the_helper_s_cases_are_taken_and_everything_is_as_in_one_process(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = Store(Path(shutil.copytree(store.root, tmp_path / "alone")))
    expected = due(alone, helper=False)
    watched = Watched(monkeypatch)
    assert due(store) == expected
    assert watched.helpers and watched.ended()
    refs = [c.ref for c in store.cases()]
    assert watched.taken, "the helper did no case: nothing of it was tested"
    assert set(watched.taken) | set(watched.own) == set(refs)
    assert watched.taken[-1] == refs[-1]  # it works from the last case back
    assert kept_cases(store) == kept_cases(alone)
    assert due(store, helper=False) == expected  # warm, from what it kept


def helper_saying(lines: list[str]) -> list[str]:
    """A command that reads its job and says `lines` instead of the helper."""
    said = "\n".join(lines)
    return [sys.executable, "-c", f"import sys; sys.stdin.read(); print({said!r}, flush=True)"]


@pytest.mark.parametrize(
    "command",
    [
        ["no-such-python-anywhere"],
        [sys.executable, "-c", "import sys; sys.exit(3)"],
        "header of another version",
        "right header, then nonsense",
    ],
)
def test_a_helper_that_fails_leaves_the_work_to_this_process(
    store: Store, monkeypatch: pytest.MonkeyPatch, command: Any
) -> None:
    expected = due(store, keep=False)
    header = DueCache(store, LIBRARY).header
    entry = {"key": [None, None], "facts": "not a case's"}
    if command == "header of another version":
        other = json.dumps({"header": {**header, "code": "0" * 64}})
        command = helper_saying([other, json.dumps({"ref": "GEN-012", "entry": entry})])
    elif command == "right header, then nonsense":
        command = helper_saying([json.dumps({"header": header}), "{not json", "[]"])
    monkeypatch.setattr(due_helper, "helper_command", lambda: command)
    watched = Watched(monkeypatch, pause=0.02)
    assert due(store) == expected
    assert watched.helpers and watched.ended()
    assert watched.taken == []
    assert sorted(watched.own) == sorted(c.ref for c in store.cases())


def test_a_helper_entry_that_does_not_fit_is_worked_out_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry of another shape, or for the files as they were, counts for nothing."""
    expected = due(store, keep=False)
    header = DueCache(store, LIBRARY).header
    refs = [c.ref for c in store.cases()]
    odd = [
        json.dumps({"ref": refs[-1], "entry": {"key": [None, None], "facts": {}}}),
        json.dumps({"ref": refs[-2], "entry": {"key": "old", "engine": None}}),
    ]
    lines = [json.dumps({"header": header}), *odd]
    monkeypatch.setattr(due_helper, "helper_command", lambda: helper_saying(lines))
    watched = Watched(monkeypatch, pause=0.05)
    assert due(store) == expected
    assert set(watched.own) == set(refs)  # both were taken, and then worked out here


def test_a_case_the_helper_cannot_read_gives_the_error_of_one_process(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = [c.ref for c in store.cases()]
    log = store.root / "cases" / f"{refs[-2]}.answers.jsonl"
    log.write_bytes(log.read_bytes() + b"{damaged\n")
    with pytest.raises(StoreError) as alone:
        due(store, helper=False)
    watched = Watched(monkeypatch)
    with pytest.raises(StoreError) as helped:
        due(store)
    assert str(helped.value) == str(alone.value)
    assert refs[-2] in watched.own  # the helper said it failed; this process found why
    assert watched.helpers and watched.ended()


def test_the_helper_says_its_header_then_each_case_from_the_last(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper's own side, run here: what it says is what the cache keeps."""
    refs = [c.ref for c in store.cases()][-3:]
    job = json.dumps({"root": str(store.root), "refs": refs[::-1]}).encode()
    out = io.BytesIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(job)))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out))
    assert due_helper_run.main() == 0
    said = [json.loads(line) for line in out.getvalue().splitlines()]
    cache = DueCache(store, LIBRARY)
    assert said[0] == {"header": cache.header}
    assert [s["ref"] for s in said[1:]] == refs[::-1]
    for line in said[1:]:
        cache.case(line["ref"])
        assert line["entry"] == json.loads(json.dumps(cache.cases[line["ref"]]))


def test_a_helper_only_where_it_pays_and_nothing_secret_leaves_this_process(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.records.users import Access, Account

    many = due_helper.HELPER_FROM
    assert due_helper.helper_wanted(store, many)
    assert not due_helper.helper_wanted(store, many - 1)
    monkeypatch.setattr(store, "codec", object())  # an encrypted database: its key stays here
    assert store.encrypted and not due_helper.helper_wanted(store, many)
    monkeypatch.undo()
    served = Store(store.root, access=Access(Account("alex", "worker", "north"), {}))
    assert not due_helper.helper_wanted(served, many)  # a team server's own store
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert not due_helper.helper_wanted(store, many)  # a bundled app has no `python -m`


def test_reunify_due_asks_for_a_helper(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.commands.main import main

    today = date.today()
    expected = due_items(store, LIBRARY, POLICIES, "framework", today, keep=False)
    watched = Watched(monkeypatch, pause=0.02)
    assert main(["--db", str(store.root), "due", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [i.as_dict() for i in expected]
    assert watched.helpers and watched.ended()


def test_the_helper_never_runs_code_from_the_folder_it_was_started_in(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m` would run an `assistant` package lying in the current folder (a
    download, say): the helper is started with -P, and its work is still taken."""
    planted = tmp_path / "here" / "assistant"
    (planted / "casework").mkdir(parents=True)
    trap = tmp_path / "trap-ran"
    for init in (planted / "__init__.py", planted / "casework" / "__init__.py"):
        init.write_text(f"open({str(trap)!r}, 'w').close()\n")
    (planted / "casework" / "due_helper_run.py").write_text(f"open({str(trap)!r}, 'w').close()\n")
    monkeypatch.chdir(tmp_path / "here")
    watched = Watched(monkeypatch)
    due(store)
    assert not trap.exists()
    assert watched.taken


async def test_the_home_screen_shares_a_long_run_with_a_helper(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.ui.app import create_app
    from assistant.ui.due import due_lines
    from assistant.ui.home_due import WORKING
    from tests.pilot import wait_until

    today = date.today()
    expected = due_items(store, LIBRARY, POLICIES, "framework", today, keep=False)
    watched = Watched(monkeypatch, pause=0.1)
    app = create_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        due = app.screen.query_one("#due")
        await wait_until(pilot, lambda: WORKING not in str(due.render()), 60)
        assert [i.as_dict() for i in due.items] == [i.as_dict() for i in expected]
        assert str(due.render()) == str(due_lines(expected, limit=3))
    assert watched.taken and watched.helpers and watched.ended()
