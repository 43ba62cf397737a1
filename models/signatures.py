"""Personal signatures: what a person's Ed25519 key signs, and how anyone checks it.

Pure functions over event content, so the secretariat (or any script) can verify a signature
with nothing but the public keys the registry carries. A signature covers the event's dossier,
type and payload (less the signature itself): for a grid, the payload names each criterion's
state and each competency's count as signed; for the logbook, the attested competency, the role
and the work situation; for an amendment, the criterion, its new state and the reason; for a
jury, its proposal, each VAE competency's decision or the proclamation; for a conflict, the
value kept and why.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from models.events import canonical

PROOF = "proof"
# Bookkeeping the store adds when recording (the value replaced on this station): not attested.
_UNSIGNED = frozenset({PROOF, "replaces"})
# The events a person signs with their own key (the rest name their author only).
SIGNED_TYPES = frozenset(
    {
        "attestation.signed",
        "attestation.withdrawn",
        "grid.signed",
        "criterion.amended",
        "jury.proposed",
        "vae.competency_decided",
        "jury.proclaimed",
        "conflict.resolved",
    }
)


def signed_message(dossier: str, type: str, payload: Mapping[str, Any]) -> bytes:
    body = {k: v for k, v in payload.items() if k not in _UNSIGNED}
    return b"carnet-signature-v1\n" + canonical({"dossier": dossier, "type": type, "payload": body})


def key_id(public_key: bytes) -> str:
    import hashlib

    return hashlib.sha256(public_key).hexdigest()[:16]


def load_verifier() -> None:
    """Imports what ``verify`` uses: before a process forks a child that verifies (a child
    imports nothing, see ``store.beside``)."""
    import nacl.signing  # noqa: F401


def verify(public_key_b64: str, message: bytes, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is the key's Ed25519 signature of ``message``. Verified with
    libsodium (PyNaCl): twice as fast as OpenSSL's Ed25519 on this project's machines (46 µs
    against 104), and a secretariat's bundle for a station carries thousands of signatures. It
    also refuses what RFC 8032 lets a verifier refuse (a key of small order, a signature not in
    its canonical form): no genuine signature is either. Signing stays with ``cryptography``;
    the signatures are the same standard Ed25519."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    try:
        key = VerifyKey(base64.b64decode(public_key_b64, validate=True))
        key.verify(message, base64.b64decode(signature_b64, validate=True))
    except (BadSignatureError, ValueError, TypeError, binascii.Error):
        return False
    return True


def check_proof(
    dossier: str,
    type: str,
    payload: Mapping[str, Any],
    author: str,
    keys: Mapping[str, tuple[str, str]],
    verified: Callable[[str], bool] | None = None,
) -> str | None:
    """Why an event's personal signature does not hold (None when it does, or when the event
    carries none). ``keys`` maps a key id to (person, public key in base64). ``verified``
    answers whether the signature was already checked against that public key (by an import's
    worker process): the key and the person are checked all the same."""
    proof = payload.get(PROOF)
    if proof is None:
        return None
    if not isinstance(proof, Mapping):
        return "signature personnelle illisible"
    key, signature, person = proof.get("key"), proof.get("signature"), proof.get("person")
    if not isinstance(key, str) or not isinstance(signature, str) or not isinstance(person, str):
        return "signature personnelle illisible"
    known = keys.get(key)
    if known is None:
        return f"signature personnelle par une clé inconnue du registre ({key[:16]})"
    owner, public = known
    if owner != person or person != author:
        return "signature personnelle d'une autre personne que l'auteur de l'événement"
    if verified is not None and verified(public):
        return None
    if not verify(public, signed_message(dossier, type, payload), signature):
        return "signature personnelle fausse : le contenu signé a été modifié"
    return None


# How the documents and screens name each signed event (French, for people).
SIGNED_LABELS = {
    "attestation.signed": "Carnet de suivi : signature",
    "attestation.withdrawn": "Carnet de suivi : signature retirée",
    "grid.signed": "Grille : signature d'un évaluateur",
    "criterion.amended": "Grille : avenant",
    "jury.proposed": "Proposition du jury local",
    "vae.competency_decided": "VAE : décision sur une compétence",
    "jury.proclaimed": "Proclamation du jury national",
    "conflict.resolved": "Conflit entre postes tranché",
}
UNSIGNED_BEFORE = "sans signature personnelle"


def signature_states(
    events: Iterable[Any], keys: Mapping[str, tuple[str, str]]
) -> dict[str, str | None]:
    """For each event a person signs: None when its personal signature verifies, otherwise
    why not (« sans signature personnelle » for events recorded before issue 11)."""
    states: dict[str, str | None] = {}
    for event in events:
        if event.type not in SIGNED_TYPES:
            continue
        if event.payload.get(PROOF) is None:
            states[event.id] = UNSIGNED_BEFORE
        else:
            states[event.id] = check_proof(
                event.dossier, event.type, event.payload, event.author, keys
            )
    return states


def signature_checks(
    events: Iterable[Any], keys: Mapping[str, tuple[str, str]]
) -> dict[tuple[str, str], str | None]:
    """The same states keyed by (author, time): how a document finds the check of a signature
    it shows from the dossier's state (a logbook signature, a grid's, an amendment), which
    keeps the person and the time but not the event."""
    events = list(events)
    states = signature_states(events, keys)
    return {(e.author, e.ts): states[e.id] for e in events if e.id in states}


def verification_text(state: str | None) -> str:
    """A signature's check in words, for the documents."""
    if state is None:
        return "signature personnelle vérifiée"
    if state == UNSIGNED_BEFORE:
        return "sans signature personnelle (antérieure à leur mise en place)"
    return f"signature personnelle NON vérifiée : {state}"
