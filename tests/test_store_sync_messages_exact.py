"""The exchange's refusals before any file is written or trusted (store/sync.py), word for
word: who a bundle is for, where it is written, whose key is trusted, who assigns a candidate.

tests/test_encryption.py and tests/test_sync_cli.py check these by one phrase; the whole
message is what the person at the station reads, with what to do next, so it is checked whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store.errors import StoreError
from store.keys import TrustStore
from store.store import Store
from store.sync import assign, confirm_trust, export, read_key_file
from tests.test_sync import _id, _key_file, _station, _trust, station_and_two_secretariats


@pytest.fixture
def three(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A station a, its secretariat s, and another secretariat t."""
    return station_and_two_secretariats(tmp_path)


def _refused(folder: Path, **kwargs: Any) -> str:
    out = kwargs.pop("out", folder.parent / "lot.carnet")
    with Store.open(folder) as store, pytest.raises(StoreError) as caught:
        export(store, out, **kwargs)
    assert not out.exists()
    return str(caught.value)


def test_who_a_bundle_is_for_is_said_whole_when_it_cannot_be_told(
    three: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    a, s, t = three
    assert _refused(a, pour="poste-000000000000") == (
        "destinataire inconnu ici : poste-000000000000. Faites d'abord confiance à sa clé "
        "publique (carnet trust FICHIER --empreinte …)"
    )
    assert _refused(s) == "au secrétariat, indiquez le poste destinataire (--pour IDENTIFIANT)"
    lone = tmp_path / "seul"
    _station(lone)
    assert _refused(lone) == (
        "aucun secrétariat de confiance : faites d'abord confiance à la clé publique du "
        "secrétariat (carnet trust FICHIER --empreinte …, ou « i » sur sa clé dans les "
        "Échanges) ; un lot n'est jamais écrit en clair"
    )
    _trust(a, t)
    both = ", ".join(k for k, v in TrustStore(a).keys.items() if v.secretariat)
    assert both.count(",") == 1
    assert _refused(a) == f"plusieurs secrétariats de confiance ({both}) : indiquez --pour"
    # Named, either of them will do.
    assert export_path(a, tmp_path / "pour-t.carnet", pour=_id(t)).exists()


def export_path(folder: Path, out: Path, **kwargs: Any) -> Path:
    with Store.open(folder) as store:
        return export(store, out, **kwargs).path


def test_a_bundle_is_never_written_over_a_file_nor_into_a_missing_folder(
    three: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    a, _, _ = three
    taken = tmp_path / "deja.carnet"
    taken.write_bytes(b"autre chose")
    with Store.open(a) as store, pytest.raises(StoreError) as caught:
        export(store, taken)
    assert str(caught.value) == (
        f"{taken} existe déjà : un lot n'est jamais réécrit, choisissez un autre nom"
    )
    assert taken.read_bytes() == b"autre chose"
    nowhere = tmp_path / "absent" / "lot.carnet"
    assert _refused(a, out=nowhere) == f"le dossier {nowhere.parent} n'existe pas"


def test_a_key_is_trusted_only_with_its_fingerprint_typed_right(
    three: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    a, _, t = three
    key_file = _key_file(t)
    key = read_key_file(key_file)
    with Store.open(a) as store:
        trusted = dict(TrustStore(store.folder).keys)
        with pytest.raises(StoreError) as caught:
            confirm_trust(store, key_file, "0000 0000")
        assert str(caught.value) == (
            f"l'empreinte saisie ne correspond pas à celle de la clé de {key.station} "
            f"({key.fingerprint}) : rien n'a été enregistré. Vérifiez le fichier avec ce poste."
        )
        assert TrustStore(store.folder).keys == trusted
        # Spaces, dashes and case aside, the same fingerprint is accepted.
        typed = "-".join(key.fingerprint.lower().split())
        got, outcome = confirm_trust(store, key_file, typed)
        assert (got.station, got.public, outcome) == (key.station, key.public, "nouveau")
    own = _key_file(a)
    with Store.open(a) as store, pytest.raises(StoreError) as own_caught:
        confirm_trust(store, own, read_key_file(own).fingerprint)
    assert str(own_caught.value) == "c'est la clé de ce poste même"
    missing = tmp_path / "absente.cle"
    with pytest.raises(StoreError) as unreadable:
        read_key_file(missing)
    assert str(unreadable.value) == f"impossible de lire {missing} : fichier ou dossier introuvable"


def test_only_the_secretariat_assigns_a_candidate_to_a_station_it_trusts(
    three: tuple[Path, Path, Path],
) -> None:
    a, s, _ = three
    with Store.open(s) as store:
        sec = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
        candidate = store.create_candidate(
            "Jean Valjean", "CAF", "gestionnaire-conseil", sec, tutor=None, manager=None
        )
        with pytest.raises(StoreError) as unknown:
            assign(store, candidate, "poste-000000000000", [], sec)
        assert str(unknown.value) == (
            "poste inconnu ici : poste-000000000000 (faites d'abord confiance à sa clé)"
        )
        with pytest.raises(StoreError) as nobody:
            assign(store, candidate, _id(a), ["p-personne"], sec)
        assert str(nobody.value) == "personne inconnue : p-personne"
    with Store.open(a) as store, pytest.raises(StoreError) as station:
        assign(store, "c-x", _id(s), [], "t")
    assert str(station.value) == "seul le secrétariat attribue un candidat à un poste"
