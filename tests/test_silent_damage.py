"""Issue 10's « silent damage » findings, each reproduced: loud, French, exit ≠ 0, repairable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from store.errors import CorruptFileError
from store.journal import journal_entries
from store.keys import (
    ENCRYPTION_KEY_NAME,
    KEY_NAME,
    load_or_create_encryption_key,
    load_or_create_key,
)
from store.store import Store
from tests.test_sync import _export, _import
from tui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "v1"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def station(tmp_path: Path) -> Path:
    """A station written by the current release (the demo, three candidates, with a key)."""
    folder = tmp_path / "poste"
    assert main(["demo", "--data", str(folder), "--candidates", "3"]) == 0
    assert main(["station", "--data", str(folder), "--out", str(tmp_path / "p.cle")]) == 0
    return folder


def _status(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, str, str]:
    return _run(capsys, "status", "--data", str(folder), "--json")


def test_a_flipped_byte_in_the_journals_last_line_never_reuses_a_number(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(station) as store:
        head = store.head
    journal = station / "journal.log"
    raw = bytearray(journal.read_bytes())
    at = raw.rindex(b"\n", 0, len(raw) - 1) + 1  # the last line's number, its first digit
    raw[at] = ord("9") if raw[at] != ord("9") else ord("8")  # still a line, another number
    journal.write_bytes(bytes(raw))
    with Store.open(station) as store:
        assert store.head == head  # the highest sequence found in the dossiers wins
        store.create_person("Après", "CPAM", ["tuteur"], "t")
        assert store.head.seq == head.seq + 1


def test_a_journal_cut_short_never_reuses_a_number(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(station) as store:
        head = store.head
    journal = station / "journal.log"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[: len(lines) - 5]))
    with Store.open(station) as store:
        assert store.head == head


def test_a_deleted_dossier_is_loud_and_recover_names_the_loss(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _status(capsys, station)
    before = json.loads(out)["candidates"]
    # The dossier of the station's first candidate: its events are not the journal's last.
    first = next(e.dossier for e in journal_entries(station) if e.dossier.startswith("c-"))
    victim = station / "dossiers" / f"{first}.json"
    victim.unlink()
    code, _, err = _status(capsys, station)
    assert code != 0 and first in err and "absent" in err and "carnet recover" in err
    code, out, _ = _run(capsys, "recover", "--data", str(station))
    assert code == 0 and f"Dossier absent : {first}" in out and "perdu(s)" in out
    code, out, _ = _status(capsys, station)
    assert code == 0
    assert [c["id"] for c in json.loads(out)["candidates"]] == [
        c["id"] for c in before if c["id"] != first
    ]


def test_the_last_written_dossier_deleted_is_loud_too(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last = journal_entries(station)[-1].dossier
    (station / "dossiers" / f"{last}.json").unlink()
    code, _, err = _status(capsys, station)
    assert code != 0 and last in err


@pytest.mark.parametrize("damage", ["delete", "alter"])
def test_a_changed_or_missing_key_is_loud_and_restored(
    station: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    key = station / KEY_NAME
    fingerprint = load_or_create_key(station).fingerprint
    if damage == "delete":
        key.unlink()
    else:
        other = station.parent / "other"
        other.mkdir()
        load_or_create_key(other)
        key.write_bytes((other / KEY_NAME).read_bytes())
    code, _, err = _status(capsys, station)
    assert code != 0 and "clé du poste" in err and "carnet recover" in err
    # An absent file has nothing to set aside: its backup is put back in place.
    if damage == "delete":
        assert err.startswith(f"carnet : Le fichier {key} manque (clé du poste absente")
        assert err.endswith(
            f"Une sauvegarde existe ({KEY_NAME}.bak) : « carnet recover » la remet en place.\n"
        )
    else:
        assert err.startswith(f"carnet : Le fichier {key} est illisible (clé du poste modifiée")
        assert err.endswith("la restaure et garde le fichier abîmé de côté.\n")
    code, out, _ = _run(capsys, "recover", "--data", str(station))
    assert code == 0 and f"Réparé : {key}" in out
    assert load_or_create_key(station).fingerprint == fingerprint
    assert _status(capsys, station)[0] == 0


@pytest.mark.parametrize("damage", ["delete", "alter"])
def test_a_changed_or_missing_encryption_key_is_loud_and_restored(
    station: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    """A new encryption key would leave every bundle already encrypted to this folder
    unreadable: it is kept like the signing key."""
    key = station / ENCRYPTION_KEY_NAME
    public = load_or_create_encryption_key(station).public_key().public_bytes_raw()
    if damage == "delete":
        key.unlink()
    else:
        other = station.parent / "other"
        other.mkdir()
        load_or_create_encryption_key(other)
        key.write_bytes((other / ENCRYPTION_KEY_NAME).read_bytes())
    code, _, err = _status(capsys, station)
    assert code != 0 and "clé de chiffrement du poste" in err and "carnet recover" in err
    code, out, _ = _run(capsys, "verify", "--data", str(station))
    assert code != 0 and ENCRYPTION_KEY_NAME in out
    if damage == "delete":
        with pytest.raises(Exception, match="clé de chiffrement du poste absente"):
            load_or_create_encryption_key(station)  # never a new key in silence
    code, out, _ = _run(capsys, "recover", "--data", str(station))
    assert code == 0 and f"Réparé : {key}" in out
    assert load_or_create_encryption_key(station).public_key().public_bytes_raw() == public
    assert _status(capsys, station)[0] == 0


def test_a_deleted_station_identity_is_loud_and_restored(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(station) as store:
        identity = store.station
    (station / "station.json").unlink()
    code, _, err = _status(capsys, station)
    assert code != 0 and "identité du poste absente" in err
    assert _run(capsys, "recover", "--data", str(station))[0] == 0
    with Store.open(station) as store:
        assert store.station == identity


def test_a_station_of_the_previous_release_without_identity_is_rebuilt_from_its_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "poste"
    shutil.copytree(FIXTURES / "poste", folder)
    identity = json.loads((folder / "station.json").read_text())["id"]
    (folder / "station.json").unlink()  # the previous release kept no backup of it
    code, _, err = _status(capsys, folder)
    assert code != 0 and "identité du poste absente" in err
    assert _run(capsys, "recover", "--data", str(folder))[0] == 0
    with Store.open(folder) as store:
        assert store.station.id == identity


@pytest.mark.parametrize("name", ["sync.json", "trusted.json"])
def test_damaged_exchange_files_are_restored_from_their_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    folder = tmp_path / "poste"
    shutil.copytree(FIXTURES / "poste", folder)
    good = (folder / f"{name}.bak").read_bytes()
    (folder / name).write_bytes(b'{"tronqu')
    code, out, _ = _run(capsys, "recover", "--data", str(folder))
    assert code == 0 and f"Réparé : {folder / name}" in out
    assert (folder / name).read_bytes() == good


def test_a_recovery_cut_between_setting_aside_and_rewriting_loses_nothing(
    station: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A recovery killed after it kept the damaged dossier aside and before the repaired one
    was in place: the next recovery finds the dossier where it was (the candidate was named
    lost when the file had been moved aside)."""
    import store.recovery as recovery

    with Store.open(station) as store:
        candidate = store.candidate_ids()[0]
        expected = store.summary(candidate)
    path = station / "dossiers" / f"{candidate}.json"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))

    def killed(_: Path, __: bytes) -> None:
        raise SystemExit("tué")  # what SIGKILL leaves: nothing after this point

    with monkeypatch.context() as patch:
        patch.setattr(recovery, "write_new_file", killed)
        with pytest.raises(SystemExit):
            recovery.recover(station)
    code, out, _ = _run(capsys, "recover", "--data", str(station))
    assert code == 0 and "Dossier absent" not in out
    with Store.open(station) as store:
        assert candidate in store.candidate_ids()
        assert store.summary(candidate)["id"] == expected["id"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("trusted.json", "liste des postes de confiance illisible"),
        ("ledger.json", "état de synchronisation illisible"),
        ("replication.json", "état de la réplication illisible"),
    ],
)
def test_a_damaged_exchange_file_names_its_backup_and_is_restored(
    pair: tuple[Path, Path, str, str, list[str]],
    capsys: pytest.CaptureFixture[str],
    name: str,
    reason: str,
) -> None:
    station, secretariat, *_ = pair
    _import(secretariat, _export(station, "lot.carnet"))
    damaged = secretariat / name
    before = _run(capsys, "postes", "--data", str(secretariat), "--json")[1]
    damaged.write_bytes(b'{"version": 2, "stations": ')
    code, _, err = _run(capsys, "postes", "--data", str(secretariat), "--json")
    assert code != 0
    assert err == (
        f"carnet : Le fichier {damaged} est illisible ({reason}). Une sauvegarde existe "
        f"({name}.bak) : « carnet recover » la restaure et garde le fichier abîmé de côté.\n"
    )
    code, out, _ = _run(capsys, "recover", "--data", str(secretariat))
    assert code == 0 and f"Réparé : {damaged}" in out
    assert _run(capsys, "postes", "--data", str(secretariat), "--json") == (0, before, "")


