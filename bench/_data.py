"""A benchmark store: N dossiers of about E events, reused across runs when --data is given."""

from __future__ import annotations

import os
import time
from pathlib import Path

from store.demo import populate
from store.store import Store


def ensure_store(folder: Path, dossiers: int, events: int) -> float:
    """Fills ``folder`` unless it already holds ``dossiers`` dossiers; returns seconds spent."""
    if folder.is_dir() and len(list((folder / "dossiers").glob("c-*.json"))) >= dossiers:
        return 0.0
    start = time.perf_counter()
    with Store.open(folder) as store:
        populate(store, dossiers, seed=7, events_per_dossier=events)
        store.summaries()  # the index, as after any session
    os.sync()
    return time.perf_counter() - start
