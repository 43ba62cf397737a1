"""Pilot tests of the app as it stands: the candidates list, filtering, and refusing bad data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Static

from store.demo import populate
from store.journal import journal_entries
from store.store import Store
from tests.conftest import ready, record_notifications, until
from tests.screen_text import screen_text
from tui.app import CarnetApp, build_app
from tui.screens.failure import FailureScreen
from tui.screens.home import HomeScreen
from tui.widgets.line_list import LineList

# Pilot flows, snapshots or crash subprocesses: outside the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow


@pytest.fixture
def demo_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        populate(store, 12)
    return folder


async def _ready(app: CarnetApp, pilot: object) -> None:
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    await ready(screen.loaded)
    await pilot.pause()  # type: ignore[attr-defined]


def _failure_shown(app: CarnetApp) -> bool:
    return isinstance(app.screen, FailureScreen) and bool(app.screen.query("#failure-message"))


async def test_home_lists_every_candidate_with_status(demo_data: Path) -> None:
    app = build_app(demo_data)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#candidates", LineList)
        assert len(table.lines) == 12
        cells = [str(line.cells[0]) for line in table.lines]
        assert {c.split()[0] for c in cells} == {"✔", "✘", "…"}
        assert str(app.screen.query_one("#saved", Static).content) == "12 candidats"


async def test_typing_filters_the_list(demo_data: Path) -> None:
    app = build_app(demo_data)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        await pilot.pause()
        table = app.screen.query_one("#candidates", LineList)
        await pilot.press("slash", *"carrière")
        await pilot.pause()
        cqps = [str(line.cells[2]) for line in table.lines]
        assert 0 < len(cqps) < 12 and set(cqps) == {"Carrière"}, cqps
        # The count says how many of all the text leaves (it said « 12 candidats » still).
        saved = str(app.screen.query_one("#saved", Static).content)
        assert saved == f"{len(cqps)} candidat(s) sur 12", saved
        await pilot.press("escape")
        await pilot.pause()
        assert len(table.lines) == 12
        assert str(app.screen.query_one("#saved", Static).content) == "12 candidats"
        # A tutor's name finds the candidates they follow (the placeholder says so).
        tutor = str(table.lines[0].cells[4])
        followed = {str(line.cells[1]) for line in table.lines if str(line.cells[4]) == tutor}
        await pilot.press("slash", *tutor)
        await pilot.pause()
        assert followed <= {str(line.cells[1]) for line in table.lines}, tutor
        await pilot.press("escape")
        await pilot.pause()
        # Exact filters: « validés » does not bring the « non validés ».
        await pilot.press("f")
        await pilot.pause()
        assert {str(line.cells[0]) for line in table.lines} == {"✔ validé"}
        await pilot.press("f", "c", "c")
        await pilot.pause()
        assert {str(line.cells[0]) for line in table.lines} == {"✘ non validé"}
        assert {str(line.cells[2]) for line in table.lines} == {"Carrière"}
        assert "non validés, Gestionnaire carrière" in str(
            app.screen.query_one("#saved", Static).content
        )


async def test_the_highlighted_candidate_is_shown_in_full(tmp_path: Path) -> None:
    """The list's columns cut a long name or organisme: the line under it never does."""
    data = tmp_path / "data"
    long_name = "Marie-Christine de La Tour d'Auvergne-Lauraguais"
    with Store.open(data) as store:
        store.create_candidate(long_name, "Caisse d'allocations familiales de la Martinique",
                               "gestionnaire-conseil", "t")  # fmt: skip
    app = build_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        await pilot.pause()
        shown = str(app.screen.query_one("#current-candidate", Static).content)
        assert shown == f"{long_name} — Caisse d'allocations familiales de la Martinique"
        # On screen once, in that line: the list's own column shows it cut.
        assert screen_text(app).count(long_name) == 1


async def test_a_second_instance_is_refused_in_french(demo_data: Path) -> None:
    with Store.open(demo_data):
        app = build_app(demo_data)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(lambda: _failure_shown(app), "écran d'échec", pilot)
            message = str(app.screen.query_one("#failure-message", Static).content)
            assert "Une autre instance de carnet" in message
            assert not app.screen.check_action("recover", ())


def _flip_a_letter(path: Path, record: int) -> None:
    """A letter changed inside a string of one stored record (the storage's format 2)."""
    lines = path.read_bytes().split(b"\n")
    line = lines[record - 1]
    at = line.index(b'"type":"') + len(b'"type":"')
    lines[record - 1] = line[:at] + bytes([line[at] ^ 0x20]) + line[at + 1 :]
    path.write_bytes(b"\n".join(lines))


