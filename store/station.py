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


ROLES = ("poste", "secretariat")


@dataclass(frozen=True)
class Station:
    id: str
    created: str
    role: str = "poste"  # "secretariat" for the central office that merges the stations
    # Shown to the folders that trust this one (public key file, stations view); set with
    # ``carnet station --nom … --organisme …``.
    name: str = ""
    organisme: str = ""

    @property
    def secretariat(self) -> bool:
        return self.role == "secretariat"


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
        role = str(data.get("role", "poste"))
        if role not in ROLES:
            raise ValueError(role)
        return Station(
            id=str(data["id"]),
            created=str(data["created"]),
            role=role,
            name=str(data.get("name", "")),
            organisme=str(data.get("organisme", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorruptFileError(path, "identité du poste illisible", None) from exc


def set_role(folder: Path, role: str) -> Station:
    station = load_or_create_station(folder)
    return _save(
        folder, Station(station.id, station.created, role, station.name, station.organisme)
    )


def set_identity(folder: Path, name: str, organisme: str) -> Station:
    """The folder's name and organisme, as the folders that trust it will see them."""
    station = load_or_create_station(folder)
    return _save(folder, Station(station.id, station.created, station.role, name, organisme))


def _save(folder: Path, station: Station) -> Station:
    data = {"id": station.id, "created": station.created, "role": station.role}
    if station.name or station.organisme:
        data.update(name=station.name, organisme=station.organisme)
    atomic_write(
        folder / STATION_NAME, json.dumps(data, ensure_ascii=False).encode(), keep_backup=False
    )
    return station
