"""Events lost with a damaged file: their sequence numbers stay taken.

``carnet recover`` restores a damaged file from its backup, which may lack the last events. The
journal still names them; recording them here keeps the station from reusing their sequence
numbers (whoever received them keeps the only copy) and keeps the gap explained.
"""

from __future__ import annotations

import json
from pathlib import Path

from store.atomic import atomic_write
from store.errors import CorruptFileError

LOST_NAME = "lost.json"


def record_lost(folder: Path, lost: dict[str, list[int]]) -> None:
    """Keeps the sequence numbers of events lost with a damaged file, so the station never
    reuses them: whoever received them keeps the only copy, and the gap stays explained."""
    known = load_lost(folder)
    for dossier, seqs in lost.items():
        known.setdefault(dossier, [])
        known[dossier] = sorted(set(known[dossier]) | set(seqs))
    atomic_write(folder / LOST_NAME, json.dumps(known).encode())


def load_lost(folder: Path) -> dict[str, list[int]]:
    try:
        raw = json.loads((folder / LOST_NAME).read_bytes())
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise CorruptFileError(folder / LOST_NAME, "JSON invalide", None) from exc
    try:
        return {str(k): [int(s) for s in v] for k, v in raw.items()}
    except (AttributeError, TypeError, ValueError) as exc:
        # Valid JSON of another shape (not an object of lists of numbers): named as damaged,
        # never a crash of the start.
        raise CorruptFileError(folder / LOST_NAME, "contenu invalide", None) from exc
