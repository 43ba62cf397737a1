"""The data lock and the grid to resume, checked exactly in this process.

The data lock was checked through a second ``Store.open`` (tests/test_store.py) and the crash
tests' processes; what a reader sees of a writer (``writer_active``), the lock file's mode and
what is said of a holder whose note is unreadable were not. The grid to resume after a crash
was reached by the Pilot flows only (slow).
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from pathlib import Path

import pytest

from store.errors import LockedError
from store.lock import LOCK_NAME, DataLock, writer_active
from store.store import Store
from tests.conftest import grid_with_people

LOCKED = (
    "Une autre instance de carnet utilise déjà ce dossier de données ({}). Fermez-la avant "
    "d'en ouvrir une autre."
)


def test_a_reader_sees_a_writer_only_while_it_holds_the_lock(tmp_path: Path) -> None:
    assert not writer_active(tmp_path)  # no lock file at all
    lock = DataLock(tmp_path)
    lock.acquire()
    try:
        assert writer_active(tmp_path)
        assert writer_active(tmp_path)  # looking does not take it
        mode = stat.S_IMODE(os.stat(tmp_path / LOCK_NAME).st_mode)
        assert mode == 0o600, oct(mode)
    finally:
        lock.release()
    assert not writer_active(tmp_path)
    assert (tmp_path / LOCK_NAME).read_bytes() == b""  # the holder's note is cleared


def _held_with_note(folder: Path, note: bytes) -> int:
    """The lock held by another open file whose note is ``note``, as a crashed or foreign
    holder would leave it."""
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    os.write(fd, note)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


@pytest.mark.parametrize(
    ("note", "holder"),
    [
        (b"\xff\xfe pas du texte", ""),
        (b"4242", ""),
        (b"", ""),
        (b"4242 poste-7\n", ", processus 4242 sur poste-7"),
        # Only the first 200 bytes are read.
        (b"12 " + b"h" * 197 + b"Z", ", processus 12 sur " + "h" * 197),
    ],
    ids=["not-utf8", "one-word", "empty", "pid-and-host", "long"],
)
def test_the_holder_is_named_only_when_its_note_says_who(
    tmp_path: Path, note: bytes, holder: str
) -> None:
    fd = _held_with_note(tmp_path, note)
    try:
        with pytest.raises(LockedError) as caught:
            DataLock(tmp_path).acquire()
        assert str(caught.value) == LOCKED.format(f"{tmp_path}{holder}")
        assert writer_active(tmp_path)
    finally:
        os.close(fd)
    with DataLock(tmp_path):
        pid, host = (tmp_path / LOCK_NAME).read_text().split()
        assert int(pid) == os.getpid() and host


def test_the_grid_on_screen_is_the_one_to_resume_after_a_restart(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        assert store.open_grid_to_resume() is None  # nothing remembered yet
        candidate, grid, _ = grid_with_people(store, "gc.b2")
        store.remember_open_grid(candidate, grid)
        assert store.open_grid_to_resume() == (candidate, grid)
        session = json.loads((folder / "session.json").read_bytes())
        assert session == {"candidate": candidate, "grid": grid}
        # A convenience file: no backup is kept of it.
        assert sorted(p.name for p in folder.glob("session.json*")) == ["session.json"]
    with Store.open(folder) as store:
        assert store.open_grid_to_resume() == (candidate, grid)
        store.remember_open_grid(None, None)  # the grid was left
        assert json.loads((folder / "session.json").read_bytes()) == {}
        assert store.open_grid_to_resume() is None
        # Half of it is nothing to resume: nothing is kept.
        store.remember_open_grid(candidate, None)
        assert json.loads((folder / "session.json").read_bytes()) == {}
        store.remember_open_grid(None, grid)
        assert json.loads((folder / "session.json").read_bytes()) == {}
        assert store.open_grid_to_resume() is None


@pytest.mark.parametrize(
    "content",
    [
        b"{pas du json",
        b"[]",
        b'{"candidate": "c-inconnu", "grid": "g"}',
        b'{"grid": "g"}',
        b'{"candidate": "CAND", "grid": "grille-inconnue"}',
    ],
    ids=["damaged", "not-an-object", "unknown-candidate", "no-candidate", "unknown-grid"],
)
def test_a_remembered_grid_that_cannot_be_resumed_is_forgotten(
    tmp_path: Path, content: bytes
) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        candidate, _, _ = grid_with_people(store, "gc.b2")
        (folder / "session.json").write_bytes(content.replace(b"CAND", candidate.encode()))
        assert store.open_grid_to_resume() is None


def test_remembering_the_grid_never_fails_a_write(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        candidate, grid, _ = grid_with_people(store, "gc.b2")
        (folder / "session.json").mkdir()  # the file cannot be written
        store.remember_open_grid(candidate, grid)
        assert store.open_grid_to_resume() is None


def test_releasing_a_lock_never_taken_or_already_released_does_nothing(tmp_path: Path) -> None:
    lock = DataLock(tmp_path)
    lock.release()  # never taken
    assert not (tmp_path / LOCK_NAME).exists()
    lock.acquire()
    lock.release()
    lock.release()  # already released
    assert not writer_active(tmp_path)
    with DataLock(tmp_path):  # and it can be taken again
        assert writer_active(tmp_path)


def test_a_grid_signed_since_it_was_remembered_is_not_resumed(tmp_path: Path) -> None:
    """The app stopped on a grid; the grid was then closed and signed by both evaluators (at
    this station or received): there is nothing left to edit in it, so no grid is resumed."""
    from tests.signing import secret_of
    from tests.test_finality import V, _criteria, _people

    folder = tmp_path / "data"
    with Store.open(folder) as store:
        people = _people(store)
        candidate = store.create_candidate("Jeanne Martin", "CPAM", "gestionnaire-conseil", "t")
        grid = store.open_grid(
            candidate, "gc.b2", "t", evaluator=people["evaluator"], certifier=people["certifier"]
        )
        store.remember_open_grid(candidate, grid)
        store.mark_criteria(candidate, grid, [(k, V, "") for k in _criteria(store, "gc.b2")], "t")
        store.close_grid(candidate, grid, "Minimums vus sur place", "t")
        store.sign_grid(candidate, grid, people["evaluator"], secret_of(store, people["evaluator"]))
        # Signed by one of the two: still to be signed, so still to resume.
        assert store.open_grid_to_resume() == (candidate, grid)
        store.sign_grid(candidate, grid, people["certifier"], secret_of(store, people["certifier"]))
        assert store.open_grid_to_resume() is None
