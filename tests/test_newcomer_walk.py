"""What a newcomer's walk at 80×24 still found wrong after issue 13 (each test failed on main):
footers that cut « Retour » and the main keys, competency names cut, the grid's 💬 hidden under
the scrollbar, the carrière marks lost on tab or on leaving, block 3's one-line questions, and
the command palette's English prompt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Input, Select, TextArea

from models.referential import ThresholdReferential, WeightedReferential
from store.store import Store
from tests.conftest import grid_with_people, ready, until
from tests.screen_text import screen_text
from tests.test_career_flows import _people, _start
from tests.test_flows import choose, settle
from tests.test_layout import _settle, words
from tests.test_snapshots import demo_app
from tui.app import CarnetApp, build_app
from tui.modals.change_history import ChangeHistoryModal
from tui.modals.confirm import Confirm
from tui.modals.question import QuestionForm
from tui.palette import NO_MATCH, PROMPT
from tui.screens.dossier import DossierScreen
from tui.screens.grid import GridScreen
from tui.screens.jury import JuryScreen
from tui.screens.logbook import LogbookScreen
from tui.screens.marks import MarksScreen
from tui.screens.people import PeopleScreen
from tui.screens.stations import StationsScreen
from tui.screens.vae import VaeScreen
from tui.text import DataTable
from tui.widgets.line_list import LineList

pytestmark = pytest.mark.slow

# The keys each screen's footer must show whole at 80×24: help, the main actions, « Retour ».
HOME = ["? Aide", "n Nouveau", "p Personnes", "s Échanges", "/ Filtrer", "^p palette"]
DOSSIER = ["? Aide", "g Grille", "o Nouvelle grille", "c Carnet", "esc Retour"]
CAREER_DOSSIER = ["? Aide", "n Notes", "j Jurys", "esc Retour"]
VAE_DOSSIER = ["? Aide", "v VAE", "j Jurys", "esc Retour"]
GRID = ["? Aide", "v Validé", "n Non validé", "e Non évalué", "s Clore", "esc Retour"]
LOGBOOK = ["? Aide", "t Tuteur signe", "m Manager signe", "w Retirer", "esc Retour"]
MARKS = ["f1 Aide", "esc Retour"]
JURIES = ["? Aide", "m Jury local", "p Proposition", "n Proclamation", "esc Retour"]
VAE = ["? Aide", "v Validée", "x Non validée", "r Recevabilité", "d Preuve", "esc Retour"]
PEOPLE = ["? Aide", "n Créer", "e Modifier", "esc Retour"]
STATIONS = ["? Aide", "t Trier", "/ Filtrer", "esc Retour"]


def _footer(app: CarnetApp) -> str:
    return screen_text(app).splitlines()[-1]


def _keys_whole(app: CarnetApp, keys: list[str], screen: str) -> None:
    footer = _footer(app)
    for key in keys:
        assert key in footer, f"{screen} : « {key} » manque au pied d'écran : {footer!r}"


async def _rows_whole(app: CarnetApp, pilot: Any, table: DataTable[Any], names: list[str]) -> None:
    """Each row highlighted in turn: its name is on screen, whole (wrapped if need be)."""
    for row, name in enumerate(names):
        table.move_cursor(row=row)
        await pilot.pause()
        assert " ".join(name.split()) in words(app), f"nom coupé : {name}"


async def test_every_screen_at_80x24_shows_its_keys_and_whole_names(tmp_path: Path) -> None:
    app, picks = demo_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await pilot.pause()
        _keys_whole(app, HOME, "accueil")

        dossier = DossierScreen(picks["under_way"])
        await app.push_screen(dossier)
        await _settle(app, pilot)
        _keys_whole(app, DOSSIER, "dossier")
        snap = dossier.snapshot
        assert snap is not None and isinstance(snap.referential, ThresholdReferential)
        ref = snap.referential
        names = []
        for block in ref.blocks:
            names.append(f"Bloc {block.number} — {block.title}")
            names += [f"{block.number}.{n} {c.title}" for n, c in enumerate(block.competencies, 1)]
        await _rows_whole(app, pilot, dossier.query_one("#tree", DataTable), names)

        grid = GridScreen(picks["under_way"], picks["grid"])
        await app.push_screen(grid)
        await _settle(app, pilot)
        _keys_whole(app, GRID, "grille")
        assert "q Question" not in _footer(app), "block 3's key, on a block 1 grid"
        app.pop_screen()

        logbook = LogbookScreen(picks["under_way"])
        await app.push_screen(logbook)
        await _settle(app, pilot)
        _keys_whole(app, LOGBOOK, "carnet de suivi")
        names = [
            f"{block.number}.{n} {c.title}"
            for block in ref.blocks
            for n, c in enumerate(block.competencies, 1)
        ]
        await _rows_whole(app, pilot, logbook.query_one("#logbook", DataTable), names)
        app.pop_screen()
        app.pop_screen()

        for candidate, keys in ((picks["certified"], CAREER_DOSSIER), (picks["vae"], VAE_DOSSIER)):
            await app.push_screen(DossierScreen(candidate))
            await _settle(app, pilot)
            _keys_whole(app, keys, "dossier carrière")
            app.pop_screen()
        for screen, keys in (
            (MarksScreen(picks["certified"]), MARKS),
            (JuryScreen(picks["certified"]), JURIES),
            (PeopleScreen(), PEOPLE),
            (StationsScreen(), STATIONS),
        ):
            await app.push_screen(screen)
            await _settle(app, pilot)
            _keys_whole(app, keys, type(screen).__name__)
            app.pop_screen()

        vae = VaeScreen(picks["vae"])
        await app.push_screen(vae)
        await _settle(app, pilot)
        _keys_whole(app, VAE, "VAE")
        snap = vae.snapshot
        assert snap is not None and isinstance(snap.referential, WeightedReferential)
        table = vae.query_one("#vae-competencies", DataTable)
        names = []
        for row in range(table.row_count):
            key = table.coordinate_to_cell_key((row, 0)).row_key.value or ""
            comp = snap.referential.competency(key)
            names.append(f"{comp.number}. {comp.title}")
        await _rows_whole(app, pilot, table, names)


async def test_a_comment_shows_its_marker_on_the_criterions_line_at_once(tmp_path: Path) -> None:
    """The list scrolls at 80×24: its lines were drawn to the full width, scrollbar included,
    and the 💬 at their end fell under the scrollbar."""
    app, picks = demo_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        grid = GridScreen(picks["under_way"], picks["grid"])
        await app.push_screen(grid)
        await _settle(app, pilot)
        assert grid.grid is not None
        app.operator = grid.grid.evaluator
        criteria = grid.query_one(LineList)
        await pilot.press("down")
        criterion = grid._current_criterion()
        assert criterion is not None and not grid.grid.comments.get(criterion)
        start = " ".join(grid._criterion_text(criterion).split()[:2])
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Bon accueil", "enter")
        await _settle(app, pilot)
        assert criteria.max_scroll_y > 0, "the list scrolls (the case that hid the marker)"
        line = next(row for row in screen_text(app).splitlines() if start in row)
        assert "💬" in line, line


async def test_the_palette_speaks_french(tmp_path: Path) -> None:
    app = build_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await pilot.press("ctrl+p")
        await until(lambda: PROMPT in screen_text(app), "la palette", pilot)
        assert "Search" not in screen_text(app)
        await pilot.press(*"zzzqqq")
        await until(lambda: NO_MATCH in screen_text(app), "« aucun résultat »", pilot)
        assert "No matches" not in screen_text(app)


async def test_the_people_list_shows_each_secrets_state_whole_at_80_columns(
    tmp_path: Path,
) -> None:
    """The secret's state was the last column, cut to « Sec » / « ✔ d » at 80 columns."""
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await pilot.press("p")
        await until(lambda: isinstance(app.screen, PeopleScreen), "les personnes", pilot)
        await until(lambda: "Secret" in screen_text(app), "la liste", pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if " Nom " in line)
        assert "Secret" in header.split()
        people = await app.store_call(lambda s: s.people())  # type: ignore[attr-defined]
        rows = [line for line in lines if any(p.name in line for p in people.values())]
        assert rows and all(
            any(label in row for label in ("✔ défini", "— à choisir", "⚠ verrouillé"))
            for row in rows
        ), rows


