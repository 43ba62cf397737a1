"""A bundle's content encrypted to its recipient: X25519 with a fresh key per bundle, HKDF-SHA256,
AES-256-GCM. A bundle found on a lost USB key reveals nothing but who sent it to whom; only the
recipient's folder (``chiffrement.key``) opens it. The sender's signature covers the ciphertext,
so a file is checked before anything is decrypted."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SCHEME = "x25519-hkdf-sha256-aes256gcm"
_INFO = b"carnet-lot-chiffre-v2"


class DecryptionError(Exception):
    """The content does not open with this folder's key (altered, or not for it)."""


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes
    ephemeral: str  # base64 of the sender's one-use public key
    nonce: str  # base64


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=ephemeral + recipient, info=_INFO).derive(shared)


def encrypt(plain: bytes, recipient: bytes, context: bytes) -> Sealed:
    """``context`` (sender, recipient, bundle number) is authenticated with the content."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    nonce = os.urandom(12)
    ciphertext = AESGCM(_key(shared, ephemeral_public, recipient)).encrypt(nonce, plain, context)
    return Sealed(
        ciphertext, base64.b64encode(ephemeral_public).decode(), base64.b64encode(nonce).decode()
    )


def decrypt(
    ciphertext: bytes, private: X25519PrivateKey, ephemeral: str, nonce: str, context: bytes
) -> bytes:
    try:
        ephemeral_public = base64.b64decode(ephemeral, validate=True)
        iv = base64.b64decode(nonce, validate=True)
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _key(shared, ephemeral_public, _raw(private.public_key()))
        return AESGCM(key).decrypt(iv, ciphertext, context)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError(str(exc)) from None
