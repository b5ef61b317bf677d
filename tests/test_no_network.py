"""The app never goes over the network (issue 6).

Every test runs with network connections refused (see `_no_network` in
conftest.py), so any test that made the app connect would fail. These tests
check that the guard bites, and that no module of the app even imports a
network library.
"""

from __future__ import annotations

import ast
import socket
from pathlib import Path

import pytest

NETWORK_MODULES = {"socket", "urllib", "http", "requests", "httpx", "ftplib", "smtplib", "ssl"}
PACKAGE = Path(__file__).resolve().parent.parent / "assistant"


def test_the_guard_refuses_connections() -> None:
    with pytest.raises(AssertionError, match="network connection attempted"):
        socket.create_connection(("example.org", 80))
    with socket.socket() as sock, pytest.raises(AssertionError, match="network connection"):
        sock.connect(("127.0.0.1", 9))


#: The team server is the one part that talks over a network: to signed-in browsers.
SERVER = PACKAGE / "commands" / "serve.py"


def test_no_module_of_the_app_imports_a_network_library() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path == SERVER:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in NETWORK_MODULES, f"{path}: imports {name}"


def test_only_the_team_server_serves_and_it_fetches_nothing() -> None:
    """`reunify serve` listens; it never fetches anything from elsewhere (its page uses
    only what it serves itself)."""
    source = SERVER.read_text(encoding="utf-8")
    assert "ClientSession" not in source and "urlopen" not in source
    page = (PACKAGE / "commands" / "serve_templates" / "app_index.html").read_text()
    assert "http://" not in page and "https://" not in page
