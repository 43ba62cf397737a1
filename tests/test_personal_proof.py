"""A personal signature checked from nothing but the registry's public keys (no textual, no
store): each way a proof can fail gets its own French reason, and a signature is read strictly
(a mutation run found the reasons, the strict base64 and the worker's shortcut unguarded)."""

from __future__ import annotations

import base64
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from models.signatures import (
    UNSIGNED_BEFORE,
    check_proof,
    key_id,
    signature_states,
    signed_message,
    verify,
)

DOSSIER, TYPE, AUTHOR = "cand-1", "attestation.signed", "tuteur-1"
PAYLOAD = {"competency": "gc.b1.c1", "role": "tuteur", "person": AUTHOR, "situation": "accueil"}


def _key() -> tuple[Ed25519PrivateKey, str, str]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, key_id(raw), base64.b64encode(raw).decode()


PRIVATE, KEY, PUBLIC = _key()
KEYS = {KEY: (AUTHOR, PUBLIC)}


def _signed(payload: dict[str, Any] = PAYLOAD, author: str = AUTHOR) -> dict[str, Any]:
    signature = PRIVATE.sign(signed_message(DOSSIER, TYPE, payload))
    proof = {"key": KEY, "person": author, "signature": base64.b64encode(signature).decode()}
    return payload | {"proof": proof}


def _check(payload: dict[str, Any], **kwargs: Any) -> str | None:
    return check_proof(DOSSIER, TYPE, payload, AUTHOR, KEYS, **kwargs)


def test_a_signature_made_by_its_author_holds() -> None:
    assert _check(_signed()) is None
    assert _check(PAYLOAD) is None  # no proof: nothing to check here (the store requires one)


@pytest.mark.parametrize(
    "proof",
    [
        "pas un objet",
        {"key": 7, "person": AUTHOR, "signature": "AAAA"},
        {"key": KEY, "person": AUTHOR, "signature": None},
        {"key": KEY, "person": ["x"], "signature": "AAAA"},
    ],
    ids=["not-a-mapping", "key", "signature", "person"],
)
def test_a_proof_missing_a_part_is_unreadable(proof: Any) -> None:
    assert _check(PAYLOAD | {"proof": proof}) == "signature personnelle illisible"


def test_a_key_the_registry_does_not_hold_is_named_by_its_first_16_characters() -> None:
    payload = _signed()
    payload["proof"] = payload["proof"] | {"key": "0123456789abcdefXYZ"}
    assert _check(payload) == (
        "signature personnelle par une clé inconnue du registre (0123456789abcdef)"
    )


def test_a_signature_by_someone_else_than_the_author_is_refused() -> None:
    assert check_proof(DOSSIER, TYPE, _signed(), "manager-1", KEYS) == (
        "signature personnelle d'une autre personne que l'auteur de l'événement"
    )


def test_content_changed_after_signing_is_refused() -> None:
    payload = _signed() | {"situation": "autre situation"}
    assert _check(payload) == "signature personnelle fausse : le contenu signé a été modifié"


def test_a_signature_already_checked_by_a_worker_is_asked_about_its_public_key() -> None:
    # A wrong signature, but the import's worker says it checked it against that very key.
    payload = PAYLOAD | {"proof": {"key": KEY, "person": AUTHOR, "signature": "AAAA"}}
    assert _check(payload, verified=lambda public: public == PUBLIC) is None
    assert _check(payload, verified=lambda public: False) == (
        "signature personnelle fausse : le contenu signé a été modifié"
    )


def test_base64_is_read_strictly() -> None:
    message = signed_message(DOSSIER, TYPE, PAYLOAD)
    signature = base64.b64encode(PRIVATE.sign(message)).decode()
    assert verify(PUBLIC, message, signature)
    # Lenient base64 would drop the stray characters and accept both.
    assert not verify(PUBLIC, message, signature[:8] + "!" + signature[8:])
    assert not verify(PUBLIC[:8] + "!" + PUBLIC[8:], message, signature)


def test_signature_states_of_a_dossier() -> None:
    def event(id: str, type: str, payload: dict[str, Any]) -> Any:
        return SimpleNamespace(id=id, dossier=DOSSIER, type=type, payload=payload, author=AUTHOR)

    forged = _signed() | {"situation": "autre"}
    states = signature_states(
        [
            event("a", TYPE, _signed()),
            event("b", TYPE, PAYLOAD),
            event("c", TYPE, forged),
            event("d", "criterion.marked", {"proof": "ignored"}),
        ],
        KEYS,
    )
    assert states == {
        "a": None,
        "b": UNSIGNED_BEFORE,
        "c": "signature personnelle fausse : le contenu signé a été modifié",
    }


def test_what_a_person_signs_is_pinned_byte_for_byte() -> None:
    # Any script that checks a signature rebuilds these bytes: the prefix, the canonical JSON,
    # and the payload less its proof and the station's bookkeeping (« replaces »).
    payload = {"b": "é", "a": 1, "proof": {"key": KEY}, "replaces": "x" * 32}
    assert signed_message("d", "t.x", payload) == (
        b"carnet-signature-v1\n" + '{"dossier":"d","payload":{"a":1,"b":"é"},"type":"t.x"}'.encode()
    )
