"""The folder's keys, its public key file, and the keys a data folder trusts.

Each folder has an Ed25519 key that signs (``station.key``) and an X25519 key that bundles are
encrypted to (``chiffrement.key``), both readable by their owner only. The public key file is
what another folder imports with ``carnet trust``: it carries the folder's role (station or
secretariat), name and organisme, signed by the folder's own key, and the trust store keeps
them, so that « this is the secretariat » is bound to a key a person checked, not to what a
file says about itself. A station id is bound to one key: trusting another key for a known id
is refused, since that is what a forged bundle would need.

Public key files of the release before (version 1) carry no role: trusted as « inconnu », which
may send bundles but whose receipts are refused until its new key file is trusted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from models.events import canonical, utc_now
from store.atomic import atomic_write, backup_path
from store.errors import CorruptFileError, StoreError
from store.station import ENCRYPTION_KEY_FILE, Station, record_key, refuse_new_key

KEY_NAME = "station.key"
ENCRYPTION_KEY_NAME = ENCRYPTION_KEY_FILE
TRUSTED_NAME = "trusted.json"
PUBLIC_FORMAT = "carnet-cle-publique"
PUBLIC_VERSION = 2
SECRETARIAT, STATION, UNKNOWN_ROLE = "secretariat", "poste", "inconnu"
ROLE_TEXT = {SECRETARIAT: "secrétariat", STATION: "poste", UNKNOWN_ROLE: "rôle inconnu"}


def fingerprint(public: bytes) -> str:
    """A short, readable fingerprint to compare by phone or on paper."""
    digest = hashlib.sha256(public).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class StationKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def normalised_fingerprint(text: str) -> str:
    """A fingerprint as typed: spaces, dashes and case do not matter."""
    return "".join(ch for ch in text.lower() if ch in "0123456789abcdef")


def load_or_create_key(folder: Path) -> StationKey:
    path = folder / KEY_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        refuse_new_key(folder)  # the station had a key: a new one would fork its identity
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        atomic_write(path, pem, keep_backup=True)
        os.chmod(path, 0o600)
        record_key(folder, pem)  # its fingerprint, so that a lost or changed key is noticed
        return StationKey(private)
    try:
        loaded = serialization.load_pem_private_key(raw, password=None)
    except (ValueError, TypeError) as exc:
        raise CorruptFileError(path, "clé du poste illisible", None) from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise CorruptFileError(path, "ce n'est pas une clé Ed25519", None)
    return StationKey(loaded)


def load_or_create_encryption_key(folder: Path) -> X25519PrivateKey:
    """The key bundles for this folder are encrypted to; made on first use, like the
    signing key (a folder of the release before gets one then)."""
    path = folder / ENCRYPTION_KEY_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        # Bundles already encrypted to the lost key could never be opened with a new one.
        refuse_new_key(folder, ENCRYPTION_KEY_NAME)
        private = X25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        atomic_write(path, pem, keep_backup=True)
        os.chmod(path, 0o600)
        record_key(folder, pem, ENCRYPTION_KEY_NAME)
        return private
    try:
        loaded = serialization.load_pem_private_key(raw, password=None)
    except (ValueError, TypeError) as exc:
        raise CorruptFileError(path, "clé de chiffrement du poste illisible", None) from exc
    if not isinstance(loaded, X25519PrivateKey):
        raise CorruptFileError(path, "ce n'est pas une clé X25519", None)
    return loaded


def raw_public(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def _described(data: dict[str, Any]) -> bytes:
    """What a public key file's self-signature covers: every field but the signature."""
    return b"carnet-cle-publique\n" + canonical({k: v for k, v in data.items() if k != "signature"})


def public_key_file(station: Station, key: StationKey, encryption: bytes) -> bytes:
    data: dict[str, Any] = {
        "format": PUBLIC_FORMAT,
        "version": PUBLIC_VERSION,
        "station": station.id,
        "role": SECRETARIAT if station.secretariat else STATION,
        "name": station.name,
        "organisme": station.organisme,
        "public_key": base64.b64encode(key.public).decode(),
        "encryption_key": base64.b64encode(encryption).decode(),
        "fingerprint": key.fingerprint,
    }
    data["signature"] = base64.b64encode(key.sign(_described(data))).decode()
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()


