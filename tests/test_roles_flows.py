"""Roles in the app: a station names itself, writes its public key, and the secretariat trusts
it only once the fingerprint read out by the station is typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from store.keys import TrustStore
from store.station import set_role
from store.store import Store
from store.sync import read_key_file
from tests.conftest import until
from tests.test_sync_flows import _log, _sync_screen, pause
from tui.app import build_app
from tui.modals.station_form import StationForm
from tui.modals.trust_form import TrustForm


@pytest.mark.slow
async def test_name_the_station_then_trust_its_key_typing_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    (tmp_path / "maison").mkdir()
    station, secretariat = tmp_path / "poste", tmp_path / "sec"
    for folder in (station, secretariat):
        with Store.open(folder):
            pass
    set_role(secretariat, "secretariat")
    exchange = tmp_path / "maison" / "carnet-echanges"

    app = build_app(station)
    async with app.run_test(size=(100, 30)) as pilot:
        await _sync_screen(app, pilot)
        await pilot.press("n")
        await until(lambda: isinstance(app.screen, StationForm), "le formulaire du poste", pilot)
        await pilot.press(*"Tutorat [Lyon]")  # text, never markup
        await pilot.press("tab", *"CPAM du Rhône", "ctrl+s")
        await until(lambda: "désormais" in _log(app), "le nom enregistré", pilot)
        title = str(app.screen.query_one("#sync-station").render())
        assert "Tutorat [Lyon] (CPAM du Rhône)" in title
        await pilot.press("k")
        await until(lambda: "Clé publique écrite" in _log(app), "la clé publique", pilot)
    (key_file,) = exchange.glob("*.cle")
    fingerprint = read_key_file(key_file).fingerprint

    app = build_app(secretariat)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _sync_screen(app, pilot)
        screen.selected = key_file
        await pilot.press("i")
        await until(lambda: isinstance(app.screen, TrustForm), "la confiance", pilot)
        shown = str(app.screen.query_one(".form-detail").render())
        assert fingerprint in shown and "Tutorat [Lyon] — CPAM du Rhône" in shown
        # A wrong fingerprint: refused under the field, nothing trusted.
        await pilot.press(*"1234", "ctrl+s")
        await pause(pilot)
        assert isinstance(app.screen, TrustForm)
        assert "pas celle de la clé" in str(app.screen.query_one("#error-fingerprint").render())
        assert not TrustStore(secretariat).keys
        app.screen.query_one("#fingerprint", Input).value = fingerprint
        await pilot.press("ctrl+s")
        await until(lambda: "Confiance accordée" in _log(app), "la confiance accordée", pilot)
    (trusted,) = TrustStore(secretariat).keys.values()
    assert (trusted.role, trusted.name, trusted.organisme) == (
        "poste", "Tutorat [Lyon]", "CPAM du Rhône",
    )  # fmt: skip
