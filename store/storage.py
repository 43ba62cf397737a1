"""A TinyDB storage that survives crashes and refuses to rewrite history.

TinyDB's JSONStorage rewrites its file in place (a crash can leave it torn) and reads an empty
file as an empty database. This one writes through ``atomic_write``, refuses a file that is empty
or not JSON, keeps the last content in memory (this process holds the data lock, so nobody else
writes it) and, for append-only tables, re-encodes only the documents it has not seen, which
keeps a write proportional to what changed rather than to the whole dossier.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from store.atomic import atomic_write, backup_path
from store.errors import CorruptFileError, StoreError

Tables = dict[str, dict[str, Any]]


def _encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_tables(raw: bytes, path: Path) -> Tables:
    """Decodes a stored file; anything but a JSON object of tables is corruption."""
    backup = backup_path(path)
    known_backup = backup if backup.exists() else None
    if not raw.strip():
        raise CorruptFileError(path, "fichier vide", known_backup)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptFileError(path, f"JSON invalide : {exc}", known_backup) from exc
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise CorruptFileError(path, "ce n'est pas une base carnet", known_backup)
    return data


class SafeJSONStorage(Storage):
    def __init__(self, path: str | Path, append_only: Iterable[str] = ("events",)) -> None:
        self.path = Path(path)
        self._append_only = frozenset(append_only)
        self._data: Tables | None = None
        self._encoded: dict[str, _AppendOnlyCache] = {}

    def read(self) -> Tables | None:
        if self._data is None:
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return None
            data = parse_tables(raw, self.path)
            for name in self._append_only & data.keys():
                data[name] = {doc_id: freeze(doc) for doc_id, doc in data[name].items()}
            self._data = data
            self._encoded = {}
        return self._data

    def write(self, data: Tables) -> None:
        try:
            atomic_write(self.path, self._encode_tables(data))
        except BaseException:
            # TinyDB mutated the dict we handed it; forget it so the next read is the disk's.
            self._data = None
            self._encoded = {}
            raise
        self._data = data

    def close(self) -> None:
        self._data = None
        self._encoded = {}

    def _encode_tables(self, data: Tables) -> bytes:
        parts = []
        for name, table in data.items():
            if name in self._append_only:
                body = self._encode_append_only(name, table)
            else:
                body = _encode(table).encode()
            parts.append(_encode(name).encode() + b":" + body)
        return b"{" + b",".join(parts) + b"}"

    def _encode_append_only(self, name: str, table: dict[str, Any]) -> bytes:
        cache = self._encoded.get(name)
        if cache is None:
            cache = self._encoded[name] = _AppendOnlyCache()
        return cache.encode(name, table)


class _AppendOnlyCache:
    """The encoded form of an append-only table, extended by what was added since last time."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.docs: list[Any] = []
        self.texts: list[str] = []
        # Kept as UTF-8 bytes: re-encoding the whole dossier's text on every write costs more
        # than the write itself.
        self.body = b""

    def encode(self, name: str, table: dict[str, Any]) -> bytes:
        if len(table) < len(self.ids):
            raise StoreError(_refusal(name, "d'effacer"))
        items = iter(table.items())
        for index, (doc_id, doc) in enumerate(zip(self.ids, self.docs, strict=True)):
            new_id, new_doc = next(items)
            if new_id != doc_id:
                raise StoreError(_refusal(name, "d'effacer"))
            if new_doc is not doc:
                if _encode(new_doc) != self.texts[index]:
                    raise StoreError(_refusal(name, "de réécrire"))
                self.docs[index] = new_doc
        added = []
        for doc_id, doc in items:
            text = _encode(doc)
            # From now on the stored document cannot change in place (TinyDB's update does).
            doc = table[doc_id] = freeze(doc)
            self.ids.append(doc_id)
            self.docs.append(doc)
            self.texts.append(text)
            added.append(f"{_encode(doc_id)}:{text}")
        if added:
            joined = ",".join(added).encode()
            self.body = self.body + b"," + joined if self.body else joined
        return b"{" + self.body + b"}"


class FrozenDict(dict[str, Any]):
    """A stored record of an append-only table: reading works, any change is refused."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise StoreError("refus de réécrire un enregistrement : l'historique est en ajout seul")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]


def freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def _refusal(name: str, verb: str) -> str:
    return f"refus {verb} un enregistrement de « {name} » : l'historique est en ajout seul"
