"""The append-only storage's writes (store/storage.py), checked on the files they leave:

- ``AppendOnlyStorage.write`` (TinyDB's interface) refuses, naming the table, a write that
  drops a document while adding another (same count) or changes one under its id, and writes
  nothing; a document given again equal but not the same object is no change;
- ``append_many`` (an import's write to many dossiers): new files readable by their owner only,
  every file's data synced before it is acknowledged, and a failure takes every addition back
  and is raised as it was (the files extended cut back to their size, no staged file left);
- a damaged file with a backup beside names it; ``tail_documents`` reads only its window;
  a stored document sent to another process (pickled) stays the same read-only document.

The TinyDB calls that reach these refusals (test_store.py) never drop and add in one write;
the import's tests (test_sync*.py) check what was imported, not the files' modes nor syncs.
"""

from __future__ import annotations

import errno
import os
import pickle
import stat
from pathlib import Path
from typing import Any

import pytest

from store.atomic import TMP_MARK
from store.errors import CorruptFileError, StoreError
from store.storage import (
    AppendOnlyStorage,
    FrozenDict,
    append_many,
    parse_log,
    parse_tables,
    tail_documents,
)
from tests.conftest import umask


def _stored(path: Path, count: int) -> AppendOnlyStorage:
    storage = AppendOnlyStorage(path)
    storage.append("events", [{"n": n} for n in range(1, count + 1)])
    return storage


def test_a_write_that_drops_one_document_for_another_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c-1.json"
    storage = _stored(path, 2)
    before = path.read_bytes()
    tables: dict[str, dict[str, Any]] = storage.read() or {}
    events = tables["events"]
    with pytest.raises(StoreError) as dropped:
        storage.write({"events": {"1": events["1"], "3": {"n": 3}}})
    assert str(dropped.value) == (
        "refus d'effacer un enregistrement de « events » : l'historique est en ajout seul"
    )
    with pytest.raises(StoreError) as changed:
        storage.write({"events": {"1": events["1"], "2": {"n": 20}, "3": {"n": 3}}})
    assert str(changed.value) == (
        "refus de réécrire un enregistrement de « events » : l'historique est en ajout seul"
    )
    assert path.read_bytes() == before
    # The same documents given again as plain copies, and one added: only the new one written.
    storage.write({"events": {"1": {"n": 1}, "2": {"n": 2}, "3": {"n": 3}}})
    assert parse_tables(path.read_bytes(), path)["events"] == {
        "1": {"n": 1}, "2": {"n": 2}, "3": {"n": 3},
    }  # fmt: skip


def _docs(*numbers: int) -> list[dict[str, Any]]:
    return [{"n": n} for n in numbers]


