"""Personal credentials: a secret (PIN of at least 6 digits, or a passphrase) protecting each
person's Ed25519 signing key at this station.

The private key is never stored in clear: it is encrypted with AES-GCM under a key derived
from the secret by Argon2id (memory-hard), with the KDF's parameters stored beside it so they
can be raised later without losing older credentials. Five wrong secrets in a row lock the
person until a secretariat agent resets the credential, with a reason (an event). The public
key travels in the registry (``credential.registered``) so anyone can verify a signature.

The file (``credentials.json``) is written atomically with its backup like every other file
of the data folder; only the writer thread touches it.
"""

from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.signatures import key_id
from store.atomic import atomic_write
from store.errors import CorruptFileError, StoreError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

CREDENTIALS_NAME = "credentials.json"
MAX_FAILURES = 5
_PIN = re.compile(r"^[0-9]{6,}$")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id's cost. A PIN has few values: each guess must cost as much as the budget
    allows (one signature adds at most 1 s). The default takes about 0.4 s on the project's
    idle 2-core machine, leaving room for a loaded one (bench/sign.py prints the figure)."""

    memory_cost: int = 192 * 1024  # KiB: 192 MiB (OWASP's floor is 19 MiB × 2 passes)
    iterations: int = 2
    lanes: int = 1


# Tests and the demo's bulk writer may pass lighter parameters: they are stored with each
# credential, so a credential always opens with the parameters it was made with.
DEFAULT_KDF = KdfParams()


class SecretError(StoreError):
    """A wrong, locked or unacceptable secret: nothing was signed."""


def check_secret_form(secret: str) -> None:
    """A PIN of at least 6 digits, or a passphrase of at least 12 characters."""
    if secret.isdigit():
        if not _PIN.match(secret):
            raise SecretError("Un code PIN compte au moins 6 chiffres.")
        if len(set(secret)) == 1 or secret in "0123456789" or secret in "9876543210":
            raise SecretError("Ce code PIN est trop facile à deviner (suite ou répétition).")
        return
    if len(secret) < 12:
        raise SecretError(
            "Choisissez un code PIN d'au moins 6 chiffres ou une phrase secrète d'au moins "
            "12 caractères."
        )


def _derive(secret: str, salt: bytes, params: KdfParams) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_cost,
    )
    return kdf.derive(secret.encode())


@dataclass
class Credential:
    person: str
    key: str  # key id: the first 16 hex digits of the public key's SHA-256
    public_key: str  # base64
    salt: str
    nonce: str
    ciphertext: str
    kdf: KdfParams
    failures: int = 0
    locked: bool = False

    def record(self) -> dict[str, Any]:
        return {**asdict(self), "kdf": asdict(self.kdf)}

    @classmethod
    def from_record(cls, raw: dict[str, Any]) -> Credential:
        return cls(**{**raw, "kdf": KdfParams(**raw["kdf"])})


def make_credential(person: str, secret: str, params: KdfParams = DEFAULT_KDF) -> Credential:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    check_secret_form(secret)
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(secret, salt, params)).encrypt(nonce, raw, person.encode())
    b64 = base64.b64encode
    return Credential(
        person=person,
        key=key_id(public),
        public_key=b64(public).decode(),
        salt=b64(salt).decode(),
        nonce=b64(nonce).decode(),
        ciphertext=b64(sealed).decode(),
        kdf=params,
    )


def unlock(credential: Credential, secret: str) -> Ed25519PrivateKey | None:
    """The person's signing key, or None when the secret is wrong."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    b64d = base64.b64decode
    derived = _derive(secret, b64d(credential.salt), credential.kdf)
    try:
        raw = AESGCM(derived).decrypt(
            b64d(credential.nonce), b64d(credential.ciphertext), credential.person.encode()
        )
    except InvalidTag:
        return None
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign_with(credential: Credential, secret: str, message: bytes) -> str | None:
    """The signature in base64, or None when the secret is wrong."""
    private = unlock(credential, secret)
    if private is None:
        return None
    return base64.b64encode(private.sign(message)).decode()


class Keystore:
    """The station's credentials, one per person."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / CREDENTIALS_NAME
        self._credentials: dict[str, Credential] = {}
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        try:
            data = json.loads(raw)
            self._credentials = {
                person: Credential.from_record(record)
                for person, record in data["credentials"].items()
            }
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CorruptFileError(self.path, "contenu invalide", None) from exc

    def get(self, person: str) -> Credential | None:
        return self._credentials.get(person)

    def put(self, credential: Credential) -> None:
        self._credentials[credential.person] = credential
        self._save()

    def remove(self, person: str) -> None:
        if self._credentials.pop(person, None) is not None:
            self._save()

    def _save(self) -> None:
        data = {
            "format": 1,
            "credentials": {p: c.record() for p, c in sorted(self._credentials.items())},
        }
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode())
