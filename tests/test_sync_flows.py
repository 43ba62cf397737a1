"""The exchanges through the keyboard: export at a station, import at the secretariat with the
trust confirmation, receipts back, and a conflict settled on the conflicts screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, RichLog, Select, Static

from models.threshold import CriterionState
from store.demo import populate
from store.keys import TrustStore
from store.station import set_role
from store.store import Store
from tests.conftest import ready, until
from tests.screen_text import screen_text
from tests.test_flows import settle
from tests.test_sync import conflicting
from tui.app import CarnetApp, build_app
from tui.modals.export_form import ExportForm
from tui.modals.resolve_conflict import ResolveConflict
from tui.modals.trust_form import TrustForm
from tui.screens.conflicts import ConflictsScreen
from tui.screens.dossier import DossierScreen
from tui.screens.history import HistoryScreen
from tui.screens.sync import SyncScreen

# Pilot flows, snapshots or crash subprocesses: outside the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow


def _log(app: CarnetApp) -> str:
    """The log's text, its lines put back together: it wraps at the panel's width."""
    return "".join(str(line.text) for line in app.screen.query_one("#sync-log", RichLog).lines)


async def pause(pilot: Any) -> None:
    """The folder tree keeps a loader worker alive: waiting for every worker would never end."""
    for _ in range(5):
        await pilot.pause(0.05)


async def _sync_screen(app: CarnetApp, pilot: Any) -> SyncScreen:
    await ready(app.screen.loaded)  # type: ignore[attr-defined]
    await pilot.press("s")
    await pause(pilot)
    screen = app.screen
    assert isinstance(screen, SyncScreen)
    await until(lambda: hasattr(screen, "station"), "l'écran des échanges", pilot)
    return screen


async def test_export_import_trust_and_receipt_in_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    (tmp_path / "maison").mkdir()
    station, secretariat = tmp_path / "poste", tmp_path / "sec"
    with Store.open(station) as store:
        populate(store, 3)
    with Store.open(secretariat):
        pass
    set_role(secretariat, "secretariat")
    exchange = tmp_path / "maison" / "carnet-echanges"
    # Bundles are encrypted to the secretariat: the station trusts its key first.
    from store.sync import confirm_trust, public_key_of, read_key_file

    key = tmp_path / "sec.cle"
    with Store.open(secretariat) as store:
        key.write_bytes(public_key_of(store))
    with Store.open(station) as store:
        confirm_trust(store, key, read_key_file(key).fingerprint)

    app = build_app(station)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await _sync_screen(app, pilot)
        assert screen.root == exchange and exchange.is_dir()
        await pilot.press("e")
        await until(lambda: isinstance(app.screen, ExportForm), "le formulaire d'export", pilot)
        # Its one secretariat chosen, and shown so: not the blank « Destinataire ».
        with Store.open(secretariat, read_only=True) as s:
            secretariat_id = s.station.id
        assert app.screen.query_one("#recipient", Select).value == secretariat_id
        assert "Destinataire" not in screen_text(app)
        await pilot.press("ctrl+s")
        await until(lambda: "Lot n° 1 pour" in _log(app), "l'export", pilot)
        # The next bundle's file is named by its number and its recipient.
        await pilot.press("e")
        await until(lambda: isinstance(app.screen, ExportForm), "le second export", pilot)
        proposed = Path(app.screen.query_one("#path", Input).value).name
        assert proposed.endswith("-lot-002.carnet") and "-pour-poste-" in proposed, proposed
        await pilot.press("escape")
        await pause(pilot)
        await pilot.press("k")
        await until(lambda: "Clé publique écrite" in _log(app), "la clé publique", pilot)
    bundles = list(exchange.glob("*.carnet"))
    assert len(bundles) == 1
    (station_key_file,) = exchange.glob("*.cle")

    app = build_app(secretariat)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await _sync_screen(app, pilot)
        await pilot.press("i")
        await until(lambda: isinstance(app.screen, TrustForm), "la demande de confiance", pilot)
        shown = str(app.screen.query_one(".form-detail").render())
        fingerprint = read_key_file(station_key_file).fingerprint
        assert fingerprint in shown and "est signé par ce poste, inconnu ici" in shown
        # Accepting needs the fingerprint typed as the station reads it out, not a key.
        await pilot.press("o", "ctrl+s")
        await pause(pilot)
        assert isinstance(app.screen, TrustForm) and not TrustStore(secretariat).keys
        app.screen.query_one("#fingerprint", Input).value = fingerprint
        await pilot.press("ctrl+s")
        await until(lambda: "1 fichier(s) accepté(s)" in _log(app), "l'import", pilot)
        assert "refusé : poste inconnu" in _log(app)  # the first attempt, before trusting
        assert "Accusé de réception écrit" in _log(app)
        # A bundle carries the key that signs it, not the one to encrypt to its station: the
        # trust says what else is needed, and the export form why that station is not offered.
        assert "Pour lui envoyer des lots, faites aussi confiance à son fichier .cle" in _log(app)
        await pilot.press("e")
        await until(lambda: isinstance(app.screen, ExportForm), "le formulaire d'export", pilot)
        warning = " ".join(str(w.render()) for w in app.screen.query(".form-warning"))
        assert "pas encore destinataires" in warning and "carnet station --out" in warning
        await pilot.press("ctrl+s")
        await pause(pilot)
        assert "Aucun destinataire possible" in str(
            app.screen.query_one("#error-recipient").render()
        )
        await pilot.press("escape")
        await pause(pilot)
        # Its key file trusted while the screen is open: a recipient at the next « e ».
        typed = read_key_file(station_key_file).fingerprint
        await app.store_call(lambda s: confirm_trust(s, station_key_file, typed))
        await pilot.press("e")
        await until(lambda: isinstance(app.screen, ExportForm), "le second formulaire", pilot)
        offered = app.screen.query_one("#recipient", Select)
        # Select has no public list of its options: its private one is read.
        assert [ident for _, ident in offered._options if isinstance(ident, str)] == [
            read_key_file(station_key_file).station
        ]
        assert not app.screen.query(".form-warning")
        await pilot.press("escape")
        await pause(pilot)
        # Every line within the panel: nothing cut (RichLog's 78-column minimum cut them).
        log = app.screen.query_one("#sync-log", RichLog)
        assert log.lines and all(line.cell_length <= log.size.width for line in log.lines)
        await pilot.press("t")
        await until(lambda: "Tableau consolidé écrit" in _log(app), "le tableau", pilot)
        await pilot.press("escape")
        await pause(pilot)
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, DossierScreen), "le dossier", pilot)
        await pause(pilot)
        await pilot.press("d")
        await until(lambda: any(exchange.glob("dossier-*.pdf")), "le dossier PDF", pilot)
    with Store.open(secretariat) as store:
        assert len(store.summaries().records) == 3
    # The XLSX and one CSV per table.
    assert len(list(exchange.glob("tableau-consolide-*"))) == 3

    # The receipt, written beside the bundle, goes back to the station, which trusts the
    # secretariat's key file.
    receipts = list(exchange.glob("accuse-*.carnet"))
    app = build_app(station)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await _sync_screen(app, pilot)
        screen.selected = exchange / receipts[0].name
        await pilot.press("i")
        await until(lambda: "confirmé(s) par le secrétariat" in _log(app), "l'accusé", pilot)
        assert "0 non exporté(s), 0 exporté(s) non confirmé(s)" in str(
            screen.query_one("#sync-station").render()
        )


async def test_conflicts_screen_settles_a_clash(tmp_path: Path) -> None:
    s, candidate, grid, criteria = conflicting(tmp_path)
    with Store.open(s) as store:
        agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "s")

    app = build_app(s, operator=agent)  # a secretariat agent settles conflicts
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        await app.push_screen(DossierScreen(candidate))
        await settle(app, pilot)
        assert "1 conflit(s)" in str(app.screen.query_one("#identity").render())
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "3 poste(s)" not in str(app.screen.query_one("#history-title").render())
        assert "2 poste(s)" in str(app.screen.query_one("#history-title").render())
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictsScreen)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ResolveConflict)
        await pilot.press(*"Vérifié avec l'évaluateur.", "ctrl+s")
        await settle(app, pilot)
        # The agent signs the choice: without the secret, nothing is recorded.
        assert isinstance(app.screen, ResolveConflict)
        error = str(app.screen.query_one("#error-secret-agent", Static).render())
        assert "secret de la personne qui signe est requis" in error
        # Sam's first signature at this station: the secret, then the same again.
        assert app.screen.query_one("#confirm-agent", Input).display
        await pilot.press(*"482913", "tab", *"482913", "ctrl+s")
        await settle(app, pilot)
        assert "Aucune saisie concurrente" in str(app.screen.query_one("#conflicts-title").render())
    with Store.open(s) as store:
        snap = store.snapshot(candidate)
        assert not snap.state.open_conflicts
        resolved = [e for e in snap.events if e.type == "conflict.resolved"]
        assert resolved and store.signature_states(candidate)[resolved[-1].id] is None
        assert snap.state.grids[grid].states[criteria[4]] is CriterionState.NOT_VALIDATED


async def test_the_secretariat_importing_a_shared_exchange_folder_says_which_files_are_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exchange folder travels both ways: the secretariat's own receipt lies there beside
    the station's bundles. Importing the folder names it as its own, refuses nothing."""
    from store.sync import export, import_files
    from tests.test_sync import station_and_secretariat

    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    exchange = tmp_path / "maison" / "carnet-echanges"
    exchange.mkdir(parents=True)
    station, secretariat, *_ = station_and_secretariat(tmp_path)
    with Store.open(station) as store:
        export(store, exchange / "lot.carnet")
    with Store.open(secretariat) as store:
        (receipt,) = import_files(store, [exchange / "lot.carnet"], receipts_dir=exchange).receipts
    app = build_app(secretariat)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _sync_screen(app, pilot)
        # No progress bar animating « --% » before anything is imported.
        assert not app.screen.query_one("#sync-progress").display
        await pilot.press("i")
        await until(lambda: "refusé(s)" in _log(app), "l'import", pilot)
        assert app.screen.query_one("#sync-progress").display
        log = _log(app)
        assert f"○ {receipt.name} : accusé de réception n° 1 écrit par ce poste pour" in log
        assert "rien à importer ici" in log and "refusé :" not in log
        assert "1 fichier(s) accepté(s), 1 écrit(s) par ce poste, 0 refusé(s)" in log
