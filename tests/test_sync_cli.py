"""The exchange commands end to end through ``carnet``: keys, trust with the fingerprint,
an encrypted export, import with the receipt, the receipt back at the station."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tui.cli import main


def _fingerprint(key_file: Path) -> str:
    """What the person at the other folder reads out (by phone, on paper)."""
    fingerprint: str = json.loads(key_file.read_bytes())["fingerprint"]
    return fingerprint


def test_sync_commands_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    station, secretariat = tmp_path / "poste", tmp_path / "sec"
    assert main(["demo", "--data", str(station), "--candidates", "3"]) == 0
    assert main(["init", "--secretariat", "--data", str(secretariat)]) == 0
    assert main(["station", "--data", str(station), "--out", str(tmp_path / "poste.cle")]) == 0
    assert main(["station", "--data", str(secretariat), "--out", str(tmp_path / "sec.cle")]) == 0
    out = capsys.readouterr().out
    assert "Empreinte de la clé" in out and "(secrétariat)" in out
    lot = tmp_path / "lot.carnet"
    # Bundles are encrypted to the secretariat: the station trusts its key first.
    assert main(["export", "--data", str(station), "--out", str(lot)]) == 1
    assert "aucun secrétariat de confiance" in capsys.readouterr().err
    assert main(["trust", str(tmp_path / "sec.cle"), "--data", str(station),
                 "--empreinte", _fingerprint(tmp_path / "sec.cle")]) == 0  # fmt: skip
    assert main(["export", "--data", str(station), "--out", str(lot)]) == 0
    # Not trusted yet: refused whole, with the way out named.
    assert main(["import", "--data", str(secretariat), str(lot)]) == 1
    assert "carnet trust" in capsys.readouterr().out
    assert main(["trust", str(tmp_path / "poste.cle"), "--data", str(secretariat),
                 "--empreinte", _fingerprint(tmp_path / "poste.cle")]) == 0  # fmt: skip
    receipts = tmp_path / "accuses"
    assert main(["import", "--data", str(secretariat), "--receipts", str(receipts), str(lot)]) == 0
    assert "nouvel(s) événement(s)" in capsys.readouterr().out
    assert main(["import", "--data", str(station), str(receipts)]) == 0
    assert "confirmé(s) par le secrétariat" in capsys.readouterr().out
    assert main(["export", "--data", str(station), "--out", str(lot)]) == 1  # never rewritten
    assert "jamais réécrit" in capsys.readouterr().err
    assert main(["status", "--data", str(secretariat)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_a_second_secretariat_is_trusted_only_after_a_warning_naming_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder that calls itself the secretariat (the same name, the same organisme) beside
    the one trusted already: its receipts would confirm this station's bundles in its place.
    Before, one key press trusted it with nothing said of the first."""
    station, sec, other = tmp_path / "poste", tmp_path / "sec", tmp_path / "autre"
    assert main(["init", "--data", str(station)]) == 0
    for folder in (sec, other):
        assert main(["init", "--secretariat", "--data", str(folder)]) == 0
        assert main(["station", "--data", str(folder), "--nom", "Secrétariat",
                     "--organisme", "Ucanss"]) == 0  # fmt: skip
        key = tmp_path / f"{folder.name}.cle"
        assert main(["station", "--data", str(folder), "--out", str(key)]) == 0
    capsys.readouterr()
    first = tmp_path / "sec.cle"
    assert main(["trust", str(first), "--data", str(station),
                 "--empreinte", _fingerprint(first)]) == 0  # fmt: skip
    assert "Attention" not in capsys.readouterr().out
    second = tmp_path / "autre.cle"
    assert main(["trust", str(second), "--data", str(station), "--empreinte", "0000"]) == 1
    out = capsys.readouterr().out
    warning = next(line for line in out.splitlines() if line.startswith("⚠"))
    assert warning == (
        "⚠ Attention : ce poste fait déjà confiance au secrétariat Secrétariat (Ucanss) "
        f"(empreinte {_fingerprint(first)}). Un second secrétariat confirmerait lui aussi vos "
        "lots, et vos exports demanderaient alors --pour. N'acceptez que si le secrétariat "
        "vous l'a annoncé (nouvel ordinateur, secrétariat régional)."
    )


def test_a_candidate_given_to_a_station_is_named_with_it_and_dates_read_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """« Candidat c-1b6a… confié au poste poste-2384… » named neither; `postes` said
    « 2026-12-07 » (a newcomer's walk)."""
    station, sec = tmp_path / "poste", tmp_path / "sec"
    assert main(["demo", "--data", str(station), "--candidates", "1"]) == 0
    assert main(["init", "--secretariat", "--data", str(sec)]) == 0
    assert main(["station", "--data", str(station), "--nom", "Poste A",
                 "--organisme", "Carsat Nord", "--out", str(tmp_path / "a.cle")]) == 0  # fmt: skip
    assert main(["station", "--data", str(sec), "--out", str(tmp_path / "s.cle")]) == 0
    for folder, key in ((station, "s.cle"), (sec, "a.cle")):
        assert main(["trust", str(tmp_path / key), "--data", str(folder),
                     "--empreinte", _fingerprint(tmp_path / key)]) == 0  # fmt: skip
    lot = tmp_path / "lot.carnet"
    assert main(["export", "--data", str(station), "--out", str(lot)]) == 0
    assert main(["import", "--data", str(sec), str(lot)]) == 0
    capsys.readouterr()
    assert main(["status", "--data", str(sec), "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)["candidates"]
    identifier = json.loads((tmp_path / "a.cle").read_bytes())["station"]
    assert main(["attribuer", record["id"], "--poste", identifier, "--data", str(sec)]) == 0
    assert capsys.readouterr().out == (
        f"Candidat {record['name']} ({record['id']}) confié au poste Poste A (Carsat Nord) "
        f"({identifier}) : son prochain lot le lui porte.\n"
    )
    assert main(["postes", "--data", str(sec)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"lot n° 1 du \d\d/\d\d/\d{4}, il y a 0 j", out), out
