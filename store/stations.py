"""The stations view at the secretariat: who sent what and when, gaps, forks, silence.

One row per folder known here (trusted, or whose events were received): its name, organisme
and role, the number and date of its last bundle received, the events received from it (as
their origin), the missing sequence numbers, its forks, and the days since its last bundle;
a station that sent nothing for ``silent_after`` days (or never) is flagged silent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.keys import ROLE_TEXT, TrustStore
from store.replication import Knowledge, bundles_received
from store.sync import ASIDE, Ledger, gaps

if TYPE_CHECKING:
    from store.store import Store

SILENT_AFTER = 30  # days without a bundle before a station is flagged
COLUMNS = ("nom", "organisme", "role", "dernier_lot", "evenements", "trous", "fourches", "jours")


def _day(ts: str) -> date | None:
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(UTC).date()
    except ValueError:
        return None


def _aside_file(store: Store, recorded: str) -> str:
    """Where a fork's file is, whatever the folder was called when it was set aside (the
    path was once recorded as typed, relative to where the command ran): always in this
    folder's « a-part », under its own name."""
    return str(store.folder.resolve() / ASIDE / Path(recorded).name)


def stations_view(
    store: Store, *, today: date | None = None, silent_after: int = SILENT_AFTER
) -> list[dict[str, Any]]:
    today = today or datetime.now(UTC).date()
    trust = TrustStore(store.folder)
    ledger = Ledger(store.folder)
    knowledge = Knowledge(store.folder)
    ids = set(trust.keys) | set(ledger.stations) | set(ledger.forks)
    ids |= {p for p, e in knowledge.peers.items() if e.get("received")}
    ids.discard(store.station.id)
    rows = []
    for station in sorted(ids):
        key = trust.keys.get(station)
        peer = knowledge.peers.get(station, {})
        received = peer.get("received", [])
        last = max(received, key=lambda b: (b.get("created", ""), b.get("seq", 0)), default=None)
        ranges = ledger.plain_ranges(station)
        missing = gaps(ranges)
        forks = ledger.forks.get(station, [])
        when = _day(str(last.get("created", ""))) if last else None
        days = (today - when).days if when else None
        role = key.role if key is not None else "inconnu"
        rows.append(
            {
                "id": station,
                "name": key.name if key is not None else "",
                "organisme": key.organisme if key is not None else "",
                "role": role,
                "role_text": ROLE_TEXT.get(role, role),
                "trusted": key is not None,
                "last_bundle": None if last is None else last.get("seq"),
                "last_bundle_created": None if last is None else last.get("created"),
                "bundles_received": bundles_received(peer),
                "events": sum(b - a + 1 for a, b in ranges),
                "gaps": [[a, b] for a, b in missing],
                "missing": sum(b - a + 1 for a, b in missing),
                "forks": [
                    {"seq": f["seq"], "at": f["at"], "file": _aside_file(store, f["file"])}
                    for f in forks
                ],
                "days_since_last_bundle": days,
                "silent": role != "secretariat" and (days is None or days >= silent_after),
            }
        )
    return rows


def sort_rows(rows: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    """By one of COLUMNS; problems first where it makes sense (most gaps, most days)."""
    keys: dict[str, Any] = {
        "nom": lambda r: (r["name"] or r["id"]).casefold(),
        "organisme": lambda r: r["organisme"].casefold(),
        "role": lambda r: r["role"],
        "dernier_lot": lambda r: r["last_bundle_created"] or "",
        "evenements": lambda r: -r["events"],
        "trous": lambda r: -r["missing"],
        "fourches": lambda r: -len(r["forks"]),
        "jours": lambda r: (
            -(r["days_since_last_bundle"] if r["days_since_last_bundle"] is not None else 10**6)
        ),
    }
    if column not in keys:
        raise ValueError(column)
    return sorted(rows, key=lambda r: (keys[column](r), r["id"]))


def filter_rows(rows: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Rows whose id, name, organisme or role contain ``text``; « silencieux », « trou » and
    « fourche » keep the stations with that problem."""
    wanted = text.strip().casefold()
    if not wanted:
        return rows
    if wanted.startswith("silenc"):
        return [r for r in rows if r["silent"]]
    if wanted.startswith("trou"):
        return [r for r in rows if r["gaps"]]
    if wanted.startswith("fourche"):
        return [r for r in rows if r["forks"]]
    return [
        r
        for r in rows
        if any(wanted in str(r[k]).casefold() for k in ("id", "name", "organisme", "role_text"))
    ]


def ranges_text(ranges: list[list[int]]) -> str:
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in ranges)
