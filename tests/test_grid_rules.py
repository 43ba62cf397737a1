"""Grid formats: timers that survive a restart, minimums, closing, signing, amendments,
the logbook's two signatures and the refusal of a conflicted evaluator (no textual)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.events import EventError
from models.threshold import CriterionState
from models.timing import Timer, clock
from store.errors import StoreError
from store.store import ConflictError, Store
from tests.signing import secret_of

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _people(store: Store) -> dict[str, str]:
    return {
        "tutor": store.create_person("Paul Tuteur", "CPAM", ["tuteur"], "t"),
        "manager": store.create_person("Marie Manager", "CPAM", ["manager"], "t"),
        "evaluator": store.create_person("Bruno Métier", "CAF", ["representant_metier"], "t"),
        "trainer": store.create_person("Alice Métier", "CAF", ["representant_metier"], "t"),
        "certifier": store.create_person("Claire Certif", "Ucanss", ["certificateur"], "t"),
    }


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, FakeClock, dict[str, str], str]:
    fake = FakeClock()
    with Store.open(tmp_path) as store:
        store.clock = fake
        people = _people(store)
        candidate = store.create_candidate(
            "Jeanne",
            "CPAM",
            "gestionnaire-conseil",
            "t",
            tutor=people["tutor"],
            manager=people["manager"],
        )
        store.declare_link(candidate, people["trainer"], "formateur", "t")
    return tmp_path, fake, people, candidate


def test_timer_arithmetic() -> None:
    timer = Timer().start(T0).pause(T0 + timedelta(minutes=5)).start(T0 + timedelta(minutes=7))
    assert timer.elapsed(T0 + timedelta(minutes=10)) == 8 * 60
    assert timer.remaining(20, T0 + timedelta(minutes=10)) == 12 * 60
    assert timer.elapsed(T0) == 5 * 60  # a clock set back never runs time backwards
    assert clock(-65) == "-01:05" and clock(1200) == "20:00"


def test_timers_survive_a_restart(setup: tuple[Path, FakeClock, dict[str, str], str]) -> None:
    folder, fake, people, candidate = setup
    with Store.open(folder) as store:
        store.clock = fake
        grid = store.open_grid(
            candidate,
            "gc.b1",
            "t",
            evaluator=people["evaluator"],
            certifier=people["certifier"],
            situation="double_ecoute",
        )
        store.grid_event(candidate, grid, "timer.started", "t", phase="observation")
        fake.advance(minutes=12)
    # The process is gone for three minutes; the clock kept running.
    fake.advance(minutes=3)
    with Store.open(folder) as store:
        timer = store.snapshot(candidate).state.grids[grid].timers["observation"]
        assert timer.running
        assert timer.elapsed(fake.now) == 15 * 60
        store.clock = fake
        store.grid_event(candidate, grid, "timer.started", "t", phase="questioning")
        state = store.snapshot(candidate).state.grids[grid]
        # Starting the next phase paused the first one: one clock at a time.
        assert not state.timers["observation"].running
        assert state.timers["observation"].elapsed(fake.now + timedelta(hours=1)) == 15 * 60


def test_closing_needs_a_reason_when_minimums_are_not_met(
    setup: tuple[Path, FakeClock, dict[str, str], str],
) -> None:
    folder, fake, people, candidate = setup
    with Store.open(folder) as store:
        store.clock = fake
        grid = store.open_grid(
            candidate,
            "gc.b1",
            "t",
            evaluator=people["evaluator"],
            certifier=people["certifier"],
            situation="accueil_physique",
        )
        store.grid_event(candidate, grid, "timer.started", "t", phase="observation")
        fake.advance(minutes=19, seconds=59)
        store.grid_event(candidate, grid, "interviews.counted", "t", count=2)
        for n in range(1, 6):
            store.grid_event(
                candidate, grid, "letter.recorded", "t", index=n, reason="x", processed=n != 3
            )
        with pytest.raises(StoreError, match="un motif est requis") as caught:
            store.close_grid(candidate, grid, None, "t")
        message = str(caught.value)
        assert "Accueil physique : 19 min 59 s sur 20 min" in message
        assert "Courriers/courriels traités : 4 sur 5" in message
        assert "Questionnement : 0 min 00 s sur 15 min" in message
        assert "Entretiens" not in message
        missing = store.close_grid(candidate, grid, "Coupure réseau", "t")
        assert len(missing) == 3
        state = store.snapshot(candidate).state.grids[grid]
        assert state.closed is not None and state.closed.reason == "Coupure réseau"
        assert not state.timers["observation"].running  # closing stops the clocks


def test_a_complete_grid_closes_without_reason(
    setup: tuple[Path, FakeClock, dict[str, str], str],
) -> None:
    folder, fake, people, candidate = setup
    with Store.open(folder) as store:
        store.clock = fake
        grid = store.open_grid(
            candidate, "gc.b2", "t", evaluator=people["evaluator"], certifier=people["certifier"]
        )
        for phase in ("presentation", "exchange"):
            store.grid_event(candidate, grid, "timer.started", "t", phase=phase)
            fake.advance(minutes=10)
            store.grid_event(candidate, grid, "timer.paused", "t", phase=phase)
        with pytest.raises(StoreError, match="Compétences abordées : 1 sur 2"):
            store.grid_event(
                candidate, grid, "coverage.marked", "t", competency="gc.b2.c1", covered=True
            )
            store.close_grid(candidate, grid, "", "t")
        store.grid_event(
            candidate, grid, "coverage.marked", "t", competency="gc.b2.c3", covered=True
        )
        with pytest.raises(StoreError, match="Absence de document remis non confirmée"):
            store.close_grid(candidate, grid, None, "t")
        store.grid_event(candidate, grid, "no_document.noted", "t", confirmed=True)
        assert store.close_grid(candidate, grid, None, "t") == []


def test_signing_makes_the_grid_read_only_and_amendments_need_a_reason(
    setup: tuple[Path, FakeClock, dict[str, str], str],
) -> None:
    folder, fake, people, candidate = setup
    with Store.open(folder) as store:
        store.clock = fake
        grid = store.open_grid(
            candidate, "gc.b3", "t", evaluator=people["evaluator"], certifier=people["certifier"]
        )
        criterion = "gc.b3.c1.k1"
        store.mark_criteria(candidate, grid, [(criterion, CriterionState.VALIDATED, "")], "t")
        with pytest.raises(EventError, match="close avant d'être signée"):
            store.sign_grid(
                candidate, grid, people["evaluator"], secret_of(store, people["evaluator"])
            )
        store.close_grid(candidate, grid, "Démonstration écourtée", "t")
        with pytest.raises(EventError, match="avenant"):
            store.mark_criteria(
                candidate, grid, [(criterion, CriterionState.NOT_VALIDATED, "")], "t"
            )
        with pytest.raises(ConflictError, match="seuls les deux évaluateurs"):
            store.sign_grid(candidate, grid, people["tutor"], secret_of(store, people["tutor"]))
        store.sign_grid(candidate, grid, people["evaluator"], secret_of(store, people["evaluator"]))
        with pytest.raises(EventError, match="seule une grille signée"):
            store.amend_criterion(
                candidate,
                grid,
                criterion,
                CriterionState.NOT_VALIDATED,
                "",
                "Erreur",
                people["evaluator"],
                secret_of(store, people["evaluator"]),
            )
        store.sign_grid(candidate, grid, people["certifier"], secret_of(store, people["certifier"]))
        with pytest.raises(EventError):
            store.amend_criterion(
                candidate,
                grid,
                criterion,
                CriterionState.NOT_VALIDATED,
                "",
                "",
                people["certifier"],
                secret_of(store, people["certifier"]),
            )
        with pytest.raises(ConflictError, match="Règle : une grille signée ne se corrige"):
            store.amend_criterion(
                candidate,
                grid,
                criterion,
                CriterionState.NOT_VALIDATED,
                "",
                "Erreur",
                people["tutor"],
            )
        store.amend_criterion(
            candidate,
            grid,
            criterion,
            CriterionState.NOT_VALIDATED,
            "",
            "Erreur de saisie",
            people["certifier"],
            secret_of(store, people["certifier"]),
        )
        state = store.snapshot(candidate).state.grids[grid]
        assert state.signed and state.states[criterion] is CriterionState.NOT_VALIDATED
        (amendment,) = state.amendments
        assert (amendment.before, amendment.state, amendment.reason) == (
            CriterionState.VALIDATED,
            CriterionState.NOT_VALIDATED,
            "Erreur de saisie",
        )


@pytest.mark.parametrize(
    ("who", "relation", "expected"),
    [
        ("tutor", None, "n'est pas déclaré(e) représentant métier"),
        ("trainer", None, "intervenu(e) dans sa formation"),
        ("evaluator", "superieur", "supérieur(e) hiérarchique"),
        ("evaluator", "manager", "manager du candidat"),
    ],
)
def test_conflicted_evaluators_are_refused(
    setup: tuple[Path, FakeClock, dict[str, str], str],
    who: str,
    relation: str | None,
    expected: str,
) -> None:
    folder, _, people, candidate = setup
    with Store.open(folder) as store:
        if relation is not None:
            store.declare_link(candidate, people[who], relation, "t")
        with pytest.raises(ConflictError, match=re.escape(expected)):
            store.open_grid(
                candidate, "gc.b3", "t", evaluator=people[who], certifier=people["certifier"]
            )
        assert not store.snapshot(candidate).state.grids


def test_logbook_needs_both_signatures_each_in_their_role(
    setup: tuple[Path, FakeClock, dict[str, str], str],
) -> None:
    folder, _, people, candidate = setup
    comp = "gc.b1.c1"
    with Store.open(folder) as store:
        with pytest.raises(ConflictError, match="n'est pas déclaré"):
            store.sign_attestation(
                candidate,
                comp,
                "manager",
                people["tutor"],
                "Appel",
                secret_of(store, people["tutor"]),
            )
        store.sign_attestation(
            candidate,
            comp,
            "tuteur",
            people["tutor"],
            "Appel d'un assuré",
            secret_of(store, people["tutor"]),
        )
        assert not store.snapshot(candidate).state.attested(comp)
        with pytest.raises(StoreError, match="déjà signé"):
            store.sign_attestation(
                candidate,
                comp,
                "tuteur",
                people["tutor"],
                "Encore",
                secret_of(store, people["tutor"]),
            )
        store.sign_attestation(
            candidate,
            comp,
            "manager",
            people["manager"],
            "Appel d'un assuré",
            secret_of(store, people["manager"]),
        )
        assert store.snapshot(candidate).state.attested(comp)
        with pytest.raises(ConflictError, match="sa propre signature"):
            store.withdraw_attestation(
                candidate,
                comp,
                "tuteur",
                people["manager"],
                "Pas moi",
                secret_of(store, people["manager"]),
            )
        store.withdraw_attestation(
            candidate,
            comp,
            "tuteur",
            people["tutor"],
            "Signé trop tôt",
            secret_of(store, people["tutor"]),
        )
        state = store.snapshot(candidate).state
        assert not state.attested(comp)
        assert [(e.action, e.text) for e in state.logbook_history][-1] == (
            "withdrawn",
            "Signé trop tôt",
        )
