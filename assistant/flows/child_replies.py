"""What the assistant says to a child between questions (content/child-replies.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from assistant.paths import content_dir


@dataclass(frozen=True)
class ChildReplies:
    replies: tuple[str, ...]
    skipped: str
    leave_hint: str

    def after(self, skipped: bool, count: int) -> str:
        """The reply after the child's `count`-th answer (used in turn)."""
        return self.skipped if skipped else self.replies[count % len(self.replies)]


def load_child_replies() -> ChildReplies:
    data = tomllib.loads((content_dir() / "child-replies.toml").read_text(encoding="utf-8"))
    return ChildReplies(tuple(data["replies"]), data["skipped"], data["leave_hint"])