async def test_corrupt_dossier_is_shown_apart_and_restored(demo_data: Path) -> None:
    # Not the dossier of the station's last event: that one stops the start (tested below).
    first = next(e.dossier for e in journal_entries(demo_data) if e.dossier.startswith("c-"))
    victim = demo_data / "dossiers" / f"{first}.json"
    _flip_a_letter(victim, record=3)
    app = build_app(demo_data)
    shown = record_notifications(app)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await _ready(app, pilot)
        await pilot.pause()
        table = app.screen.query_one("#candidates", LineList)
        assert len(table.lines) == 11
        status = str(app.screen.query_one("#saved", Static).content)
        assert "1 dossier(s) illisible(s)" in status
        assert any("enregistrement n° 3" in message for message in shown), shown
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        screen.loaded.clear()
        await pilot.press("ctrl+r")
        await ready(screen.loaded)
        await pilot.pause()
        assert len(table.lines) == 12
        assert "illisible" not in str(app.screen.query_one("#saved", Static).content)
        assert not app.screen.check_action("restore", ())


async def test_corrupt_registry_stops_at_a_french_message_with_recovery(demo_data: Path) -> None:
    _flip_a_letter(demo_data / "registry.json", record=16)
    app = build_app(demo_data)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(lambda: _failure_shown(app), "écran d'échec", pilot)
        assert "enregistrement n° 16" in str(
            app.screen.query_one("#failure-message", Static).content
        )
        await pilot.press("r")
        await pilot.pause()
        assert "Réparé" in str(app.screen.query_one("#failure-message", Static).content)
    with Store.open(demo_data) as store:
        assert len(store.summaries().records) == 12


async def test_reopening_resumes_the_grid_that_was_on_screen(demo_data: Path) -> None:
    from tui.screens.dossier import DossierScreen
    from tui.screens.grid import GridScreen

    with Store.open(demo_data) as store:
        candidate, grid = next(
            (c, g.id)
            for c in store.candidate_ids()
            for g in store.snapshot(c).state.grids.values()
            if g.closed is None
        )
    app = build_app(demo_data)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        screen = GridScreen(candidate, grid)
        await app.push_screen(screen)
        await ready(screen.loaded)
        await pilot.pause()
    # The app stopped with the grid on screen: the next start goes back to it.
    app = build_app(demo_data)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(lambda: isinstance(app.screen, GridScreen), "reprise de la grille", pilot)
        resumed = app.screen
        assert isinstance(resumed, GridScreen) and resumed.grid_id == grid
        await ready(resumed.loaded)
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, DossierScreen), "retour au dossier", pilot)
        await app.workers.wait_for_complete()
    # « échap » left the grid: no resumption next time.
    assert json.loads((demo_data / "session.json").read_text()) == {}
    app = build_app(demo_data)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_first_start_without_index_lists_everyone_with_a_child_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's writer thread forks a child to compute half of the records while the event
    loop runs: every candidate is listed, the child is waited for, and the app stays usable."""
    from tests.forked import count_children, reaped

    folder = tmp_path / "data"
    with Store.open(folder) as store:
        populate(store, 44, seed=6, events_per_dossier=8)
    (folder / "index.json").unlink(missing_ok=True)
    (folder / "roster.json").unlink(missing_ok=True)
    children = count_children(monkeypatch)
    app = build_app(folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        table = app.screen.query_one("#candidates", LineList)
        assert len(table.lines) == 44
        assert len(children) == 1 and reaped(children[0])
        await pilot.press("f")  # still answering keys
        await pilot.pause()
        assert "sur 44" in str(app.screen.query_one("#saved", Static).content)
    with Store.open(folder, read_only=True) as store:
        assert len(store.rows().records) == 44


async def test_f1_gives_the_help_while_a_filter_takes_the_question_mark(demo_data: Path) -> None:
    """« ? » is text in the filter, and the footer hides « ? Aide » then: « f1 Aide » takes its
    place, and works."""
    from tui.screens.help import HelpScreen

    app = build_app(demo_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        assert "? Aide" in screen_text(app).splitlines()[-1]
        await pilot.press("slash", "question_mark")
        await pilot.pause()
        assert app.screen.query_one("#filter").value == "?"  # type: ignore[attr-defined]
        footer = screen_text(app).splitlines()[-1]
        assert "f1 Aide" in footer and "? Aide" not in footer
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_a_burst_of_binding_changes_composes_the_footer_once(demo_data: Path) -> None:
    """Each change of a screen's keys used to compose the footer again, a widget per key:
    four times during the start alone. Changes that arrive before it is composed make one
    composition (here five: it used to be five), and the footer still ends showing the keys in
    force."""
    from tui.widgets.footer import KeyFooter

    app = build_app(demo_data)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        composed: list[int] = []
        original = footer.recompose

        async def counted() -> None:
            composed.append(1)
            await original()

        footer.recompose = counted  # type: ignore[method-assign]
        for _ in range(5):
            app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert len(composed) == 1
        await pilot.press("slash")  # the filter focused: its keys replace the list's
        await pilot.pause()
        await pilot.pause()
        assert "f1 Aide" in screen_text(app).splitlines()[-1]
        await pilot.press("escape")  # back to the list
        await pilot.pause()
        await pilot.pause()
        assert "? Aide" in screen_text(app).splitlines()[-1]
