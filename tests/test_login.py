"""« Qui est au clavier ? » (issue 11): the real app asks at start; tests may start identified."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from store.store import Store
from tests.conftest import ready, until
from tui.app import build_app
from tui.operator import author_of
from tui.screens.login import LoginScreen


@pytest.mark.slow
async def test_the_app_asks_who_is_at_the_keyboard(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data) as store:
        store.create_person("Zoé [b]Zèle[/b]", "CPAM", ["tuteur"], "t")
        agent = store.create_person("Alain Agent", "Ucanss", ["secretariat"], "t")
    app = build_app(data, identify=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await until(lambda: isinstance(app.screen, LoginScreen), "l'écran d'identification", pilot)
        assert author_of(app) == "poste"
        options = app.screen.query_one("#people", OptionList)
        # Names are text, never markup: the brackets stay.
        assert "Zoé [b]Zèle[/b]" in str(options.get_option_at_index(1).prompt)
        options.focus()
        await pilot.press("home", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)
        assert app.operator == agent and author_of(app) == agent
        assert app.sub_title == "Alain Agent"


@pytest.mark.slow
async def test_tests_start_with_a_person_already_identified(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data) as store:
        agent = store.create_person("Alain Agent", "Ucanss", ["secretariat"], "t")
    app = build_app(data, operator=agent, identify=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await until(lambda: app.store_ready.is_set(), "le magasin", pilot)
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)
        assert author_of(app) == agent


@pytest.mark.slow
async def test_the_same_person_as_tutor_and_manager_is_refused_at_the_field(
    tmp_path: Path,
) -> None:
    from textual.widgets import Input, Static

    from tests.test_flows import choose, settle
    from tui.modals.candidate_form import CandidateForm

    data = tmp_path / "data"
    with Store.open(data) as store:
        store.create_person("Paul Polyvalent", "CPAM", ["tuteur", "manager"], "t")
    app = build_app(data)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, CandidateForm)
        await pilot.press(*"Jeanne Martin", "tab")
        await choose(pilot, "CPAM")  # from the registry's list
        await pilot.press("tab", "tab")
        await choose(pilot, "Gestionnaire conseil")
        await pilot.press("tab", "tab")
        app.screen.query_one("#started", Input).value = "02/09/2026"
        await pilot.press("tab")
        await choose(pilot, "Paul")
        await pilot.press("tab")
        await choose(pilot, "Paul")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CandidateForm)
        error = str(app.screen.query_one("#error-manager", Static).render())
        assert "deux personnes différentes" in error
    with Store.open(data) as store:
        assert store.candidate_ids() == []


@pytest.mark.slow
async def test_the_app_locks_after_inactivity(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data) as store:
        agent = store.create_person("Alain Agent", "Ucanss", ["secretariat"], "t")
    app = build_app(data, operator=agent, identify=True, lock_after=0.3)
    assert author_of(app) == agent
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await until(lambda: isinstance(app.screen, LoginScreen), "le verrouillage", pilot)
        assert app.operator is None and author_of(app) == "poste"


def test_a_dossier_never_records_poste_as_its_author(tmp_path: Path) -> None:
    """Every event of a candidate's dossier names the person who made it: « poste » (the app's
    author while nobody has said who they are) is refused by the store, whatever the screen;
    only the first people of a new folder may be registered by the station, before anyone
    exists to identify."""
    from models.threshold import CriterionState
    from store.authority import AuthorityError
    from tests.test_sync import _station

    data = tmp_path / "data"
    candidate, grid, criteria = _station(data)
    with Store.open(data) as store:
        events = len(store.snapshot(candidate).events)
        with pytest.raises(AuthorityError, match="Personne n'est identifié"):
            store.mark_criteria(candidate, grid, [(criteria[5], CriterionState.VALIDATED, "")],
                                "poste")  # fmt: skip
        with pytest.raises(AuthorityError, match="Règle : chaque action enregistrée"):
            store.create_candidate("Léa", "CPAM du Rhône", "gestionnaire-conseil", "poste")
        assert len(store.snapshot(candidate).events) == events
        with pytest.raises(AuthorityError, match="Personne n'est identifié"):
            store.create_person("Une Autre", "CPAM du Rhône", ["tuteur"], "poste")
    with Store.open(tmp_path / "neuf") as store:  # first use: nobody to identify yet
        first = store.create_person("Première Personne", "CPAM du Rhône", ["tuteur"], "poste")
        with pytest.raises(AuthorityError, match="Personne n'est identifié"):
            store.create_person("Seconde Personne", "CPAM du Rhône", ["tuteur"], "poste")
        store.create_person("Seconde Personne", "CPAM du Rhône", ["tuteur"], first)


@pytest.mark.slow
async def test_a_mark_asks_who_is_at_the_keyboard_first(tmp_path: Path) -> None:
    """Nobody identified (« Plus tard »): a key on a grid records nothing and asks who is
    there; once they have said it, the mark names them."""
    from models.threshold import CriterionState
    from tests.test_sync import _station
    from tui.screens.grid import GridScreen

    data = tmp_path / "data"
    candidate, grid, _ = _station(data)
    with Store.open(data) as store:
        evaluator = store.grid_view(candidate, grid).evaluator
        before = len(store.snapshot(candidate).events)
    app = build_app(data)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await until(lambda: app.store_ready.is_set(), "le magasin", pilot)
        screen = GridScreen(candidate, grid)
        await app.push_screen(screen)
        await ready(screen.loaded)
        await pilot.press("v")
        await until(lambda: isinstance(app.screen, LoginScreen), "« Qui est au clavier ? »", pilot)
        assert await app.store_call(lambda s: len(s.snapshot(candidate).events)) == before
        options = app.screen.query_one("#people", OptionList)
        index = next(
            i for i in range(options.option_count)
            if str(options.get_option_at_index(i).prompt).startswith("Bruno Métier")
        )  # fmt: skip
        options.highlighted = index
        options.focus()
        await pilot.press("enter")
        await until(lambda: app.screen is screen, "la grille", pilot)
        assert app.operator == evaluator
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        last = await app.store_call(lambda s: s.snapshot(candidate).events[-1])
        assert last.type == "criterion.marked" and last.author == evaluator
        assert last.payload["state"] == CriterionState.VALIDATED.value


@pytest.mark.slow
async def test_after_saying_who_they_are_the_arrows_move_in_the_list(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data) as store:
        agent = store.create_person("Alain Agent", "Ucanss", ["secretariat"], "t")
        for name in ("Anne Un", "Bruno Deux", "Chloé Trois"):
            store.create_candidate(name, "CPAM", "gestionnaire-conseil", agent)
    app = build_app(data, identify=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await until(lambda: isinstance(app.screen, LoginScreen), "l'écran d'identification", pilot)
        await pilot.press("enter")
        await until(lambda: not isinstance(app.screen, LoginScreen), "l'accueil", pilot)
        # Found by a newcomer: the filter kept the focus, and ↓ moved nothing.
        candidates = app.screen.query_one("#candidates")
        assert app.focused is candidates, app.focused
        await pilot.press("down")
        await pilot.pause()
        assert "Bruno Deux" in str(app.screen.query_one("#current-candidate").render())


@pytest.mark.slow
async def test_typing_a_part_of_a_name_finds_the_person(tmp_path: Path) -> None:
    """A secretariat's registry holds many people: typing narrows « Qui est au clavier ? »
    (accents and case aside, by organisme or role too), the arrows move, Enter takes."""
    data = tmp_path / "data"
    with Store.open(data) as store:
        agent = store.create_person("Alain Agent", "Ucanss", ["secretariat"], "t")
        for name in ("Zoé Zèle", "Élodie Martin", "Éric Martinez", "[b]Bruno[/b] Métier"):
            store.create_person(name, "CPAM du Rhône", ["tuteur"], agent)
        eric = next(p for p, person in store.people().items() if person.name == "Éric Martinez")
    app = build_app(data, identify=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await until(lambda: isinstance(app.screen, LoginScreen), "l'écran d'identification", pilot)
        options = app.screen.query_one("#people", OptionList)
        assert options.option_count == 5
        await pilot.press(*"martin")
        await pilot.pause()
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert [s.split(" — ")[0] for s in shown] == ["Élodie Martin", "Éric Martinez"]
        await pilot.press("down", "enter")
        await until(lambda: not isinstance(app.screen, LoginScreen), "l'accueil", pilot)
        assert app.operator == eric
        # Again (ctrl+l), a name with brackets found by them, literally; nobody for a typo.
        await pilot.press("ctrl+l")
        await until(lambda: isinstance(app.screen, LoginScreen), "l'écran d'identification", pilot)
        options = app.screen.query_one("#people", OptionList)
        await pilot.press(*"[b]bru")
        await pilot.pause()
        assert options.option_count == 1
        assert str(options.get_option_at_index(0).prompt).startswith("[b]Bruno[/b] Métier")
        await pilot.press(*"xyz")
        await pilot.pause()
        assert options.option_count == 0
        assert "Personne ne correspond" in str(app.screen.query_one("#none-found").render())
        await pilot.press("enter")  # nothing to take: still asking
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


@pytest.mark.slow
async def test_a_resumed_grid_waits_until_the_person_at_the_keyboard_has_said_who(
    tmp_path: Path,
) -> None:
    """The grid on screen when the app stopped comes back; pushed over « Qui est au
    clavier ? », it hid the question, which then swallowed what was typed once the grid was
    left (and a key on the grid asked a second time)."""
    from tests.test_power_loss import _base
    from tui.screens.grid import GridScreen

    data = tmp_path / "data"
    candidate, grid, _ = _base(data)
    with Store.open(data) as store:
        store.remember_open_grid(candidate, grid)
        evaluator = store.grid_view(candidate, grid).evaluator
    app = build_app(data, identify=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await until(lambda: isinstance(app.screen, LoginScreen), "l'identification", pilot)
        for _ in range(5):
            await pilot.pause(0.05)
        assert isinstance(app.screen, LoginScreen)  # the grid waits behind nothing
        assert not any(isinstance(s, GridScreen) for s in app.screen_stack)
        options = app.screen.query_one("#people", OptionList)
        at = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == evaluator
        )
        options.focus()
        options.highlighted = at
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, GridScreen), "la grille reprise", pilot)
        assert app.operator == evaluator
        assert sum(isinstance(s, LoginScreen) for s in app.screen_stack) == 0
