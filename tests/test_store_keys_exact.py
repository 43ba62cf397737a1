"""The station's key files and public key files (store/keys.py), word for word: what is said
of a key file that is not a key of the right kind, of a public key file altered or with a
field too long, and of a second key for a known station.

The silent-damage tests (CLI) look for one phrase of these; they are checked whole here, on
files made in this process.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from store.errors import CorruptFileError, StoreError
from store.keys import (
    ENCRYPTION_KEY_NAME,
    KEY_NAME,
    TrustedKey,
    TrustStore,
    load_or_create_encryption_key,
    load_or_create_key,
    read_public_key_file,
)
from store.store import Store


def _pem(private: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip


def test_a_key_file_of_the_wrong_kind_or_unreadable_is_named(tmp_path: Path) -> None:
    cases = [
        (KEY_NAME, b"pas une cle", "clé du poste illisible", load_or_create_key),
        (KEY_NAME, _pem(X25519PrivateKey.generate()), "ce n'est pas une clé Ed25519",
         load_or_create_key),
        (ENCRYPTION_KEY_NAME, b"pas une cle", "clé de chiffrement du poste illisible",
         load_or_create_encryption_key),
        (ENCRYPTION_KEY_NAME, _pem(Ed25519PrivateKey.generate()), "ce n'est pas une clé X25519",
         load_or_create_encryption_key),
    ]  # fmt: skip
    for number, (name, content, reason, load) in enumerate(cases):
        folder = tmp_path / str(number)
        folder.mkdir()
        (folder / name).write_bytes(content)
        with pytest.raises(CorruptFileError) as caught:
            load(folder)  # type: ignore[operator]
        assert (caught.value.path, caught.value.reason) == (folder / name, reason)


def _public_file(tmp_path: Path) -> dict[str, object]:
    folder = tmp_path / "poste"
    with Store.open(folder) as store:
        from store.sync import public_key_of

        data: dict[str, object] = json.loads(public_key_of(store))
    return data


def _refused(data: dict[str, object]) -> str:
    with pytest.raises(StoreError) as caught:
        read_public_key_file(json.dumps(data).encode())
    return str(caught.value)


def test_a_public_key_file_altered_or_with_a_bad_field_is_refused(tmp_path: Path) -> None:
    data = _public_file(tmp_path)
    assert read_public_key_file(json.dumps(data).encode()).station == data["station"]
    altered = (
        "clé publique altérée : sa signature ne correspond pas à son contenu (rôle, nom, "
        "organisme ou clés modifiés)"
    )
    assert _refused({**data, "name": "Un autre nom"}) == altered
    assert _refused({**data, "signature": "pas du base64 !"}) == altered
    assert _refused({**data, "encryption_key": base64.b64encode(b"court").decode()}) == altered
    assert _refused({**data, "role": "pirate"}) == "clé publique : rôle inconnu 'pirate'"
    assert _refused({**data, "station": "p" * 65}) == (
        "clé publique sans identifiant de poste valide"
    )
    with pytest.raises(StoreError) as not_json:
        read_public_key_file(b"{pas du json")
    assert str(not_json.value) == "ce fichier n'est pas une clé publique carnet"


def test_a_second_key_for_a_known_station_is_refused_naming_the_known_one(
    tmp_path: Path,
) -> None:
    trust = TrustStore(tmp_path)
    first = TrustedKey("poste-1", b"a" * 32, "2026-12-07")
    assert trust.trust(first) == "nouveau"
    assert trust.trust(first) == "inchangé"
    with pytest.raises(StoreError) as caught:
        trust.trust(TrustedKey("poste-1", b"b" * 32, "2026-12-07"))
    assert str(caught.value) == (
        f"le poste poste-1 est déjà connu avec une autre clé ({first.fingerprint}) : refus de "
        "la remplacer"
    )


def test_a_name_or_organisme_longer_than_the_forms_allow_is_refused(tmp_path: Path) -> None:
    """The forms (``carnet poste``, the station's form) take 1 to 200 characters: a key file
    naming its folder within that is read whole; one whose station.json was given more (by
    hand) is refused, naming the field."""
    from store.station import set_identity
    from store.sync import public_key_of

    folder = tmp_path / "poste"

    def read(name: str, organisme: str) -> TrustedKey:
        set_identity(folder, name, organisme)
        with Store.open(folder) as store:
            return read_public_key_file(public_key_of(store))

    with Store.open(folder):
        pass
    key = read("N" * 200, "O" * 200)
    assert (key.name, key.organisme) == ("N" * 200, "O" * 200)
    for name, organisme, field in (("N" * 201, "O", "name"), ("N", "O" * 201, "organisme")):
        with pytest.raises(StoreError) as caught:
            read(name, organisme)
        assert str(caught.value) == f"clé publique : champ « {field} » invalide"


def test_the_same_key_file_trusted_again_later_changes_nothing(tmp_path: Path) -> None:
    """Read again another day (its « added » is the moment it is read): the same key with the
    same role, name and organisme is « inchangé », and keeps the day it was first trusted."""
    trust = TrustStore(tmp_path)
    first = TrustedKey("poste-1", b"a" * 32, "2026-12-01T08:00:00Z", "poste", "Tutorat", "CPAM")
    later = TrustedKey("poste-1", b"a" * 32, "2026-12-07T08:00:00Z", "poste", "Tutorat", "CPAM")
    assert trust.trust(first) == "nouveau"
    assert trust.trust(later) == "inchangé"
    assert TrustStore(tmp_path).keys["poste-1"].added == "2026-12-01T08:00:00Z"
    renamed = TrustedKey("poste-1", b"a" * 32, "2026-12-08T08:00:00Z", "poste", "Lyon", "CAF")
    assert trust.trust(renamed) == "mis à jour"
    kept = TrustStore(tmp_path).keys["poste-1"]
    assert (kept.name, kept.organisme, kept.added) == ("Lyon", "CAF", "2026-12-01T08:00:00Z")
