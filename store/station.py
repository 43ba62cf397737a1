"""The station's identity: created once per data folder, never changed.

``station.json`` also keeps the fingerprint of the station's key once there is one: a key that
disappears or changes would make every later bundle of this station refused at the
secretariat, so it stops the start with a French message rather than be replaced in silence.
A folder that holds events but has lost its ``station.json`` stops too: a new identity would
fork the station's sequence.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from models.events import utc_now
from store.atomic import atomic_write, backup_path
from store.errors import CorruptFileError

STATION_NAME = "station.json"
KEY_FILE = "station.key"  # written by store.keys; its fingerprint is kept here


ROLES = ("poste", "secretariat")


@dataclass(frozen=True)
class Station:
    id: str
    created: str
    role: str = "poste"  # "secretariat" for the central office that merges the stations
    key: str | None = None  # the SHA-256 of station.key's content, once there is one
    # Shown to the folders that trust this one (public key file, stations view); set with
    # ``carnet station --nom … --organisme …``.
    name: str = ""
    organisme: str = ""

    @property
    def secretariat(self) -> bool:
        return self.role == "secretariat"


def load_or_create_station(folder: Path, *, has_events: bool = False) -> Station:
    path = folder / STATION_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if has_events:
            raise CorruptFileError(
                path,
                "identité du poste absente alors que ce dossier de données contient des "
                "événements ; en créer une nouvelle ferait un second poste",
                _backup(path),
                repairable=True,
            ) from None
        station = Station(id=f"poste-{secrets.token_hex(6)}", created=utc_now())
        write_station(folder, station)
        return station
    return parse_station(raw, path)


def parse_station(raw: bytes, path: Path) -> Station:
    try:
        data = json.loads(raw)
        role = str(data.get("role", "poste"))
        if role not in ROLES:
            raise ValueError(role)
        key = data.get("key")
        return Station(
            id=str(data["id"]),
            created=str(data["created"]),
            role=role,
            key=str(key) if key is not None else None,
            name=str(data.get("name", "")),
            organisme=str(data.get("organisme", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorruptFileError(
            path, "identité du poste illisible", _backup(path), repairable=True
        ) from exc


def write_station(folder: Path, station: Station) -> None:
    data: dict[str, str] = {"id": station.id, "created": station.created}
    if station.role != "poste":
        data["role"] = station.role
    if station.key is not None:
        data["key"] = station.key
    if station.name or station.organisme:
        data.update(name=station.name, organisme=station.organisme)
    # A backup of its own: a damaged identity is restored, never made anew.
    atomic_write(
        folder / STATION_NAME, json.dumps(data, ensure_ascii=False).encode(), keep_backup=True
    )


def key_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def check_key(folder: Path, station: Station) -> Station:
    """The station key is the one whose fingerprint station.json keeps; a first key seen is
    recorded. A missing or changed key stops with a French message (``carnet recover``
    restores it from its backup when that one matches)."""
    path = folder / KEY_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if station.key is None:
            return station
        raise CorruptFileError(
            path,
            "clé du poste absente ; une nouvelle clé ferait refuser tous les lots de ce poste "
            "au secrétariat",
            _backup(path),
            repairable=True,
        ) from None
    digest = key_digest(raw)
    if station.key is None:
        station = replace(station, key=digest)
        write_station(folder, station)
        return station
    if digest != station.key:
        raise CorruptFileError(
            path,
            "clé du poste modifiée : ce n'est plus celle dont station.json garde l'empreinte",
            _backup(path),
            repairable=True,
        )
    return station


def refuse_new_key(folder: Path) -> None:
    path = folder / STATION_NAME
    try:
        station = parse_station(path.read_bytes(), path)
    except FileNotFoundError:
        return
    if station.key is not None:
        check_key(folder, station)  # raises: the key is missing


def record_key(folder: Path, raw: bytes) -> None:
    """Keeps the fingerprint of a key just made (the station's identity exists by then)."""
    path = folder / STATION_NAME
    try:
        station = parse_station(path.read_bytes(), path)
    except FileNotFoundError:
        return
    if station.key != key_digest(raw):
        write_station(folder, replace(station, key=key_digest(raw)))


def set_role(folder: Path, role: str) -> Station:
    station = load_or_create_station(folder)
    changed = replace(station, role=role)
    write_station(folder, changed)
    return changed


def set_identity(folder: Path, name: str, organisme: str) -> Station:
    """The folder's name and organisme, as the folders that trust it will see them."""
    station = load_or_create_station(folder)
    changed = replace(station, name=name, organisme=organisme)
    write_station(folder, changed)
    return changed


def _backup(path: Path) -> Path | None:
    backup = backup_path(path)
    return backup if backup.exists() else None
