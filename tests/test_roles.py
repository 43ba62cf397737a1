"""Roles bound to keys: key files and the trust store carry a folder's role, name and
organisme; receipts count only from a trusted secretariat; trusting a key needs its
fingerprint; folders of the release before keep working (no textual)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from store.errors import StoreError
from store.keys import TrustStore, read_public_key_file
from store.store import Store
from store.sync import SyncState, own_events
from tui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "release1"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def _fingerprint(key_file: Path) -> str:
    fingerprint: str = json.loads(key_file.read_bytes())["fingerprint"]
    return fingerprint


def _trust(capsys: pytest.CaptureFixture[str], key_file: Path, data: Path) -> str:
    code, out = _run(capsys, "trust", str(key_file), "--data", str(data),
                     "--empreinte", _fingerprint(key_file))  # fmt: skip
    assert code == 0, out
    return out


def _unconfirmed(folder: Path) -> int:
    with Store.open(folder) as store:
        state = SyncState.load(folder)
        return sum(
            1
            for e in own_events(store)
            if not any(a <= e["seq"] <= b for a, b in state.acknowledged)
        )


def test_a_peers_receipt_confirms_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's sequence: X's bundle imported at the peer Y, Y's receipt imported at X."""
    x, y = tmp_path / "X", tmp_path / "Y"
    assert main(["demo", "--data", str(x), "--candidates", "2"]) == 0
    assert main(["demo", "--data", str(y), "--candidates", "1"]) == 0
    _run(capsys, "station", "--data", str(x), "--out", str(tmp_path / "X.cle"))
    _trust(capsys, tmp_path / "X.cle", y)
    _run(capsys, "station", "--data", str(y), "--out", str(tmp_path / "Y.cle"))
    out = _trust(capsys, tmp_path / "Y.cle", x)
    assert "poste" in out and "secrétariat" not in out
    y_id = read_public_key_file((tmp_path / "Y.cle").read_bytes()).station
    code, out = _run(capsys, "export", "--data", str(x), "--out", str(tmp_path / "X1.carnet"),
                     "--pour", y_id)  # fmt: skip
    assert code == 0, out
    code, out = _run(capsys, "import", "--data", str(y), str(tmp_path / "X1.carnet"))
    assert code == 0, out
    # A station writes no receipt any more; one made as the release before made them, signed
    # by the peer's key, is what the sequence imports at X.
    assert not (y / "accuses").exists()
    from store.sync import Ledger, write_receipts

    x_id = read_public_key_file((tmp_path / "X.cle").read_bytes()).station
    with Store.open(y) as store:
        receipts = write_receipts(store, Ledger(y), [x_id], y / "accuses")
    assert receipts
    before = _unconfirmed(x)
    code, out = _run(capsys, "import", "--data", str(x), *map(str, receipts))
    assert code == 1
    assert "ce n'est pas un secrétariat" in out and "rien n'est confirmé" in out
    assert "confirmé(s) par le secrétariat" not in out
    assert _unconfirmed(x) == before > 0
    # The next bundle still holds every event: they will reach the real secretariat.
    code, out = _run(capsys, "export", "--data", str(x), "--out", str(tmp_path / "X2.carnet"),
                     "--pour", y_id)  # fmt: skip
    assert f"{before} événement(s)" in out


def test_a_receipt_signed_by_the_folder_itself_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station, secretariat = tmp_path / "p", tmp_path / "s"
    assert main(["demo", "--data", str(station), "--candidates", "1"]) == 0
    assert main(["init", "--secretariat", "--data", str(secretariat)]) == 0
    _run(capsys, "station", "--data", str(station), "--out", str(tmp_path / "p.cle"))
    _run(capsys, "station", "--data", str(secretariat), "--out", str(tmp_path / "s.cle"))
    _trust(capsys, tmp_path / "p.cle", secretariat)
    _trust(capsys, tmp_path / "s.cle", station)
    _run(capsys, "export", "--data", str(station), "--out", str(tmp_path / "p1.carnet"))
    _run(capsys, "import", "--data", str(secretariat), "--receipts", str(tmp_path / "acc"),
         str(tmp_path / "p1.carnet"))  # fmt: skip
    (receipt,) = (tmp_path / "acc").glob("*.carnet")
    # The secretariat's receipt, imported by the secretariat itself.
    code, out = _run(capsys, "import", "--data", str(secretariat), str(receipt))
    assert code == 0 and out.startswith(f"○ {receipt} : accusé de réception n° 1 écrit par ce ")
    assert "rien à importer ici" in out and "confirmé" not in out
    # At a station that does not trust the secretariat: refused, unknown.
    other = tmp_path / "autre"
    assert main(["demo", "--data", str(other), "--candidates", "1"]) == 0
    code, out = _run(capsys, "import", "--data", str(other), str(receipt))
    assert code == 1 and "poste inconnu" in out
    assert _unconfirmed(station) > 0


