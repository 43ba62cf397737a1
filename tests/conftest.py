from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grids import Referentials, load_referentials
from store.store import Store

SEEDS = Path(__file__).parent / "seeds"


@pytest.fixture(scope="session")
def refs() -> Referentials:
    return load_referentials()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "data") as opened:
        yield opened
