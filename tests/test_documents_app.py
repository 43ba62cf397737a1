"""The document keys, through the keyboard: the grid's PDF (p), the local jury's procès-verbal
(d) and the national jury's list (l), written to the exchange folder with a notification."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from store.demo import populate
from store.store import Store
from tests.conftest import ready, until
from tui.app import build_app
from tui.screens.grid import GridScreen
from tui.screens.jury import JuryScreen

pytestmark = pytest.mark.slow


async def test_grid_and_jury_documents_from_their_screens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    (tmp_path / "maison").mkdir()
    data = tmp_path / "data"
    with Store.open(data) as store:
        populate(store, 12)
        snaps = [store.snapshot(c) for c in store.candidate_ids()]
    graded = next(s for s in snaps if s.state.grids)
    grid = next(iter(graded.state.grids))
    juried = next(s for s in snaps if s.state.career.proclamation is not None)
    exchange = tmp_path / "maison" / "carnet-echanges"
    app = build_app(data)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await app.push_screen(GridScreen(graded.id, grid))
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await pilot.press("p")
        await until(lambda: any(exchange.glob("grille-*.pdf")), "la grille PDF", pilot)
        await until(
            lambda: any(
                "Grille d'évaluation — écrit dans" in n.message for n in app._notifications
            ),
            "la notification",
            pilot,
        )
        await app.push_screen(JuryScreen(juried.id))
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await pilot.press("d")
        await until(lambda: any(exchange.glob("pv-jury-local-*.pdf")), "le PV", pilot)
        await pilot.press("l")
        await until(lambda: any(exchange.glob("liste-jury-national-*.xlsx")), "la liste", pilot)
        await pilot.pause(0.2)
    (pdf,) = exchange.glob("grille-*.pdf")
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert graded.state.candidate is not None and graded.state.candidate.name in text
    (pv,) = exchange.glob("pv-jury-local-*.pdf")
    assert "Procès-verbal du jury local" in pypdf.PdfReader(pv).pages[0].extract_text()
    assert len(list(exchange.glob("liste-jury-national-*"))) == 2
    # From a candidate whose decision is proclaimed: that session's list, with them on it.
    (listing,) = exchange.glob("liste-jury-national-*.pdf")
    assert juried.state.candidate is not None
    assert juried.state.candidate.name in pypdf.PdfReader(listing).pages[0].extract_text()
