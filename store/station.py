"""The station's identity: created once per data folder, never changed."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from models.events import utc_now
from store.atomic import atomic_write
from store.errors import CorruptFileError

STATION_NAME = "station.json"


@dataclass(frozen=True)
class Station:
    id: str
    created: str


def load_or_create_station(folder: Path) -> Station:
    path = folder / STATION_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        station = Station(id=f"poste-{secrets.token_hex(6)}", created=utc_now())
        data = {"id": station.id, "created": station.created}
        atomic_write(path, json.dumps(data).encode(), keep_backup=False)
        return station
    try:
        data = json.loads(raw)
        return Station(id=str(data["id"]), created=str(data["created"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptFileError(path, "identité du poste illisible", None) from exc