def test_trust_requires_the_fingerprint_and_shows_role_name_organisme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station, secretariat = tmp_path / "p", tmp_path / "s"
    assert main(["init", "--secretariat", "--data", str(secretariat)]) == 0
    code, out = _run(capsys, "station", "--data", str(secretariat), "--nom", "Secrétariat CQP",
                     "--organisme", "Ucanss", "--out", str(tmp_path / "s.cle"))  # fmt: skip
    assert code == 0 and "Secrétariat CQP" in out
    key_file = tmp_path / "s.cle"
    key = read_public_key_file(key_file.read_bytes())
    assert (key.role, key.name, key.organisme) == ("secretariat", "Secrétariat CQP", "Ucanss")
    # No fingerprint given (and no terminal to type it in): refused, nothing trusted.
    code, out = _run(capsys, "trust", str(key_file), "--data", str(station))
    assert code == 1 and "--empreinte" in out and key.fingerprint in out
    assert not (station / "trusted.json").exists()
    # A wrong one: refused.
    code, out = _run(capsys, "trust", str(key_file), "--data", str(station),
                     "--empreinte", "0000 1111 2222 3333 4444 5555 6666 7777")  # fmt: skip
    assert code == 1 and "ne correspond pas" in out
    assert not (station / "trusted.json").exists()
    # Typed without spaces, in capitals: accepted.
    code, out = _run(capsys, "trust", str(key_file), "--data", str(station),
                     "--empreinte", key.fingerprint.replace(" ", "").upper())  # fmt: skip
    assert code == 0 and "secrétariat" in out and "Ucanss" in out
    (trusted,) = TrustStore(station).keys.values()
    assert trusted.secretariat and trusted.name == "Secrétariat CQP"
    # A key file whose role was edited by hand no longer matches its signature.
    data = json.loads(key_file.read_bytes())
    data["role"], data["station"] = "poste", "poste-000000000000"
    forged = tmp_path / "forged.cle"
    forged.write_text(json.dumps(data))
    code, out = _run(capsys, "trust", str(forged), "--data", str(station),
                     "--empreinte", key.fingerprint)  # fmt: skip
    assert code == 1 and "altérée" in out


def _release1(tmp_path: Path) -> Path:
    target = tmp_path / "release1"
    shutil.copytree(FIXTURES, target)
    return target


def test_folders_and_files_of_the_release_before_keep_working(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _release1(tmp_path)
    st, sec = old / "st", old / "sec"
    # Its trust store reads, with the role unknown.
    (secretariat_key,) = TrustStore(st).keys.values()
    assert secretariat_key.role == "inconnu"
    # Its bundle imports again at its secretariat (nothing new) and its receipt is refused at
    # the station, with the way out: the secretariat's role is not known there yet.
    code, out = _run(capsys, "import", "--data", str(sec), "--receipts", str(old / "acc2"),
                     str(old / "st-1.carnet"))  # fmt: skip
    assert code == 0 and "lot n° 1 déjà importé ici : rien de nouveau" in out, out
    (receipt,) = (old / "rec").glob("*.carnet")
    code, out = _run(capsys, "import", "--data", str(st), str(receipt))
    assert code == 1 and "version précédente" in out and "carnet trust" in out
    # An old key file trusts nothing more (no role): « inchangé ».
    out = _trust(capsys, old / "sec.cle", st)
    assert "déjà de confiance" in out
    # The secretariat, under this release, writes a key file with its role; trusting it
    # upgrades the same key, and the old receipt now confirms the station's events.
    _run(capsys, "station", "--data", str(sec), "--out", str(old / "sec2.cle"))
    out = _trust(capsys, old / "sec2.cle", st)
    assert "mis à jour" in out
    assert TrustStore(st).keys[secretariat_key.station].secretariat
    code, out = _run(capsys, "import", "--data", str(st), str(receipt))
    assert code == 0 and "159 événement(s) confirmé(s)" in out, out
    assert _unconfirmed(st) == 0
    # The new trust store is read back by this release; the old public key file too.
    assert json.loads((st / "trusted.json").read_bytes())["version"] == 2
    assert read_public_key_file((old / "st.cle").read_bytes()).role == "inconnu"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"public_key": "AAAA"}, "clé publique invalide (Ed25519 attendue)"),
        ({"role": "pirate"}, "clé publique : rôle inconnu 'pirate'"),
        ({"version": 9}, "version de clé publique inconnue : 9"),
        ({"station": ""}, "clé publique sans identifiant de poste valide"),
        ({"format": "autre"}, "ce fichier n'est pas une clé publique carnet"),
    ],
)
def test_a_key_file_that_does_not_hold_is_refused_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, Any], said: str
) -> None:
    folder = tmp_path / "X"
    with Store.open(folder):
        pass
    _run(capsys, "station", "--data", str(folder), "--out", str(tmp_path / "X.cle"))
    data = json.loads((tmp_path / "X.cle").read_bytes()) | change
    with pytest.raises(StoreError) as caught:
        read_public_key_file(json.dumps(data).encode())
    assert str(caught.value) == said


def test_a_key_file_takes_a_station_id_as_long_as_a_bundle_does() -> None:
    """A bundle's header names its station in up to 64 characters: a key file of the release
    before naming one so long is read; one character more is refused."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    for station in ("p" * 64, "p" * 65):
        data = {"format": "carnet-cle-publique", "version": 1, "station": station,
                "public_key": base64.b64encode(public).decode()}  # fmt: skip
        if len(station) == 64:
            assert read_public_key_file(json.dumps(data).encode()).station == station
        else:
            with pytest.raises(StoreError) as caught:
                read_public_key_file(json.dumps(data).encode())
            assert str(caught.value) == "clé publique sans identifiant de poste valide"
