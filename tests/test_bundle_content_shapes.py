"""A bundle's content must be a list (version 1) or an object (version 2): anything else is
refused whole, with its reason, and nothing of it is applied (no textual)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store.keys import load_or_create_encryption_key, load_or_create_key
from store.station import set_role
from store.store import Store
from tests.test_bundle_refusals import _bundle, _error
from tests.test_sync import _station, _trust


@pytest.fixture
def station_and_secretariat(tmp_path: Path) -> tuple[Path, Path]:
    station, secretariat = tmp_path / "a", tmp_path / "s"
    _station(station)
    with Store.open(secretariat):
        pass
    set_role(secretariat, "secretariat")
    load_or_create_key(secretariat)
    load_or_create_encryption_key(secretariat)
    _trust(secretariat, station)
    return station, secretariat


@pytest.mark.parametrize("content", [42, "événements", None, True])
def test_a_content_neither_a_list_nor_an_object_is_refused(
    station_and_secretariat: tuple[Path, Path], content: Any
) -> None:
    station, secretariat = station_and_secretariat
    assert _error(secretariat, _bundle(station, content, 0)) == "contenu du lot illisible"
