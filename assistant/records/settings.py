"""The user's own settings (for now, the theme), in a small private JSON file.

Kept apart from the case database: `REUNIFY_SETTINGS` names the file, else it
lives in the platform's user config folder. A missing or unreadable file
simply means the defaults.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from assistant.records.storage import write_atomic

SETTINGS_ENV = "REUNIFY_SETTINGS"


def settings_path() -> Path:
    override = os.environ.get(SETTINGS_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("reunify", appauthor=False) / "settings.json"


def load_settings() -> dict[str, Any]:
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(key: str, value: Any) -> None:
    """Remember one setting (atomically, mode 0600); failure to save is not fatal."""
    path = settings_path()
    data = load_settings()
    data[key] = value
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, json.dumps(data, indent=2).encode("utf-8"))
    except OSError:
        pass
