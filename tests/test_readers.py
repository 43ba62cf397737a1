"""Readers need no lock: status, verify, dossier and tableau work while the app is open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.journal import journal_entries
from store.store import Store
from tui.cli import main


def test_readers_work_while_the_writer_holds_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["demo", "--data", str(data), "--candidates", "3"]) == 0
    capsys.readouterr()
    with Store.open(data) as store:  # the app, holding the data lock
        candidate = store.candidate_ids()[0]
        assert main(["status", "--data", str(data), "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)["candidates"]
        assert len(listed) == 3
        # A write by the app is seen by the next reader, complete.
        store.create_person("Lue Après", "CPAM", ["tuteur"], "t")
        assert main(["verify", "--data", str(data)]) == 0
        assert (
            main(["dossier", candidate, "--data", str(data), "--out", str(tmp_path / "d.pdf")]) == 0
        )
        assert main(["tableau", "--data", str(data), "--out", str(tmp_path / "t.csv")]) == 0
        assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
        # Nothing the readers did is a write: the app goes on recording.
        store.create_person("Encore", "CPAM", ["tuteur"], "t")
    with Store.open(data) as store:
        assert {"Lue Après", "Encore"} <= {p.name for p in store.people().values()}


def test_a_reader_never_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert main(["demo", "--data", str(data), "--candidates", "2"]) == 0
    (data / "index.json").unlink()
    (data / "roster.json").unlink()
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert main(["status", "--data", str(data), "--json"]) == 0
    after = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert after == before


def test_a_reader_alone_counts_the_last_write_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No writer holds the folder: a cut in the last write is damage, not a write under way."""
    data = tmp_path / "data"
    assert main(["demo", "--data", str(data), "--candidates", "3"]) == 0
    last = journal_entries(data)[-1].dossier
    victim = data / "dossiers" / f"{last}.json"
    raw = victim.read_bytes()
    victim.write_bytes(raw[: len(raw) - 40])
    capsys.readouterr()
    assert main(["status", "--data", str(data)]) == 1
    assert str(victim) in capsys.readouterr().err
