"""Trusting a key at 80×24: whose key, its fingerprint, a second secretariat's warning and the
field to type the fingerprint into are all in view at once (the field was below the fold,
focused but unseen, when the warning was long)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from store.keys import TrustedKey
from store.store import Store
from store.sync import second_secretariat_warning
from tests.screen_text import screen_text
from tui.app import build_app
from tui.modals.trust_form import TrustForm

# Pilot flows: outside the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow

NEW = TrustedKey("poste-5f7b6989b171", bytes(32), "", "secretariat",
                 "Marie-Christine Durand-Lefèvre", "URSSAF Provence-Alpes-Côte d'Azur")  # fmt: skip
KNOWN = TrustedKey("poste-aaaaaaaaaaaa", bytes([1]) * 32, "", "secretariat", "Jean Dupont",
                   "CPAM du Rhône")  # fmt: skip


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("warned", [True, False])
async def test_the_trust_form_shows_the_key_the_warning_and_the_field_at_once(
    tmp_path: Path, size: tuple[int, int], warned: bool
) -> None:
    with Store.open(tmp_path):
        pass
    app = build_app(tmp_path)
    warning = second_secretariat_warning([KNOWN]) if warned else ""
    async with app.run_test(size=size) as pilot:
        await app.store_ready.wait()
        app.push_screen(
            TrustForm(NEW, lambda s, t: "nouveau", warning=warning, came_with="lot-001.carnet")
        )
        for _ in range(4):
            await pilot.pause()
        field = app.screen.query_one("#fingerprint", Input)
        assert app.focused is field
        body = field.parent
        assert body is not None
        # The whole field inside the part of the form's body that is on screen.
        assert body.region.contains_region(field.region), (body.region, field.region)
        # The modal's frame taken out, its lines put back together.
        shown = " ".join(screen_text(app).replace("█", " ").split())
        for essential in (
            "Faire confiance à une clé publique",
            "Le lot lot-001.carnet est signé par ce poste, inconnu ici.",
            "poste-5f7b6989b171 : secrétariat, Marie-Christine Durand-Lefèvre — URSSAF "
            "Provence-Alpes-Côte d'Azur",
            f"Empreinte : {NEW.fingerprint}",
            "Empreinte que ce poste vous lit (« carnet station » chez lui)",
            "Valider (ctrl+s)",
        ):
            assert essential in shown, essential
        if warned:
            assert " ".join(warning.split()) in shown
        await pilot.press(*NEW.fingerprint.replace(" ", ""))
        assert field.value == NEW.fingerprint.replace(" ", "")
