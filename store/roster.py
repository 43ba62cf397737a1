"""The candidates list as the home screen shows it, readable before the store opens.

A small derived file (``roster.json``), written with the summary index: one row per dossier,
keyed like the index by the dossier file's size, mtime and inode. Standard library and the
plain statuses only, so the app can list the candidates while the domain (pydantic, the
referentials, the store) is still loading; a row whose dossier changed since, or that does not
read as a row, is left out until the store recomputes it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from models.status import Status

ROSTER_NAME = "roster.json"
# 3: a conseil status is final only on signed grids; 4: « active » (issue 11); 5: the tutor's and
# manager's ids and names, conflicts and VAE, so the home screen needs no full record at all.
FORMAT = 5
DOSSIERS = "dossiers"


def roster_row(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": summary["id"],
        "name": summary["name"],
        "cqp": summary["cqp"],
        "organisme": summary["organisme"],
        "tutor": summary.get("tutor"),
        "tutor_name": summary.get("tutor_name"),
        "manager": summary.get("manager"),
        "manager_name": summary.get("manager_name"),
        "status": summary["status"],
        "blocks": [{"validated": b["validated"], "total": b["total"]} for b in summary["blocks"]],
        "average": summary.get("average"),
        "active": summary.get("active", True),
        "conflicts": summary.get("conflicts") or [],
        "vae": _vae_counts(summary.get("vae")),
    }


# A row whose status is none of these would stop the home screen (``Status(row["status"])``).
STATUSES = frozenset(status.value for status in Status)


def valid_row(dossier: str, row: Any) -> bool:
    """Whether a cached row can be shown as it is: the dossier's own, every field the list
    reads of the right shape. A damaged or forged one is left out, as stale, and computed
    again: a flipped bit in a cache must never stop the app at every start."""
    if not isinstance(row, dict) or row.get("id") != dossier:
        return False
    texts = ("name", "cqp", "organisme")
    if not all(isinstance(row.get(k), str) for k in texts) or row.get("status") not in STATUSES:
        return False
    if not all(row.get(k) is None or isinstance(row.get(k), str) for k in _OPTIONAL_TEXTS):
        return False
    blocks, vae = row.get("blocks"), row.get("vae")
    if not isinstance(blocks, list) or not all(
        isinstance(b, dict) and _count(b.get("validated")) and _count(b.get("total"))
        for b in blocks
    ):
        return False
    if not isinstance(row.get("conflicts", []), list) or not isinstance(row.get("active"), bool):
        return False
    return vae is None or (
        isinstance(vae, dict)
        and all(
            isinstance(vae.get(k), list)
            for k in ("acquired", "validated", "not_validated", "undecided")
        )
    )


_OPTIONAL_TEXTS = ("tutor", "tutor_name", "manager", "manager_name", "average")


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def listed_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row as ``roster.json`` keeps it: without the ids the store checks names against."""
    return {k: v for k, v in row.items() if k not in ("tutor", "manager", "manager_name")}


def _vae_counts(vae: Any) -> dict[str, Any] | None:
    """What the list says of a VAE: its competencies by outcome (the full record holds the
    admissibility and the sessions too, a third of the file)."""
    if not isinstance(vae, dict):
        return None
    return {k: vae.get(k) or [] for k in ("acquired", "validated", "not_validated", "undecided")}


def read_roster(folder: Path) -> tuple[list[dict[str, Any]], bool]:
    """The rows still valid, and whether that is every dossier of the folder."""
    try:
        raw = json.loads(_read_file(folder / ROSTER_NAME))
        # Rows of the previous format lack the fields only the store's list needs: shown
        # until the store has opened, they keep the first start after an upgrade from a blank list.
        entries = raw["entries"] if raw.get("format") in (FORMAT, FORMAT - 1) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return [], False
    rows = []
    complete = True
    try:
        # Each file's state by its name in the open folder: no path built and resolved for
        # each of a thousand dossiers before the first screen.
        directory = os.open(folder / DOSSIERS, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return [], False
    try:
        names = os.listdir(directory)
        stats = []
        for name in names:
            if name.startswith("c-") and name.endswith(".json"):
                try:
                    stats.append((name, os.stat(name, dir_fd=directory)))
                except OSError:
                    complete = False
    except OSError:
        return [], False
    finally:
        os.close(directory)
    for name, st in stats:
        dossier = name[: -len(".json")]
        entry = entries.get(dossier)
        if (
            not isinstance(entry, dict)
            or entry.get("key") != [st.st_size, st.st_mtime_ns, st.st_ino]
            or not valid_row(dossier, entry.get("row"))
        ):
            complete = False
            continue
        rows.append(entry["row"])
    return rows, complete


def _read_file(path: Path) -> bytes:
    """A regular file's bytes; anything else in its place (a named pipe would block the start
    before the first screen) reads as no roster."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a file")
        return file.read()
