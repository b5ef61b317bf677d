"""Every key the README's "Keys" table names is bound on the screen it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding

from assistant.ui.app import ReunifyApp
from assistant.ui.case import CaseScreen
from assistant.ui.chat_keys import CHAT_BINDINGS
from assistant.ui.home import HomeScreen

README = Path(__file__).resolve().parent.parent / "README.md"


def bound(bindings: list) -> set[str]:
    keys: set[str] = set()
    for binding in bindings:
        key = binding.key if isinstance(binding, Binding) else binding[0]
        keys |= {k.strip().lower() for k in key.split(",")}
    return keys


SCREENS = {
    "anywhere": bound(ReunifyApp.BINDINGS) | {ReunifyApp.COMMAND_PALETTE_BINDING},
    "home": bound(HomeScreen.BINDINGS) | bound(ReunifyApp.BINDINGS),
    "case screen": bound(CaseScreen.BINDINGS) | bound(ReunifyApp.BINDINGS),
    "conversation": bound(CHAT_BINDINGS) | bound(ReunifyApp.BINDINGS),
    "child's conversation": bound(CHAT_BINDINGS),
}
#: keys handled by the widgets themselves (lists, inputs), not by bindings
WIDGET_KEYS = {"enter", "escape", "up", "down", "left", "right", "home", "end", "space"}


def named_keys() -> list[tuple[str, str]]:
    table = README.read_text(encoding="utf-8").split("### Keys", 1)[1].split("\n## ", 1)[0]
    out = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] not in SCREENS:
            continue
        for key in re.findall(r"`([^`]+)`", cells[1]):
            for one in re.split(r"\s*/\s*|\s+or\s+", key):
                name = one.strip().lower()
                if re.fullmatch(r"(ctrl\+)?[a-z]|f\d{1,2}|ctrl\+[a-z]+", name):
                    out.append((cells[0], name))
    return out


def test_the_readme_names_keys() -> None:
    assert len(named_keys()) > 15


@pytest.mark.parametrize(("where", "key"), named_keys())
def test_each_key_the_readme_names_is_bound(where: str, key: str) -> None:
    assert key in SCREENS[where] | WIDGET_KEYS, f"README names {key!r} on {where}"
