"""One start-up, measured from inside a fresh process (used by run.py).

`python benchmarks/first_screen.py app DB` opens Reunify's home screen headless;
`... bare` opens a minimal Textual app that imports the same libraries. Each
prints the seconds from interpreter start to the first screen painted.
"""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()


def painted(app) -> None:
    print(f"{time.perf_counter() - STARTED:.4f}", flush=True)
    app.exit()


def bare() -> None:
    import markdown_it  # noqa: F401
    import pydantic  # noqa: F401
    import tinydb  # noqa: F401
    from textual.app import App
    from textual.widgets import Footer, Header, OptionList

    class Bare(App):
        def compose(self):
            yield Header()
            yield OptionList("one", "two", "three")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(painted, self)

    Bare().run(headless=True, size=(120, 40))


def app(db: str) -> None:
    from pathlib import Path

    from assistant.records.store import Store
    from assistant.ui.app import create_app
    from assistant.ui.home import HomeScreen

    store = Store(Path(db))
    reunify = create_app(store, lazy=True)  # as `reunify` starts it

    original = HomeScreen.on_mount

    def on_mount(self) -> None:
        original(self)
        reunify.call_after_refresh(painted, reunify)

    HomeScreen.on_mount = on_mount
    reunify.run(headless=True, size=(120, 40))


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        app(sys.argv[2])
