"""``replication.json`` of valid JSON but another shape is named as damaged, never a crash of
the export, the import or the stations view (no textual)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import CorruptFileError
from store.replication import REPLICATION_NAME, Knowledge


@pytest.mark.parametrize(
    "text", ["[]", '"état"', '{"peers": 5}', '{"heads": 5}', '{"peers": [1]}', '{"heads": "ab"}']
)
def test_another_shape_is_a_damaged_file(tmp_path: Path, text: str) -> None:
    (tmp_path / REPLICATION_NAME).write_text(text)
    with pytest.raises(CorruptFileError) as caught:
        Knowledge(tmp_path)
    assert str(caught.value) == (
        f"Le fichier {tmp_path / REPLICATION_NAME} est illisible (état de la réplication "
        "illisible). Aucune sauvegarde n'est disponible."
    )
