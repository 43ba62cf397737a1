"""The Gestionnaire carrière routes through the keyboard: training (marks, juries) and VAE."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, DataTable, Input, Static

from models.status import Status
from store.store import Store
from tests.conftest import ready, until
from tests.signing import LIGHT
from tests.test_flows import choose, settle
from tui.app import CarnetApp, build_app
from tui.modals.jury_forms import JuryForm, ProclamationForm, ProposalForm
from tui.modals.vae_forms import AdmissibilityForm, DecisionForm, ProofForm
from tui.screens.dossier import DossierScreen
from tui.screens.jury import JuryScreen
from tui.screens.marks import MarksScreen
from tui.screens.vae import VaeScreen

# Pilot flows, snapshots or crash subprocesses: outside the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow

PEOPLE: dict[str, str] = {}


def _people(data: Path) -> dict[str, str]:
    """The people of the flows, by first name; the tests put them at the keyboard in turn."""
    with Store.open(data) as store:
        made = {
            "Paul": store.create_person("Paul Tuteur", "Carsat Bretagne", ["tuteur"], "t"),
            "Marie": store.create_person("Marie Manager", "Carsat Bretagne", ["manager"], "t"),
            "Claire": store.create_person("Claire Fonds", "Cnav", ["jury"], "t"),
            "Rémi": store.create_person("Rémi Branche", "Carsat Nord-Est", ["jury"], "t"),
            "Eva": store.create_person("Eva Métier", "Carsat Sud-Est", ["jury"], "t"),
            "Luc": store.create_person("Luc Local", "Carsat Bretagne", ["jury"], "t"),
            "Sam": store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t"),
            "Ursule": store.create_person("Ursule Ucanss", "Ucanss", ["certificateur"], "t"),
        }
    PEOPLE.clear()
    PEOPLE.update(made)
    return made


async def _start(app: CarnetApp, pilot: Any, route: str) -> None:
    await ready(app.screen.loaded)  # type: ignore[attr-defined]
    await pilot.press("n")
    await settle(app, pilot)
    await pilot.press(*"Jeanne Martin", "tab")
    await choose(pilot, "Carsat Bretagne")  # from the registry's list
    await pilot.press("tab", "tab")
    await choose(pilot, "Gestionnaire carr")
    await pilot.press("tab")
    await choose(pilot, route)
    await pilot.press("tab", *"02/09/2025", "tab")
    await choose(pilot, "Paul")
    await pilot.press("tab")
    await choose(pilot, "Marie")
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, DossierScreen)


async def _compose_jury(app: CarnetApp, pilot: Any) -> None:
    await pilot.press("j")
    await settle(app, pilot)
    assert isinstance(app.screen, JuryScreen)
    await pilot.press("m")
    await settle(app, pilot)
    assert isinstance(app.screen, JuryForm)
    await choose(pilot, "Claire")
    await pilot.press("tab")
    await choose(pilot, "Luc")  # from the candidate's organisme: refused at the field
    await pilot.press("tab")
    await choose(pilot, "Eva")
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, JuryForm)
    assert "autre organisme" in _text(app, "#error-branche_retraite")
    await choose(pilot, "Rémi")  # the refused field has the focus
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, JuryScreen)
    assert "Rémi Branche (Carsat Nord-Est)" in _text(app, "#jury-local")


async def _decide(app: CarnetApp, pilot: Any, proposal: str, decision: str) -> None:
    app.operator = PEOPLE["Claire"]  # a member of the local jury proposes
    await pilot.press("p")
    await settle(app, pilot)
    assert isinstance(app.screen, ProposalForm)
    await choose(pilot, proposal)
    # The member signs with their secret, set now (first use: typed twice).
    app.screen.query_one("#secret-member", Input).value = "482913"
    app.screen.query_one("#confirm-member", Input).value = "482913"
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    if isinstance(app.screen, ProposalForm):  # a non-certification needs its reasons
        assert "obligatoire" in _text(app, "#error-reasons")
        await pilot.press(*"Oral fragile.", "ctrl+s")
        await settle(app, pilot)
    assert isinstance(app.screen, JuryScreen)
    app.operator = PEOPLE["Sam"]  # the secretariat records the national jury's decision
    await pilot.press("n")
    await settle(app, pilot)
    assert isinstance(app.screen, ProclamationForm)
    await choose(pilot, decision)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, ProclamationForm), "failure needs recommendations"
    assert "obligatoire" in _text(app, "#error-recommendations")
    await pilot.press(*"Reprendre le module carrière.", "ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, ProclamationForm), "a final decision is confirmed first"
    assert "définitive" in _text(app, "#error-final")
    app.screen.query_one("#final", Checkbox).value = True
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, ProclamationForm), "the agent signs it with their secret"
    assert "secret" in _text(app, "#error-secret-agent")
    # Sam's first signature: the confirmation is shown, and the secret is typed twice.
    assert app.screen.query_one("#confirm-agent", Input).display
    app.screen.query_one("#secret-agent", Input).value = "482913"
    app.screen.query_one("#confirm-agent", Input).value = "482913"
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, JuryScreen)


def _text(app: CarnetApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _mark(app: CarnetApp, pilot: Any, evaluation: str, typed: str) -> None:
    field = app.screen.query_one(f"#mark-{evaluation}", Input)
    field.focus()
    field.value = ""
    await pilot.press(*typed, "enter")
    await settle(app, pilot)


async def test_training_route_marks_and_juries(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # The secretariat's agent registers the candidate; the others come to the keyboard in turn.
    app = build_app(data, operator=_people(data)["Sam"])
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await _start(app, pilot, "Salarié")
        await _compose_jury(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)

        await pilot.press("n")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MarksScreen)
        await until(lambda: screen.ref is not None, "l'écran des notes", pilot)
        assert "couvre les compétences 11, 15" in _text(app, "#covers-ecrit")
        await _mark(app, pilot, "cc_interbranche", "5,7")
        assert "qui saisit" in _text(app, "#covers-cc_interbranche")
        screen.query_one("#by").focus()
        await choose(pilot, "Sam")
        await pilot.press("tab")
        await choose(pilot, "Oui")
        for evaluation, typed in [("cc_interbranche", "5,7"), ("cc_carriere", "16.4"),
                                  ("ecrit", "12,1"), ("apt", "7,3")]:  # fmt: skip
            await _mark(app, pilot, evaluation, typed)
        await _mark(app, pilot, "ecrit", "12,123")
        assert "au plus deux" in _text(app, "#covers-ecrit")
        await _mark(app, pilot, "ecrit", "12,1")
        await _mark(app, pilot, "oral", "9")
        assert "ne siège pas au jury local" in _text(app, "#covers-oral")
        # Live, before saving: the average if the oral were 9.
        assert "moyenne 10,00/20" in _text(app, "#marks-panel")
        assert "si ces notes sont enregistrées" in _text(app, "#marks-panel")
        screen.query_one("#by").focus()
        await choose(pilot, "Claire")
        await _mark(app, pilot, "oral", "9")
        panel = _text(app, "#marks-panel")
        assert "Total 100,00/200" in panel and "✔ validé" in panel
        assert "si ces notes" not in panel
        # Typed, not saved: the consequence shows before « entrée ».
        app.screen.query_one("#mark-ecrit", Input).value = "6"
        await pilot.pause()
        assert "Note éliminatoire : Epreuve écrite 6,00/20" in _text(app, "#marks-panel")
        app.screen.query_one("#mark-ecrit", Input).value = "12,10"
        await pilot.press("escape")
        await settle(app, pilot)

        await pilot.press("j")
        await settle(app, pilot)
        await _decide(app, pilot, "Avis", "Non certifié")
        verdict = _text(app, "#jury-verdict")
        assert "✔ validé" in verdict and "non certifié" in verdict and "souverain" in verdict
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DossierScreen)
        # The proposal and the proclamation, each signed by its person, verified.
        assert "Signatures personnelles : 2 vérifiée(s) ✔." in _text(app, "#grids")

    with Store.open(data) as store:
        (record,) = store.summaries().records
    assert record["status"] == Status.VALIDATED.value
    assert record["final_decision"] == "non_certifie"
    assert record["average"] == "10.00"
    assert record["marks"]["ecrit"] == "12.10"
    oral = [e for e in record["mark_entries"] if e["evaluation"] == "oral"]
    assert len(oral) == 1 and oral[0]["by"] == record["juries"]["local"]["members"][0]["person"]


async def test_new_hire_route_flags_an_eliminatory_mark_live(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # The secretariat's agent registers the candidate; the others come to the keyboard in turn.
    app = build_app(data, operator=_people(data)["Sam"])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _start(app, pilot, "Nouvel")
        assert "Nouvel embauché" not in _text(app, "#identity")  # the route shows on marks
        await pilot.press("n")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MarksScreen)
        await until(lambda: screen.ref is not None, "l'écran des notes", pilot)
        assert "nouvel embauché" in _text(app, "#marks-title")
        await choose(pilot, "Sam")
        await _mark(app, pilot, "ecrit", "5,5")
        panel = _text(app, "#marks-panel")
        assert "Note éliminatoire : Epreuve écrite 5,50/20" in panel
        assert "✘ non validé" in panel
    with Store.open(data) as store:
        (record,) = store.summaries().records
    assert record["route"] == "nouvel_embauche"
    assert record["eliminatory"] == ["ecrit"] and record["status"] == "failed"


async def test_vae_route_partial_validation_then_a_new_session(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # The secretariat's agent registers the candidate; the others come to the keyboard in turn.
    app = build_app(data, operator=_people(data)["Sam"])
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await _start(app, pilot, "Validation")
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, VaeScreen)

        app.operator = PEOPLE["Ursule"]  # the certifying body decides admissibility
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, AdmissibilityForm)
        await choose(pilot, "Oui")
        await pilot.press("tab", *"Technicienne retraite depuis 2019.", "tab")
        # Two overlapping periods that add up to a day short of a year.
        await pilot.press(*"01/01/2022 - 31/08/2022", "enter", *"01/06/2022 - 30/12/2022")
        await pilot.pause()
        assert "364 jours comptés, il en faut 365" in _text(app, "#periods-total")
        await pilot.press("enter", *"31/12/2022 - 31/12/2022")
        await pilot.pause()
        assert "365 jours comptés" in _text(app, "#periods-total")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, VaeScreen)
        assert "recevable" in _text(app, "#vae-request")

        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ProofForm)
        await pilot.press("tab", *"30/06/2014", "ctrl+s")
        await settle(app, pilot)
        assert "jugé sur dossier, sans oral" in _text(app, "#vae-request")

        await _compose_jury(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, VaeScreen)
        app.screen.query_one("#vae-competencies", DataTable).focus()
        app.operator = PEOPLE["Claire"]  # the local jury decides each competency
        # Light KDF parameters (stored with the credential): fifteen signatures in a test.
        await app.store_call(lambda s: setattr(s, "kdf_params", LIGHT))
        for number, key in enumerate(["v"] * 10 + ["x"] * 5):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, DecisionForm)
            # Claire signs each decision with her secret; her first one sets it (twice).
            assert app.screen.query_one("#confirm-member", Input).display == (number == 0)
            await pilot.press("tab", *"482913")
            if number == 0:
                await pilot.press("tab", *"482913")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, VaeScreen), number
        assert "validation partielle" in _text(app, "#vae-verdict")

        await pilot.press("j")
        await settle(app, pilot)
        await _decide(app, pilot, "Avis", "Validation partielle")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press(*"Nouvelle présentation après formation.", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, VaeScreen)
        assert "session 2" in _text(app, "#vae-title")
        table = app.screen.query_one("#vae-competencies", DataTable)
        cells = [str(table.get_row_at(row)[0]) for row in range(table.row_count)]
        assert cells.count("✔ acquise (s. 1)") == 10 and cells.count("… à décider") == 5

    with Store.open(data) as store:
        (record,) = store.summaries().records
    vae = record["vae"]
    assert vae["attempt"] == 2 and len(vae["acquired"]) == 10
    assert vae["admissibility"]["days"] == 365
    assert vae["past_attempts"][0]["decision"] == "validation_partielle"
    assert record["juries"]["local"] is None  # a new session, a new jury
