"""Each refusal of a bundle says exactly why, and an unknown station's bundle carries what is
needed to trust it after checking its fingerprint (no textual)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from models.events import content_hash
from store.bundle import Header, Recipient, seal_file
from store.errors import StoreError
from store.keys import load_or_create_encryption_key, load_or_create_key
from store.station import set_role
from store.store import Store
from store.sync import import_files, own_events, station_key, trust_station
from tests.test_sync import _files, _import, _station, _trust


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    station, secretariat = tmp_path / "a", tmp_path / "s"
    _station(station)
    with Store.open(secretariat):
        pass
    set_role(secretariat, "secretariat")
    load_or_create_key(secretariat)
    # The folder's own keys exist before any import, so that « nothing changed » means it.
    load_or_create_encryption_key(secretariat)
    _trust(secretariat, station)
    return station, secretariat


def _bundle(station: Path, content: Any, count: int) -> bytes:
    with Store.open(station) as store:
        refs = {r.id: r.version for r in store.referentials.all()}
        return seal_file(
            "bundle",
            store.station.id,
            station_key(store),
            7,
            content,
            count=count,
            referentials=refs,
        )


def _error(secretariat: Path, data: bytes) -> str:
    path = secretariat.parent / "refuse.carnet"
    path.write_bytes(data)
    before = _files(secretariat)
    (result,) = _import(secretariat, path).files
    assert _files(secretariat) == before
    assert result.error is not None
    return str(result.error)


def test_a_count_that_does_not_match_the_header(pair: Any) -> None:
    station, secretariat = pair
    with Store.open(station) as store:
        events = own_events(store)
    expected = "le nombre d'événements ne correspond pas à l'en-tête"
    assert _error(secretariat, _bundle(station, events, len(events) + 1)) == expected
    # Content of the right size that is not a list of events.
    assert _error(secretariat, _bundle(station, {"a": events[0]}, 1)) == expected


def test_a_bad_event_is_named_by_its_place_in_the_bundle(pair: Any) -> None:
    station, secretariat = pair
    with Store.open(station) as store:
        events = own_events(store)
    events[1] = {**events[1], "author": "quelqu'un d'autre"}  # its own hash no longer fits
    assert _error(secretariat, _bundle(station, events, len(events))) == (
        f"événement 2 refusé : événement n° {events[1]['seq']} altéré : "
        "son empreinte ne correspond pas"
    )
    events[1]["hash"] = content_hash(events[1])
    events[0] = {**events[0], "seq": "un"}
    assert _error(secretariat, _bundle(station, events, len(events))).startswith(
        "événement 1 refusé : événement illisible"
    )


def test_an_unreadable_header_is_said_briefly(pair: Any) -> None:
    _, secretariat = pair
    deep = b'{"a":' + b"[" * 100_000 + b"\n[]"
    assert _error(secretariat, deep) == (
        "fichier tronqué ou illisible (JSON imbriqué trop profondément)"
    )


def test_an_unknown_station_can_be_trusted_after_its_fingerprint_is_checked(
    tmp_path: Path,
) -> None:
    station, secretariat = tmp_path / "a", tmp_path / "s"
    _station(station)
    with Store.open(station) as store:
        key = station_key(store)
        station_id = store.station.id
        path = tmp_path / "lot.carnet"
        path.write_bytes(
            seal_file(
                "bundle",
                station_id,
                key,
                1,
                own_events(store),
                count=len(own_events(store)),
                referentials={r.id: r.version for r in store.referentials.all()},
            )
        )
    with Store.open(secretariat) as store:
        (result,) = import_files(store, [path], receipts_dir=tmp_path / "accuses").files
        assert result.error == (
            f"poste inconnu « {station_id} » (empreinte {key.fingerprint}) : faites d'abord "
            "confiance à sa clé publique (carnet trust FICHIER, ou confirmation dans "
            "l'application)"
        )
        unknown = result.unknown
        assert unknown is not None
        assert (unknown.station, unknown.fingerprint, unknown.public) == (
            station_id,
            key.fingerprint,
            key.public,
        )
        with pytest.raises(StoreError, match="rien n'a été enregistré"):
            trust_station(store, unknown, "0000")  # the fingerprint must be typed as read
        assert trust_station(store, unknown, unknown.fingerprint.lower()) == "nouveau"
        report = import_files(store, [path], receipts_dir=tmp_path / "accuses")
        assert not report.rejected and report.new_events == len(own_events_of(station))


def own_events_of(folder: Path) -> list[dict[str, Any]]:
    with Store.open(folder) as store:
        return own_events(store)


def test_an_event_of_another_station_or_twice_in_a_bundle(pair: Any) -> None:
    station, secretariat = pair
    with Store.open(station) as store:
        events = own_events(store)
    stranger = [dict(e) for e in events]
    stranger[2] = {**stranger[2], "station": "poste-b"}
    stranger[2]["hash"] = content_hash(stranger[2])
    assert _error(secretariat, _bundle(station, stranger, len(stranger))) == (
        "événement 3 d'un autre poste (poste-b)"
    )
    twice = [events[0], events[1], events[1], events[2]]
    assert _error(secretariat, _bundle(station, twice, 4)) == (
        "événements dans le désordre ou en double dans le lot"
    )
    backwards = [events[1], events[0]]
    assert _error(secretariat, _bundle(station, backwards, 2)) == (
        "événements dans le désordre ou en double dans le lot"
    )


def test_a_bundle_is_compact_utf8_text(pair: Any) -> None:
    station, _ = pair
    with Store.open(station) as store:
        events = own_events(store)
    body = _bundle(station, events, len(events)).partition(b"\n")[2]
    # Accents as written (a bundle stays readable and small), no padding between fields.
    assert "Bruno Métier".encode() in body and b"\\u00e9" not in body
    assert b'", "' not in body and b'": ' not in body


def test_an_encrypted_bundle_that_names_no_recipient_is_refused_saying_so(pair: Any) -> None:
    station, secretariat = pair
    public = load_or_create_encryption_key(secretariat).public_key().public_bytes_raw()
    with Store.open(secretariat) as store:
        recipient = Recipient(store.station.id, public)
    with Store.open(station) as store:
        events, key = own_events(store), station_key(store)
        sealed = seal_file("bundle", store.station.id, key, 7, events, count=len(events),
                           recipient=recipient)  # fmt: skip
    first, _, body = sealed.partition(b"\n")
    envelope = json.loads(first)
    del envelope["header"]["recipient"]  # encrypted, for nobody: signed so by its sender
    header = Header.model_validate(envelope["header"])
    envelope["signature"] = base64.b64encode(key.sign(header.signed())).decode()
    forged = json.dumps(envelope).encode() + b"\n" + body
    assert _error(secretariat, forged) == "lot chiffré sans destinataire lisible ici"


def test_a_bundle_encrypted_to_another_key_under_this_folders_name_is_refused_saying_so(
    pair: Any,
) -> None:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    station, secretariat = pair
    stranger = X25519PrivateKey.generate().public_key().public_bytes_raw()
    with Store.open(secretariat) as store:
        recipient = Recipient(store.station.id, stranger)  # its id, not its key
    with Store.open(station) as store:
        events = own_events(store)
        sealed = seal_file("bundle", store.station.id, station_key(store), 7, events,
                           count=len(events), recipient=recipient)  # fmt: skip
    assert _error(secretariat, sealed) == (
        "contenu chiffré illisible avec la clé de ce poste : lot altéré, ou chiffré pour une "
        "autre clé que celle de ce poste"
    )
