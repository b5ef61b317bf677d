"""`reunify serve`: a team's Reunify in the browser, for signed-in people only.

A real server on 127.0.0.1 (a free port) is started for these tests; HTTP checks use
plain requests, and the browser checks drive Debian's headless Chromium through
Playwright."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from assistant.records import users
from assistant.records.store import Store, StoreError

pytestmark = pytest.mark.loopback

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORDS = {"alice": "alice-long-password", "bob": "bob-long-password", "rita": "rita-password!"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def team_database(root: Path) -> Path:
    store = Store(root, user="admin")
    store.create_case("TEAM-1")
    users.add_user(root, "alice", "worker", PASSWORDS["alice"], "north")
    users.add_user(root, "bob", "manager", PASSWORDS["bob"], "north")
    users.add_user(root, "rita", "reviewer", PASSWORDS["rita"], "south")
    store.share_case("TEAM-1", "alice")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = team_database(tmp_path_factory.mktemp("team") / "db")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "--db", str(root), "serve", "--port", str(port),
         "--idle-minutes", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/signin", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError(process.stdout.read() if process.stdout else "did not start")
    yield base, root
    process.terminate()
    process.wait(timeout=10)


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str, context: object = None) -> None:
        self.base, self.jar = base, CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        handlers: list[object] = [urllib.request.HTTPCookieProcessor(self.jar), NoRedirect]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))  # type: ignore[arg-type]
        self.opener = urllib.request.build_opener(*handlers)  # type: ignore[arg-type]

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + path, data=data))

    def _open(self, request: urllib.request.Request) -> tuple[int, str, dict[str, str]]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def token(self) -> str:
        """The CSRF token of a fresh sign-in form (its cookie kept in the jar)."""
        _, page, _ = self.get("/signin")
        found = re.search(r"name='csrf' value='([^']+)'", page)
        assert found is not None
        return found.group(1)

    def sign_in(self, name: str, password: str) -> int:
        status, _, _ = self.post(
            "/signin", {"csrf": self.token(), "name": name, "password": password}
        )
        return status


def test_nothing_without_signing_in(server: tuple[str, Path]) -> None:
    base, _ = server
    anyone = Browser(base)
    status, _, headers = anyone.get("/")
    assert status == 302 and headers["Location"].endswith("/signin")
    assert anyone.get("/ws")[0] == 401
    assert anyone.get("/download/x")[0] == 401
    assert anyone.post("/signout", {})[0] == 401


def test_a_wrong_password_is_refused_and_audited(server: tuple[str, Path]) -> None:
    base, root = server
    assert Browser(base).sign_in("alice", "not her password") == 401
    assert Browser(base).sign_in("nobody", "not a password at all") == 401
    events = [(r["event"], r["user"]) for r in users.audit_lines(root)]
    assert ("sign-in failed", "alice") in events and ("sign-in failed", "nobody") in events
    assert not any("not her password" in json.dumps(r) for r in users.audit_lines(root))


def test_a_form_without_its_token_is_refused(server: tuple[str, Path]) -> None:
    base, _ = server
    anyone = Browser(base)
    fields = {"csrf": "made-up", "name": "alice", "password": PASSWORDS["alice"]}
    assert anyone.post("/signin", fields)[0] == 403


def test_signing_in_gives_a_new_private_session(server: tuple[str, Path]) -> None:
    base, _ = server
    alice = Browser(base)
    assert alice.sign_in("alice", PASSWORDS["alice"]) == 302
    first = alice.cookie("reunify_session")
    status, page, headers = alice.get("/")
    assert status == 200 and "Signed in as <strong>alice</strong>" in page
    assert "googleapis" not in page and "https://" not in page  # nothing from elsewhere
    assert headers["Cache-Control"] == "no-store"
    assert alice.sign_in("alice", PASSWORDS["alice"]) == 302
    assert alice.cookie("reunify_session") != first  # a new id at every sign-in
    csrf = re.search(r'name="csrf" value="([^"]+)"', alice.get("/")[1])
    assert csrf is not None
    assert alice.post("/signout", {"csrf": csrf.group(1)})[0] == 302
    assert alice.get("/")[0] == 302


def test_the_session_cookie_is_httponly_and_strict(server: tuple[str, Path]) -> None:
    base, _ = server
    alice = Browser(base)
    token = alice.token()
    request = urllib.request.Request(
        base + "/signin",
        data=urllib.parse.urlencode(
            {"csrf": token, "name": "alice", "password": PASSWORDS["alice"]}
        ).encode(),
    )
    _, _, headers = alice._open(request)
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_repeated_failures_slow_sign_in_down(server: tuple[str, Path]) -> None:
    base, _ = server
    for _ in range(4):
        Browser(base).sign_in("rita", "wrong password here")
    browser = Browser(base)
    token = browser.token()
    status, page, _ = browser.post(
        "/signin", {"csrf": token, "name": "rita", "password": PASSWORDS["rita"]}
    )
    assert status == 429 and "Too many failed sign-ins" in page


def test_a_websocket_from_another_site_is_refused(server: tuple[str, Path]) -> None:
    import asyncio

    import aiohttp

    base, _ = server
    alice = Browser(base)
    alice.sign_in("alice", PASSWORDS["alice"])
    cookie = f"reunify_session={alice.cookie('reunify_session')}"

    async def connect(origin: str) -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(
                    base.replace("http", "ws") + "/ws",
                    headers={"Origin": origin, "Cookie": cookie},
                ):
                    return 101
            except aiohttp.WSServerHandshakeError as error:
                return error.status

    assert asyncio.run(connect("http://evil.example")) == 403
    assert asyncio.run(connect("http://127.0.0.1:1")) == 403


def test_who_sees_what(tmp_path: Path) -> None:
    """A worker sees the cases they created or were added to, a manager their team's,
    a reviewer only those they were invited to; every other case is not there."""
    root = team_database(tmp_path / "db")
    alice = Store(root, access=users.access_for(root, "alice"))
    alice.create_case("ALICE-2")
    bob = Store(root, access=users.access_for(root, "bob"))
    rita = Store(root, access=users.access_for(root, "rita"))
    assert [c.ref for c in alice.cases()] == ["ALICE-2", "TEAM-1"]
    assert [c.ref for c in bob.cases()] == ["ALICE-2", "TEAM-1"]  # alice is in his team
    assert rita.cases() == []
    for action in (
        lambda: rita.case("TEAM-1"),
        lambda: rita.sessions("TEAM-1"),
        lambda: rita.start_session("TEAM-1", "f", "F"),
        lambda: rita.decisions("TEAM-1"),
        lambda: rita.audit("TEAM-1"),
    ):
        with pytest.raises(StoreError, match="no case"):
            action()
    Store(root).share_case("TEAM-1", "rita")
    rita = Store(root, access=users.access_for(root, "rita"))
    assert [c.ref for c in rita.cases()] == ["TEAM-1"]
    assert alice.user == "alice"  # the signed-in name, whatever REUNIFY_USER says


def test_a_rating_is_bound_to_the_account(tmp_path: Path) -> None:
    from assistant.casework.rounds import RoundError, make_rating, open_round, rate, rounds

    root = team_database(tmp_path / "db")
    alice = Store(root, access=users.access_for(root, "alice"))
    opened = open_round(alice, "TEAM-1", {})
    rows = {"risk_factors": "high", "protective_factors": "high",
            "capacity_to_change": "high", "wishes": "high"}  # fmt: skip
    as_manager = make_rating("team_manager", "someone", rows, "high", "pretending")
    with pytest.raises(RoundError, match="you rate as Social worker"):
        rate(alice, "TEAM-1", opened.id, as_manager)
    rate(alice, "TEAM-1", opened.id, make_rating("worker", "typed name", rows, "high", "mine"))
    (kept,) = rounds(alice, "TEAM-1")[0].ratings
    assert kept.rater == "alice"


def _record_many(root: str, who: str, count: int) -> None:
    from assistant.flows.runner import AnswerEvent

    store = Store(Path(root), access=users.access_for(Path(root), who))
    session = store.start_session("TEAM-1", "flow", "Flow")
    for i in range(count):
        store.record("TEAM-1", session.id, AnswerEvent("q", f"{who}-{i}"))


async def test_on_a_team_server_the_round_form_shows_who_rates_and_as_what(
    tmp_path: Path,
) -> None:
    """Issue 18: the rating is bound to the account, so the round's form shows the
    signed-in name and the account's role rather than asking (and they cannot be
    changed); the keys start on the first row."""
    from textual.widgets import Input, Select

    from assistant.casework.rounds import open_round
    from assistant.ui.app import create_app
    from assistant.ui.rounds import RoundScreen

    root = team_database(tmp_path / "db")
    open_round(Store(root), "TEAM-1", {"level": "high", "rows": {}})
    store = Store(root, access=users.access_for(root, "alice"))
    async with create_app(store).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "r")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RoundScreen)
        role, rater = screen.query_one("#role", Select), screen.query_one("#rater", Input)
        assert (role.value, role.disabled) == ("worker", True)
        assert (rater.value, rater.disabled) == ("alice", True)
        assert pilot.app.focused is screen.query_one("#row-risk_factors")


def test_several_app_processes_write_to_one_case_at_once(tmp_path: Path) -> None:
    """Served, there is no read-only second window: every writer takes the lock, and
    nothing is lost or overwritten."""
    import multiprocessing

    root = team_database(tmp_path / "db")
    Store(root).share_case("TEAM-1", "bob")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_record_many, args=(str(root), who, 40))
        for who in ("alice", "bob", "alice", "bob")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    store = Store(root)
    sessions = store.sessions("TEAM-1")
    assert len(sessions) == 4
    for session in sessions:  # each writer's 40 answers, all there, in order
        kept = [a.event.value for a in store.answers("TEAM-1", session.id)]
        who = kept[0].split("-")[0]
        assert kept == [f"{who}-{i}" for i in range(40)]
    assert store.log_problem("TEAM-1") is None


def test_serve_refuses_an_open_address_without_tls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.commands.main import main

    root = team_database(tmp_path / "db")
    assert main(["--db", str(root), "serve", "--host", "0.0.0.0"]) == 2
    assert "unencrypted" in capsys.readouterr().err


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium package is not installed (CI installs it and never skips)",
)
def test_in_a_real_browser(server: tuple[str, Path]) -> None:
    """Sign in, create a case and answer a question through the app in Chromium,
    reload, and find it kept; a screenshot of the home screen is kept as an artifact."""
    from playwright.sync_api import sync_playwright

    base, root = server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        sees = Screen(page)
        page.goto(base + "/")
        assert page.url.endswith("/signin")
        page.fill("#name", "alice")
        page.fill("#password", "not it at all")
        page.click("button[type=submit]")
        assert "do not match" in page.content()
        page.fill("#name", "alice")
        page.fill("#password", PASSWORDS["alice"])
        page.click("button[type=submit]")
        page.wait_for_selector("body.-first-byte", timeout=20_000)
        sees.wait_for(page, "A SMART goal")  # the home screen, its flows loaded: keys count
        page.screenshot(path=str(ARTIFACTS / "serve-home.png"))
        page.click("#terminal")
        mark = len(sees.frames)
        sees.key(page, "n")  # the new case's field; a letter shown in it says it has the keys
        typed = 0
        while typed < 5:  # a letter typed before the field took the keys is lost
            page.keyboard.type("Z")
            typed += 1
            if sees.shown(page, "Z", mark, seconds=3):
                break
        mark = len(sees.frames)
        sees.key(page, *["Backspace"] * typed)  # the field is empty again, however many came
        page.keyboard.type("WEB-1", delay=50)
        sees.wait_for(page, "B-1", mark)  # the last letters reached the field (drawn in pieces)
        page.keyboard.press("Enter")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(
            c.ref == "WEB-1" for c in Store(root).cases()
        ):
            page.wait_for_timeout(200)
        created = {c.ref: c for c in Store(root).cases()}
        assert "WEB-1" in created, (sorted(created), sees.text(mark)[-600:])
        assert created["WEB-1"].created_by == "alice"
        mark = len(sees.frames)
        sees.key(page, "f")  # the flows; the first is "A SMART goal": which parent?
        page.keyboard.press("Enter")
        sees.wait_for(page, "F2 meaning", mark)  # the conversation's keys: it is open
        page.keyboard.press("1")  # answer its first question
        store = Store(root)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(
            store.answers("WEB-1", s.id) for s in store.sessions("WEB-1")
        ):
            page.wait_for_timeout(200)
        (session,) = store.sessions("WEB-1")
        (answer,) = store.answers("WEB-1", session.id)
        assert answer.who == "alice"  # the signed-in name, set by the server
        page.reload()  # a new app process for the same person
        page.wait_for_selector("body.-first-byte", timeout=20_000)
        assert "Signed in as <strong>alice</strong>" in page.content()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "serve-after-reload.png"))
        browser.close()
    kept = Store(root)
    assert [a.event for a in kept.answers("WEB-1", session.id)] == [answer.event]
    assert "WEB-1" in [c.ref for c in Store(root, access=users.access_for(root, "alice")).cases()]
    assert "WEB-1" not in [
        c.ref for c in Store(root, access=users.access_for(root, "rita")).cases()
    ]
    assert os.path.getsize(ARTIFACTS / "serve-home.png") > 1000


ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


class Screen:
    """What a browser tab's terminal was sent: the app's output, read from the
    websocket's frames with the terminal's control sequences taken out. The terminal
    draws on a canvas, so this is how a test reads what the person was shown."""

    def __init__(self, page: object) -> None:
        self.frames: list[bytes] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))  # type: ignore[attr-defined]

    def _received(self, payload: str | bytes) -> None:
        self.frames.append(payload.encode() if isinstance(payload, str) else payload)

    def text(self, since: int = 0) -> str:
        raw = b"".join(self.frames[since:]).decode("utf-8", errors="replace")
        return ANSI.sub("", raw)

    def shown(self, page: object, words: str, since: int = 0, seconds: float = 30) -> bool:
        """Whether `words` were sent to the tab (after frame `since`) within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if words in self.text(since):
                return True
            page.wait_for_timeout(100)  # type: ignore[attr-defined]
        return False

    def wait_for(self, page: object, words: str, since: int = 0, seconds: float = 30) -> int:
        """Wait until `words` were sent to the tab (after frame `since`); how many
        frames had come by then. The app's pace, not a fixed pause, sets the next key."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if words in self.text(since):
                return len(self.frames)
            page.wait_for_timeout(100)  # type: ignore[attr-defined]
        ARTIFACTS.mkdir(exist_ok=True)  # what was sent, kept to see why
        (ARTIFACTS / "serve-not-shown.txt").write_text(repr(self.frames[since:]))
        raise AssertionError(f"{words!r} never shown; last sent: {self.text(since)[-400:]!r}")

    def drawn(self, page: object, since: int, ms: int = 100, seconds: float = 15) -> None:
        """Wait until the app has drawn what a key pressed at frame `since` did: something
        sent after it, then nothing more for `ms`. (Quiet alone is not enough: on a
        loaded machine the app may not have begun to answer the key.)"""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and len(self.frames) <= since:
            page.wait_for_timeout(20)  # type: ignore[attr-defined]
        while time.monotonic() < deadline:
            before = len(self.frames)
            page.wait_for_timeout(ms)  # type: ignore[attr-defined]
            if len(self.frames) == before:
                return

    def key(self, page: object, *keys: str) -> None:
        """Press `keys`, then wait until the app has drawn what they did."""
        since = len(self.frames)
        press(page, *keys)
        self.drawn(page, since)


def press(page: object, *keys: str, pause: int = 40) -> None:
    for key in keys:
        page.keyboard.press(key)  # type: ignore[attr-defined]
        page.wait_for_timeout(pause)  # type: ignore[attr-defined]


def open_as(browser: object, base: str, name: str) -> tuple[object, Screen]:
    """A new browser context signed in as `name`, its app's home screen on screen."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    screen = Screen(page)
    page.goto(base + "/signin")
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_selector("body.-first-byte", timeout=20_000)
    screen.wait_for(page, "TEAM-1")  # the case list is painted
    page.click("#terminal")
    return page, screen


