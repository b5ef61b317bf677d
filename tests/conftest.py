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


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test fails if anything tries to open a network connection (issue 6).

    Local socket pairs (asyncio's wake-up pipe) are not connections and stay allowed.
    """

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed(f"network connection attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def visit_flow() -> Flow:
    return load_flow(FIXTURES / "visit-plan.toml")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "db")
