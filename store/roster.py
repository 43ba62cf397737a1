"""The candidates list as the home screen shows it, readable before the store opens.

A small derived file (``roster.json``), written with the summary index: one row per dossier,
keyed like the index by the dossier file's size, mtime and inode. Standard library only, so
the app can list the candidates while the domain (pydantic, the referentials, the store) is
still loading; a row whose dossier changed since is left out until the store recomputes it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

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
        raw = json.loads((folder / ROSTER_NAME).read_bytes())
        # Rows of the previous format lack the fields only the store's list needs: shown
        # until the store has opened, they keep the first start after an upgrade from a blank list.
        entries = raw["entries"] if raw.get("format") in (FORMAT, FORMAT - 1) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return [], False
    rows = []
    complete = True
    try:
        names = os.listdir(folder / DOSSIERS)
    except OSError:
        return [], False
    for name in names:
        if not (name.startswith("c-") and name.endswith(".json")):
            continue
        dossier = name[: -len(".json")]
        entry = entries.get(dossier)
        try:
            st = os.stat(folder / DOSSIERS / name)
        except OSError:
            complete = False
            continue
        if not isinstance(entry, dict) or entry.get("key") != [
            st.st_size,
            st.st_mtime_ns,
            st.st_ino,
        ]:
            complete = False
            continue
        rows.append(entry["row"])
    return rows, complete
