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


def test_no_module_of_the_app_imports_a_network_library() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in NETWORK_MODULES, f"{path}: imports {name}"
