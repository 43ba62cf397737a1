"""Data folders written by the previous release open, migrated, with every event and status."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.errors import CorruptFileError
from store.migrate import data_files, is_v1
from store.store import Store
from tui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "v1"
ROOT = Path(__file__).parent.parent


def _copy(name: str, tmp_path: Path) -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder)
    return folder


def _status(folder: Path, capsys: pytest.CaptureFixture[str]) -> object:
    assert main(["status", "--data", str(folder), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# The candidate's explanation says since issue 11 that a verdict is final once each grid is
# signed by both evaluators: its words changed, its status did not.
REWORDED = {("candidates", "*", "explanation")}


def _keeps(before: object, now: object, path: tuple[str, ...] = ()) -> list[str]:
    """Where the status of the previous release is not found as it was: every field it had
    keeps its value (new fields may be added, the JSON contract says so)."""
    if tuple("*" if p.isdigit() else p for p in path) in REWORDED:
        return []
    if isinstance(before, dict) and isinstance(now, dict):
        return [
            d
            for key, value in before.items()
            for d in (
                _keeps(value, now[key], (*path, key)) if key in now else ["/".join((*path, key))]
            )
        ]
    if isinstance(before, list) and isinstance(now, list) and len(before) == len(now):
        return [
            d
            for i, (b, n) in enumerate(zip(before, now, strict=True))
            for d in _keeps(b, n, (*path, str(i)))
        ]
    return [] if before == now else ["/".join(path)]


def _previous_status(name: str) -> object:
    return json.loads((FIXTURES / f"{name}.status.json").read_text())


@pytest.mark.parametrize("name", ["poste", "secretariat"])
def test_a_folder_of_the_previous_release_migrates_on_first_open(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy(name, tmp_path)
    events_before = sum(
        len(json.loads(p.read_bytes()).get("events", {})) for p in data_files(folder)
    )
    first = _status(folder, capsys)
    assert _keeps(_previous_status(name), first) == []
    assert not any(is_v1(p) for p in data_files(folder))
    assert not list(folder.rglob("registry.json.bak")) and not list(folder.rglob("c-*.json.bak"))
    with Store.open(folder) as store:
        held = len(store._registry.events) + sum(
            len(store.snapshot(c).events) for c in store.candidate_ids()
        )
        assert held == events_before
        if name == "poste":
            head = store.head
            candidate = store.candidate_ids()[0]
            store.create_person("Nouvelle Personne", "CPAM", ["tuteur"], "t")
            assert store.head.seq == head.seq + 1
    with Store.open(folder) as store:
        assert "Nouvelle Personne" in {p.name for p in store.people().values()} or name != "poste"
        if name == "poste":
            assert store.snapshot(candidate).events
    # A second open finds nothing more to migrate and the same statuses.
    assert _keeps(_previous_status(name), _status(folder, capsys)) == []


def test_the_migrated_station_still_exchanges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    poste = _copy("poste", tmp_path)
    secretariat = _copy("secretariat", tmp_path)
    with Store.open(poste) as store:
        store.create_person("Après Migration", "CPAM", ["tuteur"], "t")
    out = tmp_path / "b2.carnet"
    # Bundles are now encrypted to the secretariat: after the upgrade, the station trusts the
    # secretariat's new key file (its fingerprint read out), as the README says.
    key_file = tmp_path / "secretariat.cle"
    assert main(["station", "--data", str(secretariat), "--out", str(key_file)]) == 0
    fingerprint = json.loads(key_file.read_bytes())["fingerprint"]
    trust = ["trust", str(key_file), "--data", str(poste), "--empreinte", fingerprint]
    assert main(trust) == 0
    assert main(["export", "--data", str(poste), "--out", str(out)]) == 0
    assert (
        main(["import", "--data", str(secretariat), "--receipts", str(tmp_path / "rec"), str(out)])
        == 0
    )
    text = capsys.readouterr().out
    assert "1 nouvel(s) événement(s)" in text
    with Store.open(secretariat) as store:
        assert "Après Migration" in {p.name for p in store.people().values()}


@pytest.mark.slow
def test_a_kill_during_migration_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGKILL at random moments of the migration; each run resumes it; nothing is lost."""
    expected = json.loads((FIXTURES / "poste.status.json").read_text())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for attempt in range(12):
        folder = tmp_path / f"p{attempt}"
        shutil.copytree(FIXTURES / "poste", folder)
        for delay in (0.05 + 0.03 * attempt, 0.02):
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from store.store import Store; "
                    "Store.open(__import__('pathlib').Path(sys.argv[1])).close()",
                    str(folder),
                ],
                env=env,
            )
            time.sleep(delay)
            child.send_signal(signal.SIGKILL)
            child.wait()
        assert _keeps(expected, _status(folder, capsys)) == []


@pytest.mark.parametrize("links", [True, False], ids=["liens", "sans-liens"])
def test_a_damaged_file_of_the_previous_release_is_restored_from_its_backup(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    links: bool,
) -> None:
    folder = _copy("poste", tmp_path)
    registry = folder / "registry.json"
    damaged = b'{"events": [1, 2]}'
    registry.write_bytes(damaged)
    with pytest.raises(CorruptFileError) as caught:
        Store.open(folder)
    assert str(caught.value) == (
        f"Le fichier {registry} est illisible (ce n'est pas une base carnet). Une sauvegarde "
        "existe (registry.json.bak) : « carnet recover » la restaure et garde le fichier abîmé "
        "de côté."
    )
    if not links:  # a file system without hard links (FAT, some network shares)

        def no_link(*_: object) -> None:
            raise OSError(1, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
    assert main(["recover", "--data", str(folder)]) == 0
    assert f"Réparé : {registry}" in capsys.readouterr().out
    monkeypatch.undo()
    # The damaged file is kept beside, whole; the folder reads as the release before left it.
    (aside,) = folder.glob("registry.json.abime-*")
    assert aside.read_bytes() == damaged
    assert _keeps(_previous_status("poste"), _status(folder, capsys)) == []


def test_a_file_of_the_previous_release_put_back_after_migration_is_named(
    tmp_path: Path,
) -> None:
    """A copy made by the release before, put back while carnet runs: read, never taken for
    a file of this release, and named."""
    folder = _copy("poste", tmp_path)
    old = FIXTURES / "poste" / "dossiers" / "c-d19c6cd826.json"
    with Store.open(folder) as store:
        path = store.path_of(old.stem)
        shutil.copyfile(old, path)
        with pytest.raises(CorruptFileError) as caught:
            store.snapshot(old.stem)
    assert str(caught.value) == (
        f"Le fichier {path} est illisible (fichier d'une version précédente, non migré). "
        "« carnet recover » garde tous les enregistrements intacts, met le fichier abîmé de "
        "côté et nomme ce qui est perdu."
    )
