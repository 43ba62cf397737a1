"""The encrypted content of a bundle, through ``store.crypto``'s own functions: the nonce has
the size AES-GCM is meant for, and a key or nonce that is not strict base64 is refused rather
than read leniently (no textual)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from store.crypto import DecryptionError, decrypt, encrypt


def _recipient() -> tuple[X25519PrivateKey, bytes]:
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return private, public


def test_the_nonce_is_96_bits() -> None:
    # 12 bytes: the size NIST SP 800-38D recommends for AES-GCM, and the only one other
    # implementations (libsodium's AES-256-GCM) accept, should another tool read a bundle.
    _, public = _recipient()
    sealed = encrypt(b"contenu", public, b"contexte")
    assert len(base64.b64decode(sealed.nonce, validate=True)) == 12
    assert len(base64.b64decode(sealed.ephemeral, validate=True)) == 32


def test_a_round_trip_opens_only_with_the_same_context() -> None:
    private, public = _recipient()
    sealed = encrypt(b"contenu", public, b"contexte")
    assert decrypt(sealed.ciphertext, private, sealed.ephemeral, sealed.nonce, b"contexte") == (
        b"contenu"
    )
    with pytest.raises(DecryptionError):
        decrypt(sealed.ciphertext, private, sealed.ephemeral, sealed.nonce, b"autre")


def _spoiled(text: str) -> str:
    """The same base64 with a character outside its alphabet in the middle: a lenient decoder
    drops it and reads the same bytes."""
    return text[:4] + "*" + text[4:]


def test_an_ephemeral_key_that_is_not_strict_base64_is_refused() -> None:
    private, public = _recipient()
    sealed = encrypt(b"contenu", public, b"contexte")
    with pytest.raises(DecryptionError):
        decrypt(sealed.ciphertext, private, _spoiled(sealed.ephemeral), sealed.nonce, b"contexte")


def test_a_nonce_that_is_not_strict_base64_is_refused() -> None:
    private, public = _recipient()
    sealed = encrypt(b"contenu", public, b"contexte")
    with pytest.raises(DecryptionError):
        decrypt(sealed.ciphertext, private, sealed.ephemeral, _spoiled(sealed.nonce), b"contexte")
