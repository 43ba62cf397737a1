"""A reader (the documents, ``carnet status`` while the app writes) that meets the writer's
write under way: the dossier's last record not yet whole, named by the journal's last intent.
While the writer holds the folder that is a write in progress, read without it; once no writer
holds the folder, the same state is damage, and said so."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import CorruptFileError
from store.store import Store


def test_a_reader_reads_around_the_writers_write_under_way(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as writer:
        candidate = writer.create_candidate("Jeanne Martin", "CPAM", "gestionnaire-conseil", "t")
        writer.create_person("P", "O", ["tuteur"], "t")  # elsewhere, before
        person = writer.create_person("Bruno Métier", "CAF", ["representant_metier"], "t")
        certifier = writer.create_person("Claire Certif", "Ucanss", ["certificateur"], "t")
        writer.open_grid(candidate, "gc.b2", person, evaluator=person, certifier=certifier)
        path = writer.path_of(candidate)
        whole = path.read_bytes()
        # The grid's record as the writer is writing it: its journal intent made, the dossier's
        # line not yet whole.
        path.write_bytes(whole[: whole.rindex(b"\n", 0, len(whole) - 1) + 1 + 40])
        with Store.open(folder, read_only=True) as reader:
            snap = reader.snapshot(candidate)
        assert snap.state.candidate is not None and not snap.state.grids
        path.write_bytes(whole)  # the write ends
    path.write_bytes(whole[: whole.rindex(b"\n", 0, len(whole) - 1) + 1 + 40])
    with (
        Store.open(folder, read_only=True) as reader,
        pytest.raises(CorruptFileError, match="fin du fichier coupée"),
    ):
        reader.snapshot(candidate)
