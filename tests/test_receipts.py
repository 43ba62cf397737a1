"""Receipts from the secretariat, read strictly: only well-formed ranges of what the station
exported are confirmed, and each import says how many more were; the helpers the exchange
screen and the command line rely on (no textual)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from store.bundle import seal_file
from store.keys import TrustStore, load_or_create_key
from store.station import set_role
from store.store import Store
from store.sync import (
    Ledger,
    SyncState,
    expand,
    gaps,
    own_events,
    ranges_text,
    sync_state,
    sync_status,
    trust_station,
)
from tests.signing import secret_of
from tests.test_sync import _export, _files, _import, _station, _trust


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    station, secretariat = tmp_path / "a", tmp_path / "s"
    _station(station)
    with Store.open(secretariat):
        pass
    set_role(secretariat, "secretariat")
    load_or_create_key(secretariat)
    _trust(secretariat, station)
    _trust(station, secretariat)
    return station, secretariat


def _receipt(station: Path, secretariat: Path, content: Any, number: int = 1) -> Path:
    """A receipt genuinely signed by the secretariat, with the given content."""
    with Store.open(secretariat) as store:
        data = seal_file("receipt", store.station.id, load_or_create_key(secretariat), number,
                         content, count=0)  # fmt: skip
    path = station.parent / f"accuse-{number}.carnet"
    path.write_bytes(data)
    return path


def _station_id(folder: Path) -> str:
    with Store.open(folder) as store:
        return store.station.id


def _acknowledged(station: Path) -> list[list[int]]:
    with Store.open(station) as store:
        return sync_state(store).acknowledged


def test_malformed_receipts_are_refused_and_confirm_nothing(pair: Any) -> None:
    station, secretariat = pair
    _export(station, "lot1.carnet")
    me = _station_id(station)
    before = _files(station)
    cases: list[tuple[Any, str]] = [
        ([1, 2], "accusé de réception illisible"),
        ({"for_station": me}, "accusé de réception illisible"),
        ({"for_station": me, "ranges": "1-3"}, "accusé de réception illisible"),
        ({"for_station": "poste-x", "ranges": [[1, 2]]},
         f"cet accusé de réception concerne le poste poste-x, pas celui-ci ({me})"),
        ({"for_station": me, "ranges": [[1, 2]]},
         "accusé de réception sans les empreintes de ce qu'il confirme : refusé, rien n'est "
         "confirmé"),
    ]  # fmt: skip
    for heads in ("1-3", [[1, 2]], [[1, 2, 3]], [[0, 2, "h"]], [[3, 2, "h"]], [["1", 2, "h"]]):
        cases.append(({"for_station": me, "ranges": [[1, 2]], "heads": heads}, "accusé de réception illisible (têtes)"))  # fmt: skip
    for bad in ([1], [1, 2, 3], ["1", 2], [0, 3], [3, 2], [1.5, 2], "1"):
        cases.append(({"for_station": me, "ranges": [[1, 1], bad], "heads": []}, "accusé de réception illisible (plages)"))  # fmt: skip
    for number, (content, message) in enumerate(cases, 1):
        report = _import(station, _receipt(station, secretariat, content, number))
        (result,) = report.files
        assert result.error == message, content
        assert report.acknowledged == 0
        assert _files(station) == before, content


def _named(station: Path, *ranges: tuple[int, int]) -> dict[str, Any]:
    """A receipt's content for ``ranges`` of the station's events, each named by the hash of
    its last event, as the secretariat names what it holds."""
    with Store.open(station) as store:
        hashes = {int(e["seq"]): e["hash"] for e in own_events(store)}
        me = store.station.id
    return {"for_station": me, "ranges": [list(r) for r in ranges],
            "heads": [[a, b, hashes[b]] for a, b in ranges]}  # fmt: skip


def test_each_receipt_confirms_only_what_is_new_and_was_exported(pair: Any) -> None:
    station, secretariat = pair
    _export(station, "lot1.carnet")
    with Store.open(station) as store:
        last = len(own_events(store))
        # Two events more, not exported: the secretariat cannot have them from this folder.
        candidate = store.candidate_ids()[0]
        grid = next(iter(store.snapshot(candidate).state.grids))
        criteria = store.referentials.conseil.block("gc.b2").competencies[1].criteria
        from models.threshold import CriterionState

        for criterion in criteria[:2]:
            store.mark_criteria(
                candidate, grid, [(criterion.id, CriterionState.VALIDATED, "")], "t"
            )
    single = _import(station, _receipt(station, secretariat, _named(station, (2, 2))))
    assert single.acknowledged == 1 and _acknowledged(station) == [[2, 2]]
    # Overlapping what was confirmed, and reaching beyond what was exported.
    wider = _named(station, (1, 3), (last - 1, last + 2))
    report = _import(station, _receipt(station, secretariat, wider, 2))
    assert report.acknowledged == 2 + 2
    assert _acknowledged(station) == [[1, 3], [last - 1, last]]
    again = _import(station, _receipt(station, secretariat, wider, 3))
    assert not again.rejected and again.acknowledged == 0


def test_receipts_are_numbered_across_imports(pair: Any) -> None:
    station, secretariat = pair
    me = _station_id(station)
    first = _import(secretariat, _export(station, "lot1.carnet"))
    with Store.open(station) as store:
        candidate = store.candidate_ids()[0]
        grid = next(iter(store.snapshot(candidate).state.grids))
        criterion = store.referentials.conseil.block("gc.b2").competencies[1].criteria[0].id
        from models.threshold import CriterionState

        store.mark_criteria(candidate, grid, [(criterion, CriterionState.VALIDATED, "")], "t")
    second = _import(secretariat, _export(station, "lot2.carnet"))
    assert [p.name for p in first.receipts] == [f"accuse-{me}-00001.carnet"]
    assert [p.name for p in second.receipts] == [f"accuse-{me}-00002.carnet"]


def test_gaps_count_from_the_first_event() -> None:
    assert gaps([]) == []
    assert gaps([[1, 4]]) == []
    assert gaps([[2, 4]]) == [(1, 1)]
    assert gaps([[1, 2], [5, 6], [9, 9]]) == [(3, 4), (7, 8)]


def test_status_of_a_set_of_events() -> None:
    state = SyncState(exported=[[1, 4]], acknowledged=[[1, 2]])
    assert state.status_of([]) == "rien à envoyer"
    assert state.status_of([4, 5]) == "non exporté"
    assert state.status_of([2, 3]) == "exporté, non confirmé"
    assert state.status_of([1, 2]) == "confirmé par le secrétariat"


def test_a_folder_stands_for_its_carnet_files(tmp_path: Path) -> None:
    for name in ("b.carnet", "a.carnet", "notes.txt", "lot.carnet.bak"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sous-dossier.carnet").mkdir()
    single = tmp_path / "notes.txt"
    assert expand([tmp_path, single]) == [tmp_path / "a.carnet", tmp_path / "b.carnet", single]


def test_trusting_from_a_bundle_records_when(pair: Any, tmp_path: Path) -> None:
    _, secretariat = pair
    other = tmp_path / "c"
    _station(other)
    _trust(other, secretariat)  # bundles are encrypted to a trusted secretariat
    bundle = _export(other, "c1.carnet")
    with Store.open(secretariat) as store:
        (result,) = _import_unknown(store, bundle)
        assert result.unknown is not None
        assert trust_station(store, result.unknown, result.unknown.fingerprint) == "nouveau"
        added = TrustStore(secretariat).keys[result.unknown.station].added
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", added)
        own = load_or_create_key(secretariat)
        mine = type(result.unknown)(store.station.id, own.fingerprint, own.public)
        with pytest.raises(Exception, match=r"^c'est la clé de ce poste même$"):
            trust_station(store, mine, mine.fingerprint)


def _import_unknown(store: Store, path: Path) -> list[Any]:
    from store.sync import import_files

    return import_files(store, [path], receipts_dir=path.parent / "accuses").files


def test_each_grid_and_signature_says_where_it_stands(pair: Any) -> None:
    station, secretariat = pair
    with Store.open(station) as store:
        candidate = store.candidate_ids()[0]
        (grid,) = store.snapshot(candidate).state.grids
        people = {p.name: i for i, p in store.people().items()}
        store.sign_attestation(
            candidate,
            "gc.b1.c1",
            "tuteur",
            people["Paul Tuteur"],
            "Appel.",
            secret_of(store, people["Paul Tuteur"]),
        )
        assert sync_status(store, candidate) == {
            f"grid:{grid}": "non exporté",
            "attestation:gc.b1.c1:tuteur": "non exporté",
        }
    report = _import(secretariat, _export(station, "lot1.carnet"))
    with Store.open(station) as store:
        assert set(sync_status(store, candidate).values()) == {"exporté, non confirmé"}
    _import(station, *report.receipts)
    with Store.open(station) as store:
        assert set(sync_status(store, candidate).values()) == {"confirmé par le secrétariat"}
        store.withdraw_attestation(
            candidate,
            "gc.b1.c1",
            "tuteur",
            people["Paul Tuteur"],
            "Non.",
            secret_of(store, people["Paul Tuteur"]),
        )
        # A withdrawn signature is no longer listed; the grid is unchanged.
        assert sync_status(store, candidate) == {f"grid:{grid}": "confirmé par le secrétariat"}


def test_ranges_are_said_in_french() -> None:
    assert ranges_text([]) == ""
    assert ranges_text([(3, 3)]) == "n° 3"
    assert ranges_text([(1, 2), (5, 9)]) == "n° 1 à 2, n° 5 à 9"


def test_each_bundle_of_the_secretariat_confirms_only_what_is_new(pair: Any) -> None:
    """Its bundle says what it holds of this station's events: the import counts those it
    confirms for the first time, not those an earlier bundle already confirmed."""
    from models.threshold import CriterionState

    station, secretariat = pair
    first = _import(secretariat, _export(station, "lot1.carnet")).new_events
    back = _import(station, _export(secretariat, "retour1.carnet", pour=station))
    assert not back.rejected and back.acknowledged == first
    with Store.open(station) as store:
        candidate = store.candidate_ids()[0]
        grid = next(iter(store.snapshot(candidate).state.grids))
        competency = store.referentials.conseil.block("gc.b2").competencies[1]
        marks = [(k.id, CriterionState.VALIDATED, "") for k in competency.criteria[:2]]
        store.mark_criteria(candidate, grid, marks, "t")
    assert _import(secretariat, _export(station, "lot2.carnet")).new_events == 2
    again = _import(station, _export(secretariat, "retour2.carnet", pour=station))
    assert not again.rejected and again.acknowledged == 2
    # The secretariat's ledger keeps one range for the run of events, not one per bundle.
    assert Ledger(secretariat).plain_ranges(_station_id(station)) == [[1, first + 2]]
