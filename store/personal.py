"""The secretariat's check of personal signatures in what it imports (issue 11).

A bundle whose events carry a personal signature that does not verify — forged, made with a
key the registry does not name, or by someone else than the event's author — is refused
whole, like a bundle whose station signature fails. Keys come from the registry already held
and from the registry events arriving in the same import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from models.signatures import check_proof
from store.bundle import BundleError
from store.layout import REGISTRY


def _keys_in(raws: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
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
) -> None:
    """Raises BundleError naming the first event whose personal signature does not hold."""
    keys = {
        **known_keys,
        **_keys_in(pending.get(REGISTRY, [])),
        **_keys_in(events),
    }
    for raw in events:
        payload = raw.get("payload")
        if not isinstance(payload, Mapping) or "proof" not in payload:
            continue
        why = check_proof(
            str(raw.get("dossier")), str(raw.get("type")), payload, str(raw.get("author")), keys
        )
        if why is not None:
            raise BundleError(
                f"lot refusé : événement n° {raw.get('seq')} ({raw.get('type')}), {why}"
            )
