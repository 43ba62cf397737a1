"""The hash of every event received from each origin, by sequence number: what tells a
second version of an event (a fork) from the same event received twice.

One small binary file per origin (``chaines/<origin>.bin``, 32 bytes per sequence number, zeros
where nothing was received), read when that origin's events arrive and rewritten once per
import. A folder written by the release before has none: they are rebuilt once from the
dossiers, which hold every event received.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from store.atomic import atomic_write

CHAINS = "chaines"
_WIDTH = 32
_EMPTY = bytes(_WIDTH)
_ORIGIN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Chains:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / CHAINS
        self._loaded: dict[str, bytearray] = {}
        self._dirty: set[str] = set()

    def _path(self, origin: str) -> Path:
        # An origin is named by what others send: never a path; an odd name gets its digest.
        if not _ORIGIN.match(origin) or origin.startswith("x-"):
            origin = "x-" + hashlib.sha256(origin.encode()).hexdigest()[:40]
        return self.folder / f"{origin}.bin"

    def exists(self, origin: str) -> bool:
        return origin in self._loaded or self._path(origin).exists()

    def _of(self, origin: str) -> bytearray:
        chain = self._loaded.get(origin)
        if chain is None:
            try:
                chain = bytearray(self._path(origin).read_bytes())
            except FileNotFoundError:
                chain = bytearray()
            chain = chain[: len(chain) - len(chain) % _WIDTH]  # a torn tail is never a hash
            self._loaded[origin] = chain
        return chain

    def hash_at(self, origin: str, seq: int) -> str | None:
        chain = self._of(origin)
        at = (seq - 1) * _WIDTH
        if seq < 1 or at + _WIDTH > len(chain):
            return None
        value = bytes(chain[at : at + _WIDTH])
        return None if value == _EMPTY else value.hex()

    def span(self, origin: str, last: int) -> bytes | None:
        """The hashes of events 1…``last`` end to end (32 bytes each), or None if any of them
        is not known here: ``b"".join`` of ``hash_at``'s, as bytes, without a call for each."""
        if last < 1:
            return b""
        chain = self._of(origin)
        if last * _WIDTH > len(chain):
            return None
        data = bytes(chain[: last * _WIDTH])
        view = memoryview(data)
        for at in range(0, len(data), _WIDTH):
            if view[at : at + _WIDTH] == _EMPTY:
                return None
        return data

    def put(self, origin: str, seq: int, digest: str) -> None:
        chain = self._of(origin)
        at = (seq - 1) * _WIDTH
        if len(chain) < at + _WIDTH:
            chain.extend(bytes(at + _WIDTH - len(chain)))
        chain[at : at + _WIDTH] = bytes.fromhex(digest)
        self._dirty.add(origin)

    def fill(self, origin: str, hashes: list[str]) -> None:
        """Hashes signed by the origin (its spine), where nothing is known yet."""
        chain = self._of(origin)
        try:
            spine = bytes.fromhex("".join(hashes))
        except ValueError:
            spine = b""
        if len(spine) != len(hashes) * _WIDTH:  # not all hashes: one by one, as put says
            for seq, digest in enumerate(hashes, 1):
                if self.hash_at(origin, seq) is None:
                    self.put(origin, seq, digest)
            return
        # The same, slot by slot on the bytes (a spine is 20,000 hashes and more).
        held = len(chain)
        for at in range(0, len(spine), _WIDTH):
            if at + _WIDTH > held or chain[at : at + _WIDTH] == _EMPTY:
                if len(chain) < at + _WIDTH:
                    chain.extend(bytes(at + _WIDTH - len(chain)))
                chain[at : at + _WIDTH] = spine[at : at + _WIDTH]
                self._dirty.add(origin)

    def put_all(self, events: Iterable[dict[str, Any]]) -> None:
        for raw in events:
            self.put(str(raw["station"]), int(raw["seq"]), str(raw["hash"]))

    def save(self) -> None:
        if not self._dirty:
            return
        self.folder.mkdir(exist_ok=True)
        for origin in sorted(self._dirty):
            atomic_write(self._path(origin), bytes(self._loaded[origin]), keep_backup=False)
        self._dirty.clear()


def rebuild(chains: Chains, origins: set[str], events: Iterator[dict[str, Any]]) -> None:
    """Fills the chains of ``origins`` from every event held (a folder of the release
    before, or a chain file lost)."""
    for raw in events:
        if raw.get("station") in origins:
            chains.put(str(raw["station"]), int(raw["seq"]), str(raw["hash"]))
    for origin in origins:
        chains._dirty.add(origin)
        chains._of(origin)
    chains.save()
