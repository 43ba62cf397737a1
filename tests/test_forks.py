"""Forks: a station's folder copied (or restored) and written in two places. The same origin
and sequence number with another hash is caught on import, both versions are kept aside, the
station is flagged, and no receipt confirms the second history (no textual)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from models.threshold import CriterionState
from store.bundle import seal_file
from store.store import Store
from store.sync import Ledger, SyncState, own_events, station_key
from tests.test_sync import _export, _files, _import, station_and_secretariat

N = CriterionState.NOT_VALIDATED


def _copy(folder: Path, to: Path) -> Path:
    shutil.copytree(folder, to, ignore=shutil.ignore_patterns("carnet.lock"))
    return to


def _mark(folder: Path, candidate: str, grid: str, criterion: str, comment: str) -> None:
    with Store.open(folder) as store:
        store.mark_criteria(candidate, grid, [(criterion, N, comment)], "t")


def _confirmed(folder: Path) -> list[list[int]]:
    return SyncState.load(folder).acknowledged


def forked(tmp_path: Path) -> tuple[Path, Path, Path, Path, Any]:
    """a exports to s; a is copied to a2 (« restored from a copy »); both then write."""
    a, s, candidate, grid, criteria = station_and_secretariat(tmp_path)
    first = _import(s, _export(a, "a1.carnet"))
    assert not first.rejected
    a2 = _copy(a, tmp_path / "a2")
    _mark(a, candidate, grid, criteria[5], "sur le premier PC")
    _mark(a2, candidate, grid, criteria[6], "sur la copie")
    _mark(a2, candidate, grid, criteria[7], "sur la copie encore")
    return a, a2, s, tmp_path, (candidate, grid, criteria)


def test_a_copied_folder_is_caught_as_a_fork_and_never_confirmed(tmp_path: Path) -> None:
    a, a2, s, _, (candidate, _, _) = forked(tmp_path)
    good = _import(s, _export(a, "a2.carnet"))
    assert not good.rejected and good.new_events == 1
    before = {k: v for k, v in _files(s).items() if "dossiers" in k or k == "registry.json"}
    report = _import(s, _export(a2, "copie.carnet"))
    (result,) = report.files
    # Today: « 0 nouvel(s), 2 déjà reçu(s) » and a receipt that confirms the copy's events.
    assert result.fork and result.error is not None and result.error.startswith("FOURCHE")
    assert "copié" in result.error and "restauré" in result.error and "Que faire" in result.error
    assert result.new_events == 0 and not report.receipts
    after = {k: v for k, v in _files(s).items() if "dossiers" in k or k == "registry.json"}
    assert after == before, "nothing of a forked bundle is applied"
    # Both versions kept aside, the station flagged.
    aside = sorted((s / "a-part").iterdir())
    assert len(aside) == 2
    known = next(p for p in aside if p.name.endswith("-connu.json"))
    (held,) = json.loads(known.read_bytes())
    with Store.open(a) as sa:
        mine = {e["seq"]: e for e in own_events(sa)}
    assert held == mine[held["seq"]]
    (fork,) = Ledger(s).forks[held["station"]]
    assert fork["seq"] == held["seq"] and fork["known"] == held["hash"] != fork["received"]
    # Importing it again: still a fork, still nothing applied, flagged once.
    again = _import(s, _export(a2, "copie-2.carnet"))
    assert again.files[0].fork
    assert len(Ledger(s).forks[held["station"]]) == 1
    with Store.open(s) as store:
        comments = [e.payload.get("comment") for e in store.snapshot(candidate).events]
    assert "sur le premier PC" in comments and "sur la copie" not in comments


def test_a_receipt_confirms_only_the_history_it_names(tmp_path: Path) -> None:
    a, a2, s, _, _ = forked(tmp_path)
    report = _import(s, _export(a, "a2.carnet"))
    (receipt,) = report.receipts
    receipt_content = json.loads(receipt.read_bytes().partition(b"\n")[2])
    assert all(len(head) == 3 for head in receipt_content["heads"])
    _export(a2, "copie.carnet")  # the copy has exported too: its events await a receipt
    before = _confirmed(a2)
    back = _import(a2, receipt)
    (result,) = back.files
    assert result.error is not None and result.error.startswith("FOURCHE")
    assert "Rien n'est confirmé" in result.error
    assert _confirmed(a2) == before
    # The folder that really sent them confirms them.
    assert not _import(a, receipt).rejected
    with Store.open(a) as sa:
        state = SyncState.load(a)
        assert state.status_of(e["seq"] for e in own_events(sa)) == "confirmé par le secrétariat"


def test_a_fork_after_the_last_event_received_is_caught_at_the_chains_edge(
    tmp_path: Path,
) -> None:
    a, a2, s, tmp, _ = forked(tmp_path)
    _import(s, _export(a, "a2.carnet"))
    # The copy sends only its newest event: its number is new, its previous hash is not ours.
    with Store.open(a2) as store:
        last = own_events(store)[-1:]
        refs = {r.id: r.version for r in store.referentials.all()}
        data = seal_file("bundle", store.station.id, station_key(store), 7, last, count=1,
                         referentials=refs)  # fmt: skip
    path = tmp / "dernier.carnet"
    path.write_bytes(data)
    (result,) = _import(s, path).files
    assert result.fork and result.error is not None and "FOURCHE" in result.error


def test_two_copies_forking_at_the_same_number_are_both_flagged(tmp_path: Path) -> None:
    a, s, candidate, grid, criteria = station_and_secretariat(tmp_path)
    assert not _import(s, _export(a, "a1.carnet")).rejected
    copies = [_copy(a, tmp_path / "b"), _copy(a, tmp_path / "c")]
    _mark(a, candidate, grid, criteria[5], "sur le premier PC")
    assert not _import(s, _export(a, "a2.carnet")).rejected
    for number, copy in enumerate(copies):
        _mark(copy, candidate, grid, criteria[6 + number], f"sur la copie {number}")
        assert _import(s, _export(copy, f"copie-{number}.carnet")).files[0].fork
    with Store.open(a) as store:
        origin, seq = store.station.id, store.head.seq
    forks = Ledger(s).forks[origin]
    # Two other histories after the same number: each is kept, neither hides the other.
    assert [f["seq"] for f in forks] == [seq, seq]
    assert len({f["received"] for f in forks}) == 2


def _shorter_copy(tmp_path: Path) -> tuple[Path, Path, Path]:
    """a exports to s and is copied to a2; a then writes three events, a2 one (under a number
    a also wrote); both export; s takes a's. The copy's history is shorter than the one the
    secretariat holds."""
    a, s, candidate, grid, criteria = station_and_secretariat(tmp_path)
    assert not _import(s, _export(a, "a1.carnet")).rejected
    a2 = _copy(a, tmp_path / "a2")
    for number in range(3):
        _mark(a, candidate, grid, criteria[5 + number], f"sur le premier PC {number}")
    _mark(a2, candidate, grid, criteria[9], "sur la copie")
    _export(a2, "copie.carnet")  # its event awaits a receipt
    assert not _import(s, _export(a, "a2.carnet")).rejected
    return a, a2, s


def test_a_shorter_copy_is_not_confirmed_by_the_receipt_of_a_longer_history(
    tmp_path: Path,
) -> None:
    """The secretariat holds a's n° 1…k+3; the copy a2 wrote its own n° k+1 and holds no
    k+3: its receipt names a head the copy never wrote. Before, the head was skipped and the
    copy's n° k+1 was « confirmé par le secrétariat », never to be sent again."""
    a, a2, _ = _shorter_copy(tmp_path)
    with Store.open(a) as store:
        head = store.head.seq
    with Store.open(a2) as store:
        copy_head = store.head.seq
    receipt = sorted((tmp_path / "accuses").glob("*.carnet"))[-1]
    before = _confirmed(a2)
    (result,) = _import(a2, receipt).files
    assert result.error == (
        f"FOURCHE : le secrétariat a reçu de ce poste jusqu'au n° {head}, plus loin que ce "
        f"dossier de données (son dernier est le n° {copy_head}) : ce dossier est une copie "
        "restée en arrière (restaurée d'une sauvegarde, ou copiée sur un autre ordinateur). "
        "Rien n'est confirmé. Que faire : reprendre la copie la plus à jour de ce poste, y "
        "ressaisir ce qui n'a été fait que dans celle-ci, et n'utiliser plus qu'elle ; si "
        "elle est perdue, prévenir le secrétariat."
    )
    assert _confirmed(a2) == before
    with Store.open(a2) as store:
        mine = own_events(store)
        assert SyncState.load(a2).status_of([mine[-1]["seq"]]) != "confirmé par le secrétariat"
    # The folder that sent that history confirms it all.
    assert not _import(a, receipt).rejected
    assert _confirmed(a) == [[1, head]]


