"""Reunify: a guided practice assistant for the NSPCC reunification framework."""

__version__ = "0.1.0"
