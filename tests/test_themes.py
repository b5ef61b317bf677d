"""Themes: a high-contrast one, and the choice is remembered (issue 5, in part)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from assistant.records.settings import load_settings, save_setting, settings_path
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.themes import HIGH_CONTRAST


async def test_high_contrast_is_remembered_between_runs(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    async with create_app(store).run_test(size=(80, 24)) as pilot:
        assert pilot.app.theme == "textual-dark"
        await pilot.press("f6")
        await pilot.pause()
        assert pilot.app.theme == HIGH_CONTRAST.name
    assert load_settings()["theme"] == HIGH_CONTRAST.name
    assert stat.S_IMODE(settings_path().stat().st_mode) == 0o600
    async with create_app(store).run_test(size=(80, 24)) as pilot:
        assert pilot.app.theme == HIGH_CONTRAST.name
        pilot.app.theme = "textual-light"  # the palette's "Change theme" does this
        await pilot.pause()
    assert load_settings()["theme"] == "textual-light"


def test_unreadable_or_unknown_settings_mean_defaults(tmp_path: Path) -> None:
    settings_path().write_text("not json")
    assert load_settings() == {}
    save_setting("theme", "no-such-theme")
    assert json.loads(settings_path().read_text()) == {"theme": "no-such-theme"}
    assert os.environ["REUNIFY_SETTINGS"].startswith(str(tmp_path))


async def test_unknown_saved_theme_falls_back(tmp_path: Path) -> None:
    save_setting("theme", "no-such-theme")
    async with create_app(Store(tmp_path / "db")).run_test(size=(80, 24)) as pilot:
        assert pilot.app.theme == "textual-dark"
