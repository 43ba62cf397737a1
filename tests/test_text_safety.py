"""User text is text: names, organismes, situations and comments that look like markup are
shown as written on every screen, and nothing in them runs (``[@click=app.quit]`` quits
nothing, ``[/]`` raises nothing)."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.threshold import CriterionState
from store.store import Store
from tests.conftest import ready, until
from tests.screen_text import screen_text, unwrapped
from tests.signing import secret_of
from tui.app import CarnetApp, build_app
from tui.modals.attestation import SignAttestation
from tui.modals.open_grid import OpenGrid
from tui.screens.dossier import DossierScreen
from tui.screens.grid import GridScreen
from tui.screens.history import HistoryScreen
from tui.screens.logbook import LogbookScreen
from tui.screens.people import PeopleScreen

TRICKY = [
    "[bold red]X[/] Markup",
    "[@click=app.quit]Eval[/]",
    "[link=https://exemple.fr]Lien[/link]",
    "Crochets [ et ] seuls",
    "[/]",
    "[b]",
    "\\[échappé]",
    "[$accent]Var[/]",
]
# Random text made of what markup is made of (no spaces: a table may fold them).
markupish = st.text(alphabet="[]/@=$\\abX:.é'", min_size=3, max_size=14)
user_text = st.one_of(st.sampled_from(TRICKY), markupish).filter(lambda s: s.strip() == s)


def _data(folder: Path, name: str, comment: str) -> tuple[str, str]:
    with Store.open(folder) as store:
        tutor = store.create_person(f"{name} T", f"{name} Org", ["tuteur"], "t")
        manager = store.create_person(f"{name} M", "CPAM", ["manager"], "t")
        evaluator = store.create_person(f"{name} E", "CAF", ["representant_metier"], "t")
        certifier = store.create_person("Claire Certif", "Ucanss", ["certificateur"], "t")
        cand = store.create_candidate(
            name, f"{name} Org", "gestionnaire-conseil", "t",
            tutor=tutor, manager=manager, started=date(2026, 9, 2),
        )  # fmt: skip
        store.sign_attestation(cand, "gc.b1.c1", "tuteur", tutor, comment, secret_of(store, tutor))
        grid = store.open_grid(cand, "gc.b2", evaluator, evaluator=evaluator, certifier=certifier)
        first = store.referentials.get("gestionnaire-conseil").blocks[1].competencies[0]
        store.mark_criteria(
            cand, grid, [(first.criteria[0].id, CriterionState.VALIDATED, comment)], evaluator
        )
        return cand, grid


async def _walk(app: CarnetApp, pilot: Any, cand: str, grid: str, name: str, comment: str) -> None:
    async def shows(text: str, where: str) -> None:
        await pilot.pause()
        assert app.is_running, f"{where} : l'application s'est arrêtée"
        assert text in unwrapped(app), f"{where} : {text!r} absent de l'écran"

    home = app.screen
    await ready(home.loaded)  # type: ignore[attr-defined]
    await until(lambda: name in screen_text(app), f"la liste des candidats ({name!r})", pilot)
    await shows(name, "accueil")

    app.push_screen(PeopleScreen())
    await until(lambda: f"{name} T" in screen_text(app), "les personnes", pilot)
    await shows(f"{name} Org", "personnes")
    app.pop_screen()

    dossier = DossierScreen(cand)
    app.push_screen(dossier)
    await ready(dossier.loaded)
    await shows(name, "dossier")

    logbook = LogbookScreen(cand)
    app.push_screen(logbook)
    await ready(logbook.loaded)
    await shows(f"{name} T signe comme tuteur : {comment}", "carnet")
    await pilot.press("down", "t")  # the tutor's select names them
    await until(lambda: isinstance(app.screen, SignAttestation), "la signature", pilot)
    await shows(f"{name} T — {name} Org", "formulaire de signature")
    await pilot.press("escape")
    app.pop_screen()

    screen = GridScreen(cand, grid)
    app.pop_screen()
    app.push_screen(screen)
    await ready(screen.loaded)
    await pilot.press("up")  # the grid opens on the next criterion to do; the comment is above
    await shows(comment, "grille")
    await shows(name, "grille (titre)")
    await pilot.press("escape")

    app.push_screen(HistoryScreen(cand))
    await until(lambda: "Historique complet" in screen_text(app), "l'historique", pilot)
    app.screen.query_one("#history-table").styles.width = 400  # the detail column in full
    await shows(f"name {name}", "historique")
    app.pop_screen()

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"Ouvrir")
    await until(lambda: f"Ouvrir le dossier de {name}" in screen_text(app), "la palette", pilot)
    await pilot.press("escape")

    app.push_screen(OpenGrid(cand, dossier.snapshot.referential.blocks[0], dossier.people))  # type: ignore[union-attr]
    await pilot.pause()
    await pilot.press("tab", "enter")  # the evaluator's select, open
    await shows(f"{name} E", "ouverture de grille")
    await pilot.press("escape", "escape")
    for _ in range(3):
        await pilot.click(offset=(1, 1))  # a click anywhere must not run a name
    assert app.is_running


@pytest.mark.slow
@settings(
    max_examples=6, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(name=user_text, comment=user_text)
async def test_user_text_is_shown_as_written_everywhere(
    tmp_path_factory: pytest.TempPathFactory, name: str, comment: str
) -> None:
    folder = tmp_path_factory.mktemp("data")
    cand, grid = _data(folder, name, comment)
    app = build_app(folder)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _walk(app, pilot, cand, grid, name, comment)


SAFE_WIDGETS = {"Static", "Label", "DataTable", "Select", "Checkbox"}


def test_screens_take_their_text_widgets_from_tui_text() -> None:
    """The one mechanism: a screen that imports Static & co. from textual would parse markup."""
    offenders = []
    for path in Path("tui").rglob("*.py"):
        if path.name == "text.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "textual.widgets":
                bad = SAFE_WIDGETS & {alias.name for alias in node.names}
                if bad:
                    offenders.append(f"{path}: {sorted(bad)}")
    assert not offenders, offenders


@given(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=40) | markupish
)
def test_the_palettes_help_line_shows_any_text_as_written(text: str) -> None:
    """The palette reads its help line as markup: an organisme such as « [/b Org » raised
    (found by the walk above, where a name drawn as « [/b » made its organisme). Control
    characters are left out: Textual's text drops them whatever the markup."""
    from textual.content import Content

    from tui.text import escape_markup

    assert Content.from_markup(escape_markup(text)).plain == text
