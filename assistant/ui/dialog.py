"""The look shared by every dialog over a screen (help, cards, why, decision)."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

R = TypeVar("R")


class Dialog(ModalScreen[R]):
    """A centred box over the screen beneath; its one child container is the box."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > .dialog-box {
        width: 90; max-width: 100%; height: 90%; border: thick $primary;
        padding: 0 1; background: $surface;
    }
    """
