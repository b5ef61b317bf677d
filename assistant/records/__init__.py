"""The only code that touches the database folder: the store and what it hands
out (`store`, `model`, `case_keeping`), TinyDB files written atomically
(`storage`), answer logs, backups, migrations, file modes, locks, encryption
(`crypto`, `keys`), answer events and the user's settings.

May import only risk (and the shared `assistant.paths` / `assistant.text`).
"""
