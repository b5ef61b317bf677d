"""The `reunify` command, split by subject: `cases` (list, create, archive, audit,
the demo and starting the app), `casework` (classify, due, timeline, rounds),
`documents` (export), `data` (backup, restore, encrypt) and `authoring` (flows
list and check); `common` holds what they share and `main` builds the parser.

The top layer: it may import every layer below. It imports Textual only through
`assistant.ui.app`, to start the app, and only inside the command that does.
"""
