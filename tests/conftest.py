"""Shared fixtures: every test runs on its own database folder, never the user's."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from assistant.flows.loader import Flow, load_flow
from assistant.records.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default database at a temporary folder and fix the user name."""
    monkeypatch.setenv("REUNIFY_DB", str(tmp_path / "default-db"))
    monkeypatch.setenv("REUNIFY_LEARNING_DB", str(tmp_path / "learning-db"))
    monkeypatch.setenv("REUNIFY_USER", "tester")
    monkeypatch.setenv("REUNIFY_SETTINGS", str(tmp_path / "settings.json"))


class NetworkUsed(AssertionError):
    """The app tried to reach the network, which it must never do."""


LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Every test fails if anything tries to open a network connection.

    Local socket pairs (asyncio's wake-up pipe) are not connections and stay allowed.
    A test marked `loopback` (the team server's own tests) may reach this machine's
    loopback addresses, and nothing else.
    """
    loopback = request.node.get_closest_marker("loopback") is not None
    real = {
        "connect": socket.socket.connect,
        "connect_ex": socket.socket.connect_ex,
        "create_connection": socket.create_connection,
        "getaddrinfo": socket.getaddrinfo,
    }

    def host_of(args: tuple[object, ...]) -> object:
        first = args[0] if args else None
        return first[0] if isinstance(first, tuple) else first

    def guarded(name: str, method: bool) -> object:
        def call(*args: object, **kwargs: object) -> object:
            host = host_of(args[1:] if method else args)
            if loopback and host in LOOPBACK:
                return real[name](*args, **kwargs)  # type: ignore[operator]
            raise NetworkUsed(f"network connection attempted: {args!r}")

        return call

    monkeypatch.setattr(socket.socket, "connect", guarded("connect", True))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded("connect_ex", True))
    monkeypatch.setattr(socket, "create_connection", guarded("create_connection", False))
    monkeypatch.setattr(socket, "getaddrinfo", guarded("getaddrinfo", False))


@pytest.fixture
def visit_flow() -> Flow:
    return load_flow(FIXTURES / "visit-plan.toml")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "db")


@pytest.fixture(scope="session")
def twelve(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve generated cases (tests/due_caseload.py), built once per test process
    (tests copy them: see `small`)."""
    from tests.due_caseload import build_caseload

    root = tmp_path_factory.mktemp("twelve") / "db"
    build_caseload(root, cases=12)
    return root


@pytest.fixture
def small(twelve: Path, tmp_path: Path) -> Store:
    """Twelve generated cases, in a database of the test's own, nothing kept yet."""
    import shutil
    from datetime import date

    from tests import due_caseload

    shutil.copytree(twelve, tmp_path / "small")
    return Store(tmp_path / "small", clock=due_caseload.Clock(date(2026, 2, 1)), user="worker")
