"""The station's identity: created once per data folder, never changed.

``station.json`` also keeps the fingerprints of the folder's two keys once they exist: a
signing key that disappears or changes would make every later bundle of this station refused
at the secretariat, and a new encryption key would leave every bundle already sent to this
folder unreadable; either stops the start with a French message rather than be replaced in
silence.
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
ENCRYPTION_KEY_FILE = "chiffrement.key"  # likewise


ROLES = ("poste", "secretariat")


@dataclass(frozen=True)
class Station:
    id: str
    created: str
    role: str = "poste"  # "secretariat" for the central office that merges the stations
    key: str | None = None  # the SHA-256 of station.key's content, once there is one
    encryption: str | None = None  # the SHA-256 of chiffrement.key's content, likewise
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
                absent=True,
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
        encryption = data.get("encryption_key")
        return Station(
            id=str(data["id"]),
            created=str(data["created"]),
            role=role,
            key=str(key) if key is not None else None,
            encryption=str(encryption) if encryption is not None else None,
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
    if station.encryption is not None:
        data["encryption_key"] = station.encryption
    if station.name or station.organisme:
        data.update(name=station.name, organisme=station.organisme)
    # A backup of its own: a damaged identity is restored, never made anew.
    atomic_write(
        folder / STATION_NAME, json.dumps(data, ensure_ascii=False).encode(), keep_backup=True
    )


def key_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class _KeyFile:
    name: str
    field: str  # the Station attribute keeping its fingerprint
    missing: str
    changed: str


_SIGNING = _KeyFile(
    KEY_FILE,
    "key",
    "clé du poste absente ; une nouvelle clé ferait refuser tous les lots de ce poste au "
    "secrétariat",
    "clé du poste modifiée : ce n'est plus celle dont station.json garde l'empreinte",
)
_ENCRYPTION = _KeyFile(
    ENCRYPTION_KEY_FILE,
    "encryption",
    "clé de chiffrement du poste absente ; une nouvelle clé rendrait illisibles les lots "
    "déjà chiffrés pour ce dossier de données",
    "clé de chiffrement du poste modifiée : ce n'est plus celle dont station.json garde "
    "l'empreinte",
)
KEY_FILES = (_SIGNING, _ENCRYPTION)


def check_key(folder: Path, station: Station, *, record: bool = True) -> Station:
    """Each key is the one whose fingerprint station.json keeps; a first key seen is recorded
    (a folder of an earlier release gets its fingerprints so). A missing or changed key stops
    with a French message (``carnet recover`` restores it from its backup when that one
    matches). Readers pass ``record=False``: they never write."""
    for spec in KEY_FILES:
        station = _check_one(folder, station, spec, record=record)
    return station


def _check_one(folder: Path, station: Station, spec: _KeyFile, *, record: bool = True) -> Station:
    path = folder / spec.name
    kept: str | None = getattr(station, spec.field)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if kept is None:
            return station
        raise CorruptFileError(
            path, spec.missing, _backup(path), repairable=True, absent=True
        ) from None
    digest = key_digest(raw)
    if kept is None:
        if not record:
            return station
        station = replace(station, **{spec.field: digest})
        write_station(folder, station)
        return station
    if digest != kept:
        raise CorruptFileError(path, spec.changed, _backup(path), repairable=True)
    return station


def expected_digest(station: Station, name: str) -> str | None:
    """The fingerprint station.json keeps for the key file ``name`` (None: not yet one)."""
    spec = next(s for s in KEY_FILES if s.name == name)
    value: str | None = getattr(station, spec.field)
    return value


def refuse_new_key(folder: Path, name: str = KEY_FILE) -> None:
    """Raises in French when the key file ``name`` had a fingerprint: a new key would fork
    the folder's identity (signing) or strand what was encrypted to it."""
    path = folder / STATION_NAME
    try:
        station = parse_station(path.read_bytes(), path)
    except FileNotFoundError:
        return
    spec = next(s for s in KEY_FILES if s.name == name)
    if getattr(station, spec.field) is not None:
        _check_one(folder, station, spec)  # raises: the key is missing


def record_key(folder: Path, raw: bytes, name: str = KEY_FILE) -> None:
    """Keeps the fingerprint of a key just made (the station's identity exists by then)."""
    path = folder / STATION_NAME
    try:
        station = parse_station(path.read_bytes(), path)
    except FileNotFoundError:
        return
    spec = next(s for s in KEY_FILES if s.name == name)
    if getattr(station, spec.field) != key_digest(raw):
        write_station(folder, replace(station, **{spec.field: key_digest(raw)}))


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
