"""A dossier whose whole records hold no event (no events table), with a torn tail, while the
journal names the event it held: damage, said so and repaired like a file cut later on, never
a crash on the missing table.

carnet writes only events into a dossier; a file holding another table's record is one written
by something else (another release, a hand-made copy). A file cut inside its only record is
« fichier vide », checked first."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import CorruptFileError
from store.recovery import recover
from store.storage import record_lines
from store.store import Store


def _no_events_and_torn(tmp_path: Path) -> tuple[str, Path, int]:
    with Store.open(tmp_path) as store:
        candidate = store.create_candidate("Luc Martin", "CPAM", "gestionnaire-conseil", "t")
        created = store.head.seq
        path = store.path_of(candidate)
        # A later event elsewhere: the lost record is not the station's last intent (which,
        # cut, cannot be told from a write that a crash stopped before it returned).
        store.create_person("P", "O", ["tuteur"], "t")
    raw = path.read_bytes()
    assert raw.count(b"\n") == 1  # the creation, the dossier's only record
    whole, _ = record_lines(b"", [("notes", "1", {"texte": "une note"})])
    path.write_bytes(whole + raw[:60])
    return candidate, path, created


def test_a_dossier_without_events_and_a_torn_tail_is_loud(tmp_path: Path) -> None:
    candidate, path, created = _no_events_and_torn(tmp_path)
    with Store.open(tmp_path) as store, pytest.raises(CorruptFileError) as caught:
        store.snapshot(candidate)
    assert str(caught.value) == (
        f"Le fichier {path} est illisible (fin du fichier coupée : 1 événement(s) "
        f"enregistré(s) manquent (n° {created})). « carnet recover » garde tous les "
        "enregistrements intacts, met le fichier abîmé de côté et nomme ce qui est perdu."
    )


def test_recover_names_the_event_a_dossier_without_events_lost(tmp_path: Path) -> None:
    candidate, _, created = _no_events_and_torn(tmp_path)
    assert recover(tmp_path).lost == {candidate: [created]}
    with Store.open(tmp_path) as store:
        assert [p.name for p in store.people().values()] == ["P"]
