"""Killing the process at random moments loses nothing that was reported saved."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.events import GENESIS, Event
from store.layout import REGISTRY
from store.store import Store

# Pilot flows, snapshots or crash subprocesses: outside the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
KILLS = 50


def _events(store: Store) -> list[Event]:
    events = [Event.from_stored(raw) for raw in store.raw_events(REGISTRY).values()]
    for candidate in store.candidate_ids():
        events.extend(store.snapshot(candidate).events)
        store.forget(candidate)
    return sorted(events, key=lambda e: e.seq)


def test_sigkill_at_random_moments_loses_nothing_saved(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    folder = tmp_path / "data"
    saved: dict[int, str] = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "crash_writer.py"), str(folder), str(round_)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", (
            child.stderr.read() if child.stderr else ""
        )
        time.sleep(rng.uniform(0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        for line in out.splitlines():
            if line.startswith("ok "):
                _, seq, digest = line.split()
                saved[int(seq)] = digest
        with Store.open(folder) as store:
            events = _events(store)
            by_seq = {e.seq: e for e in events}
            missing = {s for s in saved if s not in by_seq or by_seq[s].hash != saved[s]}
            assert not missing, f"round {round_}: saved events lost: {sorted(missing)[:10]}"
            # The chain has no gap and no fork: 1..head, each pointing at the one before.
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            previous = GENESIS
            for event in events:
                assert event.prev == previous, f"round {round_}: chain broken at {event.seq}"
                previous = event.hash
            assert store.head.seq == len(events) and store.head.hash == previous
    assert len(saved) > KILLS, "the child should have reported many writes"
