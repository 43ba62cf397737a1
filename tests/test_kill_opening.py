"""SIGKILL during the store's opening and during ``carnet recover`` (issue 10): the repairs an
opening makes (a torn tail cut, dead intents cut, a journal rebuilt) and those of a recovery
can be cut at any moment; the next run finishes them, nothing acknowledged is lost and no
sequence number is used twice."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from store.layout import REGISTRY
from store.recovery import recover
from store.store import Store
from tui.cli import main

pytestmark = pytest.mark.slow  # subprocesses killed at random moments

ROOT = Path(__file__).parent.parent
ROUNDS = 12
# Imports first, then « ready »; the work starts on a line from the test, so that the kill
# falls inside the opening or the recovery and not in the interpreter's start.
WORKER = """
import sys
from pathlib import Path
from store.recovery import recover
from store.store import Store
print("ready", flush=True)
sys.stdin.readline()
if sys.argv[2] == "open":
    with Store.open(Path(sys.argv[1])):
        pass
else:
    recover(Path(sys.argv[1]))
print("done", flush=True)
"""


def _run(folder: Path, what: str, kill_after: float | None) -> float:
    """Runs the opening or the recovery in a process, killed ``kill_after`` seconds after it
    starts its work (None: left to finish); returns how long the work ran."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(folder), what],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env,
    )  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    child.stdin.write("go\n")
    child.stdin.flush()
    if kill_after is None:
        out, err = child.communicate()
        assert child.returncode == 0 and "done" in out, err
    else:
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        child.communicate()
    return time.perf_counter() - start


def _own(folder: Path) -> dict[int, str]:
    """Every event this station recorded, by sequence number: its hash."""
    with Store.open(folder, read_only=True) as store:
        me = store.station.id
        found = {}
        for dossier in (REGISTRY, *store.candidate_ids()):
            for raw in store.raw_events(dossier).values():
                if raw["station"] == me:
                    found[int(raw["seq"])] = str(raw["hash"])
    return found


@pytest.fixture
def station(tmp_path: Path) -> Path:
    folder = tmp_path / "poste"
    assert main(["demo", "--data", str(folder), "--candidates", "4", "--seed", "11"]) == 0
    return folder


def test_a_kill_inside_the_opening_loses_nothing_and_forks_nothing(
    station: Path, tmp_path: Path
) -> None:
    acknowledged = _own(station)
    newest = max(acknowledged)
    # Work for the opening: the journal gone (rebuilt from the dossiers), a torn tail on a
    # dossier (a write never acknowledged, cut).
    damaged = tmp_path / "abime"
    shutil.copytree(station, damaged)
    (damaged / "journal.log").unlink()
    dossier = sorted((damaged / "dossiers").glob("c-*.json"))[0]
    with dossier.open("ab") as f:
        f.write(b'0123456789abcdef0123456789abcdef {"t":"events","id":"999","doc":{"sta')
    probe = tmp_path / "mesure"
    shutil.copytree(damaged, probe)
    duration = _run(probe, "open", None)
    rng = random.Random(20261207)
    for round_ in range(ROUNDS):
        folder = tmp_path / f"essai-{round_}"
        shutil.copytree(damaged, folder)
        _run(folder, "open", rng.uniform(0, duration))
        with Store.open(folder) as store:
            assert store.head.seq == newest, round_
        assert _own(folder) == acknowledged, round_
        # The next event continues the sequence: no number is used twice.
        with Store.open(folder) as store:
            store.create_person(f"Nouvelle {round_}", "CPAM du Rhône", ["tuteur"], "t")
        held = _own(folder)
        assert sorted(held) == list(range(1, newest + 2)), round_
        assert {s: h for s, h in held.items() if s <= newest} == acknowledged


def _status(folder: Path) -> Any:
    with Store.open(folder, read_only=True) as store:
        return {c: store.summary(c) for c in store.candidate_ids()}


def test_a_kill_inside_a_recovery_is_finished_by_the_next_one(
    station: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "abime"
    shutil.copytree(station, damaged)
    # A letter flipped inside a record of a dossier: the recovery keeps every record that still
    # verifies, rebuilds what it can from the journal, and sets the damaged file aside.
    dossier = sorted((damaged / "dossiers").glob("c-*.json"))[1]
    raw = bytearray(dossier.read_bytes())
    at = raw.index(b'"type":"criterion.marked"') if b"criterion.marked" in raw else len(raw) // 2
    raw[at + 3] = ord("X")
    dossier.write_bytes(bytes(raw))
    reference = tmp_path / "reference"
    shutil.copytree(damaged, reference)
    duration = _run(reference, "recover", None)
    expected = _status(reference)
    rng = random.Random(7)
    for round_ in range(ROUNDS):
        folder = tmp_path / f"essai-{round_}"
        shutil.copytree(damaged, folder)
        _run(folder, "recover", rng.uniform(0, duration))
        recover(folder)  # the next recovery, to the end
        assert _status(folder) == expected, round_
        with Store.open(folder) as store:
            head = store.head.seq
            store.create_person(f"Nouvelle {round_}", "CPAM du Rhône", ["tuteur"], "t")
            assert store.head.seq == head + 1


def test_a_kill_inside_the_migration_of_a_previous_release_folder(tmp_path: Path) -> None:
    """The first opening of a folder of the previous release migrates each file; a kill at any
    moment of it leaves a folder that the next opening migrates the rest of, to the same
    state as an uninterrupted migration."""
    fixture = ROOT / "tests" / "fixtures" / "v1" / "poste"
    reference = tmp_path / "reference"
    shutil.copytree(fixture, reference)
    duration = _run(reference, "open", None)
    expected = _status(reference)
    assert expected
    rng = random.Random(1123)
    for round_ in range(ROUNDS):
        folder = tmp_path / f"essai-{round_}"
        shutil.copytree(fixture, folder)
        _run(folder, "open", rng.uniform(0, duration))
        with Store.open(folder):
            pass
        assert _status(folder) == expected, round_
