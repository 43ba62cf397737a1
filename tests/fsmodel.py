"""A power-cut model of the file system, at the os level, for tests.

It watches the calls that change files (``os.open`` with creation, ``write``, ``ftruncate``,
``replace``/``rename``, ``link``, ``unlink``) and the ones that make them durable (``fsync`` and
``fdatasync`` of a file: its content; ``fsync`` of a folder: its names). ``cut_at(n)`` stops the
process's work at the n-th change (as a power cut would) and ``rebuild(into)`` writes the
folder as a disk would hold it after the cut: only the names made durable by a folder fsync,
each with the content last made durable by a file sync (a file never synced is empty).

Reusable: ``with PowerModel(folder) as model: …`` then ``model.changes`` counts the changes of a
scenario; run it again with ``PowerModel(folder, cut_at=k)`` for every k.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHANGES = ("write", "ftruncate", "replace", "rename", "link", "unlink")
SYNCS = ("fsync", "fdatasync")


class PowerCut(BaseException):
    """Raised at the cut: nothing after it runs (BaseException, so no ``except OSError``)."""


class PowerModel:
    def __init__(self, root: Path, cut_at: int | None = None) -> None:
        self.root = root.resolve()
        self.cut_at = cut_at
        self.changes = 0
        self.down = False  # once cut, nothing more is made durable
        # Durable state: folder -> {name: inode}, inode -> content.
        self.names: dict[Path, dict[str, int]] = {}
        self.data: dict[int, bytes] = {}
        self._real: dict[str, Callable[..., Any]] = {}
        for folder in [self.root, *(p for p in self.root.rglob("*") if p.is_dir())]:
            self._snapshot_folder(folder)
            for entry in folder.iterdir():
                if entry.is_file():
                    self.data[entry.stat().st_ino] = entry.read_bytes()

    # --- the model ---------------------------------------------------------------------------

    def _inside(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents

    def _snapshot_folder(self, folder: Path) -> None:
        self.names[folder] = {e.name: e.stat().st_ino for e in folder.iterdir() if e.is_file()}

    def _path_of(self, fd: int) -> Path:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))

    def _change(self) -> None:
        if self.cut_at is not None and self.changes == self.cut_at:
            self.down = True
            raise PowerCut()
        self.changes += 1

    def _sync(self, fd: int) -> None:
        if self.down:
            return  # the power is gone: a sync still under way in another thread keeps nothing
        path = self._path_of(fd)
        if not self._inside(path):
            return
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            self._snapshot_folder(path)
        else:
            # Through /proc: the descriptor may be write-only.
            self.data[info.st_ino] = Path(f"/proc/self/fd/{fd}").read_bytes()

    def rebuild(self, into: Path) -> None:
        """The folder as the disk holds it after the cut."""
        for folder, names in self.names.items():
            target = into / folder.relative_to(self.root)
            target.mkdir(parents=True, exist_ok=True)
            for name, inode in names.items():
                (target / name).write_bytes(self.data.get(inode, b""))

    # --- the patch ---------------------------------------------------------------------------

    def __enter__(self) -> PowerModel:
        model = self

        def changing(name: str) -> Callable[..., Any]:
            real = getattr(os, name)

            def call(*args: Any, **kwargs: Any) -> Any:
                model._change()
                return real(*args, **kwargs)

            return call

        def syncing(name: str) -> Callable[..., Any]:
            real = getattr(os, name)

            def call(fd: int) -> Any:
                result = real(fd)
                model._sync(fd)
                return result

            return call

        for name in (*CHANGES, *SYNCS):
            self._real[name] = getattr(os, name)
        for name in CHANGES:
            setattr(os, name, changing(name))
        for name in SYNCS:
            setattr(os, name, syncing(name))
        return self

    def __exit__(self, *exc_info: object) -> None:
        for name, real in self._real.items():
            setattr(os, name, real)
