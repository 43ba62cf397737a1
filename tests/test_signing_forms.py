"""The forms that sign a decision ask the secret of the person at the keyboard at that moment
(issue 11): a VAE decision at 80×24, by a jury member who already has a secret (asked once,
not twice), a wrong secret refused in view, then the right one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from store.store import Store
from tests.conftest import ready
from tests.signing import SECRET, secret_of
from tests.test_flows import settle
from tui.app import build_app
from tui.modals.form import FormBody
from tui.modals.vae_forms import DecisionForm
from tui.screens.vae import VaeScreen

pytestmark = pytest.mark.slow


def _vae_with_jury(data: Path) -> tuple[str, str]:
    """A VAE candidate ready for the jury's decisions; returns it and a member with a secret."""
    with Store.open(data) as store:
        members = [
            store.create_person("Claire Fonds", "Cnav", ["jury"], "t"),
            store.create_person("Rémi Branche", "Carsat Nord", ["jury"], "t"),
            store.create_person("Eva Métier", "Carsat Sud", ["jury"], "t"),
        ]
        certifier = store.create_person("Ursule Ucanss", "Ucanss", ["certificateur"], "t")
        candidate = store.create_candidate(
            "Vic", "Carsat Bretagne", "gestionnaire-carriere", "t", route="vae"
        )
        store.decide_admissibility(
            candidate,
            related=True,
            description="Technicien retraite depuis trois ans.",
            periods=[(date(2022, 1, 1), date(2025, 12, 31))],
            comment="",
            on=date(2026, 2, 1),
            author=certifier,
        )
        store.receive_proof(
            candidate,
            received=date(2026, 3, 1),
            attestation_3a=None,
            oral_requested=False,
            author="t",
        )
        roles = ("caisse_nationale", "branche_retraite", "expert_metier")
        store.compose_jury(candidate, list(zip(roles, members, strict=True)), "t")
        secret_of(store, members[0])  # she signed before: she has her secret
    return candidate, members[0]


async def test_a_vae_decision_asks_the_members_secret(tmp_path: Path) -> None:
    data = tmp_path / "data"
    candidate, member = _vae_with_jury(data)
    app = build_app(data, operator=member)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await app.push_screen(VaeScreen(candidate))
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, DecisionForm)
        # She has a secret: asked once, no « first signature » confirmation.
        assert not form.query_one("#confirm-member", Input).display
        await pilot.press(*"Preuves solides", "tab", *"135790", "enter")
        await settle(app, pilot)
        assert app.screen is form, "a wrong secret signs nothing"
        error = form.query_one("#error-secret-member", Static)
        assert "Secret incorrect : rien n'a été signé (4 essai(s) restant(s))" in str(
            error.render()
        )
        # Said where it can be read, below the field, however short the terminal.
        assert form.query_one(FormBody).region.contains_region(error.region)
        form.query_one("#secret-member", Input).value = ""
        await pilot.press(*SECRET, "enter")  # the last field shown: enter signs
        await settle(app, pilot)
        assert isinstance(app.screen, VaeScreen)
    with Store.open(data) as store:
        (decided,) = [e for e in store.snapshot(candidate).events if e.type.startswith("vae.comp")]
        assert decided.author == member and decided.payload["comment"] == "Preuves solides"
        assert store.signature_states(candidate)[decided.id] is None  # verified
