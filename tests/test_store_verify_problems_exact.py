"""What ``verify`` reports of each kind of damage (store/verify.py), problem by problem: the
file, the record and the message, whole, on a small folder made here.

tests/test_verify.py checks that one message holds one phrase among the problems; each
problem is what the person repairing the folder acts on, so the whole list is checked here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.store import Store
from store.verify import verify
from tests.conftest import grid_with_people


@pytest.fixture
def sound(tmp_path: Path) -> tuple[Path, str, list[int]]:
    """A folder with one candidate and a grid; the candidate, and the station's numbers of
    the events its dossier holds (per test, as what a test checks is built: see README,
    « Mutation testing »)."""
    folder = tmp_path / "sound"
    with Store.open(folder) as store:
        candidate, _, _ = grid_with_people(store, "gc.b2")
        seqs = sorted(int(raw["seq"]) for raw in store.raw_events(candidate).values())
    assert verify(folder).ok
    return folder, candidate, seqs


def _problems(sound: tuple[Path, str, list[int]], tmp_path: Path, damage: str) -> list[tuple]:
    folder = tmp_path / damage
    shutil.copytree(sound[0], folder)
    victim = folder / "dossiers" / f"{sound[1]}.json"
    journal = folder / "journal.log"
    if damage == "torn":
        victim.write_bytes(victim.read_bytes() + b"abc")
    elif damage == "delete":
        victim.unlink()
    elif damage == "journal":
        raw = bytearray(journal.read_bytes())
        at = raw.index(b" ", raw.index(b" ") + 1) + 1  # the first line's dossier
        raw[at] ^= 0x20
        journal.write_bytes(bytes(raw))
    elif damage == "lost-line":
        lines = journal.read_bytes().splitlines(keepends=True)
        journal.write_bytes(b"".join(lines[:3] + lines[4:]))
    report = verify(folder)
    assert not report.ok
    return [(p.file.replace(str(folder), "F"), p.record, p.message) for p in report.problems]


def test_a_write_left_unfinished_is_counted_in_bytes(
    sound: tuple[Path, str, list[int]], tmp_path: Path
) -> None:
    assert _problems(sound, tmp_path, "torn") == [
        (f"F/dossiers/{sound[1]}.json", None, "3 octet(s) d'une écriture inachevée en fin")
    ]


def test_a_damaged_or_missing_journal_line_is_named(
    sound: tuple[Path, str, list[int]], tmp_path: Path
) -> None:
    assert _problems(sound, tmp_path, "journal") == [
        ("F/journal.log", None, "1 ligne(s) du journal altérée(s)"),
        ("F/journal.log", None, "événement n° 1 absent du journal"),
    ]
    assert _problems(sound, tmp_path, "lost-line") == [
        ("F/journal.log", None, "événement n° 4 absent du journal")
    ]


def test_a_deleted_dossier_is_named_with_each_event_the_journal_gives_it(
    sound: tuple[Path, str, list[int]], tmp_path: Path
) -> None:
    _, candidate, seqs = sound
    where = f"F/dossiers/{candidate}.json"
    assert _problems(sound, tmp_path, "delete") == [
        *((where, None, f"dossier absent ; le journal y nomme l'événement n° {s}") for s in seqs),
        (where, None, "dossier absent (index)"),
    ]
