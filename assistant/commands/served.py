"""The app for one signed-in person on a team server: started by `reunify serve`
for each browser tab, never by hand. The server sets who the person is
(`REUNIFY_SERVED_USER`) and which database (`REUNIFY_DB`); the browser cannot.

Many such processes write to one database at once: each write takes the
database's lock, so the one-window rule ("a second window is read-only") does
not apply here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> int:
    from assistant.records.store import Store, StoreError
    from assistant.records.users import UserError, access_for
    from assistant.ui.app import create_app

    root = Path(os.environ["REUNIFY_DB"])
    try:
        access = access_for(root, os.environ["REUNIFY_SERVED_USER"])
        store = Store(root, access=access)
    except (KeyError, UserError, StoreError) as exc:
        print(f"reunify: cannot start: {exc}", file=sys.stderr)
        return 1
    app = create_app(store, lazy=True, backup=True)  # backed up after the first paint
    app.served_as = access.person  # type: ignore[attr-defined]
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