async def test_the_palettes_theme_list_and_screenshot_speak_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """« Thème » and « Capture d'écran » from the palette: Textual's own prompted « Search for
    themes… » and said « Saved screenshot to [$text-success]… » (markup shown raw: every
    notification is literal), or « Failed to save screenshot » without a Downloads folder."""
    import stat

    from tests.conftest import record_notifications
    from tui.palette import THEMES

    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    (tmp_path / "maison").mkdir()
    app = build_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        said = record_notifications(app)
        app.action_change_theme()
        await until(lambda: THEMES in screen_text(app), "la liste des thèmes", pilot)
        assert "Search" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        # Through the palette, as a person does.
        await pilot.press("ctrl+p")
        await until(lambda: PROMPT in screen_text(app), "la palette", pilot)
        await pilot.press(*"Capture")
        await until(lambda: "Capture d'écran" in screen_text(app), "la commande", pilot)
        await pilot.pause(0.3)  # the list settles on its first match
        await pilot.press("enter")
        captures = tmp_path / "maison" / "carnet-captures"
        await until(lambda: any(captures.glob("carnet-*.svg")), "la capture", pilot)
        (shot,) = captures.glob("carnet-*.svg")
        assert stat.S_IMODE(shot.stat().st_mode) == 0o600 and "<svg" in shot.read_text()
        assert said == [f"Capture d'écran enregistrée : {shot}"]
        # Where it cannot be written (a file where its folder should be): why, in French.
        (tmp_path / "fichier").write_text("")
        app.action_screenshot(path=str(tmp_path / "fichier" / "captures"))
        assert said[-1].startswith("Capture d'écran non enregistrée (") and "Failed" not in said[-1]


