"""Small things people saw while trying the app (each failed before its fix)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.export import ExportScreen


async def test_the_export_dialog_suggests_a_path_for_this_case(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("NQ-7")
    async with create_app(store, select="NQ-7").run_test(size=(100, 40)) as pilot:
        await pilot.press("enter", "e")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#path", Input).placeholder == "~/NQ-7-assessment.md"
