"""Nothing essential is cut at 80×24 (and wider): each screen is rendered and the strings a
person needs are looked for, whole, in what the terminal shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from models.referential import ThresholdReferential
from tests.conftest import ready
from tests.screen_text import screen_text
from tests.test_snapshots import demo_app
from tui.app import CarnetApp
from tui.modals.amend import AmendCriterion
from tui.modals.open_grid import DECLARATION, OpenGrid
from tui.modals.sign_grid import SignGrid
from tui.modals.vae_forms import AdmissibilityForm
from tui.screens.dossier import DossierScreen
from tui.screens.grid import GridScreen
from tui.screens.home import HomeScreen
from tui.screens.jury import JuryScreen
from tui.screens.marks import MarksScreen
from tui.widgets.line_list import LineList
from tui.widgets.live_lines import LiveLines
from tui.widgets.live_text import LiveText

SIZES = [(80, 24), (100, 30), (120, 40)]
BOX = re.compile("[\u2500-\u259f▔▁▎▊▏]")


def words(app: CarnetApp) -> str:
    """The screen's text without borders and with whitespace folded: a sentence wrapped in a
    box reads as one line."""
    return " ".join(BOX.sub(" ", screen_text(app)).split())


async def _settle(app: CarnetApp, pilot: Any) -> None:
    await app.workers.wait_for_complete()
    screen = app.screen
    if hasattr(screen, "loaded"):
        await ready(screen.loaded)
    for _ in range(4):
        await pilot.pause()


@pytest.fixture
def demo(tmp_path: Path) -> tuple[CarnetApp, dict[str, str]]:
    return demo_app(tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES)
async def test_essential_text_is_whole(
    demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    app, picks = demo
    async with app.run_test(size=size) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await ready(home.loaded)
        await pilot.pause()
        text = screen_text(app)
        assert "Avancement" in text and "B1 " in text, "the progress column"
        assert "? Aide" in text, "the footer's ?"

        # Every grid of a failed candidate: the first heading, distinct criteria, the detail.
        dossier = DossierScreen(picks["failed"])
        await app.push_screen(dossier)
        await _settle(app, pilot)
        snap = dossier.snapshot
        assert snap is not None and isinstance(snap.referential, ThresholdReferential)
        for grid in snap.state.grids.values():
            screen = GridScreen(picks["failed"], grid.id)
            await app.push_screen(screen)
            await _settle(app, pilot)
            block = snap.referential.block(grid.block)
            assert f"compétence    {block.number}.1 " in screen_text(app), "first heading"
            assert "? Aide" in screen_text(app)
            clock_text = screen.query_one("#timer", LiveText).plain
            assert not re.search(r"-\d", clock_text), f"a negative clock: {clock_text}"
            if grid.closed is not None:
                assert "encore" not in screen.query_one("#panel", LiveLines).plain
            criteria = screen.query_one(LineList)
            width = criteria.line_width
            for comp in block.competencies:
                shown = [
                    criteria._render_one(line, False, width).text
                    for line in criteria.lines
                    if line.key in {c.id for c in comp.criteria}
                ]
                assert len(set(shown)) == len(shown), f"two criteria of {comp.id} look alike"
            for crit in (c for comp in block.competencies for c in comp.criteria):
                comment = grid.comments.get(crit.id)
                criteria.move_to(criteria._index[crit.id])
                await pilot.pause()
                if comment:
                    assert (
                        "💬"
                        in criteria._render_one(criteria.lines[criteria.cursor], True, width).text
                    )
                    assert " ".join(comment.split()) in words(app), "the comment in full"
                assert " ".join(crit.text.split()) in words(app), "the criterion in full"
            # The amendment form: its title and the criterion it amends stay in view.
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, AmendCriterion)
            current = " ".join(crit.text.split())
            assert "Avenant à une grille signée" in words(app)
            assert current in words(app)
            await pilot.press("escape")
            app.pop_screen()
            await pilot.pause()

        # Signing: who has signed is said whole.
        grid = next(iter(snap.state.grids.values()))
        signers = [("p1", "Théodore de La Rochefoucauld-Montbel", "représentant métier", True),
                   ("p2", "Zoé Garcia", "certificateur", False)]  # fmt: skip
        await app.push_screen(SignGrid(picks["failed"], grid.id, signers))
        await pilot.pause()
        assert "Théodore de La Rochefoucauld-Montbel (représentant métier) — déjà signé(e)" in (
            words(app)
        )
        await pilot.press("escape")

        # Opening a grid: the independence declaration, whole.
        await app.push_screen(OpenGrid(picks["failed"], snap.referential.blocks[0], dossier.people))
        await pilot.pause()
        app.screen.query_one("#evaluator-declares").focus()
        await pilot.pause()
        await pilot.pause()
        assert DECLARATION in words(app)
        assert "Ouvrir la grille du bloc 1" in words(app)
        await pilot.press("escape")
        app.pop_screen()

        # Carrière: footers on the marks and juries screens; the VAE periods box has rows.
        for screen in (MarksScreen(picks["certified"]), JuryScreen(picks["not_certified"])):
            await app.push_screen(screen)
            await _settle(app, pilot)
            # The marks screen's help is F1 (« ? » is typed in its fields).
            footer = screen_text(app).splitlines()[-1]
            assert ("? Aide" in footer or "f1 Aide" in footer) and "Retour" in footer
            app.pop_screen()
        dossier = DossierScreen(picks["vae"])
        await app.push_screen(dossier)
        await _settle(app, pilot)
        assert dossier.snapshot is not None
        await app.push_screen(AdmissibilityForm(picks["vae"], dossier.snapshot.referential))  # type: ignore[arg-type]
        await pilot.pause()
        await pilot.pause()
        periods = app.screen.query_one("#periods")
        assert periods.content_size.height >= 3, "the periods box collapsed"
