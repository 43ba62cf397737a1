"""Data folders of the first release (format 1) move to the current format on first open.

Format 1 kept each dossier and the registry as one TinyDB JSON object, rewritten whole at every
change, with a full copy beside it (``.bak``). Each file is migrated on its own: its events are
checked, written as records of the current format to a temporary file made durable, renamed
over the old file, the folder synced, and only then is the ``.bak`` removed. A kill at any moment leaves every file
either old (migrated at the next open) or new, and never without a readable copy.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from models.events import Event, EventError
from store.atomic import backup_path, fsync_dir
from store.errors import CorruptFileError
from store.layout import DOSSIERS, EVENTS, REGISTRY_FILE
from store.storage import FORMAT_V1_START, record_lines, write_new_file

Tables = dict[str, dict[str, Any]]


def data_files(folder: Path) -> list[Path]:
    return [folder / REGISTRY_FILE, *sorted((folder / DOSSIERS).glob("c-*.json"))]


def is_v1(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(1) == FORMAT_V1_START
    except FileNotFoundError:
        return False


def parse_v1(raw: bytes, path: Path) -> Tables:
    """A format-1 file, its events checked: anything else is corruption, never read as empty."""
    if not raw.strip():
        raise CorruptFileError(path, "fichier vide", _backup(path), repairable=True)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptFileError(
            path, f"JSON invalide : {exc}", _backup(path), repairable=True
        ) from exc
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise CorruptFileError(path, "ce n'est pas une base carnet", _backup(path), repairable=True)
    for doc_id, raw_event in data.get(EVENTS, {}).items():
        try:
            Event.from_stored(raw_event)
        except EventError as exc:
            raise CorruptFileError(
                path, f"enregistrement {doc_id} : {exc}", _backup(path), repairable=True
            ) from exc
    return data


def migrate_folder(folder: Path) -> list[Path]:
    """Migrates every format-1 data file; returns the files migrated. A file that does not
    read stops the migration with its name (``carnet recover`` restores it from its backup)."""
    migrated = []
    for path in data_files(folder):
        backup = backup_path(path)
        if is_v1(path):
            migrate_file(path)
            migrated.append(path)
        elif path.exists() and backup.exists():
            # Killed after the rename, before the old backup went: the new file is durable.
            with contextlib.suppress(OSError):
                backup.unlink()
    return migrated


def migrate_file(path: Path) -> None:
    tables = parse_v1(path.read_bytes(), path)
    records = [
        (name, doc_id, doc)
        for name, table in tables.items()
        for doc_id, doc in sorted(table.items(), key=lambda item: _id_order(item[0]))
    ]
    data, _ = record_lines(b"", records)
    if not records:
        # An empty format-1 database holds nothing to keep; later formats have no empty files.
        path.unlink()
    else:
        write_new_file(path, data)
    backup = backup_path(path)
    if backup.exists():
        backup.unlink()
    fsync_dir(path.parent)


def _id_order(doc_id: str) -> tuple[int, str]:
    return (int(doc_id), "") if doc_id.isdigit() else (1 << 62, doc_id)


def _backup(path: Path) -> Path | None:
    backup = backup_path(path)
    return backup if backup.exists() else None