def test_the_secretariats_bundle_to_a_shorter_copy_is_refused_as_a_fork(tmp_path: Path) -> None:
    """The same through the secretariat's own bundle (what it holds of the station): refused
    whole, nothing applied, nothing confirmed; the copy's event is still to be sent."""
    _, a2, s = _shorter_copy(tmp_path)
    before_files = {k: v for k, v in _files(a2).items() if "dossiers" in k}
    before = _confirmed(a2)
    report = _import(a2, _export(s, "pour-la-copie.carnet", pour=a2))
    (result,) = report.files
    assert result.error is not None and result.error.startswith("FOURCHE : le secrétariat a reçu")
    assert result.new_events == 0 and result.acknowledged == 0
    assert _confirmed(a2) == before
    assert {k: v for k, v in _files(a2).items() if "dossiers" in k} == before_files
    # Its next bundle still carries the event the secretariat never received.
    report = _import(s, _export(a2, "copie-2.carnet"))
    assert report.files[0].fork


def test_a_receipt_naming_heads_this_folder_never_wrote_confirms_nothing(
    tmp_path: Path,
) -> None:
    """A receipt signed by the trusted secretariat whose head is a number this station never
    wrote (999, any hash): refused, nothing confirmed (before: « 1 événement(s) confirmé(s) »
    for an event the secretariat never took)."""
    a, s, *_ = station_and_secretariat(tmp_path)
    _export(a, "a1.carnet")  # exported, never imported at s
    with Store.open(a) as store:
        station = store.station.id
    with Store.open(s) as store:
        content = {"for_station": station, "ranges": [[1, 999]],
                   "heads": [[1, 999, "0" * 64]], "holds": {}}  # fmt: skip
        data = seal_file("receipt", store.station.id, station_key(store), 1, content, count=999)
    forged = tmp_path / "accuse.carnet"
    forged.write_bytes(data)
    (result,) = _import(a, forged).files
    assert result.error is not None and "FOURCHE" in result.error and "n° 999" in result.error
    assert result.acknowledged == 0 and _confirmed(a) == []
    # The same without heads: only a receipt of format 1 (the first release) names ranges
    # alone; one of format 2 that names no hash confirms nothing (before: « 1 événement(s)
    # confirmé(s) »).
    bare = {k: v for k, v in content.items() if k != "heads"}
    with Store.open(s) as store:
        data = seal_file("receipt", store.station.id, station_key(store), 2, bare, count=999)
    forged.write_bytes(data)
    (result,) = _import(a, forged).files
    assert result.error == (
        "accusé de réception sans les empreintes de ce qu'il confirme : refusé, rien n'est confirmé"
    )
    assert _confirmed(a) == []


def test_a_forks_file_is_found_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import ran in the folder's parent with « --data s »: the file set aside was
    recorded as « s/a-part/… », not found from anywhere else (a tester's walk)."""
    from store.stations import stations_view

    a, a2, s, _, _ = forked(tmp_path)
    _import(s, _export(a, "a2.carnet"))
    monkeypatch.chdir(tmp_path)
    report = _import(Path("s"), _export(a2, "copie.carnet"))
    (result,) = report.files
    assert result.fork and str((tmp_path / "s" / "a-part").resolve()) in str(result.error)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with Store.open(s) as store:
        (fork,) = next(r for r in stations_view(store) if r["forks"])["forks"]
    assert Path(fork["file"]).is_absolute() and Path(fork["file"]).is_file()
