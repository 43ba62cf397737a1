"""On a file system without hard links (FAT, some network shares), replacing a file still
keeps its previous version as its backup, by a copy (no textual)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from store.atomic import atomic_write, backup_path


def test_the_previous_version_is_copied_when_links_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sync.json"
    atomic_write(path, b"premier")

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    atomic_write(path, b"second")
    assert path.read_bytes() == b"second"
    assert backup_path(path).read_bytes() == b"premier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sync.json", "sync.json.bak"]
