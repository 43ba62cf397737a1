"""The exchange commands end to end through ``carnet``: keys, trust with the fingerprint,
an encrypted export, import with the receipt, the receipt back at the station."""

from __future__ import annotations

import json
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
