"""The Textual app: routes between screens; no rules live here."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import Theme

from assistant.records.settings import load_settings, save_setting
from assistant.records.store import Store, StoreError
from assistant.ui.backing_up import AutomaticBackup
from assistant.ui.help import HelpScreen, binding_rows
from assistant.ui.home import PURPOSES, HomeScreen
from assistant.ui.home_due import DueSoon
from assistant.ui.paste import paste_keeping_driver
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


def in_child_mode(app: App[Any]) -> bool:
    """True while a child's conversation is open (whatever dialog is over it)."""
    return any(getattr(screen, "child_mode", False) for screen in app.screen_stack)


def case_of(screen: Screen[Any]) -> str | None:
    """The case a screen is about (the home screen's chosen case), if any."""
    record = getattr(screen, "record", None)
    ref = getattr(record, "ref", None) or getattr(screen, "ref", None)
    return ref if isinstance(ref, str) else None


class FlowCommands(Provider):
    """The palette's flows: start any flow for the case of the screen it was opened
    from, by its name. None in a child's conversation."""

    def _flows(self) -> list[tuple[str, str, Any]]:
        """(name, help, start) for each flow that can be started here."""
        app = cast("ReunifyApp", self.app)
        library = app.library
        ref = case_of(self.screen)
        if library is None or ref is None or in_child_mode(app):
            return []
        return [
            (
                f"Start: {flow.title}",
                f"{PURPOSES.get(flow.audience, flow.audience)} · a new session for {ref}",
                partial(self._start, ref, flow),
            )
            for flow in sorted(library.flows.values(), key=lambda f: f.title.casefold())
            if flow.audience != "learning"  # practice cases live in the learning space
        ]

    async def discover(self) -> Hits:
        for name, help_text, start in self._flows():
            yield DiscoveryHit(name, start, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, start in self._flows():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), start, text=name, help=help_text)

    def _start(self, ref: str, flow: Any) -> None:
        app = cast("ReunifyApp", self.app)
        if app.library is None:
            return
        try:
            record = app.store.start_session(ref, flow.id, flow.title)
        except (StoreError, OSError) as exc:
            app.notify(f"Cannot start: {exc}", severity="error", markup=False)
            return
        from assistant.ui.chat import ChatScreen

        app.push_screen(ChatScreen(app.store, app.library, flow, record))


class ReunifyApp(App[None]):
    """Guided practice for the NSPCC reunification framework."""

    TITLE = "Reunify"
    COMMANDS = App.COMMANDS | {FlowCommands}
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
        self,
        store: Store,
        library: FlowLibrary | None,
        select: str | None = None,
        backup: bool = False,
    ) -> None:
        """`library` None: the flows load in the background after the first paint.
        `backup`: make the automatic backup, when one is due, after the first paint."""
        super().__init__(driver_class=paste_keeping_driver())
        self.store = store
        self.library = library
        self.select = select
        #: the automatic backup, made after the first paint (`backup`)
        self.backup = AutomaticBackup(self, store) if backup else None

    def on_mount(self) -> None:
        tune_garbage_collection()
        self.register_theme(HIGH_CONTRAST)
        saved = load_settings().get("theme")
        self.theme = saved if saved in self.available_themes else DEFAULT_THEME
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.push_screen(HomeScreen(self.store, self.library, self.select))
        if self.library is None:
            self.call_after_refresh(self._load_library)
        if self.backup is not None:
            self.call_after_refresh(self.backup.start)
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

    @on(DueSoon.Settled)
    def _home_ready(self) -> None:
        if self.backup is not None:
            self.backup.home_ready()

    def _remember_theme(self, theme: Theme) -> None:
        save_setting("theme", theme.name)

    def action_high_contrast(self) -> None:
        """Switch the high-contrast theme on or off (the choice is remembered)."""
        on = self.theme != HIGH_CONTRAST.name
        self.theme = HIGH_CONTRAST.name if on else DEFAULT_THEME

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        answering = getattr(self.screen, "answering", None)
        self.push_screen(HelpScreen(binding_rows(self.screen), answering))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A child's conversation stays a child's conversation: no library from there,
        nor from a dialog over it."""
        if action == "library":
            return not in_child_mode(self)
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
        if in_child_mode(self):  # help, and the worker's way out: nothing else
            yield SystemCommand("Help", "List every key on this screen", self.action_help)
            if getattr(screen, "child_mode", False):
                yield SystemCommand(
                    "Leave (worker)",
                    "Choose twice to leave the child's conversation",
                    partial(self.run_action, "worker_leave", screen),
                )
            return
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


def create_app(
    store: Store, select: str | None = None, lazy: bool = False, backup: bool = False
) -> ReunifyApp:
    """The one app factory, used by the command line and the tests. `lazy` loads the
    flows after the first screen is painted (the command line does; tests need not);
    `backup` makes the automatic backup, when one is due, after it too."""
    if lazy:
        return ReunifyApp(store, None, select, backup)
    from assistant.flows.loader import default_library

    return ReunifyApp(store, default_library(), select, backup)
