"""The fictional demo case, for trying the app without real data."""

from __future__ import annotations

from assistant.store import CaseRecord, Store, StoreError

DEMO_REF = "DEMO-001"


def write_demo(store: Store) -> CaseRecord:
    """Add the fictional case `DEMO-001` to `store` (kept as it is if already there)."""
    try:
        return store.case(DEMO_REF)
    except StoreError:
        return store.create_case(DEMO_REF, demo=True)
