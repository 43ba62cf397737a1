"""What an exchange learns besides the events: the role, name and organisme of a station
trusted from its bundle, the secretariats already trusted, what a receipt says the
secretariat holds, a lone event confirmed, merged ranges, and each file's line said with its
sender named (no textual)."""

from __future__ import annotations

from pathlib import Path

from store.keys import TrustedKey, TrustStore, load_or_create_key
from store.station import set_identity, set_role
from store.store import Store
from store.sync import (
    FileResult,
    add_range,
    import_files,
    other_secretariats,
    second_secretariat_warning,
    sync_state,
    trust_station,
)
from tests.test_sync import _export, _id, _import, _station, _trust, secretariat_for


def test_a_station_trusted_from_its_bundle_keeps_its_role_name_and_organisme(
    tmp_path: Path,
) -> None:
    station, secretariat = tmp_path / "a", tmp_path / "s"
    _station(station)
    set_identity(station, "Poste de Lyon", "CPAM du Rhône")
    with Store.open(secretariat):
        pass
    set_role(secretariat, "secretariat")
    load_or_create_key(secretariat)
    _trust(station, secretariat)  # its bundles are encrypted to the secretariat
    bundle = _export(station, "a1.carnet")
    with Store.open(secretariat) as store:
        (result,) = import_files(store, [bundle], receipts_dir=tmp_path / "accuses").files
        assert result.unknown is not None
        trust_station(store, result.unknown, result.unknown.fingerprint)
    key = TrustStore(secretariat).keys[_id(station)]
    assert (key.role, key.name, key.organisme) == ("poste", "Poste de Lyon", "CPAM du Rhône")
    assert key.label == "Poste de Lyon (CPAM du Rhône)"


def test_a_station_without_a_name_is_trusted_with_none(tmp_path: Path) -> None:
    station, secretariat = tmp_path / "a", tmp_path / "s"
    _station(station)
    with Store.open(secretariat):
        pass
    set_role(secretariat, "secretariat")
    load_or_create_key(secretariat)
    _trust(station, secretariat)
    bundle = _export(station, "a1.carnet")
    with Store.open(secretariat) as store:
        (result,) = import_files(store, [bundle], receipts_dir=tmp_path / "accuses").files
        assert result.unknown is not None
        trust_station(store, result.unknown, result.unknown.fingerprint)
    key = TrustStore(secretariat).keys[_id(station)]
    assert (key.role, key.name, key.organisme) == ("poste", "", "")
    assert key.label == _id(station)  # named by its id, as nothing else is known


def _key(station: str, role: str, name: str) -> TrustedKey:
    return TrustedKey(station, bytes(range(32)), "2026-12-08T00:00:00Z", role, name, "Ucanss")


def test_only_the_other_secretariats_are_named(tmp_path: Path) -> None:
    store = TrustStore(tmp_path)
    store.keys = {
        "s-1": _key("s-1", "secretariat", "Secrétariat national"),
        "p-1": _key("p-1", "poste", "Poste de Lyon"),
        "s-2": _key("s-2", "secretariat", "Secrétariat régional"),
    }
    store.save()
    assert [k.station for k in other_secretariats(tmp_path, "s-3")] == ["s-1", "s-2"]
    # The secretariat being trusted again is not « another ».
    assert [k.station for k in other_secretariats(tmp_path, "s-1")] == ["s-2"]


def test_a_data_folder_that_is_a_file_trusts_no_secretariat(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "donnees"
    not_a_folder.write_text("")
    assert other_secretariats(not_a_folder, "s-1") == []


def test_two_secretariats_already_trusted_are_both_named() -> None:
    one, two = _key("s-1", "secretariat", "National"), _key("s-2", "secretariat", "Régional")
    assert second_secretariat_warning([one, two]) == (
        f"Attention : ce poste fait déjà confiance au secrétariat National (Ucanss) (empreinte "
        f"{one.fingerprint}) ; Régional (Ucanss) (empreinte {two.fingerprint}). Un second "
        "secrétariat confirmerait lui aussi vos lots, et vos exports demanderaient alors "
        "--pour. N'acceptez que si le secrétariat vous l'a annoncé (nouvel ordinateur, "
        "secrétariat régional)."
    )


def test_a_receipt_tells_what_the_secretariat_holds_even_after_sync_json_is_lost(
    tmp_path: Path,
) -> None:
    """sync.json lost (or put back from an older backup): the receipt's list of what the
    secretariat holds still spares sending those events again."""
    station = tmp_path / "a"
    _station(station)
    secretariat = secretariat_for(station, tmp_path / "s")
    first = _export(station, "a1.carnet")
    sent = _import(secretariat, first)
    assert sent.new_events > 0 and len(sent.receipts) == 1
    (station / "sync.json").unlink()
    (station / "sync.json.bak").unlink()
    _import(station, *sent.receipts)
    with Store.open(station) as store:
        assert sync_state(store).acknowledged == []  # nothing this folder knows it exported
    again = tmp_path / "a2.carnet"
    with Store.open(station) as store:
        from store.sync import export

        assert export(store, again).events == 0


def test_a_lone_event_held_by_the_secretariat_is_confirmed_by_its_bundle(
    tmp_path: Path,
) -> None:
    station = tmp_path / "a"
    with Store.open(station) as store:
        store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
        assert store.head.seq == 1
    secretariat = secretariat_for(station, tmp_path / "s")
    _import(secretariat, _export(station, "a1.carnet"))
    back = _export(secretariat, "s1.carnet", pour=station)
    (result,) = _import(station, back).files
    assert result.error is None and result.acknowledged == 1
    with Store.open(station) as store:
        assert sync_state(store).acknowledged == [[1, 1]]


def test_ranges_that_touch_are_merged_and_a_gap_is_kept() -> None:
    assert add_range([[1, 3]], 4, 5) == [[1, 5]]
    assert add_range([[4, 5]], 1, 3) == [[1, 5]]
    assert add_range([[1, 3]], 3, 5) == [[1, 5]]
    assert add_range([[1, 3]], 5, 6) == [[1, 3], [5, 6]]
    assert add_range([[1, 3]], 6, 6) == [[1, 3], [6, 6]]


def test_a_file_s_line_names_its_sender_and_recipient_by_their_names(tmp_path: Path) -> None:
    names = {"p-lyon": "Poste de Lyon", "s-nat": "Secrétariat national"}

    def label(station: str) -> str:
        return names.get(station, f"?{station}")

    taken = FileResult(tmp_path / "a.carnet", "bundle", "p-lyon", new_events=3, known_events=1)
    assert taken.said_by(label) == (": de Poste de Lyon, 3 nouvel(s) événement(s), 1 déjà reçu(s)")
    receipt = FileResult(tmp_path / "r.carnet", "receipt", "s-nat")
    assert receipt.said_by(label) == ": accusé de réception du secrétariat Secrétariat national"
    own = FileResult(tmp_path / "o.carnet", "bundle", "p-lyon", own=True, recipient="s-nat",
                     number=2)  # fmt: skip
    assert own.said_by(label) == (
        ": lot n° 2 écrit par ce poste pour Secrétariat national : rien à importer ici"
    )
