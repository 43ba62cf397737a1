"""Each refusal of a file's envelope (store/bundle.py, ``open_file`` and ``decrypted``), word
for word, on files made here byte by byte.

tests/test_bundle_refusals.py and tests/test_sync.py refuse whole bundles through an import and
check most messages by one phrase; the message is what the secretariat reads beside the file
it refused, so each is checked whole here, with the key that was expected where one is named.
"""

from __future__ import annotations

import base64
import json
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest

from store.bundle import (
    FORMAT,
    BundleError,
    Header,
    Reader,
    Recipient,
    UnknownStation,
    decrypted,
    open_file,
    seal_file,
)
from store.keys import TrustedKey, load_or_create_encryption_key, load_or_create_key


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Any]:
    for name in ("poste", "autre", "secretariat"):
        (tmp_path / name).mkdir()
    sender = load_or_create_key(tmp_path / "poste")
    other = load_or_create_key(tmp_path / "autre")
    reader_key = load_or_create_encryption_key(tmp_path / "secretariat")
    return {
        "sender": sender,
        "other": other,
        "trusted": {"P1": TrustedKey("P1", sender.public, "", name="Poste un", organisme="CAF")},
        "reader": Reader("S1", reader_key.private_bytes_raw()),
        "recipient": Recipient("S1", reader_key.public_key().public_bytes_raw()),
    }


def _refusal(data: bytes, trusted: Any, reader: Reader | None = None) -> str:
    with pytest.raises(BundleError) as caught:
        decrypted(open_file(data, trusted, reader), reader)
    return str(caught.value)


def _envelope(data: bytes) -> tuple[dict[str, Any], bytes]:
    first, _, body = data.partition(b"\n")
    return json.loads(first), body


def _join(envelope: dict[str, Any], body: bytes, newline: bool = True) -> bytes:
    return json.dumps(envelope).encode() + (b"\n" + body if newline else b"")


def test_what_is_not_a_carnet_file_is_named_so(keys: dict[str, Any]) -> None:
    trusted = keys["trusted"]
    assert _refusal(b"", trusted) == "fichier vide : ce n'est pas un lot carnet"
    assert _refusal(b" \n\t ", trusted) == "fichier vide : ce n'est pas un lot carnet"
    assert _refusal(b"PK\x03\x04 une archive", trusted) == "ce n'est pas un lot carnet"
    assert _refusal(b'{"a": "\xff"}\n', trusted) == ("ce n'est pas un lot carnet (contenu binaire)")
    assert _refusal(b'{"format": "carnet", \n', trusted) == (
        "fichier tronqué ou illisible (JSON invalide à la ligne 1, colonne 22)"
    )
    # A key file cut short is not taken for a key file: it is a file that does not read.
    assert _refusal(b'{"format": "carnet-cle-publique", ', trusted) == (
        "fichier tronqué ou illisible (JSON invalide à la ligne 1, colonne 35)"
    )
    assert _refusal(b'{"format": "autre"}\n{}', trusted) == "ce n'est pas un lot carnet"
    assert _refusal(b"{}\n{}", trusted) == "ce n'est pas un lot carnet"
    assert _refusal(b'{"format": "carnet", "version": 3}\n', trusted) == (
        "version de format inconnue (3) : cette version de carnet lit les versions 1 à 2"
    )
    assert _refusal(b'{"format": "carnet"}\n', trusted) == (
        "version de format inconnue (None) : cette version de carnet lit les versions 1 à 2"
    )
    assert FORMAT == "carnet"