@dataclass(frozen=True)
class TrustedKey:
    station: str
    public: bytes
    added: str
    role: str = UNKNOWN_ROLE
    name: str = ""
    organisme: str = ""
    encryption: bytes | None = None  # None: trusted by the release before, no encryption key

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    @property
    def secretariat(self) -> bool:
        return self.role == SECRETARIAT

    @property
    def label(self) -> str:
        """« Nom (organisme) » or the bare id, for messages."""
        if not self.name:
            return self.station
        return f"{self.name} ({self.organisme})" if self.organisme else self.name

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, data)
        except (InvalidSignature, ValueError):
            return False
        return True

    def entry(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "public_key": base64.b64encode(self.public).decode(),
            "added": self.added,
            "role": self.role,
            "name": self.name,
            "organisme": self.organisme,
        }
        if self.encryption is not None:
            data["encryption_key"] = base64.b64encode(self.encryption).decode()
        return data

    @classmethod
    def from_entry(cls, station: str, entry: dict[str, Any]) -> TrustedKey:
        role = str(entry.get("role", UNKNOWN_ROLE))  # the release before kept no role
        if role not in ROLE_TEXT:
            raise ValueError(role)
        encryption = entry.get("encryption_key")
        return cls(
            station,
            base64.b64decode(entry["public_key"]),
            str(entry["added"]),
            role,
            str(entry.get("name", "")),
            str(entry.get("organisme", "")),
            None if encryption is None else base64.b64decode(encryption),
        )


def _text(data: dict[str, Any], name: str, limit: int = 200) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise StoreError(f"clé publique : champ « {name} » invalide")
    return value


def sender_label(keys: Mapping[str, TrustedKey], station: str) -> str:
    """How a message names a folder: « Nom (organisme) (poste-…) » when it is trusted with a
    name, its bare id otherwise."""
    key = keys.get(station)
    return f"{key.label} ({station})" if key is not None and key.name else station


def read_public_key_file(raw: bytes) -> TrustedKey:
    """Reads a folder's public key file; refuses anything else in French."""
    try:
        data: Any = json.loads(raw)
    except (ValueError, RecursionError):
        raise StoreError("ce fichier n'est pas une clé publique carnet") from None
    if not isinstance(data, dict) or data.get("format") != PUBLIC_FORMAT:
        raise StoreError("ce fichier n'est pas une clé publique carnet")
    version = data.get("version")
    if version not in (1, PUBLIC_VERSION):
        raise StoreError(f"version de clé publique inconnue : {version!r}")
    station, public = data.get("station"), data.get("public_key")
    if not isinstance(station, str) or not station or len(station) > 64:
        raise StoreError("clé publique sans identifiant de poste valide")
    try:
        key = base64.b64decode(str(public), validate=True)
        verifier = Ed25519PublicKey.from_public_bytes(key)
    except ValueError:
        raise StoreError("clé publique invalide (Ed25519 attendue)") from None
    if version == 1:
        return TrustedKey(station, key, utc_now())
    role = data.get("role")
    if role not in (SECRETARIAT, STATION):
        raise StoreError(f"clé publique : rôle inconnu {role!r}")
    try:
        encryption = base64.b64decode(str(data.get("encryption_key")), validate=True)
        X25519PublicKey.from_public_bytes(encryption)
        signature = base64.b64decode(str(data.get("signature")), validate=True)
        verifier.verify(signature, _described(data))
    except (ValueError, InvalidSignature):
        raise StoreError(
            "clé publique altérée : sa signature ne correspond pas à son contenu "
            "(rôle, nom, organisme ou clés modifiés)"
        ) from None
    return TrustedKey(
        station, key, utc_now(), role, _text(data, "name"), _text(data, "organisme"), encryption
    )


class TrustStore:
    """The folders this one accepts bundles and receipts from, with their roles."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / TRUSTED_NAME
        self.keys: dict[str, TrustedKey] = {}
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        try:
            data = json.loads(raw)
            for station, entry in data["stations"].items():
                self.keys[station] = TrustedKey.from_entry(station, entry)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Written with a backup, which ``carnet recover`` restores: the message says so.
            backup = backup_path(self.path)
            raise CorruptFileError(
                self.path,
                "liste des postes de confiance illisible",
                backup if backup.exists() else None,
            ) from exc

    def trust(self, key: TrustedKey) -> str:
        """Adds a key: « nouveau », « mis à jour » (the same key, with its role, name or
        encryption key newly known) or « inchangé ». Another key for a known id is refused."""
        known = self.keys.get(key.station)
        outcome = "nouveau"
        if known is not None:
            if known.public != key.public:
                raise StoreError(
                    f"le poste {key.station} est déjà connu avec une autre clé "
                    f"({known.fingerprint}) : refus de la remplacer"
                )
            if key.role == UNKNOWN_ROLE or known.entry() | {"added": ""} == key.entry() | {
                "added": ""
            }:
                return "inchangé"  # a file of the release before adds nothing to what is known
            key = TrustedKey(
                key.station, key.public, known.added, key.role, key.name, key.organisme,
                key.encryption,
            )  # fmt: skip
            outcome = "mis à jour"
        self.keys[key.station] = key
        self.save()
        return outcome

    def save(self) -> None:
        data = {
            "version": 2,
            "stations": {s: k.entry() for s, k in sorted(self.keys.items())},
        }
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode())