def fill_rating(page: object, screen: Screen, level_position: int, reasons: str) -> None:
    """The case (first in the list), its round (r), then the rater's form by keyboard:
    a level for each row and overall, the reasons; focus ends on Submit."""
    mark = len(screen.frames)
    press(page, "Enter")
    mark = screen.wait_for(page, "Case TEAM-1", mark)  # the case screen, of this case
    press(page, "r")
    screen.wait_for(page, "Rate on your own", mark)  # the role and name are the account's
    for _ in range(5):  # four rows and the overall level: open, choose, next row, each
        # once the last has been drawn (the list's moves are taken in order, as they come)
        screen.key(page, "Enter")
        screen.key(page, *["ArrowDown"] * level_position, "Enter")
        screen.key(page, "Tab")
    page.keyboard.type(reasons, delay=20)  # type: ignore[attr-defined]
    screen.wait_for(page, reasons[-11:], mark)  # every key before it has been taken
    press(page, "Tab")


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium package is not installed (CI installs it and never skips)",
)
def test_two_people_rate_one_round_blind_at_the_same_time_in_the_browser(
    server: tuple[str, Path],
) -> None:
    """Alice (worker) and Bob (manager), each signed in in their own browser, fill in
    their ratings of one open round side by side and submit at the same moment. Before
    submitting, neither is sent anything of the other's rating (nor the side-by-side
    view); both ratings are kept, bound to their accounts; whoever submitted second is
    shown both side by side."""
    from playwright.sync_api import sync_playwright

    from assistant.casework.rounds import open_round, rounds

    base, root = server
    admin = Store(root, user="admin")
    admin.share_case("TEAM-1", "bob")
    open_round(admin, "TEAM-1", {"level": "high", "rows": {}})
    # each ends in letters no id, date or level holds; the tail is what a test can find,
    # since the terminal is sent a line being typed in pieces
    reasons = {"alice": "Alice-own-reasons-QXZ", "bob": "Bob-own-reasons-KWY"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        alice, alice_sees = open_as(browser, base, "alice")
        bob, bob_sees = open_as(browser, base, "bob")
        fill_rating(alice, alice_sees, 3, reasons["alice"])  # social worker; HIGH throughout
        fill_rating(bob, bob_sees, 4, reasons["bob"])  # team manager; SEVERE throughout
        before = {"alice": alice_sees.text(), "bob": bob_sees.text()}
        sent = {"alice": len(alice_sees.frames), "bob": len(bob_sees.frames)}
        alice.keyboard.press("Enter")  # both submit at once
        bob.keyboard.press("Enter")
        alice_sees.wait_for(alice, "side by side", sent["alice"])
        bob_sees.wait_for(bob, "side by side", sent["bob"])
        after = {"alice": alice_sees.text(sent["alice"]), "bob": bob_sees.text(sent["bob"])}
        bob.screenshot(path=str(ARTIFACTS / "serve-round-bob.png"))
        browser.close()
    assert "QXZ" in before["alice"] and "KWY" in before["bob"]  # each typed their own
    assert "KWY" not in before["alice"] and "QXZ" not in before["bob"]
    assert "side by side" not in before["alice"] + before["bob"]
    (round_,) = [r for r in rounds(Store(root), "TEAM-1") if r.open]
    kept = {(r.role, r.rater, r.overall, r.reasons) for r in round_.ratings}
    assert kept == {
        ("worker", "alice", "high", reasons["alice"]),
        ("team_manager", "bob", "severe", reasons["bob"]),
    }
    second = round_.ratings[1].rater  # shown both side by side: HIGH beside SEVERE
    assert "side by side" in after[second] and "DIFFERS" in after[second]


def test_users_commands_never_show_a_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from assistant.commands.main import main

    root = tmp_path / "db"
    Store(root).create_case("C-1")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--db", str(root), "users", "add", "sam", "--role", "worker"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("sams-long-password\n"))
    assert main(["--db", str(root), "users", "add", "sam", "--role", "worker"]) == 0
    assert main(["--db", str(root), "users", "list"]) == 0
    assert main(["--db", str(root), "case", "share", "C-1", "sam"]) == 0
    assert main(["--db", str(root), "case", "share", "C-1", "nobody"]) == 2
    out = capsys.readouterr().out
    assert "sam" in out and "sams-long-password" not in out
    stored = (root / "users.json").read_text()
    assert "sams-long-password" not in stored and "$argon2" in stored
    assert oct((root / "users.json").stat().st_mode & 0o777) == "0o600"
    assert users.verify(root, "sam", "sams-long-password") is not None
    assert main(["--db", str(root), "users", "disable", "sam"]) == 0
    assert users.verify(root, "sam", "sams-long-password") is None  # disabled: no sign-in
    assert [c.ref for c in Store(root).cases()] == ["C-1"]
    index = json.loads((root / "index.json").read_text())
    assert next(iter(index["cases"].values()))["members"] == ["sam"]


def test_tls_makes_the_cookie_secure_and_idle_sessions_end(tmp_path: Path) -> None:
    """Under TLS the session cookie is Secure; a session idle longer than the limit is
    signed out (and audited)."""
    import datetime as dt
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    root = team_database(tmp_path / "db")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "--db", str(root), "serve", "--port", str(port),
         "--certfile", str(tmp_path / "cert.pem"), "--keyfile", str(tmp_path / "key.pem"),
         "--idle-minutes", "0.02"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"https://127.0.0.1:{port}"
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        browser = Browser(base, context)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if browser.get("/signin")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        token = browser.token()
        request = urllib.request.Request(
            base + "/signin",
            data=urllib.parse.urlencode(
                {"csrf": token, "name": "alice", "password": PASSWORDS["alice"]}
            ).encode(),
        )
        _, _, headers = browser._open(request)
        assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
        assert browser.get("/")[0] == 200
        time.sleep(1.5)  # longer than 0.02 minutes
        assert browser.get("/")[0] == 302  # signed out for being idle
        assert ("idle sign-out", "alice") in [
            (r["event"], r["user"]) for r in users.audit_lines(root)
        ]
    finally:
        process.terminate()
        process.wait(timeout=10)


def _rate_as(root: str, who: str, level: str) -> None:
    from assistant.casework.rounds import make_rating, rate, rounds

    store = Store(Path(root), access=users.access_for(Path(root), who))
    role = users.ROUND_ROLES[users.access_for(Path(root), who).person.role]
    (opened,) = [r for r in rounds(store, "TEAM-1") if r.open]
    rows = dict.fromkeys(("risk_factors", "protective_factors", "capacity_to_change", "wishes"),
                         level)  # fmt: skip
    rate(store, "TEAM-1", opened.id, make_rating(role, who, rows, level, f"{who}'s view"))


def test_two_people_rate_one_round_blind_at_the_same_time(tmp_path: Path) -> None:
    """Each rating is bound to its account; before rating, a person sees neither the
    other's rating nor Reunify's reading; both ratings made at once are kept."""
    import multiprocessing

    from assistant.casework.rounds import conferring_text, open_round, rounds

    root = team_database(tmp_path / "db")
    admin = Store(root)
    admin.share_case("TEAM-1", "bob")
    open_round(admin, "TEAM-1", {"level": "high", "rows": {}})
    context = multiprocessing.get_context("spawn")
    both = [
        context.Process(target=_rate_as, args=(str(root), "alice", "high")),
        context.Process(target=_rate_as, args=(str(root), "bob", "severe")),
    ]
    for process in both:
        process.start()
    for process in both:
        process.join(60)
        assert process.exitcode == 0
    (round_,) = rounds(Store(root), "TEAM-1")
    assert sorted((r.role, r.rater) for r in round_.ratings) == [
        ("team_manager", "bob"),
        ("worker", "alice"),
    ]
    assert "alice" in conferring_text(round_, "worker")  # after rating: shown


async def test_a_child_in_the_browser_cannot_leave_without_the_workers_password(
    tmp_path: Path,
) -> None:
    """Served, ctrl+x twice in a child's conversation asks for the worker's password;
    a wrong one keeps the child where they are."""
    from textual.widgets import Input

    from assistant.ui.app import create_app
    from assistant.ui.chat import ChatScreen
    from assistant.ui.child import WorkerPassword
    from tests.pilot import start_flow

    root = team_database(tmp_path / "db")
    access = users.access_for(root, "alice")
    app = create_app(Store(root, access=access), select="TEAM-1")
    app.served_as = access.person  # type: ignore[attr-defined]
    async with app.run_test(size=(100, 40)) as pilot:
        chat = await start_flow(pilot, "Three Houses")
        await pilot.press("ctrl+x", "ctrl+x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, WorkerPassword)
        pilot.app.screen.query_one(Input).value = "not the password"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, WorkerPassword)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is chat
        await pilot.press("ctrl+x", "ctrl+x")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = PASSWORDS["alice"]
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ChatScreen | WorkerPassword)