def test_an_import_makes_new_files_readable_by_their_owner_only(tmp_path: Path) -> None:
    with umask(0o022):
        append_many(
            "events", [(tmp_path / "c-1.json", _docs(1)), (tmp_path / "c-2.json", _docs(2))]
        )
    for name in ("c-1.json", "c-2.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_an_import_syncs_every_file_before_it_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stored(tmp_path / "c-1.json", 1)
    _stored(tmp_path / "c-2.json", 1)
    synced: list[str] = []
    real = os.fdatasync

    def recorded(fd: int) -> None:
        real(fd)
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")).name)

    monkeypatch.setattr(os, "fdatasync", recorded)
    paths = [tmp_path / "c-1.json", tmp_path / "c-2.json", tmp_path / "c-3.json"]
    append_many("events", [(p, _docs(7)) for p in paths])
    monkeypatch.undo()
    # The new file's data is synced under its staged name, before it is renamed into place.
    assert sorted(n if TMP_MARK not in n else "staged" for n in synced) == [
        "c-1.json", "c-2.json", "staged",
    ]  # fmt: skip
    # Each document takes the next id of its file's table.
    assert [list(parse_tables(p.read_bytes(), p)["events"].items()) for p in paths] == [
        [("1", {"n": 1}), ("2", {"n": 7})], [("1", {"n": 1}), ("2", {"n": 7})], [("1", {"n": 7})],
    ]  # fmt: skip


def test_an_import_that_fails_takes_every_addition_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, new, last = tmp_path / "c-1.json", tmp_path / "c-2.json", tmp_path / "c-3.json"
    _stored(first, 1)
    _stored(last, 1)
    before = {p: p.read_bytes() for p in (first, last)}
    real_write = os.write

    def full(fd: int, data: Any) -> int:
        if os.readlink(f"/proc/self/fd/{fd}") == str(last):
            raise OSError(errno.ENOSPC, "le disque est plein")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError) as caught:
        append_many("events", [(first, _docs(2)), (new, _docs(1)), (last, _docs(2))])
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC
    assert {p: p.read_bytes() for p in (first, last)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c-1.json", "c-3.json"]


def test_an_import_whose_undoing_fails_too_raises_its_first_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, last = tmp_path / "c-1.json", tmp_path / "c-2.json"
    _stored(first, 1)
    _stored(last, 1)
    real_write, real_truncate = os.write, os.ftruncate
    failed = []

    def full(fd: int, data: Any) -> int:
        if os.readlink(f"/proc/self/fd/{fd}") == str(last):
            failed.append(True)
            raise OSError(errno.ENOSPC, "le disque est plein")
        return real_write(fd, data)

    def truncate(fd: int, size: int) -> None:
        if failed:
            raise OSError(errno.EIO, "erreur d'entrée-sortie")
        real_truncate(fd, size)

    monkeypatch.setattr(os, "write", full)
    monkeypatch.setattr(os, "ftruncate", truncate)
    with pytest.raises(OSError) as caught:
        append_many("events", [(first, _docs(2)), (last, _docs(2))])
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC


def test_an_import_that_cannot_stage_a_new_file_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "c-1.json"
    _stored(first, 1)
    before = first.read_bytes()
    real_open = os.open

    def refused(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if TMP_MARK in str(path):
            raise OSError(errno.EMFILE, "trop de fichiers ouverts")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(OSError) as caught:
        append_many("events", [(first, _docs(2)), (tmp_path / "c-2.json", _docs(1))])
    monkeypatch.undo()
    assert caught.value.errno == errno.EMFILE
    assert first.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c-1.json"]


def test_an_import_over_a_damaged_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "c-1.json"
    path.write_bytes(b"pas un journal\n")
    with pytest.raises(CorruptFileError) as caught:
        append_many("events", [(path, _docs(1))])
    assert caught.value.path == path


def test_a_damaged_file_names_its_backup(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    backup = tmp_path / "registry.json.bak"
    backup.write_bytes(b"")
    with pytest.raises(CorruptFileError) as caught:
        parse_log(b"", path)
    assert caught.value.backup == backup


def test_the_tail_is_read_from_its_window_only(tmp_path: Path) -> None:
    path = tmp_path / "c-1.json"
    storage = AppendOnlyStorage(path)
    storage.append("events", [{"n": n, "pad": "x" * 200} for n in range(1, 1001)])
    raw = path.read_bytes()
    # The records whose line lies whole after the window's start (65,536 bytes from the end;
    # it falls inside a line, read from its middle and left out).
    starts = [0] + [i + 1 for i, byte in enumerate(raw[:-1]) if byte == ord("\n")]
    cut = len(raw) - 65536
    assert cut not in starts
    whole = sum(1 for start in starts if start > cut)
    assert [doc["n"] for doc in tail_documents(path)] == list(range(1001 - whole, 1001))
    # A window the size of the file reads every record, the first one too.
    assert [doc["n"] for doc in tail_documents(path, window=len(raw))] == list(range(1, 1001))
    assert [doc["n"] for doc in tail_documents(path, window=1 << 20)] == list(range(1, 1001))


def test_a_stored_document_sent_to_another_process_stays_read_only(tmp_path: Path) -> None:
    path = tmp_path / "c-1.json"
    _stored(path, 1)
    doc = parse_tables(path.read_bytes(), path)["events"]["1"]
    sent = pickle.loads(pickle.dumps(doc))
    assert type(sent) is FrozenDict and sent == {"n": 1}
    with pytest.raises(StoreError):
        sent["n"] = 2


def test_a_write_the_system_takes_in_parts_is_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``os.write`` may write less than it is given (a signal, a pipe, a quota): the rest is
    written after it, for a dossier written in place and for an import's files alike."""
    real_write = os.write

    def short(fd: int, data: Any) -> int:
        return real_write(fd, bytes(data[:100]))

    path = tmp_path / "c-1.json"
    monkeypatch.setattr(os, "write", short)
    _stored(path, 1)  # a new file
    AppendOnlyStorage(path).append("events", _docs(*range(2, 30)))  # appended in place
    append_many("events", [(path, _docs(30)), (tmp_path / "c-2.json", _docs(1))])
    monkeypatch.undo()
    assert list(parse_tables(path.read_bytes(), path)["events"].values()) == _docs(*range(1, 31))
    second = tmp_path / "c-2.json"
    assert list(parse_tables(second.read_bytes(), second)["events"].values()) == _docs(1)