# --- the carrière marks --------------------------------------------------------------------


async def _marks(app: CarnetApp, candidate: str) -> dict[str, str]:
    """The marks recorded, as the store has them (read through the app's writer)."""
    snap = await app.store_call(lambda store: store.snapshot(candidate))
    return {k: str(v) for k, v in snap.state.career.marks.items()}


async def _open_marks(app: CarnetApp, pilot: Any) -> MarksScreen:
    """The marks screen of the salaried candidate, opened with « n » and ready."""
    await _start(app, pilot, "Salarié")
    await pilot.press("n")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, MarksScreen)
    await until(lambda: screen.ref is not None, "l'écran des notes", pilot)
    return screen


def _marks_app(tmp_path: Path) -> CarnetApp:
    """The secretariat's agent at the keyboard; the candidate is registered by the test."""
    data = tmp_path / "data"
    return build_app(data, operator=_people(data)["Sam"])


async def test_marks_tab_goes_field_to_field_and_leaving_one_records_it(tmp_path: Path) -> None:
    app = _marks_app(tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await _open_marks(app, pilot)
        # Every tab stop is a field: no invisible box takes the digits typed.
        stops = screen.focus_chain
        assert stops and all(isinstance(w, Input | Select) for w in stops), stops
        assert not any(isinstance(w, VerticalScroll) for w in stops)
        await choose(pilot, "Sam")  # « Saisie par » has the focus
        await pilot.press("tab", "tab")  # Pass, then the first mark
        assert screen.focused is screen.query_one("#mark-cc_interbranche", Input)
        # « ? » is typed in a field (Textual hides it then): F1 is the help there.
        _keys_whole(app, MARKS, "notes, dans un champ")
        await pilot.press(*"5,7", "tab")  # typed, then left without « entrée »
        await settle(app, pilot)
        assert screen.focused is screen.query_one("#mark-cc_carriere", Input)
        await pilot.press(*"16,4", "down")
        await settle(app, pilot)
        assert await _marks(app, screen.candidate) == {
            "cc_interbranche": "5.7",
            "cc_carriere": "16.4",
        }
        # A mark typed, then « échap » at once: recorded before leaving.
        await pilot.press(*"12,1", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DossierScreen)
        assert (await _marks(app, screen.candidate))["ecrit"] == "12.1"


async def test_marks_that_cannot_be_recorded_are_named_before_leaving(tmp_path: Path) -> None:
    app = _marks_app(tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await _open_marks(app, pilot)
        # Nobody in « Saisie par »: the mark cannot be recorded, and leaving the field says so.
        screen.query_one("#mark-ecrit", Input).focus()
        await pilot.press(*"14", "tab")
        await settle(app, pilot)
        assert "Saisie par" in words(app)
        assert "qui saisit" in str(screen.query_one("#covers-ecrit").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, Confirm), "leaving would drop the 14 typed"
        assert "Epreuve écrite : « 14 »" in words(app)
        await pilot.press("n")  # stay: back on the field
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.focused is screen.query_one("#mark-ecrit", Input)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("o")  # leave it unrecorded, knowingly
        await settle(app, pilot)
        assert isinstance(app.screen, DossierScreen)
        assert await _marks(app, screen.candidate) == {}


async def test_ctrl_q_asks_before_quitting_over_marks_not_recorded(tmp_path: Path) -> None:
    app = _marks_app(tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await _open_marks(app, pilot)
        screen.query_one("#mark-ecrit", Input).focus()
        await pilot.press(*"14")  # typed, not recorded (nobody in « Saisie par »)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, Confirm), "ctrl+q would drop the 14 typed"
        assert "Epreuve écrite : « 14 »" in words(app)
        await pilot.press("n")  # stay
        await settle(app, pilot)
        assert app.screen is screen and app.is_running
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        await pilot.press("o")  # quit knowingly
        await pilot.pause()
        assert app.return_code is not None or not app.is_running


# --- block 3: the questionnaire ------------------------------------------------------------


def _block3(folder: Path) -> tuple[str, str, str]:
    with Store.open(folder) as store:
        return grid_with_people(store, "gc.b3")


async def test_block3_questions_are_multiline_confirmed_when_unanswered_and_listed(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    cand, grid_id, evaluator = _block3(folder)
    app = build_app(folder, operator=evaluator)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        screen = GridScreen(cand, grid_id)
        await app.push_screen(screen)
        await ready(screen.loaded)
        await _settle(app, pilot)
        _keys_whole(app, [*GRID, "q Question"], "grille du bloc 3")

        await pilot.press("q")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, QuestionForm)
        assert isinstance(form.focused, TextArea)
        # Two lines, and a tab pasted between two words.
        await pilot.press(*"Que vérifiez-vous", "enter", *"avant de payer ?")
        form.query_one("#answer", TextArea).text = "Les\tdroits\net l'identité"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.grid is not None
        asked = screen.grid.questions[1]
        assert asked.question == "Que vérifiez-vous\navant de payer ?"
        assert asked.answer == "Les droits\net l'identité"

        # An empty answer: asked for confirmation, recorded only when validated again.
        await pilot.press("q")
        await settle(app, pilot)
        await pilot.press(*"Et ensuite ?", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, QuestionForm), "an empty answer saved silently"
        assert "La réponse est vide" in words(app)
        assert len(screen.grid.questions) == 1
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert len(screen.grid.questions) == 2

        # The questions asked, whole, on « Q ».
        assert "Q : les relire" in words(app)
        await pilot.press("Q")
        await settle(app, pilot)
        assert isinstance(app.screen, ChangeHistoryModal)
        text = words(app)
        assert "Question 1 : Que vérifiez-vous avant de payer ?" in text
        assert "Réponse : Les droits et l'identité" in text
        assert "Question 2 : Et ensuite ? Réponse : — (sans réponse)" in text
