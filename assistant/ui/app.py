"""The Textual app: routes between screens; no rules live here."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from assistant.records.settings import load_settings, save_setting
from assistant.records.store import Store
from assistant.ui.help import HelpScreen, binding_rows
from assistant.ui.home import HomeScreen
from assistant.ui.themes import DEFAULT_THEME, HIGH_CONTRAST

if TYPE_CHECKING:
    from assistant.flows.loader import FlowLibrary


#: Seconds of quiet after which the app collects garbage (see `collect_when_idle`).
IDLE_COLLECT_SECONDS = 1.5


def tune_garbage_collection() -> None:
    """Keep Python's full garbage collections out of the moment between an answer
    and the next question: what exists at start-up is frozen (never scanned again),
    automatic collections are made rarer, and the app collects when the user pauses.
    Measured in benchmarks/run.py: without this, every ninth answer took ~160 ms."""
    gc.freeze()
    gc.set_threshold(20_000, 50, 1_000)


class ReunifyApp(App[None]):
    """Guided practice for the NSPCC reunification framework."""

    TITLE = "Reunify"
    BINDINGS = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="app.quit",
            priority=True,
            tooltip="Quit; every answer is already saved",
        ),
        Binding("f1", "help", "Help", id="app.help", tooltip="List every key on this screen"),
        Binding(
            "f6",
            "high_contrast",
            "High contrast",
            id="app.high_contrast",
            tooltip="Switch the high-contrast theme on or off (remembered)",
        ),
        Binding(
            "f5,ctrl+l",
            "library",
            "Library",
            id="app.library",
            priority=True,
            tooltip="Browse and search every content card",
        ),
    ]

    def __init__(
        self, store: Store, library: FlowLibrary | None, select: str | None = None
    ) -> None:
        """`library` None: the flows load in the background after the first paint."""
        super().__init__()
        self.store = store
        self.library = library
        self.select = select

    def on_mount(self) -> None:
        tune_garbage_collection()
        self.register_theme(HIGH_CONTRAST)
        saved = load_settings().get("theme")
        self.theme = saved if saved in self.available_themes else DEFAULT_THEME
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.push_screen(HomeScreen(self.store, self.library, self.select))
        if self.library is None:
            self.call_after_refresh(self._load_library)
        for warning in self.store.warnings:
            self.notify(warning, title="Permissions", severity="warning", markup=False)
        if self.store.read_only:
            self.notify(
                "Another Reunify window has this database open, so this one is read-only: "
                "you can look, not change. Close the other window to work here.",
                title="Read-only",
                severity="warning",
                timeout=20,
                markup=False,
            )

    _collect_timer = None

    def collect_when_idle(self) -> None:
        """Collect garbage once the user has paused (each call restarts the wait)."""
        if self._collect_timer is not None:
            self._collect_timer.stop()
        self._collect_timer = self.set_timer(IDLE_COLLECT_SECONDS, gc.collect)

    def _load_library(self) -> None:
        """Parse the flows in a thread once the first screen is painted."""

        def load() -> None:
            from assistant.flows.loader import default_library

            library = default_library()
            self.call_from_thread(self._library_ready, library)

        self.run_worker(load, thread=True, name="load-flows", exit_on_error=False)

    def _library_ready(self, library: FlowLibrary) -> None:
        self.library = library
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.library_loaded(library)

    def _remember_theme(self, theme: Theme) -> None:
        save_setting("theme", theme.name)

    def action_high_contrast(self) -> None:
        """Switch the high-contrast theme on or off (the choice is remembered)."""
        on = self.theme != HIGH_CONTRAST.name
        self.theme = HIGH_CONTRAST.name if on else DEFAULT_THEME

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(binding_rows(self.screen)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A child's conversation stays a child's conversation: no library from there."""
        if action == "library":
            return not getattr(self.screen, "child_mode", False)
        return True

    def action_library(self) -> None:
        from assistant.ui.library import LibraryScreen

        if not isinstance(self.screen, LibraryScreen):
            self.push_screen(LibraryScreen())

    async def action_open_card(self, card_id: str) -> None:
        """Where a card link leads: beside the conversation, or over the screen."""
        show = getattr(self.screen, "show_cards", None)
        if show is not None:
            await show((card_id,))
            return
        from assistant.ui.cards import CardScreen

        self.push_screen(CardScreen((card_id,)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen = {"quit", "help", "library", "high_contrast"}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                active.tooltip or binding.tooltip or binding.description,
                partial(self.run_action, binding.action, active.node),
            )
        yield SystemCommand("Help", "List every key on this screen", self.action_help)
        yield SystemCommand("Library", "Browse and search every content card", self.action_library)
        yield SystemCommand(
            "High contrast", "Switch the high-contrast theme on or off", self.action_high_contrast
        )


def create_app(store: Store, select: str | None = None, lazy: bool = False) -> ReunifyApp:
    """The one app factory, used by the command line and the tests. `lazy` loads the
    flows after the first screen is painted (the command line does; tests need not)."""
    if lazy:
        return ReunifyApp(store, None, select)
    from assistant.flows.loader import default_library

    return ReunifyApp(store, default_library(), select)
