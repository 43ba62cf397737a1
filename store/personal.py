"""The secretariat's check of personal signatures in what it imports (issue 11).

A bundle whose events carry a personal signature that does not verify — forged, made with a
key the registry does not name, or by someone else than the event's author — is refused
whole, like a bundle whose station signature fails. Keys come from the registry already held
and from the registry events arriving in the same import.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Any

from models.signatures import PROOF, check_proof, signed_message, verify
from store.bundle import BundleError
from store.layout import REGISTRY


def keys_in(raws: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    keys: dict[str, tuple[str, str]] = {}
    for raw in raws:
        if raw.get("dossier") == REGISTRY and raw.get("type") == "credential.registered":
            payload = raw.get("payload") or {}
            key, person, public = (
                payload.get("key"),
                payload.get("person"),
                payload.get("public_key"),
            )
            if isinstance(key, str) and isinstance(person, str) and isinstance(public, str):
                keys[key] = (person, public)
    return keys


def check_personal_signatures(
    known_keys: Mapping[str, tuple[str, str]],
    events: list[dict[str, Any]],
    pending: Mapping[str, list[dict[str, Any]]],
    verified: Container[tuple[str, str]] = (),
) -> None:
    """Raises BundleError naming the first event whose personal signature does not hold.
    ``verified`` holds (event hash, public key) pairs whose signature a worker process has
    checked already: only the key's owner is checked again for those."""
    keys = {
        **known_keys,
        **keys_in(pending.get(REGISTRY, [])),
        **keys_in(events),
    }
    for raw in events:
        payload = raw.get("payload")
        if not isinstance(payload, Mapping) or "proof" not in payload:
            continue
        event_hash = str(raw.get("hash"))

        def seen(public: str, event_hash: str = event_hash) -> bool:
            return (event_hash, public) in verified

        why = check_proof(
            str(raw.get("dossier")), str(raw.get("type")), payload, str(raw.get("author")), keys,
            seen,
        )  # fmt: skip
        if why is not None:
            raise BundleError(
                f"lot refusé : événement n° {raw.get('seq')} ({raw.get('type')}), {why}"
            )


def verified_proofs(
    known_keys: Mapping[str, tuple[str, str]], events: Iterable[Mapping[str, Any]]
) -> frozenset[tuple[str, str]]:
    """The (event hash, public key) pairs whose personal signature verifies, among the events
    that carry one and name a key known here or registered in ``events`` themselves. Run by an
    import's worker processes, beside the other checks of a bundle: Ed25519 is most of the
    importing process's own work otherwise (about 20,000 signatures in 1,000 bundles)."""
    events = list(events)
    keys = {**known_keys, **keys_in(events)}
    ok: set[tuple[str, str]] = set()
    for raw in events:
        payload = raw.get("payload")
        proof = payload.get(PROOF) if isinstance(payload, Mapping) else None
        if not isinstance(proof, Mapping):
            continue
        assert isinstance(payload, Mapping)
        known = keys.get(str(proof.get("key")))
        signature = proof.get("signature")
        if known is None or not isinstance(signature, str):
            continue
        public = known[1]
        message = signed_message(str(raw.get("dossier")), str(raw.get("type")), payload)
        if verify(public, message, signature):
            ok.add((str(raw.get("hash")), public))
    return frozenset(ok)