def test_a_header_that_does_not_check_is_named(keys: dict[str, Any]) -> None:
    trusted = keys["trusted"]
    good = seal_file("bundle", "P1", keys["sender"], 1, [], count=0)
    envelope, body = _envelope(good)
    assert open_file(good, trusted).header.station == "P1"

    broken = {**envelope, "header": {**envelope["header"], "seq": 0}}
    assert _refusal(_join(broken, body), trusted) == (
        "en-tête invalide : champ « seq » : doit être au moins 1"
    )
    # Said in French whatever is wrong (a newcomer's walk met pydantic's English here).
    for field, value, said in [
        ("count", "x", "champ « count » : un nombre entier est attendu"),
        ("kind", "autre", "champ « kind » : valeur non reconnue"),
    ]:
        damaged = {**envelope, "header": {**envelope["header"], field: value}}
        assert _refusal(_join(damaged, body), trusted) == f"en-tête invalide : {said}"
    headless = {("entete" if k == "header" else k): v for k, v in envelope.items()}
    assert _refusal(_join(headless, body), trusted) == (
        "en-tête absent ou illisible : ce fichier n'est pas un lot complet"
    )
    missing = {**envelope, "header": {k: v for k, v in envelope["header"].items() if k != "seq"}}
    assert _refusal(_join(missing, body), trusted) == "en-tête invalide : champ « seq » absent"
    v1 = {**envelope, "version": 1, "header": {**envelope["header"], "name": "Poste un"}}
    assert _refusal(_join(v1, body), trusted) == (
        "en-tête invalide : champs de la version 2 dans un fichier version 1"
    )
    # No signature reads as the text « None », which is base64: a signature that fails.
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    assert _refusal(_join(unsigned, body), trusted) == (
        "signature invalide : l'en-tête a été modifié ou n'est pas signé par P1"
    )
    garbled = {**envelope, "signature": "pas du base64 !"}
    assert _refusal(_join(garbled, body), trusted) == "signature absente ou illisible"
    forged = {**envelope, "signature": base64.b64encode(b"\0" * 64).decode()}
    assert _refusal(_join(forged, body), trusted) == (
        "signature invalide : l'en-tête a été modifié ou n'est pas signé par P1"
    )
    assert _refusal(_join(envelope, body, newline=False), trusted) == (
        "fichier tronqué : le contenu manque"
    )
    assert _refusal(_join(envelope, body + b" "), trusted) == (
        "contenu altéré ou tronqué : son empreinte SHA-256 ne correspond pas à la signature"
    )


def test_a_key_other_than_the_known_one_is_refused_naming_both(keys: dict[str, Any]) -> None:
    trusted = keys["trusted"]
    data = seal_file("bundle", "P1", keys["other"], 1, [], count=0)
    assert _refusal(data, trusted) == (
        f"signé par une autre clé que celle connue pour le poste P1 "
        f"({keys['other'].fingerprint} au lieu de {keys['sender'].fingerprint})"
    )


def test_an_unknown_station_is_offered_only_with_a_key_matching_its_fingerprint(
    keys: dict[str, Any],
) -> None:
    data = seal_file("bundle", "P2", keys["other"], 1, [], count=0)
    with pytest.raises(UnknownStation) as caught:
        open_file(data, keys["trusted"])
    assert caught.value.station == "P2"
    assert caught.value.public == keys["other"].public
    envelope, body = _envelope(data)
    unreadable = {**envelope, "header": {**envelope["header"], "public_key": "pas une clé"}}
    assert _refusal(_join(unreadable, body), keys["trusted"]) == (
        "clé publique de l'en-tête illisible"
    )
    swapped = base64.b64encode(keys["sender"].public).decode()
    mismatched = {**envelope, "header": {**envelope["header"], "public_key": swapped}}
    assert _refusal(_join(mismatched, body), keys["trusted"]) == (
        "l'empreinte de l'en-tête ne correspond pas à sa clé publique"
    )


def test_a_bundle_for_another_station_or_key_is_refused_saying_whose_it_is(
    keys: dict[str, Any],
) -> None:
    trusted = {**keys["trusted"], "S9": TrustedKey("S9", b"k" * 32, "", name="Secrétariat")}
    for_s9 = Recipient("S9", keys["recipient"].public)
    data = seal_file("bundle", "P1", keys["sender"], 1, [], count=0, recipient=for_s9)
    assert _refusal(data, trusted, keys["reader"]) == (
        "lot chiffré pour S9 (Secrétariat), pas pour ce poste (S1) : seul son destinataire "
        "peut le lire. Demandez à l'expéditeur un lot pour ce poste (carnet export --pour)."
    )
    # A recipient not known here, or known without a name: its id alone.
    assert _refusal(data, keys["trusted"], keys["reader"]) == (
        "lot chiffré pour S9, pas pour ce poste (S1) : seul son destinataire peut le lire. "
        "Demandez à l'expéditeur un lot pour ce poste (carnet export --pour)."
    )
    mine = seal_file("bundle", "P1", keys["sender"], 1, [], count=0, recipient=keys["recipient"])
    assert decrypted(open_file(mine, trusted, keys["reader"]), keys["reader"]).content == []
    assert _refusal(mine, trusted, None) == "lot chiffré sans destinataire lisible ici"
    # A content changed and signed again by its sender: it no longer decrypts.
    envelope, body = _envelope(mine)
    flipped = bytes([body[0] ^ 1]) + body[1:]
    header = Header(**{**envelope["header"], "content_sha256": sha256(flipped).hexdigest()})
    resigned = {
        **envelope,
        "header": header.model_dump(exclude_none=True),
        "signature": base64.b64encode(keys["sender"].sign(header.signed())).decode(),
    }
    assert _refusal(_join(resigned, flipped), trusted, keys["reader"]) == (
        "contenu chiffré illisible avec la clé de ce poste : lot altéré, ou chiffré pour "
        "une autre clé que celle de ce poste"
    )
