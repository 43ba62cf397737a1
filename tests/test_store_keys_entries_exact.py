"""What the trust store keeps of a folder, and how a fingerprint typed by hand is compared
(store/keys.py), word for word.

- A trust store written by the release before issue 12 (``tests/fixtures/release1``): its
  entries carry neither role, name nor organisme, and the folder they name is then called by
  its bare id (``TrustedKey.from_entry``), in the refusal of its receipt too.
- Its key trusted again from a key file of this release: « mis à jour », with the name and the
  organisme the file gives (``TrustStore.trust``).
- A public key file with no name nor organisme field (self-signed all the same): read with
  both empty, not refused (``_text``).
- A fingerprint typed with spaces, dashes and capitals is the same fingerprint; one letter
  different is another (``normalised_fingerprint``).

The release-1 tests (test_roles.py) check that such a receipt is refused and why, by a phrase;
the sync messages' tests type the fingerprint in lower case and a wrong one of digits only."""

from __future__ import annotations

import base64
import json
import shutil
import stat
from pathlib import Path

import pytest

from models.events import canonical, utc_now
from models.timing import parse_ts
from store.errors import CorruptFileError, StoreError
from store.keys import (
    ENCRYPTION_KEY_NAME,
    TrustStore,
    load_or_create_encryption_key,
    load_or_create_key,
    normalised_fingerprint,
    raw_public,
    read_public_key_file,
    sender_label,
)
from store.station import set_identity
from store.store import Store
from store.sync import confirm_trust, public_key_of
from tests.conftest import umask as process_umask
from tui.cli import main

RELEASE1 = Path(__file__).parent / "fixtures" / "release1"
SECRETARIAT = "poste-460f4ec059d3"  # tests/fixtures/release1/sec/station.json


def test_an_entry_of_the_release_before_is_named_by_its_bare_id(tmp_path: Path) -> None:
    st = tmp_path / "st"
    shutil.copytree(RELEASE1 / "st", st)
    keys = TrustStore(st).keys
    key = keys[SECRETARIAT]
    # No name nor organisme was kept: empty, not the text of a missing value.
    assert (key.role, key.name, key.organisme, key.encryption) == ("inconnu", "", "", None)
    assert key.label == SECRETARIAT
    assert sender_label(keys, SECRETARIAT) == SECRETARIAT


def test_a_receipt_from_a_folder_of_unknown_role_is_refused_in_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    st = tmp_path / "st"
    shutil.copytree(RELEASE1 / "st", st)
    (receipt,) = (RELEASE1 / "rec").glob("*.carnet")
    code = main(["import", "--data", str(st), str(receipt)])
    out, err = capsys.readouterr()
    assert code == 1
    assert (
        f"accusé de réception de {SECRETARIAT} refusé : son rôle n'est pas connu ici (clé "
        "enregistrée par une version précédente). Faites de nouveau confiance à la clé "
        "publique du secrétariat (carnet station --out, puis carnet trust FICHIER "
        "--empreinte …) ; rien n'est confirmé"
    ) in out + err


def test_a_key_of_the_release_before_trusted_again_takes_the_files_name_and_organisme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    st, sec = tmp_path / "st", tmp_path / "sec"
    shutil.copytree(RELEASE1 / "st", st)
    shutil.copytree(RELEASE1 / "sec", sec)
    set_identity(sec, "Secrétariat national", "Ucanss")
    key_file = tmp_path / "sec2.cle"
    assert main(["station", "--data", str(sec), "--out", str(key_file)]) == 0
    typed = json.loads(key_file.read_bytes())["fingerprint"]
    assert main(["trust", str(key_file), "--data", str(st), "--empreinte", typed]) == 0
    assert "mis à jour" in capsys.readouterr().out
    key = TrustStore(st).keys[SECRETARIAT]
    assert (key.role, key.name, key.organisme) == ("secretariat", "Secrétariat national", "Ucanss")
    assert key.label == "Secrétariat national (Ucanss)"


def test_a_key_file_without_name_nor_organisme_reads_them_empty(tmp_path: Path) -> None:
    folder = tmp_path / "poste"
    with Store.open(folder) as store:
        data = json.loads(public_key_of(store))
    del data["name"], data["organisme"], data["signature"]
    # Signed again by the folder's own key, as the file format says: « carnet-cle-publique »,
    # a line break, then every other field as canonical JSON.
    signed = b"carnet-cle-publique\n" + canonical(data)
    data["signature"] = base64.b64encode(load_or_create_key(folder).sign(signed)).decode()
    key = read_public_key_file(json.dumps(data).encode())
    assert (key.station, key.name, key.organisme) == (data["station"], "", "")
    assert key.label == data["station"]


