"""The Textual user interface: screens and widgets only; no rules live here.

The only layer that imports Textual. May import documents, casework, flows,
records and risk; never the commands.
"""
