"""Where things live: the authored flows and content, and the user's data.

Everything is computed lazily in functions (never at import), and each path
has an environment variable that overrides it, which the tests use.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "reunify"
DB_ENV = "REUNIFY_DB"
FLOWS_ENV = "REUNIFY_FLOWS"
CONTENT_ENV = "REUNIFY_CONTENT"


def _authored_dir(name: str, env: str) -> Path:
    """The folder holding authored `name` files (`flows` or `content`).

    An installed wheel carries them in `assistant/_data/`; a source checkout
    (or an editable install) has them at the top of the repository.
    """
    override = os.environ.get(env)
    if override:
        return Path(override)
    package = Path(__file__).resolve().parent
    installed = package / "_data" / name
    if installed.is_dir():
        return installed
    return package.parent / name


def flows_dir() -> Path:
    """The folder of flow files (`*.toml`)."""
    return _authored_dir("flows", FLOWS_ENV)


def content_dir() -> Path:
    """The folder of content cards (`*.md`)."""
    return _authored_dir("content", CONTENT_ENV)


def default_db_path() -> Path:
    """The user's database folder: `REUNIFY_DB`, else the platform's user data folder."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "data"


LEARNING_ENV = "REUNIFY_LEARNING_DB"


def learning_db_path() -> Path:
    """The learning space: practice cases and quiz progress, never mixed with real
    cases. `REUNIFY_LEARNING_DB`, else `learning/` beside the user's data folder."""
    override = os.environ.get(LEARNING_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "learning"
