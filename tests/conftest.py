from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from grids import Referentials, load_referentials
from models.threshold import forget_verdicts
from store.store import Store

SEEDS = Path(__file__).parent / "seeds"
CACHE_VARIABLE = "CARNET_CACHE"


@pytest.fixture(scope="session", autouse=True)
def font_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fonts' metrics are kept in a folder of the test run, not the user's cache
    (store/documents/font_cache.py, ``CACHE_VARIABLE``: not imported here, it imports fpdf2);
    the commands the tests start inherit it."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(CACHE_VARIABLE, None)
    else:
        os.environ[CACHE_VARIABLE] = before


@pytest.fixture(autouse=True)
def _verdicts_computed_afresh() -> None:
    # The rules cache their verdicts process-wide; a test must compute the ones it checks.
    forget_verdicts()
    # So do the documents the characters each font prints as they are (once loaded: most
    # tests never make a document).
    glyphs = sys.modules.get("store.documents.glyphs")
    if glyphs is not None:
        glyphs.forget_printable()


@pytest.fixture(scope="session")
def refs() -> Referentials:
    return load_referentials()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "data") as opened:
        yield opened


def grid_with_people(store: Store, block: str) -> tuple[str, str, str]:
    """Jeanne Martin at the CPAM with her tutor and manager, and a grid of ``block`` opened by
    its business evaluator (Bruno Métier) with a certifier: the candidate, the grid, the
    evaluator."""
    tutor = store.create_person("Paul Tuteur", "CPAM", ["tuteur"], "t")
    manager = store.create_person("Marie Manager", "CPAM", ["manager"], "t")
    evaluator = store.create_person("Bruno Métier", "CAF", ["representant_metier"], "t")
    certifier = store.create_person("Claire Certif", "Ucanss", ["certificateur"], "t")
    cand = store.create_candidate(
        "Jeanne Martin", "CPAM", "gestionnaire-conseil", "t",
        tutor=tutor, manager=manager, started=date(2026, 9, 2),
    )  # fmt: skip
    grid = store.open_grid(cand, block, evaluator, evaluator=evaluator, certifier=certifier)
    return cand, grid, evaluator


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    """The process's umask set for what is created inside, put back after: a private file's
    mode must not depend on the umask of whoever runs carnet."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


async def ready(event: asyncio.Event, what: str = "l'écran") -> None:
    """Waits for a screen's ``loaded`` event, failing after 30 s rather than hanging."""
    try:
        await asyncio.wait_for(event.wait(), timeout=30)
    except TimeoutError:
        pytest.fail(f"{what} ne s'est pas chargé en 30 s")


async def until(condition: Callable[[], bool], what: str, pilot: Any) -> None:
    """Lets the app run until ``condition`` holds; fails after 30 s rather than hanging."""
    for _ in range(3000):
        if condition():
            return
        await pilot.pause(0.01)
    pytest.fail(f"{what} : toujours pas au bout de 30 s")


def record_notifications(app: Any) -> list[str]:
    """The messages the app notifies from now on, in order. Textual keeps its notifications in
    a private attribute; ``App.notify`` is the public door every screen goes through, so it is
    wrapped here (the toast is still shown)."""
    shown: list[str] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        shown.append(message)
        original(message, *args, **kwargs)

    app.notify = notify
    return shown


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path, str, str, list[str]]:
    """A station with a grid under way, and a secretariat that trusts it (and is trusted):
    the exchange tests' starting point."""
    from tests.test_sync import station_and_secretariat

    return station_and_secretariat(tmp_path)


def file_records(path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """A data file's records in order (table, id, document), each event whole as the store
    reads it (a record of format 3 leaves out what the file already says): for tests that
    rewrite a file as someone editing it would."""
    from store.storage import HASH_LEN, decode_record

    tails: dict[str, tuple[int, str]] = {}
    return [decode_record(line[HASH_LEN + 1 :], tails) for line in path.read_bytes().splitlines()]