def test_an_unreadable_signing_key_is_named_in_words(tmp_path: Path) -> None:
    key = tmp_path / KEY_NAME
    key.write_bytes(b"-----BEGIN PRIVATE KEY-----\ncut short\n")
    with pytest.raises(CorruptFileError) as caught:
        load_or_create_key(tmp_path)
    assert str(caught.value) == (
        f"Le fichier {key} est illisible (clé du poste illisible). Aucune sauvegarde n'est "
        "disponible."
    )


def test_a_key_lost_with_its_backup_still_points_to_recover_which_names_it(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """README: a missing key is named, and « carnet recover » repairs it from its backup or
    records the loss; with no backup, the recovery names it as beyond repair."""
    key = station / KEY_NAME
    key.unlink()
    key.with_name(key.name + ".bak").unlink()
    code, _, err = _status(capsys, station)
    assert code != 0
    assert err == (
        f"carnet : Le fichier {key} manque (clé du poste absente ; une nouvelle clé ferait "
        "refuser tous les lots de ce poste au secrétariat). « carnet recover » répare ce qui "
        "peut l'être et nomme ce qui est perdu.\n"
    )
    code, out, _ = _run(capsys, "recover", "--data", str(station))
    assert code == 1
    assert f"Irrécupérable (ni le fichier ni sa sauvegarde ne se lisent) : {key}" in out


def test_a_deleted_registry_is_loud_and_recover_names_the_loss(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The registry gone while the journal names the events this station wrote in it: read
    as no one, every name and right would be lost in silence. The status stops and names the file; ``carnet recover`` names what it
    held as lost (the journal's events), and the folder opens again and verifies."""
    code, out, _ = _status(capsys, station)
    assert code == 0
    (station / "registry.json").unlink()
    code, _, err = _status(capsys, station)
    assert code != 0 and "registry.json" in err and "registre absent" in err
    with pytest.raises(CorruptFileError, match="registre absent"):
        Store.open(station)
    code, out, _ = _run(capsys, "recover", "--data", str(station))
    assert code == 0 and "Registre absent : registry.json" in out
    assert "registre : " in out and "perdu(s)" in out
    assert _status(capsys, station)[0] == 0
    assert _run(capsys, "verify", "--data", str(station))[0] == 0
