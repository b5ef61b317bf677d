"""Risk classification engine for the NSPCC reunification framework.

The lowest layer: pure, importing no other part of Reunify, no Textual, no
database, no I/O beyond accepting a dict or JSON text; every other layer may
import it. Every rule cites its source in the framework (stage, task, table
row, annex).
"""

from .engine import classify, classify_json
from .explain import Explanation, explain
from .factors import (
    DOMAINS,
    PROTECTIVE_FACTORS,
    PROTECTIVE_STATUSES,
    RISK_FACTORS,
    RISK_STATUSES,
    Factor,
)
from .model import LEVELS, ClassificationInputError

__all__ = [
    "DOMAINS",
    "LEVELS",
    "PROTECTIVE_FACTORS",
    "PROTECTIVE_STATUSES",
    "RISK_FACTORS",
    "RISK_STATUSES",
    "ClassificationInputError",
    "Explanation",
    "Factor",
    "classify",
    "classify_json",
    "explain",
]