def test_a_fingerprint_is_compared_without_spaces_dashes_or_case(tmp_path: Path) -> None:
    assert normalised_fingerprint("x-AB cd:12 Ef") == "abcd12ef"
    a, b = tmp_path / "a", tmp_path / "b"
    with Store.open(b) as store:
        key_file = tmp_path / "b.cle"
        key_file.write_bytes(public_key_of(store))
    fingerprint: str = json.loads(key_file.read_bytes())["fingerprint"]
    # One of its letters read wrong (its digits all right): another fingerprint.
    at = next(i for i, ch in enumerate(fingerprint) if ch in "abcdef")
    wrong = fingerprint[:at] + ("a" if fingerprint[at] != "a" else "b") + fingerprint[at + 1 :]
    with Store.open(a) as store:
        for typed in (wrong, wrong.upper()):
            with pytest.raises(StoreError, match="l'empreinte saisie ne correspond pas"):
                confirm_trust(store, key_file, typed)
        assert TrustStore(a).keys == {}
        # In capitals, in groups joined by dashes: the same fingerprint.
        key, outcome = confirm_trust(store, key_file, "-".join(fingerprint.upper().split()))
        assert outcome == "nouveau"
        kept = TrustStore(a).keys[key.station]
        assert kept.public == key.public
        assert parse_ts(kept.added) <= parse_ts(utc_now())  # the day it was trusted


def test_a_key_file_of_the_release_before_is_trusted_from_the_day_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sec"
    old = RELEASE1 / "st.cle"
    typed = json.loads(old.read_bytes())["fingerprint"]
    before = utc_now()
    assert main(["trust", str(old), "--data", str(folder), "--empreinte", typed]) == 0
    capsys.readouterr()
    key = TrustStore(folder).keys["poste-9303d84fd9a3"]
    assert key.role == "inconnu"
    assert parse_ts(before) <= parse_ts(key.added) <= parse_ts(utc_now())


def test_a_public_key_not_in_strict_base64_is_refused_as_invalid(tmp_path: Path) -> None:
    """Base64 read leniently would drop a stray character and find the same 32 bytes: the
    file is refused for its key, before its signature is looked at."""
    folder = tmp_path / "poste"
    with Store.open(folder) as store:
        data = json.loads(public_key_of(store))
    public = data["public_key"]
    for spoiled in (public[:8] + "!" + public[8:], public[:8] + "\n" + public[8:]):
        with pytest.raises(StoreError) as caught:
            read_public_key_file(json.dumps({**data, "public_key": spoiled}).encode())
        assert str(caught.value) == "clé publique invalide (Ed25519 attendue)"


def test_an_encryption_key_or_signature_not_in_strict_base64_is_refused(tmp_path: Path) -> None:
    """Even signed by the folder's own key: a stray character in the encryption key or in the
    signature is not read past (lenient base64 would find the same bytes and accept it)."""
    folder = tmp_path / "poste"
    with Store.open(folder) as store:
        data = json.loads(public_key_of(store))
    altered = (
        "clé publique altérée : sa signature ne correspond pas à son contenu (rôle, nom, "
        "organisme ou clés modifiés)"
    )
    encryption = data["encryption_key"]
    spoiled = {k: v for k, v in data.items() if k != "signature"}
    spoiled["encryption_key"] = encryption[:8] + "!" + encryption[8:]
    signed = b"carnet-cle-publique\n" + canonical(spoiled)
    spoiled["signature"] = base64.b64encode(load_or_create_key(folder).sign(signed)).decode()
    signature = data["signature"]
    for changed in (spoiled, {**data, "signature": signature[:8] + "!" + signature[8:]}):
        with pytest.raises(StoreError) as caught:
            read_public_key_file(json.dumps(changed).encode())
        assert str(caught.value) == altered
    assert read_public_key_file(json.dumps(data).encode()).encryption == base64.b64decode(
        encryption
    )


def test_a_damaged_trust_store_says_whether_a_backup_exists(tmp_path: Path) -> None:
    path = tmp_path / "trusted.json"
    path.write_bytes(b'{"version": 2, "stations": ')
    with pytest.raises(CorruptFileError) as alone:
        TrustStore(tmp_path)
    assert (alone.value.backup, str(alone.value)) == (
        None,
        f"Le fichier {path} est illisible (liste des postes de confiance illisible). "
        "Aucune sauvegarde n'est disponible.",
    )
    backup = tmp_path / "trusted.json.bak"
    backup.write_bytes(b'{"version": 2, "stations": {}}')
    with pytest.raises(CorruptFileError) as beside:
        TrustStore(tmp_path)
    assert beside.value.backup == backup


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_the_encryption_key_is_readable_by_its_owner_only(tmp_path: Path, umask: int) -> None:
    with process_umask(umask):
        key = load_or_create_encryption_key(tmp_path)
    path = tmp_path / ENCRYPTION_KEY_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert raw_public(load_or_create_encryption_key(tmp_path)) == raw_public(key)
