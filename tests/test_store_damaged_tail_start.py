"""A dossier written recently whose last whole line is damaged (not JSON, JSON of another
shape): the start still opens the folder (its cheap look at the newest files' tails, to see
that the journal is not behind, skips what it cannot read); the damaged dossier alone is loud
when read, and the others read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import CorruptFileError
from store.store import Store


@pytest.mark.parametrize(
    "line",
    [b"{pas du json", b"[1, 2]", b'{"t": "events", "id": "9"}'],
    ids=["not-json", "not-an-object", "no-document"],
)
def test_a_damaged_last_line_of_a_recent_dossier_does_not_stop_the_start(
    tmp_path: Path, line: bytes
) -> None:
    with Store.open(tmp_path) as store:
        damaged = store.create_candidate("Luc Martin", "CPAM", "gestionnaire-conseil", "t")
        # Written last: the journal's last entry, which the start checks first, is sound.
        sound = store.create_candidate("Léa Petit", "CPAM", "gestionnaire-conseil", "t")
        path = store.path_of(damaged)
    with open(path, "ab") as f:
        f.write(b"0" * 32 + b" " + line + b"\n")
    with Store.open(tmp_path) as store:
        assert store.snapshot(sound).state.candidate.name == "Léa Petit"
        with pytest.raises(CorruptFileError) as caught:
            store.snapshot(damaged)
    assert str(caught.value).startswith(
        f"Le fichier {path} est illisible (enregistrement n° 2 (octet "
    )
