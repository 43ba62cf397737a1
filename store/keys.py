"""The station's Ed25519 key pair, its public key file, and the keys a data folder trusts.

The private key never leaves the data folder (``station.key``, readable by its owner only); the
public key file is what the secretariat imports with ``carnet trust``. A station id is bound to
one key: trusting another key for a known id is refused, since that is what a forged bundle
would need.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from models.events import utc_now
from store.atomic import atomic_write
from store.errors import CorruptFileError, StoreError
from store.station import record_key, refuse_new_key

KEY_NAME = "station.key"
TRUSTED_NAME = "trusted.json"
PUBLIC_FORMAT = "carnet-cle-publique"


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


def public_key_file(station: str, key: StationKey) -> bytes:
    data = {
        "format": PUBLIC_FORMAT,
        "version": 1,
        "station": station,
        "public_key": base64.b64encode(key.public).decode(),
        "fingerprint": key.fingerprint,
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()


@dataclass(frozen=True)
class TrustedKey:
    station: str
    public: bytes
    added: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, data)
        except (InvalidSignature, ValueError):
            return False
        return True


def read_public_key_file(raw: bytes) -> TrustedKey:
    """Reads a station's public key file; refuses anything else in French."""
    try:
        data: Any = json.loads(raw)
    except (ValueError, RecursionError):
        raise StoreError("ce fichier n'est pas une clé publique carnet") from None
    if not isinstance(data, dict) or data.get("format") != PUBLIC_FORMAT:
        raise StoreError("ce fichier n'est pas une clé publique carnet")
    if data.get("version") != 1:
        raise StoreError(f"version de clé publique inconnue : {data.get('version')!r}")
    station, public = data.get("station"), data.get("public_key")
    if not isinstance(station, str) or not station or len(station) > 64:
        raise StoreError("clé publique sans identifiant de poste valide")
    try:
        key = base64.b64decode(str(public), validate=True)
        Ed25519PublicKey.from_public_bytes(key)
    except ValueError:
        raise StoreError("clé publique invalide (Ed25519 attendue)") from None
    return TrustedKey(station, key, utc_now())


class TrustStore:
    """The stations a data folder accepts bundles and receipts from."""

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
                self.keys[station] = TrustedKey(
                    station, base64.b64decode(entry["public_key"]), entry["added"]
                )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CorruptFileError(
                self.path, "liste des postes de confiance illisible", None
            ) from exc

    def trust(self, key: TrustedKey) -> bool:
        """Adds a key; False if it was already trusted. Another key for a known id is refused."""
        known = self.keys.get(key.station)
        if known is not None:
            if known.public == key.public:
                return False
            raise StoreError(
                f"le poste {key.station} est déjà connu avec une autre clé "
                f"({known.fingerprint}) : refus de la remplacer"
            )
        self.keys[key.station] = key
        data = {
            "stations": {
                s: {"public_key": base64.b64encode(k.public).decode(), "added": k.added}
                for s, k in sorted(self.keys.items())
            }
        }
        atomic_write(self.path, json.dumps(data, indent=1).encode())
        return True
