"""One replication model for every folder: per-origin event chains, heads signed by their
origin, and what each other folder is known to hold.

A bundle may carry events of any origin. The sender's own events are vouched for by the
bundle's signature; every other origin's events must chain up to a *head* (sequence number and
hash) signed by that origin's key, which travels with them: so the secretariat forwards and
distributes what the stations sent, and each event stays verifiable against its origin's key.

``replication.json`` keeps, per other folder, what it is known to hold (per origin, ranges of
sequence numbers: what it sent us, what it says it holds, what its receipts acknowledge); and
the signed heads of every origin, to forward with its events (what was sent to each folder is
in sync.json's list of bundles). An export
for a folder holds what it is not known to have; losing this file only means sending again.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from models.events import canonical
from store.atomic import atomic_write, backup_path
from store.errors import CorruptFileError
from store.keys import StationKey, TrustedKey

REPLICATION_NAME = "replication.json"
_HEAD = b"carnet-tete\n"


def add_ranges(ranges: list[list[int]], more: Iterable[Sequence[int]]) -> list[list[int]]:
    """Inclusive ranges, merged and sorted."""
    merged: list[list[int]] = []
    for a, b in sorted(
        [*([int(r[0]), int(r[1])] for r in ranges), *([int(r[0]), int(r[1])] for r in more)]
    ):
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def ranges_of(seqs: Iterable[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for seq in sorted(set(seqs)):
        if ranges and ranges[-1][1] == seq - 1:
            ranges[-1][1] = seq
        else:
            ranges.append([seq, seq])
    return ranges


def covered(ranges: Sequence[Sequence[int]], seq: int) -> bool:
    return any(a <= seq <= b for a, b in ranges)


# --- heads signed by their origin -------------------------------------------------------------


def _head_bytes(origin: str, seq: int, digest: str, spine: str) -> bytes:
    return _HEAD + canonical({"origin": origin, "seq": seq, "hash": digest, "spine": spine})


def _packed(hashes: Sequence[str] | bytes) -> bytes:
    """The hashes end to end, 32 bytes each (already so when given as bytes: ``Chains.span``)."""
    return hashes if isinstance(hashes, bytes) else b"".join(bytes.fromhex(h) for h in hashes)


def spine_digest(hashes: Sequence[str] | bytes) -> str:
    """SHA-256 of the hashes of an origin's events 1…n, end to end: what a head signs, so that
    any of those events can be forwarded alone, checked against the list (the spine)."""
    return hashlib.sha256(_packed(hashes)).hexdigest()


def sign_head(key: StationKey, origin: str, hashes: Sequence[str]) -> dict[str, Any]:
    seq, digest, spine = len(hashes), hashes[-1], spine_digest(hashes)
    signature = key.sign(_head_bytes(origin, seq, digest, spine))
    return {
        "seq": seq,
        "hash": digest,
        "spine": spine,
        "signature": base64.b64encode(signature).decode(),
    }


def head_is_valid(key: TrustedKey, origin: str, head: Any) -> bool:
    if not isinstance(head, dict):
        return False
    seq, digest, spine = head.get("seq"), head.get("hash"), head.get("spine")
    if not isinstance(seq, int) or seq < 1 or not isinstance(digest, str) or len(digest) != 64:
        return False
    if not isinstance(spine, str) or len(spine) != 64:
        return False
    try:
        raw = base64.b64decode(str(head.get("signature")), validate=True)
    except ValueError:
        return False
    return key.verify(raw, _head_bytes(origin, seq, digest, spine))


def encode_spine(hashes: Sequence[str] | bytes) -> str:
    return base64.b64encode(_packed(hashes)).decode()


def spine_hashes(head: dict[str, Any], encoded: Any) -> list[str] | None:
    """The hashes of events 1…n that a (valid) head signed, or None if ``encoded`` is not
    that list."""
    if not isinstance(encoded, str):
        return None
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError:
        return None
    if len(raw) != 32 * int(head["seq"]) or hashlib.sha256(raw).hexdigest() != head["spine"]:
        return None
    hashes = [raw[i : i + 32].hex() for i in range(0, len(raw), 32)]
    return hashes if hashes[-1] == head["hash"] else None


def authenticated(
    events: Sequence[dict[str, Any]],
    heads: Iterable[tuple[int, str]],
    edges: Iterable[tuple[int, str]],
) -> set[int]:
    """The sequence numbers of ``events`` (one origin) that chain up to a signed head, or to
    an event already held (``edges``: the hash expected at a number, from what was received).
    Walks down from the newest: an authenticated event vouches for its previous hash."""
    trusted = {(seq, digest) for seq, digest in heads} | set(edges)
    good: set[int] = set()
    for raw in sorted(events, key=lambda r: -int(r["seq"])):
        seq = int(raw["seq"])
        if (seq, raw["hash"]) in trusted:
            good.add(seq)
            trusted.add((seq - 1, str(raw["prev"])))
    return good


# --- what each other folder holds ---------------------------------------------------------------


def bundles_received(entry: dict[str, Any]) -> int:
    """How many bundles were received from a folder: counted apart from the details of the
    latest ones, which are all that is kept (a file of the release before has only those)."""
    count = entry.get("bundles")
    return count if isinstance(count, int) else len(entry.get("received", []))


class Knowledge:
    def __init__(self, folder: Path) -> None:
        self.path = folder / REPLICATION_NAME
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raw = b"{}"
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError
            self.peers: dict[str, dict[str, Any]] = dict(data.get("peers", {}))
            self.heads: dict[str, list[dict[str, Any]]] = dict(data.get("heads", {}))
        except (ValueError, TypeError) as exc:  # TypeError: « peers » or « heads » a number
            # Written with a backup (``save``), which ``carnet recover`` restores: said so.
            backup = backup_path(self.path)
            raise CorruptFileError(
                self.path, "état de la réplication illisible", backup if backup.exists() else None
            ) from exc
        self.dirty = False

    def _peer(self, peer: str) -> dict[str, Any]:
        return self.peers.setdefault(peer, {"known": {}})

    def known(self, peer: str) -> dict[str, list[list[int]]]:
        known: dict[str, list[list[int]]] = self._peer(peer)["known"]
        return known

    def learn(self, peer: str, origin: str, ranges: Iterable[Sequence[int]]) -> None:
        known = self.known(peer)
        before = known.get(origin, [])
        after = add_ranges(before, ranges)
        if after != before:
            known[origin] = after
            self.dirty = True

    def record_received(self, peer: str, bundle: dict[str, Any]) -> None:
        entry = self._peer(peer)
        received = entry.setdefault("received", [])
        entry["bundles"] = bundles_received(entry) + 1
        received.append(bundle)
        del received[:-50]  # the stations view shows the latest ones only, and the count
        self.dirty = True

    def add_head(self, origin: str, head: dict[str, Any]) -> None:
        heads = self.heads.setdefault(origin, [])
        if any(h["seq"] == head["seq"] and h["hash"] == head["hash"] for h in heads):
            return
        heads.append({k: head[k] for k in ("seq", "hash", "spine", "signature")})
        heads.sort(key=lambda h: h["seq"])
        self.dirty = True

    def heads_from(self, origin: str, lowest: int) -> list[dict[str, Any]]:
        return [h for h in self.heads.get(origin, []) if h["seq"] >= lowest]

    def save(self) -> None:
        if not self.dirty:
            return
        data = {"peers": self.peers, "heads": self.heads}
        atomic_write(self.path, json.dumps(data, ensure_ascii=False).encode())
        self.dirty = False
