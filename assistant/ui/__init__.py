"""The Textual user interface: screens and widgets only; no rules live here."""
