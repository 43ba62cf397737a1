"""Durable file replacement: temp file, fsync, keep the previous version, rename, fsync folder."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

TMP_MARK = ".tmp-"
BACKUP_SUFFIX = ".bak"


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, keep_backup: bool = True) -> None:
    """Replaces ``path`` with ``data`` so that a crash leaves either the old or the new file.

    With ``keep_backup``, ``<name>.bak`` holds the previous version (a hard link to the old
    file, so it costs no copy); a file's first version gets a copy of its own instead, so no
    file is ever without a backup that its own damage cannot reach.
    """
    existed = path.exists()
    staged = _stage(path, data)
    try:
        if keep_backup and existed:
            _link_backup(path)
        os.replace(staged, path)
    except BaseException:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise
    if keep_backup and not existed:
        first_copy = _stage(path, data)
        os.replace(first_copy, backup_path(path))
    fsync_dir(path.parent)


def _stage(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """Writes ``data`` to a temporary file beside ``path`` (durably unless told otherwise)."""
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def _link_backup(path: Path) -> None:
    staged = path.with_name(f".{path.name}{BACKUP_SUFFIX}{TMP_MARK}{secrets.token_hex(4)}")
    try:
        os.link(path, staged)
    except OSError:
        # No hard links here (some network or FAT file systems): copy instead.
        staged.write_bytes(path.read_bytes())
    os.replace(staged, backup_path(path))


def clean_stale_temporaries(folder: Path) -> list[Path]:
    """Removes temp files left by a process killed mid-write; the real files are untouched."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        if entry.name.startswith(".") and TMP_MARK in entry.name:
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed
