"""Convergence, proven by a property: 3 to 5 folders (a secretariat and stations), concurrent
conflicting edits and resolutions, bundles delivered in any order, duplicated, delayed or lost
then sent again; once every folder has sent what the others lack and everything has been
delivered, ``carnet status --json`` is the same everywhere (no textual)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.station import set_role
from store.store import Store
from store.sync import assign, export, import_files
from tests.signing import secret_of
from tests.test_sync import _id, _trust
from tui.cli import main

EVALUATIONS = ("cc_interbranche", "cc_carriere", "ecrit", "apt")


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A secretariat and four stations that trust each other; a carrière candidate created at
    the first station and given by the secretariat to every station."""
    base = tmp_path_factory.mktemp("modele")
    folders = [base / "s", *(base / f"p{i}" for i in range(4))]
    for folder in folders:
        with Store.open(folder):
            pass
    set_role(folders[0], "secretariat")
    for folder in folders:
        _trust(folder, *(f for f in folders if f != folder))
    s, first = folders[0], folders[1]
    # The secretariat's agent enters the marks (the referential: the marks are sent to the
    # secretariat) wherever they are, and settles conflicts; the registry carries them to
    # every station.
    with Store.open(s) as store:
        agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "secretariat")
    _deliver(first, _send(s, first, base / "agent.carnet"))
    with Store.open(first) as store:
        candidate = store.create_candidate(
            "Luc Martin", "Carsat Bretagne", "gestionnaire-carriere", "t",
            route="parcours_formation",
        )  # fmt: skip
    _deliver(s, _send(first, s, base / "init-0.carnet"))
    with Store.open(s) as store:
        for station in folders[2:]:
            assign(store, candidate, _id(station), [], "secretariat")
    for number, station in enumerate(folders[2:], 1):
        _deliver(station, _send(s, station, base / f"init-{number}.carnet"))
    return base, candidate, agent


def _send(source: Path, target: Path, out: Path) -> Path:
    with Store.open(source) as store:
        export(store, out, pour=_id(target))
    return out


def _deliver(target: Path, bundle: Path) -> None:
    with Store.open(target) as store:
        report = import_files(store, [bundle], receipts_dir=target.parent / "accuses")
    assert not report.rejected, report.rejected[0].error


def _status(folder: Path) -> Any:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["status", "--data", str(folder), "--json"]) == 0
    return json.loads(out.getvalue())


step = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 4), st.sampled_from(EVALUATIONS), st.integers(0, 20)),
    st.tuples(st.just("resolve"), st.integers(0, 3)),
    st.tuples(st.just("send"), st.integers(0, 4), st.integers(0, 4)),
    st.tuples(st.just("deliver"), st.integers(0, 1000)),
)


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(count=st.integers(3, 5), steps=st.lists(step, min_size=4, max_size=22))
def test_every_folder_ends_with_the_same_status(
    model: tuple[Path, str, str], tmp_path: Path, count: int, steps: list[Any]
) -> None:
    base, candidate, agent = model
    run = Path(tmp_path) / f"run-{abs(hash((count, repr(steps))))}"
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(base, run, ignore=shutil.ignore_patterns("carnet.lock", "*.carnet"))
    folders = [run / "s", *(run / f"p{i}" for i in range(count - 1))]
    mail: list[tuple[Path, Path]] = []  # (bundle, recipient): delivered any number of times

    for action in steps:
        if action[0] == "edit":
            _, who, evaluation, mark = action
            with Store.open(folders[who % count]) as store:
                store.enter_mark(candidate, evaluation, str(mark), agent, by=agent)
        elif action[0] == "resolve":
            with Store.open(folders[0]) as store:
                conflicts = store.snapshot(candidate).state.open_conflicts
                if conflicts:
                    conflict = conflicts[0]
                    chosen = conflict.sources[action[1] % len(conflict.sources)]
                    store.resolve_conflict(
                        candidate,
                        conflict.key,
                        chosen.event,
                        "choix",
                        agent,
                        secret_of(store, agent),
                    )
        elif action[0] == "send":
            source, target = folders[action[1] % count], folders[action[2] % count]
            if source != target:
                out = run / f"lot-{len(mail)}.carnet"
                mail.append((_send(source, target, out), target))
        elif mail:  # deliver: any earlier bundle, again or for the first time, or never
            bundle, target = mail[action[1] % len(mail)]
            _deliver(target, bundle)

    # Everything reaches everyone: each station sends to the secretariat what it lacks, the
    # secretariat to each station, twice (what is lost above is sent again here).
    for round_ in range(2):
        for station in folders[1:]:
            _deliver(
                folders[0], _send(station, folders[0], run / f"fin-{round_}-{station.name}.carnet")
            )
        for station in folders[1:]:
            _deliver(
                station, _send(folders[0], station, run / f"fin-{round_}-s-{station.name}.carnet")
            )
    statuses = [_status(folder) for folder in folders]
    for folder, status in zip(folders[1:], statuses[1:], strict=True):
        assert status == statuses[0], f"{folder.name} differs from the secretariat"
    shutil.rmtree(run, ignore_errors=True)
