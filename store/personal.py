"""The secretariat's check of personal signatures in what it imports (issue 11).

A bundle whose events carry a personal signature that does not verify — forged, made with a
key the registry does not name, or by someone else than the event's author — is refused
whole, like a bundle whose station signature fails. Keys come from the registry already held
and from the registry events arriving in the same import.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any, TypeGuard

from models.signatures import PROOF, check_proof, load_verifier, signed_message, verify
from store import beside as beside_
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
    todo = _signed(events)
    return _pairs(keys, events, [i for i in todo if _verifies(keys, events[i])])


def _signed(events: Sequence[Mapping[str, Any]]) -> list[int]:
    """The positions of the events that carry a personal signature (a proof)."""
    found = []
    for index, raw in enumerate(events):
        payload = raw.get("payload")
        if isinstance(payload, Mapping) and isinstance(payload.get(PROOF), Mapping):
            found.append(index)
    return found


def _verifies(keys: Mapping[str, tuple[str, str]], raw: Mapping[str, Any]) -> bool:
    payload = raw["payload"]
    proof = payload[PROOF]
    known = keys.get(str(proof.get("key")))
    signature = proof.get("signature")
    if known is None or not isinstance(signature, str):
        return False
    message = signed_message(str(raw.get("dossier")), str(raw.get("type")), payload)
    return verify(known[1], message, signature)


def _pairs(
    keys: Mapping[str, tuple[str, str]],
    events: Sequence[Mapping[str, Any]],
    verified: Iterable[int],
) -> frozenset[tuple[str, str]]:
    return frozenset(
        (str(events[i].get("hash")), keys[str(events[i]["payload"][PROOF].get("key"))][1])
        for i in verified
    )


# Below this much JSON (about 300 events, 100 signatures at most), the signatures are verified
# in this process: a child costs a few milliseconds to start.
BESIDE_FROM = 256 * 1024
# How long the child may take before its answer is given up (and the signatures verified
# here): this, plus a second for each 2 MB of JSON, 30 times what it takes.
BESIDE_WAIT = 10.0
BESIDE_BYTES_A_SECOND = 2 * 1024 * 1024


def _events_of(text: bytes) -> list[Mapping[str, Any]]:
    """A bundle's events from its content's JSON (``{"events": [...], ...}`` or, before
    version 2, the list itself). Anything else raises: the child then has no answer, and the
    importing process refuses the bundle with its own reason."""
    content = json.loads(text)
    listed = content.get("events") if isinstance(content, dict) else content
    if not isinstance(listed, list) or not all(isinstance(raw, Mapping) for raw in listed):
        raise ValueError("pas une liste d'événements")
    return listed


def _are_pairs(value: Any) -> TypeGuard[frozenset[tuple[str, str]]]:
    return isinstance(value, frozenset) and all(
        isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
        for pair in value
    )


class ProofsBeside:
    """``verified_proofs`` of a bundle's events, worked out on another processor while this
    process checks the events themselves (hashes, payloads, chains): Ed25519 is a third of the
    import of a secretariat's bundle for a station (3,700 signatures for 100 candidates), and
    the library holds the interpreter's lock while it verifies, so only a process runs beside.

    Given the bundle's content as JSON (``text``, large enough), a child (``store.beside``)
    forked before this process decodes it decodes it too, verifies every signature its events
    carry and sends back the (event hash, public key) pairs that verify; which person a key is
    stays for this process to say (``check_personal_signatures``). Forked before the decoding,
    the child shares no object that this process then touches: had it been forked after, each
    page of the decoded events would be copied as this process checks them (30 ms of a
    station's import, more on a loaded machine). Should it give no answer, the signatures are
    verified here instead: slower, never different. Otherwise (no text, a small one, or one
    processor) they are verified here when ``result`` is called, after the events' own
    checks. Use it as a context manager: leaving it stops a child whose answer is no longer
    needed (a bundle refused meanwhile)."""

    def __init__(
        self,
        known_keys: Mapping[str, tuple[str, str]],
        text: bytes | None = None,
        *,
        beside: bool = True,
    ) -> None:
        self._known = known_keys
        self._child: beside_.Child | None = None
        if beside and text is not None and len(text) >= BESIDE_FROM and beside_.can_fork():
            load_verifier()  # here: a forked child imports nothing
            self._child = beside_.fork(
                lambda: verified_proofs(known_keys, _events_of(text)),
                wait=BESIDE_WAIT + len(text) / BESIDE_BYTES_A_SECOND,
            )

    def result(self, events: Iterable[Mapping[str, Any]]) -> frozenset[tuple[str, str]]:
        """The verified pairs of ``events`` (the same events as given, once checked)."""
        if self._child is not None:
            answered, verified = self._child.result()
            self._child = None
            if answered and _are_pairs(verified):
                return verified
        return verified_proofs(self._known, events)

    def later(
        self, events: Iterable[Mapping[str, Any]]
    ) -> frozenset[tuple[str, str]] | PendingProofs:
        """``result``, or, while the child still works, what will ask it for it only when the
        answer is needed: the importing process goes on with what does not need it (the
        bundle's chains and heads) meanwhile. The caller closes it (``release``)."""
        if self._child is None:
            return self.result(events)
        return PendingProofs(self, list(events))

    def close(self) -> None:
        if self._child is not None:
            self._child.close()
            self._child = None

    def __enter__(self) -> ProofsBeside:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class PendingProofs:
    """The verified pairs of a bundle, asked of the child at the first question."""

    def __init__(self, owner: ProofsBeside, events: list[Mapping[str, Any]]) -> None:
        self._owner = owner
        self._events = events
        self._pairs: frozenset[tuple[str, str]] | None = None

    def __contains__(self, pair: object) -> bool:
        if self._pairs is None:
            self._pairs = self._owner.result(self._events)
            self._events = []
        return pair in self._pairs

    def close(self) -> None:
        """Stops the child if its answer was never asked for (the bundle refused meanwhile)."""
        self._owner.close()


def release(proofs: Container[tuple[str, str]]) -> None:
    """Done with a bundle's verified pairs: a child still working for them is stopped."""
    if isinstance(proofs, PendingProofs):
        proofs.close()
