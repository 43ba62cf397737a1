"""What the store says when the system refuses, when a file is damaged, and ``lost.json`` (the
sequence numbers of events lost with a damaged file): read back as written, merged, and a
damaged one named, never a crash (no textual)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from store.errors import CorruptFileError, os_reason
from store.lost import LOST_NAME, load_lost, record_lost
from store.store import Store


def test_a_system_error_is_said_in_french() -> None:
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "le disque est plein"


def test_an_error_number_not_known_is_given_by_its_number() -> None:
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == (
        f"erreur du système n° {errno.EXDEV}"
    )


def test_an_error_raised_by_a_program_keeps_its_words_or_says_so() -> None:
    assert os_reason(OSError("le support a été retiré")) == "le support a été retiré"
    assert os_reason(OSError()) == "erreur du système"


def test_what_carnet_recover_can_act_on(tmp_path: Path) -> None:
    path = tmp_path / "sync.json"
    backup = tmp_path / "sync.json.bak"
    # A backup makes it repairable, whatever the caller said.
    assert CorruptFileError(path, "JSON invalide", backup).repairable is True
    assert CorruptFileError(path, "JSON invalide", backup, repairable=True).repairable is True
    # No backup: repairable only when the caller says its records verify themselves.
    assert CorruptFileError(path, "JSON invalide", None, repairable=True).repairable is True
    assert CorruptFileError(path, "JSON invalide", None).repairable is False


def test_lost_numbers_are_merged_sorted_and_kept(tmp_path: Path) -> None:
    assert load_lost(tmp_path) == {}
    record_lost(tmp_path, {"c-1": [5, 3]})
    record_lost(tmp_path, {"c-1": [4, 3], "c-2": [9]})
    assert load_lost(tmp_path) == {"c-1": [3, 4, 5], "c-2": [9]}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "JSON invalide"),
        ("[1, 2]", "contenu invalide"),
        ('{"c-1": 5}', "contenu invalide"),
        ('{"c-1": ["cinq"]}', "contenu invalide"),
    ],
)
def test_a_damaged_lost_file_is_named_at_the_start(tmp_path: Path, text: str, reason: str) -> None:
    with Store.open(tmp_path):
        pass
    (tmp_path / LOST_NAME).write_text(text)
    with pytest.raises(CorruptFileError) as caught:
        Store.open(tmp_path)
    assert str(caught.value) == (
        f"Le fichier {tmp_path / LOST_NAME} est illisible ({reason}). "
        "Aucune sauvegarde n'est disponible."
    )
